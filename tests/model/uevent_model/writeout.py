"""Writes a shrunk failure as a regression test script of tests/micropython."""

from __future__ import annotations

from pathlib import Path

from .core_model import Caps, CoreModel
from .runner import Verdict

SOFT_RESET_LINE = "# --- soft reset ---"


def expected_lines(verdict: Verdict, caps: Caps) -> tuple[list[list[str]], list[str]]:
    """What a correct device prints for each segment (without the caps line),
    and the operations whose output the model leaves open (a flaky test)."""
    program = verdict.program
    state = CoreModel(caps)
    out: list[list[str]] = []
    open_ops: list[str] = []
    for si, segment in enumerate(program.segments):
        if si:
            state = state.soft_reset()
        lines = []
        after_a = False
        for i, op in enumerate(segment):
            fields = op.split()
            if fields[0] == "K":
                lo_e, _ = state.entries_in_use()
                lo_p, _ = state.pollers_in_use()
                armed = sum(
                    1
                    for p in state.pollers.values()
                    if p.open
                    for e in p.entries.values()
                    if e.armed
                )
                lines.append(f"{i} e={lo_e} p={lo_p} a={armed}")
                continue
            outcomes = state.step(fields)
            if after_a and fields[0] in "FQRUEWX":
                open_ops.append(op)
            if len({o.output for o in outcomes}) > 1:
                open_ops.append(op)
            lines.append(f"{i} {outcomes[0].output}")
            state = outcomes[0].state
            after_a = fields[0] == "A"
        out.append(lines)
    return out, open_ops


def write_test(folder: Path, board: str, verdict: Verdict, caps: Caps) -> Path:
    """tests/micropython/model_<family>_<seed>.py and its .exp."""
    program = verdict.program
    name = f"model_{program.family}_{program.seed}"
    if program.family == "core":
        expected, open_ops = expected_lines(verdict, caps)
    else:
        from .asyncio_check import run_model

        expected, open_ops = run_model(program, True, caps.entries_max), []
    first = (verdict.failure or "").splitlines()[0] if verdict.failure else ""
    head = [
        f"# Found by the random programs of tests/model ({program.family} family,",
        f"# seed {program.seed}, on {board}), shrunk to {program.size()} operations:",
        f"# {first}",
    ]
    if open_ops:
        head.append("# The model leaves open: " + "; ".join(open_ops))
    module = "uevent_programs" if program.family == "core" else "uevent_asyncio_programs"
    caps_arg = ", caps=False" if program.family == "core" else ""
    parts = []
    for text in program.texts():
        parts.append(f"import {module}\n\n{module}.run({text!r}{caps_arg})\n")
    body = "\n".join(head) + "\n" + f"\n{SOFT_RESET_LINE}\n".join(parts)
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"{name}.py"
    script.write_text(body)
    (folder / f"{name}.py.exp").write_text(
        "\n".join(line for seg in expected for line in seg) + "\n"
    )
    return script
