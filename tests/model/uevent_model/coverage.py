"""What a program exercised: the distinct pairs of consecutive operation kinds."""

from __future__ import annotations

from itertools import pairwise

from .program import Program

# Operations whose context (m, s, i, t) or kind (S/N) makes a different path.
WITH_CONTEXT = {"S": 2, "C": 2, "N": 2, "V": 4, "H": 1}


def kind(op: str) -> str:
    fields = op.split()
    at = WITH_CONTEXT.get(fields[0])
    if at is not None and len(fields) > at:
        extra = fields[1] if fields[0] == "H" else fields[at]
        if fields[0] == "V":
            extra = fields[2] + fields[4]
        return f"{fields[0]}:{extra}"
    return fields[0]


def pairs(program: Program) -> set[tuple[str, str]]:
    """Consecutive pairs; a soft reset between segments is the kind "reset"."""
    kinds: list[str] = []
    for i, segment in enumerate(program.segments):
        if i:
            kinds.append("reset")
        kinds += [kind(op) for op in segment]
    return set(pairwise(kinds))
