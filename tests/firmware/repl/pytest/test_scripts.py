"""Every tests/micropython/*.py runs on one booted image; its output must
match <name>.py.exp (compared line by line, stripped, blank lines ignored).

A script whose whole output is ``SKIP`` is reported as skipped. A script
whose output differs by board (the wake matrix lists the cells a board
cannot run) has ``<name>.py.<board>.exp`` files, used before ``<name>.py.exp``. Adding a
script needs no firmware build: see tests/micropython/README.md.

A line ``# --- soft reset ---`` splits a script: each part runs after a
soft reset (Ctrl-D) of its own, and the outputs are compared as one (a
first part that prints only ``SKIP`` skips the rest). That
is how a script checks what a fresh session finds (and the random programs
of tests/model write the failures they found with soft resets in them).

Soak (``UEVENT_SOAK_MS=<ms>`` in the environment, ``scripts/test --soak``):
only the scripts with a ``# soak: <windows>`` line run, each after
``SOAK_MS = <ms>`` has been defined in the same session; they use it in
place of their window length, and get ``windows * ms`` more time.
"""

import difflib
import os
import re
from pathlib import Path

import pytest
from twister_harness.exceptions import TwisterHarnessTimeoutException

from conftest import SCRIPTS_DIR, build_board, sanitizer_reports, script_timeout
from raw_repl import RawRepl, normalize

SCRIPTS = sorted(SCRIPTS_DIR.glob("*.py"))
SOAK_MS = int(os.environ.get("UEVENT_SOAK_MS", "0"))
SOFT_RESET_LINE = re.compile(r"^# --- soft reset ---$", re.MULTILINE)


def soak_windows(source: str) -> int:
    """How many SOAK_MS windows a script runs (its ``# soak: N``), or 0."""
    m = re.search(r"^#\s*soak:\s*([0-9]+)\s*$", source, re.MULTILINE)
    return int(m.group(1)) if m else 0


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(raw_repl: RawRepl, script: Path) -> None:
    source = script.read_text()
    exp_file = script.with_name(script.name + ".exp")
    board_exp = script.with_name(f"{script.name}.{build_board(raw_repl.device)}.exp")
    if board_exp.is_file():
        exp_file = board_exp
    timeout = script_timeout(source)
    if SOAK_MS:
        windows = soak_windows(source)
        if not windows:
            pytest.skip("soak run: not a soak script")
        raw_repl.exec(f"SOAK_MS = {SOAK_MS}")
        timeout += 1.5 * windows * SOAK_MS / 1000
    combined = []
    for i, part in enumerate(SOFT_RESET_LINE.split(source)):
        if i:
            raw_repl.soft_reset()
        try:
            result = raw_repl.exec(part, timeout=timeout)
        except TwisterHarnessTimeoutException:
            raw_repl.interrupt()
            pytest.fail(f"{script.name}: no end after {timeout} s (part {i + 1})")
        combined.append(result.combined)
        if normalize(result.combined) == ["SKIP"]:
            break  # the board lacks what the script needs: the rest too
    reports = sanitizer_reports(raw_repl.transcript)
    assert not reports, f"{script.name}: sanitizer reports:\n" + "\n".join(reports)
    got = normalize("\n".join(combined))
    if got == ["SKIP"]:
        pytest.skip(f"{script.name} printed SKIP")
    assert exp_file.is_file(), f"{exp_file.name} is missing; the script printed:\n" + "\n".join(got)
    expected = normalize(exp_file.read_text())
    if got != expected:
        diff = difflib.unified_diff(expected, got, exp_file.name, "output", lineterm="", n=1)
        pytest.fail(f"{script.name}: output differs from {exp_file.name}:\n" + "\n".join(diff))
