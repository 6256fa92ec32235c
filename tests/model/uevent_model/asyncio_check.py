"""Compares what a device printed for an asyncio program with the model."""

from __future__ import annotations

from .asyncio_model import AsyncioModel, ModelError, apply_op, end_run
from .core_check import Mismatch
from .program import Program

# Operations the runner performs outside any asyncio.run() (so the run
# before them ends): their line has no settle and no worker logs. AW: the
# awaitable of wait_event(x) made; AS: and stepped, which needs a task.
TOP_LEVEL = {"AW": "ok", "AS": "!RuntimeError"}


def step(states: list[AsyncioModel], op: str) -> list[tuple[str, AsyncioModel]]:
    fields = op.split()
    out: list[tuple[str, AsyncioModel]] = []
    for state in states:
        if fields[0] in TOP_LEVEL:
            after = state.copy()
            end_run(after)
            out.append((TOP_LEVEL[fields[0]], after))
        else:
            out += apply_op(state, fields)
    return out


def check(
    program: Program, outputs: list[list[str]], uevent: bool = True, entries_max: int = 1 << 20
) -> Mismatch | None:
    """None if every line the device printed is one the model allows."""
    for si, (segment, lines) in enumerate(zip(program.segments, outputs, strict=True)):
        states = [AsyncioModel(uevent, entries_max)]
        for i, op in enumerate(segment):
            line = lines[i].strip() if i < len(lines) else "(no line)"
            prefix = f"{i} "
            got = line[len(prefix) :].strip() if line.startswith(prefix) else "(bad line) " + line
            try:
                outcomes = step(states, op)
            except ModelError as e:
                raise ModelError(f"segment {si}, op {i} `{op}`: {e}") from e
            following = {}
            for text, state in outcomes:
                if text == got:
                    following.setdefault(state.key(), state)
            if not following:
                allowed = sorted({text for text, _ in outcomes})
                return Mismatch(si, i, op, got, allowed)
            states = list(following.values())
        if len(lines) > len(segment):
            return Mismatch(si, len(segment), "(end)", lines[len(segment)], ["(nothing more)"])
    return None


def run_model(program: Program, uevent: bool = True, entries_max: int = 1 << 20) -> list[list[str]]:
    """The lines a correct device prints, taking the first outcome each time."""
    out = []
    for segment in program.segments:
        states = [AsyncioModel(uevent, entries_max)]
        lines = []
        for i, op in enumerate(segment):
            text, state = step(states, op)[0]
            lines.append(f"{i} {text}")
            states = [state]
        out.append(lines)
    return out
