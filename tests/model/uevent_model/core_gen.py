"""Random programs of the uevent API (the "core" family).

The generator keeps a model of its own to choose operations that make sense
(a poll_ms(-1) only when something will end it, a raise on an object that
exists), but it also names closed pollers, stale entries and pins without
edges on purpose: errors are behaviour too.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .core_model import Caps, CoreModel, ModelError
from .program import Program

FLAGS = [f"f{i}" for i in range(5)]
PINS = [f"p{i}" for i in range(4)]
POLLERS = [f"q{i}" for i in range(4)]
TIMERS = ["t0", "t1"]
PIN_NUMBERS = 11  # uevent_programs.PIN_NUMBERS
MASKS = [1, 2, 4, 4, 4, 5, 6, 7, 7, 0, 8]  # 0 and 8 are refused
TRIGGERS = [1, 2, 3, 3, 0]


class CoreGenerator:
    """Makes one program from a seed, for a board's capacities."""

    def __init__(self, caps: Caps, seed: int, omit: frozenset[str] = frozenset()) -> None:
        self.caps = caps
        self.omit = omit
        self.seed = seed
        self.rng = random.Random(seed)
        self.model = CoreModel(caps)
        self.ops: list[str] = []

    # --- what exists -------------------------------------------------------

    def named(self, kind: str) -> list[str]:
        return sorted(n for n, i in self.model.names.items() if self.model.kinds[i] == kind)

    def open_pollers(self) -> list[str]:
        return [q for q in self.named("poller") if self.model.pollers[self.model.names[q]].open]

    def sources(self) -> list[str]:
        return self.named("flag") + self.named("pin") + self.named("timer")

    def contexts(self) -> list[str]:
        return ["m", "s", "i", "t"] if self.caps.threads else ["m", "s", "i"]

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    # --- one operation -----------------------------------------------------

    def emit(self, op: str) -> None:
        """Appends op and advances the generator's model along its first outcome."""
        self.ops.append(op)
        fields = op.split()
        if fields[0] == "K":
            return
        outcomes = self.model.step(fields)
        self.model = outcomes[0].state

    def candidates(self) -> list[tuple[int, Callable[[], str | None]]]:
        rng = self.rng
        m = self.model
        flags, pins, timers = self.named("flag"), self.named("pin"), self.named("timer")
        pollers, open_pollers, sources = self.named("poller"), self.open_pollers(), self.sources()
        handles = sorted(m.handles)
        c: list[tuple[int, Callable[[], str | None]]] = [
            (4, lambda: f"F {self.pick(FLAGS)}"),
            (3, lambda: f"P {self.pick(PINS)} {rng.randrange(PIN_NUMBERS)} {self.pick(TRIGGERS)}"),
            (3, lambda: f"Q {self.pick(POLLERS)}"),
            (1, lambda: f"T {self.pick(TIMERS)}"),
            (2, lambda: "K"),
        ]
        named = flags + pins + timers + pollers
        if named:
            c.append((2, lambda: f"Z {self.pick(named)}"))
        if pollers and sources:
            c += [
                (14, lambda: f"R {self.pick(pollers)} {self.pick(sources)} {self.pick(MASKS)}"),
                (3, lambda: f"U {self.pick(pollers)} {self.pick(sources)}"),
            ]
        if pollers and len(pollers) > 1 and rng.random() < 0.05:
            c.append((1, lambda: f"R {pollers[0]} {pollers[1]} 4"))  # not a source
        if handles:
            c += [
                (1, lambda: f"Y {self.pick(handles)}"),
                (4, lambda: self.entry_unregister(handles)),
                (3, lambda: f"M {self.pick(handles)}"),
                (1, lambda: f"D {self.pick(handles)} {rng.randrange(100)}"),
            ]
        if pollers:
            c += [
                (2, lambda: f"L {self.pick(pollers)}"),
                (2, lambda: f"X {self.pick(pollers)}"),
                (5, lambda: f"N {self.pick(pollers)} {self.pick(self.contexts())}"),
                (14, lambda: self.poll(pollers)),
                (3, lambda: self.refused(pollers, sources)),
                (1, lambda: f"B {self.pick(pollers)} {self.bulk_size()}"),
            ]
        if len(open_pollers) > 0:
            c.append((2, lambda: f"NR {self.pick(open_pollers)} {self.pick(open_pollers)}"))
        if open_pollers:
            c.append((6, lambda: self.poll_with_trigger(open_pollers, flags)))
        if flags:
            c += [
                (10, lambda: f"S {self.pick(flags)} {self.pick(self.contexts())}"),
                (3, lambda: f"C {self.pick(flags)} {self.pick(self.contexts())}"),
                (2, lambda: f"I {self.pick(flags)}"),
            ]
        if pins:
            c += [
                (7, lambda: f"G {self.pick(pins)} {rng.randrange(2)}"),
                (2, lambda: f"J {self.pick(pins)} {self.pick(TRIGGERS)}"),
            ]
        if timers:
            c.append((2, lambda: f"O {self.pick(timers)}"))
        if (
            self.caps.threads
            and pollers
            and flags
            and len(open_pollers) < self.caps.pollers_max - 1
        ):
            c.append((2, lambda: f"TC {self.pick(pollers)} {self.pick(flags)}"))
        c.append((1, lambda: f"SL {self.rng.choice([1, 10, 1000, 1001, 40000])}"))
        c.append((3, self.fault))
        return c

    def bulk_size(self) -> int:
        return self.rng.choice([1, 3, 10, self.caps.entries_max // 2, self.caps.entries_max])

    def entry_unregister(self, handles: list[str]) -> str:
        h = self.pick(handles)
        if self.rng.random() < 0.4:
            return f"E {h}"
        return f"E {h} {self.pick(MASKS)}"

    def poll(self, pollers: list[str]) -> str:
        q = self.pick(pollers)
        poller = self.model.pollers[self.model.names[q]]
        # Not after an injected fault: the call it hit may not have happened.
        wakes = poller.open and (poller.notified or bool(self.model.ready(poller)))
        wakes = wakes and not any(op.startswith("A ") for op in self.ops)
        timeouts = ["0", "0", "3"] + (["-1", "-1"] if wakes else [])
        return f"W {q} {self.pick(timeouts)} {self.rng.randrange(2)}"

    def poll_with_trigger(self, open_pollers: list[str], flags: list[str]) -> str:
        q = self.pick(open_pollers)
        ctx = self.pick(["i", "s", "t"] if self.caps.threads else ["i", "s"])
        if flags and self.rng.random() < 0.7:
            return f"V {q} S {self.pick(flags)} {ctx}"
        # Only open pollers: a notify that raises in a hard IRQ prints.
        return f"V {q} N {self.pick(open_pollers)} {ctx}"

    def refused(self, pollers: list[str], sources: list[str]) -> str:
        what = self.pick(["R", "U", "X", "W"])
        q = self.pick(pollers)
        if what in "RU":
            if not sources:
                return f"H X {q}"
            return f"H {what} {q} {self.pick(sources)}"
        return f"H {what} {q}"

    def fault(self) -> None:
        """Op A, then an operation whose call may allocate."""
        self.ops.append(f"A {self.rng.randrange(4)}")
        return None

    def generate(self, segments: int, length: int) -> Program:
        program = Program("core", self.seed)
        for s in range(segments):
            if s:
                self.model = self.model.soft_reset()
            self.ops = []
            while len(self.ops) < length:
                choices = self.candidates()
                weights = [w for w, _ in choices]
                make = self.rng.choices([f for _, f in choices], weights)[0]
                op = make()
                if op is None or op.split()[0] in self.omit:
                    if op is None and self.omit & {"A"}:
                        self.ops.pop()
                    continue
                try:
                    self.emit(op)
                except ModelError:
                    self.ops.pop()
            while self.ops and self.ops[-1].startswith("A "):
                self.ops.pop()
            program.segments.append(self.ops)
        return program


def generate(caps: Caps, seed: int, omit: frozenset[str] = frozenset()) -> Program:
    """One random core program: usually one segment, sometimes soft resets
    between; `omit`: operation codes left out (to look past a known defect)."""
    rng = random.Random(seed ^ 0x5EED)
    segments = rng.choices([1, 2, 3], [80, 15, 5])[0]
    length = rng.randrange(8, 48)
    return CoreGenerator(caps, seed, omit).generate(segments, length)
