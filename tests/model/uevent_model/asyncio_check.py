"""Compares what a device printed for an asyncio program with the model."""

from __future__ import annotations

from .asyncio_model import AsyncioModel, ModelError, apply_op
from .core_check import Mismatch
from .program import Program

# Operations the runner performs outside any asyncio.run(): their line has
# no settle and no worker logs.
TOP_LEVEL = {"AW": "ok"}


def step(states: list[AsyncioModel], op: str) -> list[tuple[str, AsyncioModel]]:
    fields = op.split()
    out: list[tuple[str, AsyncioModel]] = []
    for state in states:
        if fields[0] in TOP_LEVEL:
            out.append((TOP_LEVEL[fields[0]], state.copy()))
        else:
            out += apply_op(state, fields)
    return out


def check(program: Program, outputs: list[list[str]], uevent: bool = True) -> Mismatch | None:
    """None if every line the device printed is one the model allows."""
    for si, (segment, lines) in enumerate(zip(program.segments, outputs, strict=True)):
        states = [AsyncioModel(uevent)]
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


def run_model(program: Program, uevent: bool = True) -> list[list[str]]:
    """The lines a correct device prints, taking the first outcome each time."""
    out = []
    for segment in program.segments:
        states = [AsyncioModel(uevent)]
        lines = []
        for i, op in enumerate(segment):
            text, state = step(states, op)[0]
            lines.append(f"{i} {text}")
            states = [state]
        out.append(lines)
    return out
