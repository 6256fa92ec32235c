"""Fixtures of the storage suite: the plain port, started as a user would.

``console`` is ``scripts/run-qemu --pty mps2_an385``: one QEMU for the whole
session, its console on a pty that the tests give to the real ``mpremote``.
``board`` is the test firmware on a blank /flash, on each of mps2_an385 and
native_sim (boards.py).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from boards import Board, build

REPO = Path(__file__).resolve().parents[2]
RUN_QEMU = REPO / "scripts" / "run-qemu"


@dataclass
class Console:
    """A running QEMU and the pty of its console."""

    process: subprocess.Popen[str]
    device: str

    def mpremote(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``mpremote connect <pty> <args>``; fail the test if it fails."""
        return mpremote(self.device, *args, timeout=timeout)


def mpremote(device: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real mpremote (the PyPI package in .venv) against `device`."""
    cmd = [sys.executable, "-m", "mpremote", "connect", device, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}"
    )
    return done


@pytest.fixture(scope="session")
def start_console() -> Iterator[object]:
    """A function that starts ``run-qemu --pty BOARD``; stops them all at the end."""
    started: list[subprocess.Popen[str]] = []

    def start(board: str = "mps2_an385") -> Console:
        proc = subprocess.Popen(
            [str(RUN_QEMU), "--pty", board],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # after the build, QEMU's pty
        m = re.match(r"console: (/dev/pts/\d+)$", line.strip())
        assert m, f"run-qemu --pty printed {line!r} (exit {proc.poll()})"
        return Console(proc, m.group(1))

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def console(start_console) -> Console:  # type: ignore[no-untyped-def]
    return start_console()


@pytest.fixture(params=["mps2_an385", "native_sim"])
def board(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Board]:
    """The test firmware (``_uevent_test`` drives the emulated buttons) on a
    blank /flash, in the raw REPL: mps2_an385 in QEMU, native_sim."""
    image = build(request.param, test_firmware=True)
    b = Board(request.param, image, tmp_path / "flash.bin")
    try:
        yield b
    finally:
        b.kill()
