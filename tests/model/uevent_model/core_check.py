"""Compares what a device printed for a core program with what the model allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .core_model import Caps, CoreModel, ModelError, Outcome
from .program import Program

CAPS = re.compile(r"^caps (\d+) (\d+) ([01]) e=(\d+) p=(\d+) a=(\d+)$")
# Ops whose uevent call allocates: op A before one of them may make it fail.
MAY_FAIL = frozenset("FQRUEWX")


@dataclass
class Mismatch:
    """The first operation whose output the model does not allow."""

    segment: int
    index: int  # within the segment
    op: str
    got: str
    allowed: list[str]

    def __str__(self) -> str:
        allowed = " | ".join(repr(a) for a in self.allowed) or "(nothing)"
        return (
            f"segment {self.segment}, op {self.index} `{self.op}`: "
            f"device printed {self.got!r}, the model allows {allowed}"
        )


def parse_caps(line: str) -> Caps:
    m = CAPS.match(line.strip())
    if not m:
        raise ValueError(f"not a caps line: {line!r}")
    return Caps(
        entries_max=int(m[1]),
        pollers_max=int(m[2]),
        threads=m[3] == "1",
        base_entries=int(m[4]),
        base_pollers=int(m[5]),
    )


def state_key(state: CoreModel) -> str:
    """Two states with the same key behave the same from here on."""
    return repr(
        (
            sorted(state.names.items()),
            sorted(state.flags.items()),
            sorted((i, p.number, p.trigger) for i, p in state.pins.items()),
            sorted(state.pin_levels.items()),
            sorted(
                (i, p.open, p.notified, sorted((s, vars(e)) for s, e in p.entries.items()))
                for i, p in state.pollers.items()
            ),
            sorted((k, vars(e)) for k, e in state.handles.items()),
            [sorted((s, vars(e)) for s, e in p.entries.items()) for p in state.zombies],
        )
    )


def step(states: list[CoreModel], op: str, got: str, after_a: bool) -> list[CoreModel]:
    """The states that follow `op` printing `got`, from each state it may be in."""
    fields = op.split()
    kept: dict[str, CoreModel] = {}
    for state in states:
        if fields[0] == "K":
            if state.stats_allowed(got):
                kept.setdefault(state_key(state), state)
            continue
        outcomes: list[Outcome] = state.step(fields)
        if after_a and fields[0] in MAY_FAIL:
            outcomes = state.may_fail(outcomes)
        for outcome in outcomes:
            if outcome.output == got:
                kept.setdefault(state_key(outcome.state), outcome.state)
    return list(kept.values())


def allowed_outputs(states: list[CoreModel], op: str, after_a: bool) -> list[str]:
    fields = op.split()
    if fields[0] == "K":
        return ["e= p= a= within the model's ranges"]
    out: list[str] = []
    for state in states:
        outcomes = state.step(fields)
        if after_a and fields[0] in MAY_FAIL:
            outcomes = state.may_fail(outcomes)
        out += [o.output for o in outcomes if o.output not in out]
    return out


def check(program: Program, outputs: list[list[str]]) -> Mismatch | None:
    """None if every segment's output is one the model allows."""
    pin_levels: dict[int, int] = {}
    for si, (segment, lines) in enumerate(zip(program.segments, outputs, strict=True)):
        if not lines:
            return Mismatch(si, -1, "caps", "(no output)", ["caps ..."])
        caps = parse_caps(lines[0])
        if (caps.base_entries, caps.base_pollers) != (0, 0) or not lines[0].endswith(" a=0"):
            # After a soft reset nothing of the last session may be in use.
            return Mismatch(si, -1, "(soft reset)", lines[0], ["caps ... e=0 p=0 a=0"])
        states = [CoreModel(caps, dict(pin_levels))]
        after_a = False
        for i, op in enumerate(segment):
            line = lines[i + 1] if i + 1 < len(lines) else "(no line)"
            prefix = f"{i} "
            got = line[len(prefix) :] if line.startswith(prefix) else "(bad line) " + line
            try:
                following = step(states, op, got, after_a)
            except ModelError as e:
                raise ModelError(f"segment {si}, op {i} `{op}`: {e}") from e
            if not following:
                return Mismatch(si, i, op, got, allowed_outputs(states, op, after_a))
            states = following
            after_a = op.split()[0] == "A"
        if len(lines) > len(segment) + 1:
            extra = lines[len(segment) + 1]
            return Mismatch(si, len(segment), "(end)", extra, ["(nothing more)"])
        pin_levels = dict(states[0].pin_levels)
    return None
