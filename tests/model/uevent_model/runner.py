"""Runs programs on a device and checks each against the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import core_check
from .device import DeviceError
from .program import Program


class Target(Protocol):
    """Where programs run: a device (raw REPL) or the unix port."""

    def run_segment(self, code: str, timeout: float) -> tuple[str, str]: ...

    def stop(self) -> None: ...


@dataclass
class Verdict:
    """What came of one program: None failure means it passed."""

    program: Program
    outputs: list[list[str]]
    failure: str | None = None
    crashed: bool = False


def device_code(family: str, text: str, mode: str = "uevent") -> str:
    """What the target runs for one segment. Modes: "uevent" (the default
    loop), "select" (upstream's select.poll loop in the same image, through
    use_select_poll()), "unix" (MicroPython's unix port: stock asyncio, a
    shorter settle as it runs in real time)."""
    if family == "core":
        return f"import uevent_programs\nuevent_programs.run({text!r})\n"
    args = {"uevent": "", "select": ", select_poll=True", "unix": f", settle_ms={UNIX_SETTLE_MS}"}
    return f"import uevent_asyncio_programs\nuevent_asyncio_programs.run({text!r}{args[mode]})\n"


# The unix port runs in real time on a host that may be busy: settles long
# enough for a 30 ms timeout after a 2 ms sleep, short enough to be quick.
UNIX_SETTLE_MS = 80


def run_program(
    target: Target,
    program: Program,
    timeout: float = 60,
    mode: str = "uevent",
    entries_max: int = 1 << 20,
) -> Verdict:
    """Runs every segment (each in a fresh interpreter) and checks the output."""
    outputs: list[list[str]] = []
    for text in program.texts():
        try:
            out, err = target.run_segment(device_code(program.family, text, mode), timeout)
        except DeviceError as e:
            target.stop()
            tail = e.output[-600:]
            return Verdict(program, outputs, f"device error: {e}\n{tail}", crashed=True)
        outputs.append([line for line in out.splitlines() if line.strip()])
        if err.strip():
            return Verdict(program, outputs, f"the program raised:\n{err.strip()}")
    return Verdict(program, outputs, check(program, outputs, mode, entries_max))


def check(
    program: Program, outputs: list[list[str]], mode: str = "uevent", entries_max: int = 1 << 20
) -> str | None:
    if program.family == "core":
        mismatch = core_check.check(program, outputs)
    else:
        from . import asyncio_check

        mismatch = asyncio_check.check(program, outputs, mode == "uevent", entries_max)
    return None if mismatch is None else str(mismatch)
