"""The friendly REPL evaluates what is typed on the console."""

import pytest
from twister_harness import DeviceAdapter

from conftest import wait_for_banner


@pytest.fixture
def repl(dut: DeviceAdapter) -> DeviceAdapter:
    wait_for_banner(dut)
    return dut


def send(dut: DeviceAdapter, line: str) -> None:
    dut.write(line.encode() + b"\r")


def test_arithmetic(repl: DeviceAdapter) -> None:
    send(repl, "print(6*7)")
    lines = repl.readlines_until(regex=r"^42$", timeout=10)
    assert lines[-1] == "42"


def test_imports(repl: DeviceAdapter) -> None:
    send(repl, "import asyncio, select, machine, time, uevent")
    send(repl, "print('imports', 'ok')")
    lines = repl.readlines_until(regex=r"^imports ok$", timeout=10)
    assert not any("Error" in line for line in lines), lines


def test_error_is_reported(repl: DeviceAdapter) -> None:
    send(repl, "1/0")
    lines = repl.readlines_until(regex=r"ZeroDivisionError", timeout=10)
    assert "Traceback" in "\n".join(lines)
    # And the REPL is still alive.
    send(repl, "print('still', 6*7)")
    repl.readlines_until(regex=r"^still 42$", timeout=10)


def test_queued_callbacks_end_a_wait_at_once(repl: DeviceAdapter) -> None:
    """Issue #10, point 1, typed at the REPL: two callbacks queued when
    poll_ms starts; the second sets the Flag it waits for. MicroPython runs
    one callback per check: the wait used to last its whole 2 s."""
    send(repl, "import micropython, time, uevent")
    send(repl, "p = uevent.poll(); f = uevent.Flag(); e = p.register(f, uevent.EVENT)")
    send(repl, "a = lambda x: None; b = lambda x: f.set()")
    send(
        repl,
        "micropython.schedule(a, 0); micropython.schedule(b, 0); t0 = time.ticks_ms(); "
        "r = p.poll_ms(2000); print('woke', len(r), time.ticks_diff(time.ticks_ms(), t0) < 200)",
    )
    lines = repl.readlines_until(regex=r"^woke ", timeout=10)
    assert lines[-1] == "woke 1 True"
