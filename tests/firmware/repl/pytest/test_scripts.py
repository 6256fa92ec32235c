"""Every tests/micropython/*.py runs on one booted image; its output must
match <name>.py.exp (compared line by line, stripped, blank lines ignored).

A script whose whole output is ``SKIP`` is reported as skipped. Adding a
script needs no firmware build: see tests/micropython/README.md.
"""

from pathlib import Path

import pytest
from twister_harness.exceptions import TwisterHarnessTimeoutException

from conftest import SCRIPTS_DIR, script_timeout
from raw_repl import RawRepl, normalize

SCRIPTS = sorted(SCRIPTS_DIR.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(raw_repl: RawRepl, script: Path) -> None:
    source = script.read_text()
    exp_file = script.with_name(script.name + ".exp")
    try:
        result = raw_repl.exec(source, timeout=script_timeout(source))
    except TwisterHarnessTimeoutException:
        raw_repl.interrupt()
        pytest.fail(f"{script.name}: no end after {script_timeout(source)} s")
    got = normalize(result.combined)
    if got == ["SKIP"]:
        pytest.skip(f"{script.name} printed SKIP")
    assert exp_file.is_file(), f"{exp_file.name} is missing; the script printed:\n{result.combined}"
    assert got == normalize(exp_file.read_text())
