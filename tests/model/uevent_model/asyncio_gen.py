"""Random asyncio programs: a director's operations and its workers' actions.

`portable=True` makes programs that use only asyncio's own objects
(ThreadSafeFlag set from a task, Event, polled streams, sleeps, wait_for,
gather, cancel, new_event_loop, several runs): the differential runs give
them to the uevent loop, to upstream's loop (use_select_poll()) in the same
image and to MicroPython's unix port, and all must print the same.
"""

from __future__ import annotations

import random

from .asyncio_check import step
from .asyncio_model import AsyncioModel, ModelError
from .core_model import Caps
from .program import Program

FLAGS = ["f0", "f1", "f2", "f3"]
EVENTS = ["e0", "e1"]
PINS = ["p0", "p1"]
TIMERS = ["t0"]
PIPES = ["r0", "r1"]
WORDS = ["a", "bc", "xyz", "hello", "abcdefghij"]


class AsyncioGenerator:
    def __init__(self, caps: Caps, seed: int, portable: bool, omit: frozenset[str]) -> None:
        self.caps = caps
        self.rng = random.Random(seed)
        self.seed = seed
        self.portable = portable
        self.omit = omit
        self.model = AsyncioModel(uevent=True, entries_max=caps.entries_max)
        self.ops: list[str] = []
        self.next_worker = 0
        self.new_loops = 0  # NL in this segment (then no BF)

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    # --- worker actions ----------------------------------------------------

    def leaf(self, short_ok: bool) -> str:
        choices = [
            (5, lambda: f"fw:{self.pick(FLAGS)}"),
            (3, lambda: f"ew:{self.pick(EVENTS)}"),
            (2, lambda: f"rd:{self.pick(PIPES)}"),
            (2, lambda: "sl:0"),
            (1, lambda: "sl:l"),
            (2, lambda: f"ret:{self.pick(WORDS)}"),
        ]
        if short_ok:
            choices.append((2, lambda: "sl:s"))
        if not self.portable:
            choices.append((6, lambda: f"ev:{self.pick(FLAGS + PINS + TIMERS)}"))
            choices.append((1, lambda: f"pi:{self.pick(PINS)}:{self.pick(['0', '1', '3', '3'])}"))
        return self.rng.choices([f for _, f in choices], [w for w, _ in choices])[0]()

    # Timed actions must end well inside a settle (ticks are 10 ms on the
    # QEMU boards, so a 30 ms timeout may take 40): a worker gets a budget
    # of 2, wait_for(.., 30 ms) costs 2 and sleep_ms(2) 1.
    def action(self, short_left: list[int]) -> str:
        r = self.rng.random()
        if r < 0.15 and short_left[0] >= 2:
            short_left[0] -= 2
            inner = self.leaf(short_ok=False)
            # A polled stream is asked again every 10 ms: a 30 ms timeout
            # around its read races with that polling on boards with 10 ms
            # ticks and a collection (qemu_cortex_m3: seed 20705 of the
            # portable family read in time on one heap layout, not another).
            timeout = "l" if inner.startswith("rd:") else self.pick(["s", "s", "l"])
            return f"wf:{inner}:{timeout}"
        if r < 0.25:
            a = self.leaf(short_ok=False)
            b = self.leaf(short_ok=False)
            if a.split(":")[1:] == b.split(":")[1:]:
                b = f"ret:{self.pick(WORDS)}"
            return f"ga:{a}+{b}"
        if r < 0.30:
            return "err"
        act = self.leaf(short_ok=short_left[0] > 0)
        if act == "sl:s":
            short_left[0] -= 1
        return act

    def actions(self) -> str:
        short_left = [2]
        n = self.rng.choice([1, 1, 2, 2, 3, 4])
        acts = [self.action(short_left) for _ in range(n)]
        # Nothing after a return or a raise: the worker has ended.
        for i, a in enumerate(acts):
            if a == "err" or a.startswith("ret:"):
                return ",".join(acts[: i + 1])
        return ",".join(acts)

    # --- director operations -----------------------------------------------

    def live_workers(self) -> list[str]:
        return sorted(n for n, w in self.model.workers.items() if not w.lost)

    def ctx(self) -> str:
        if self.portable:
            return "m"
        ctxs = ["m", "m", "s", "i"] + (["t"] if self.caps.threads else [])
        return self.pick(ctxs)

    def candidates(self) -> list[tuple[int, str]]:
        live = self.live_workers()
        c: list[tuple[int, str]] = [
            (10, f"W w{self.next_worker} {self.actions()}"),
            (10, f"S {self.pick(FLAGS)} {self.ctx()}"),
            (2, f"C {self.pick(FLAGS)}"),
            (4, f"E {self.pick(EVENTS)} m"),
            (3, f"D {self.pick(PIPES)} {self.pick(WORDS)}"),
            (2, "R"),
        ]
        if live:
            c += [(3, f"X {self.pick(live)}"), (2, f"J {self.pick(live)}")]
        if not self.portable:
            if self.new_loops == 0:
                c.append((1, f"BF {self.rng.choice([1, 5, self.caps.entries_max - 4])}"))
            if live:
                c.append((2, f"X {self.pick(live)} i"))
            c += [
                (1, f"AS {self.pick(FLAGS + PINS + TIMERS)}"),
                (1, f"AL {self.pick(FLAGS + PINS + TIMERS + ['sl'])}"),
                (2, f"E {self.pick(EVENTS)} s"),
                (2, f"K k{self.next_worker} {self.actions()}"),
                (4, f"G {self.pick(PINS)} {self.rng.randrange(2)}"),
                (2, f"O {self.pick(TIMERS)}"),
            ]
        if self.model.bulk == 0 and not any(
            leaf.state == "event"
            for w in self.model.workers.values()
            if w.frame is not None and not w.done and not w.lost
            for leaf in w.frame.leaves
        ):
            c.append((1, "NL"))
        return c

    def emit(self, op: str) -> bool:
        """Appends op if the model can run it; advances the model along its first outcome."""
        fields = op.split()
        if fields[0] in self.omit:
            return False
        try:
            outcomes = step([self.model], op)
        except ModelError:
            return False
        if fields[0] in ("W", "K"):
            self.next_worker += 1
        if fields[0] == "NL":
            self.new_loops += 1
        self.model = outcomes[0][1]
        self.ops.append(op)
        return True

    def segment(self, length: int) -> list[str]:
        self.model = AsyncioModel(uevent=True, entries_max=self.caps.entries_max)
        self.ops = []
        self.new_loops = 0
        if not self.portable and self.rng.random() < 0.2:
            self.ops.append(f"AW {self.pick(PINS + TIMERS)}")
        tries = 0
        while len(self.ops) < length and tries < length * 20:
            tries += 1
            choices = self.candidates()
            op = self.rng.choices([o for _, o in choices], [w for w, _ in choices])[0]
            self.emit(op)
        return self.ops


def generate(
    caps: Caps, seed: int, omit: frozenset[str] = frozenset(), portable: bool = False
) -> Program:
    rng = random.Random(seed ^ 0xA5)
    segments = rng.choices([1, 2], [85, 15])[0]
    gen = AsyncioGenerator(caps, seed, portable, omit)
    family = "asyncio-portable" if portable else "asyncio"
    program = Program(family, seed)
    for _ in range(segments):
        program.segments.append(gen.segment(rng.randrange(4, 24)))
    return program


def generate_portable(caps: Caps, seed: int, omit: frozenset[str] = frozenset()) -> Program:
    """A program for the differential runs: asyncio's own objects only, and no
    second waiter on one flag or stream (uevent refuses it, stock forgets the
    first waiter: a documented difference, not a behaviour to compare)."""
    for attempt in range(50):
        program = generate(caps, seed * 64 + attempt, omit, portable=True)
        if no_conflict(program):
            program.seed = seed
            return program
    return Program("asyncio-portable", seed, [["R"]])


def no_conflict(program: Program) -> bool:
    from .asyncio_check import run_model

    try:
        lines = run_model(program, uevent=True)
        stock = run_model(program, uevent=False)
    except ModelError:
        return False
    return lines == stock
