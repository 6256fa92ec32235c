"""Runs the device-side benchmark scripts (bench/device/) and parses their output."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .qemu import Qemu, ScriptError

DEVICE_DIR = Path(__file__).resolve().parents[1] / "device"


@dataclass
class Output:
    """What the scripts printed: sample series (S lines) and results (R lines)."""

    samples: dict[str, list[int]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def parse(self, text: str) -> None:
        for line in text.splitlines():
            kind, _, rest = line.partition(" ")
            name, _, value = rest.partition(" ")
            if kind == "S":
                self.samples.setdefault(name, []).extend(int(v) for v in value.split())
            elif kind == "R":
                self.results[name] = ast.literal_eval(value)


def script(name: str, params: dict[str, object]) -> str:
    """The prelude, the parameters as assignments, then bench/device/<name>.py."""
    lines = [(DEVICE_DIR / "_prelude.py").read_text()]
    lines += [f"{key} = {value!r}" for key, value in params.items()]
    lines.append((DEVICE_DIR / f"{name}.py").read_text())
    return "\n".join(lines)


def run_scripts(
    qemu: Qemu, plan: list[tuple[str, dict[str, object]]], log: Path | None = None
) -> Output:
    """Runs each (script, params) of `plan` in one QEMU session."""
    out = Output()
    for name, params in plan:
        print(f"==> running bench/device/{name}.py", flush=True)
        qemu.soft_reset()
        try:
            text = qemu.run(script(name, params), name=f"{name}.py")
        except ScriptError as ex:
            if log is not None:
                with log.open("a") as f:
                    f.write(f"=== {name}.py {params} (raised)\n{ex.output}{ex}\n")
            raise
        if log is not None:
            with log.open("a") as f:
                f.write(f"=== {name}.py {params}\n{text}")
        out.parse(text)
    return out
