"""Runs programs on a device and checks each against the model."""

from __future__ import annotations

from dataclasses import dataclass

from . import core_check
from .device import Device, DeviceError
from .program import Program


@dataclass
class Verdict:
    """What came of one program: None failure means it passed."""

    program: Program
    outputs: list[list[str]]
    failure: str | None = None
    crashed: bool = False


def device_code(family: str, text: str, mode: str = "uevent") -> str:
    """What the raw REPL runs for one segment; mode "select": asyncio on
    upstream's select.poll loop (use_select_poll()) in the same image."""
    if family == "core":
        return f"import uevent_programs\nuevent_programs.run({text!r})\n"
    flag = ", select_poll=True" if mode == "select" else ""
    return f"import uevent_asyncio_programs\nuevent_asyncio_programs.run({text!r}{flag})\n"


def run_program(
    device: Device, program: Program, timeout: float = 60, mode: str = "uevent"
) -> Verdict:
    """Runs every segment (a soft reset before each) and checks the output."""
    outputs: list[list[str]] = []
    for text in program.texts():
        try:
            if not device.alive():
                device.start()
            device.soft_reset()
            out, err = device.exec(device_code(program.family, text, mode), timeout)
        except DeviceError as e:
            device.stop()
            tail = e.output[-600:]
            return Verdict(program, outputs, f"device error: {e}\n{tail}", crashed=True)
        outputs.append([line for line in out.splitlines() if line.strip()])
        if err.strip():
            return Verdict(program, outputs, f"the program raised:\n{err.strip()}")
    return Verdict(program, outputs, check(program, outputs, mode))


def check(program: Program, outputs: list[list[str]], mode: str = "uevent") -> str | None:
    if program.family == "core":
        mismatch = core_check.check(program, outputs)
    else:
        from . import asyncio_check

        mismatch = asyncio_check.check(program, outputs, uevent=mode == "uevent")
    return None if mismatch is None else str(mismatch)
