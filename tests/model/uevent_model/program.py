"""Programs: what the generator makes, the device runs and the model predicts.

A program is one or more segments with a soft reset between them; a segment
is a list of operations, each a line of space-separated fields whose first
is the operation's code (the table in README.md). The device gets a segment
as one string, operations separated by ";".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Program:
    family: str  # "core" (the uevent API) or "asyncio"
    seed: int  # the generator's seed: the same seed makes the same program
    segments: list[list[str]] = field(default_factory=list)

    def ops(self) -> list[str]:
        return [op for segment in self.segments for op in segment]

    def size(self) -> int:
        return sum(len(s) for s in self.segments)

    def texts(self) -> list[str]:
        """One device string per segment."""
        return [";".join(segment) for segment in self.segments]

    def render(self) -> str:
        """The program as one line per operation, a line `---` per soft reset."""
        return "\n---\n".join("\n".join(segment) for segment in self.segments)

    @classmethod
    def parse(cls, family: str, seed: int, text: str) -> Program:
        segments = [
            [line.strip() for line in part.strip().splitlines() if line.strip()]
            for part in text.split("\n---\n")
        ]
        return cls(family, seed, [s for s in segments if s])
