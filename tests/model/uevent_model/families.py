"""The program families: each has a generator, a device module and a checker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import asyncio_gen, core_gen
from .core_model import Caps
from .device import Device
from .program import Program


@dataclass(frozen=True)
class Family:
    generate: Callable[[Caps, int, frozenset[str]], Program]


def with_resets(generate: Callable[[Caps, int, frozenset[str]], Program]) -> Family:
    """Soft-reset hygiene: a short program's prefixes, one segment each, so a
    soft reset falls between every pair of its steps and each segment must
    behave as in a fresh session (nothing of the last one may linger)."""

    def make(caps: Caps, seed: int, omit: frozenset[str]) -> Program:
        base = generate(caps, seed, omit)
        steps = base.segments[0][:12]
        return Program(base.family, seed, [steps[: i + 1] for i in range(len(steps))])

    return Family(make)


FAMILIES: dict[str, Family] = {
    "core": Family(core_gen.generate),
    "asyncio": Family(asyncio_gen.generate),
    "asyncio-portable": Family(asyncio_gen.generate_portable),
    "core-resets": with_resets(core_gen.generate),
    "asyncio-resets": with_resets(asyncio_gen.generate),
}

CAPS_CODE = """\
import uevent
try:
    import _thread
except ImportError:
    _thread = None
s = uevent.stats()
print(s["entries_max"], s["pollers_max"], 1 if _thread else 0)
"""


def board_caps(device: Device) -> Caps:
    """The capacities of the image on `device` (a fresh interpreter's)."""
    device.soft_reset()
    out, err = device.exec(CAPS_CODE)
    if err:
        raise RuntimeError(f"reading the board's capacities failed: {err}")
    entries, pollers, threads = (int(v) for v in out.split())
    return Caps(entries, pollers, threads == 1)


def plausible(program: Program, caps: Caps) -> bool:
    """Whether the model can run `program`: a shrunk one may wait for nothing
    (poll_ms(-1) with nothing ready), or wait after an injected fault, whose
    outcome the model cannot know beforehand."""
    from .core_model import CoreModel, ModelError

    if program.family != "core":
        from .asyncio_model import plausible as asyncio_plausible

        return asyncio_plausible(program, caps) and (
            program.family != "asyncio-portable" or asyncio_gen.no_conflict(program)
        )
    state = CoreModel(caps)
    try:
        for i, segment in enumerate(program.segments):
            if i:
                state = state.soft_reset()
            faulted = False
            for op in segment:
                fields = op.split()
                faulted = faulted or fields[0] == "A"
                if fields[0] == "W" and fields[2] == "-1" and faulted:
                    return False
                if fields[0] != "K":
                    state = state.step(fields)[0].state
    except ModelError:
        return False
    return True
