"""Summary statistics and unit conversion for cycle samples."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Clock:
    """The cycle counter as measured under QEMU -icount.

    `hz` is its rate in virtual time and `instr_per_cycle` how many guest
    instructions run per count, both from the calibration loop.
    """

    hz: float
    nominal_hz: int
    instr_per_cycle: float

    @classmethod
    def from_calibration(cls, cal: dict[str, int], icount_shift: int) -> Clock:
        instructions = cal["instructions"]
        cycles = cal["cycles"]
        seconds = instructions * (2**icount_shift) * 1e-9
        return cls(
            hz=cycles / seconds,
            nominal_hz=cal["nominal_hz"],
            instr_per_cycle=instructions / cycles,
        )

    def us(self, cycles: float) -> float:
        return cycles / self.hz * 1e6

    def instructions(self, cycles: float) -> float:
        return cycles * self.instr_per_cycle

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Summary:
    """Median, 99th percentile (nearest rank) and maximum of a series."""

    n: int
    median: float
    p99: int
    max: int
    min: int

    @classmethod
    def of(cls, values: list[int]) -> Summary:
        if not values:
            raise ValueError("no samples")
        s = sorted(values)
        n = len(s)
        mid = n // 2
        median = float(s[mid]) if n % 2 else (s[mid - 1] + s[mid]) / 2
        p99 = s[max(0, math.ceil(0.99 * n) - 1)]
        return cls(n=n, median=median, p99=p99, max=s[-1], min=s[0])

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
