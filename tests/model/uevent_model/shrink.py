"""Shrinks a failing program to a small one that fails the same way."""

from __future__ import annotations

import re

from . import runner
from .core_model import Caps
from .families import plausible
from .program import Program
from .runner import Verdict

# Tries per shrink: each one runs the candidate on the device.
BUDGET = 300


def signature(verdict: Verdict) -> str:
    """How a program failed: crashed, raised, or which operation's output differed."""
    failure = verdict.failure or ""
    if verdict.crashed:
        return "crash"
    if failure.startswith("the program raised"):
        return "raised"
    m = re.search(r"op \d+ `(\S+)", failure)
    return "mismatch " + (m[1] if m else "?")


def shrink(
    target: runner.Target,
    caps: Caps,
    program: Program,
    verdict: Verdict,
    timeout: float = 20,
    mode: str = "uevent",
) -> Verdict:
    """The smallest program found (delta debugging on operations) failing as `verdict`."""
    want = signature(verdict)
    best = verdict
    tries = 0

    def fails(candidate: Program) -> Verdict | None:
        nonlocal tries
        if not plausible(candidate, caps):
            return None
        tries += 1
        v = runner.run_program(target, candidate, timeout, mode, caps.entries_max)
        return v if v.failure is not None and signature(v) == want else None

    # Whole segments first, then chunks of operations, halving the chunk.
    segments = best.program.segments
    for i in range(len(segments) - 1, -1, -1):
        if len(best.program.segments) == 1 or tries >= BUDGET:
            break
        cand = Program(
            program.family, program.seed, [s for j, s in enumerate(best.program.segments) if j != i]
        )
        v = fails(cand)
        if v is not None:
            best = v
    chunk = max(1, best.program.size() // 2)
    while chunk >= 1 and tries < BUDGET:
        progress = False
        for si in range(len(best.program.segments)):
            start = 0
            while start < len(best.program.segments[si]) and tries < BUDGET:
                segs = [list(s) for s in best.program.segments]
                del segs[si][start : start + chunk]
                if not segs[si]:
                    start += chunk
                    continue
                v = fails(Program(program.family, program.seed, segs))
                if v is not None:
                    best = v
                    progress = True
                else:
                    start += chunk
        if not progress:
            chunk //= 2
    return best
