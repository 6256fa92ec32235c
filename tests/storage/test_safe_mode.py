"""Safe mode and the boot scripts, on mps2_an385 (QEMU) and native_sim
(issue 31, point 7; docs/filesystem.md, "Safe mode").

With the board's safe-mode button held (the emulated boards' ``sw3``, pin
21 of ``gpio_emul0``, pressed through ``_uevent_test``) a soft reset runs
neither boot.py nor main.py, which gets past a boot.py that swallows
Ctrl-C; the raw REPL's soft reset (mpremote's) runs neither; a boot.py that
raised is not followed by main.py.
"""

from __future__ import annotations

from boards import Board

# boot.py and main.py that say they ran ('boot' + ' ran': the echo of the
# command that writes them does not contain the text).
SCRIPTS = """
with open('/flash/boot.py', 'w') as f:
    f.write("print('boot' + ' ran')\\n")
with open('/flash/main.py', 'w') as f:
    f.write("print('main' + ' ran')\\n")
"""

# The safe-mode button of the emulated boards: sw3, active low, pulled up.
BUTTON = """
import _uevent_test, machine
_uevent_test.set_input(machine.Pin(('gpio_emul0', 21)), {level})
"""


def test_safe_mode(board: Board) -> None:
    board.repl.run(SCRIPTS)
    # A soft reset at the friendly REPL runs both.
    out = board.repl.friendly_soft_reset()
    assert "boot ran" in out and "main ran" in out, out
    board.repl.enter_raw()
    # The raw REPL's soft reset (mpremote's) runs neither: a tool can
    # always take over.
    out = board.repl.soft_reset()
    assert "boot ran" not in out and "main ran" not in out, out
    # The button held at a reset: neither runs, and the console says why.
    board.repl.run(BUTTON.format(level=0))
    out = board.repl.friendly_soft_reset()
    assert "safe mode" in out, out
    assert "boot ran" not in out and "main ran" not in out, out
    board.repl.enter_raw()
    board.repl.run(BUTTON.format(level=1))
    out = board.repl.friendly_soft_reset()
    assert "safe mode" not in out and "boot ran" in out and "main ran" in out, out
    board.repl.enter_raw()


# A program that made the button's pin an output: an emulated controller
# reads an output pin as 0, the button's "pressed".
BUTTON_AS_OUTPUT = """
import machine
machine.Pin(('gpio_emul0', 21), machine.Pin.OUT, value=1)
"""


def test_a_program_s_pin_setup_is_not_safe_mode(board: Board) -> None:
    """The button is set up as the devicetree says at every reset, not only
    at the first boot: a pin a program reconfigured (an output, an input
    without its pull-up) read as held, and skipped boot.py at random."""
    board.repl.run(SCRIPTS)
    board.repl.run(BUTTON.format(level=1))
    board.repl.run(BUTTON_AS_OUTPUT)
    out = board.repl.friendly_soft_reset()
    assert "safe mode" not in out and "boot ran" in out and "main ran" in out, out
    board.repl.enter_raw()


# A boot.py that raises, and one that swallows Ctrl-C for ever.
RAISING_BOOT = """
with open('/flash/boot.py', 'w') as f:
    f.write("print('boot' + ' ran')\\nraise ValueError('boot' + ' failed')\\n")
with open('/flash/main.py', 'w') as f:
    f.write("print('main' + ' ran')\\n")
"""

STUBBORN_BOOT = """
with open('/flash/boot.py', 'w') as f:
    f.write("import time\\nwhile True:\\n try:\\n  time.sleep_ms(10)\\n")
    f.write(" except KeyboardInterrupt:\\n  pass\\n")
"""


def test_no_main_after_boot_raised(board: Board) -> None:
    board.repl.run(RAISING_BOOT)
    out = board.repl.friendly_soft_reset()
    assert "boot ran" in out and "ValueError: boot failed" in out, out
    assert "main ran" not in out, out
    board.repl.enter_raw()


def test_safe_mode_gets_past_a_stubborn_boot_py(board: Board) -> None:
    """docs/filesystem.md's way out of a boot.py that swallows Ctrl-C: hold
    the button and reset, then remove the file."""
    board.repl.run(STUBBORN_BOOT)
    board.repl.run(BUTTON.format(level=0))
    out = board.repl.friendly_soft_reset()
    assert "safe mode" in out, out
    board.repl.enter_raw()
    board.repl.run("import os; os.remove('/flash/boot.py')")
    board.repl.run(BUTTON.format(level=1))
    out = board.repl.friendly_soft_reset()
    assert "safe mode" not in out, out
    board.repl.enter_raw()
