"""The reference model of asyncio on uevent, for the programs of asyncio_gen.py.

A program is a director task doing one operation at a time, with the loop
left to settle for SETTLE_MS after each; worker tasks perform actions and
log what each returned (uevent_asyncio_programs.py on the device). What the
model follows: MicroPython's asyncio documentation and core.py (the loop
persists across asyncio.run() calls; a task still waiting when a run ends
goes on waiting), python/README.md and docs/asyncio-events.md for uevent.

The model keeps every task as plain data (what it waits on, what it does
next) and runs a settle as the loop does: tasks that became runnable run
until they wait again, then time moves to the next timer. Tasks runnable at
the same moment may run in any order (asyncio promises none): the model
tries each order and allows every result it reaches.

`uevent=False` is stock asyncio (use_select_poll(), or MicroPython's unix
port): a second task waiting on the same ThreadSafeFlag takes the first's
place (the first never wakes), where uevent raises RuntimeError in the
second (docs/asyncio-events.md, "Differences").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core_model import Caps
    from .program import Program

SETTLE_MS = 150
SHORT_MS = 2
TIMEOUT_MS = 30
TIMER_MS = 1  # op O: the one-shot Timer's period
LATE_SOFT_MS = 30  # ops E (ctx s) and K: the soft callback's delay


class ModelError(Exception):
    """The program is outside what the model covers (a generator bug)."""


@dataclass
class Leaf:
    """A simple action in progress (alone, or inside wait_for / gather)."""

    act: str
    state: str = "start"  # start, io, yield, woken, sleep, event, done
    obj: str = ""  # io: the flag/pin/timer; event: the Event
    until: float | None = None  # sleep: when it ends (None: never)
    result: str = "ok"  # done: what it returned, "!Type" if it raised


@dataclass
class Frame:
    """The action a worker performs now: one leaf, or wait_for/gather of leaves."""

    act: str
    leaves: list[Leaf]
    timeout: float | None = None  # wait_for(.., 30 ms): when it gives up


@dataclass
class Worker:
    name: str
    acts: list[str]  # actions not started yet
    frame: Frame | None = None
    log: list[str] = field(default_factory=list)
    runnable: bool = True
    done: bool = False
    result: str = ""  # "v" if it returned v, "!Type" if it ended by an exception
    lost: bool = False  # waits in a loop new_event_loop() replaced: never runs again


@dataclass
class Waiter:
    """A task parked in the IO queue for one object's EVENT (or a pipe's READ)."""

    obj: str
    slot: str  # "event" or "read"
    worker: str  # "" for a gather sub-task nobody waits for any more
    act: str  # the action waiting (a sub-task nobody waits for still does it)
    leaf: int
    loop: int  # which event loop (new_event_loop() makes another)
    run: int  # which asyncio.run() parked it
    live: bool = True


class AsyncioModel:
    def __init__(self, uevent: bool = True, entries_max: int = 1 << 20) -> None:
        self.uevent = uevent
        self.entries_max = entries_max  # the board's uevent entry pool
        self.bulk = 0  # entries op BF holds in a user poller
        self.in_run = False  # director operations ran since the last run ended
        self.triggers: dict[str, int] = {}  # a pin's edges (both when made)
        self.flags: dict[str, bool] = {}
        self.events: dict[str, bool] = {}
        self.pins: dict[str, int] = {}
        self.pipes: dict[str, str] = {}  # a polled stream's unread bytes
        self.workers: dict[str, Worker] = {}
        self.waiters: list[Waiter] = []
        self.loop = 0
        self.run = 0
        self.now = 0.0
        self.unhandled: list[str] = []

    def copy(self) -> AsyncioModel:
        return copy.deepcopy(self)

    def key(self) -> str:
        return repr(
            (
                sorted(self.flags.items()),
                sorted(self.events.items()),
                sorted(self.pins.items()),
                sorted(self.pipes.items()),
                sorted((n, repr(w)) for n, w in self.workers.items()),
                [repr(w) for w in self.waiters if w.live],
                self.loop,
                self.run,
                self.now,
                self.bulk,
                sorted(self.triggers.items()),
                sorted(self.unhandled),
            )
        )

    # --- the IO queue ------------------------------------------------------

    def entries_in_use(self) -> int:
        """The pool's entries in use: op BF's, and one per object a task of
        the current loop waits for (registrations kept for woken tasks give
        way to a new wait)."""
        objects = {w.obj for w in self.waiters if w.live and w.loop == self.loop}
        return self.bulk + len(objects)

    def park(self, worker: str, leaf: int, obj: str, slot: str) -> str | None:
        """Parks a leaf for obj's EVENT or READ; "!RuntimeError" if uevent refuses."""
        if self.uevent and obj.startswith("p") and self.triggers.get(obj, 3) == 0:
            return "!ValueError"  # a Pin with no edges
        registered = any(w.live and w.loop == self.loop and w.obj == obj for w in self.waiters)
        if self.uevent and not registered and self.entries_in_use() >= self.entries_max:
            return "!OSError"  # uevent entries used up
        for w in self.waiters:
            if w.live and w.loop == self.loop and w.obj == obj and w.slot == slot:
                if self.uevent and w.run == self.run:
                    return "!RuntimeError"  # another task waits for this event
                # Stock asyncio, and uevent for a waiter an earlier run left:
                # the new waiter takes its place, the old one never wakes.
                w.live = False
        act = self.workers[worker].frame.leaves[leaf].act  # type: ignore[union-attr]
        self.waiters.append(Waiter(obj, slot, worker, act, leaf, self.loop, self.run))
        return None

    def raise_event(self, obj: str, slot: str = "event") -> None:
        """obj raises EVENT (READ): the task parked for it in the current loop wakes."""
        for w in self.waiters:
            if w.live and w.loop == self.loop and w.obj == obj and w.slot == slot:
                w.live = False
                if w.worker:
                    worker = self.workers[w.worker]
                    assert worker.frame is not None
                    worker.frame.leaves[w.leaf].state = "woken"
                    worker.runnable = True
                else:
                    # A gather sub-task nobody waits for: it still finishes
                    # its action (a flag.wait() clears the flag, a read
                    # takes the bytes).
                    self.resume_leaf(Leaf(w.act, "woken", w.obj))
                return

    def unpark(self, worker: str, leaf: int | None = None) -> None:
        for w in self.waiters:
            if w.live and w.worker == worker and (leaf is None or w.leaf == leaf):
                w.live = False

    def parked_in_io(self, w: Worker) -> bool:
        """The worker's own task was parked in the IO queue and has not run
        since (Task.cancel() then calls its entry's remove(), also when a
        task of a later run took its place there; a gather or wait_for
        worker waits on something else, its sub-tasks in the IO queue)."""
        if w.frame is None or w.frame.act.startswith(("ga:", "wf:")):
            return False
        return any(leaf.state == "io" for leaf in w.frame.leaves)

    def detach(self, worker: str, leaf: int) -> None:
        """A gather sub-task goes on waiting, but nobody waits for it."""
        for w in self.waiters:
            if w.live and w.worker == worker and w.leaf == leaf:
                w.worker = ""

    # --- objects -------------------------------------------------------------

    def flag(self, name: str) -> bool:
        return self.flags.setdefault(name, False)

    def event(self, name: str) -> bool:
        return self.events.setdefault(name, False)

    # --- a worker's actions -------------------------------------------------

    def start_leaf(self, w: Worker, i: int, leaf: Leaf) -> None:
        """A simple action begins (its task runs it for the first time)."""
        kind, _, arg = leaf.act.partition(":")
        if kind in ("ev", "fw"):
            if kind == "ev" and not self.uevent:
                raise ModelError("wait_event() needs uevent")
            if kind == "fw" and self.flag(arg):
                # Set already: taken now (cleared), and the task yields once.
                self.flags[arg] = False
                leaf.state = "yield"
                return
            refused = self.park(w.name, i, arg, "event")
            if refused:
                leaf.state, leaf.result = "done", refused
                return
            leaf.state, leaf.obj = "io", arg
            if kind == "ev" and arg.startswith("f") and self.flag(arg):
                # A set Flag is ready at once when (re)registered.
                self.raise_event(arg)
        elif kind == "rd":
            refused = self.park(w.name, i, arg, "read")
            if refused:
                leaf.state, leaf.result = "done", refused
                return
            leaf.state, leaf.obj = "io", arg
            if self.pipes.get(arg):
                self.raise_event(arg, "read")
        elif kind == "sl":
            if arg == "l":
                leaf.state, leaf.until = "sleep", None
            else:
                leaf.state, leaf.until = "sleep", self.now + (SHORT_MS if arg == "s" else 0)
        elif kind == "ew":
            if self.event(arg):
                leaf.state = "done"
            else:
                leaf.state, leaf.obj = "event", arg
        elif kind == "ret":
            leaf.state, leaf.result = "done", arg
        elif kind == "err":
            leaf.state, leaf.result = "done", "!ValueError"
        elif kind == "sig":
            leaf.state = "done"
        elif kind == "pi":
            pin, _, trigger = arg.partition(":")
            self.triggers[pin] = int(trigger)
            leaf.state = "done"
        else:
            raise ModelError(f"unknown action {leaf.act!r}")

    def resume_leaf(self, leaf: Leaf) -> None:
        """The leaf's task runs again after it was woken or its sleep ended."""
        if leaf.state == "woken" and leaf.act.startswith("fw:"):
            # flag.wait() clears the flag when it returns.
            self.flags[leaf.obj] = False
        if leaf.state == "woken" and leaf.act.startswith("rd:"):
            # StreamReader.read(8): what is there, up to 8 bytes.
            data = self.pipes.get(leaf.obj, "")
            leaf.result, self.pipes[leaf.obj] = data[:8], data[8:]
        if leaf.state in ("woken", "yield"):
            leaf.state = "done"

    def start_action(self, w: Worker, act: str) -> None:
        kind, _, arg = act.partition(":")
        if kind == "wf":
            inner, _, limit = arg.rpartition(":")
            timeout = self.now + TIMEOUT_MS if limit == "s" else None
            w.frame = Frame(act, [Leaf(inner)], timeout)
        elif kind == "ga":
            a, b = arg.split("+")
            w.frame = Frame(act, [Leaf(a), Leaf(b)])
        else:
            w.frame = Frame(act, [Leaf(act)])
        for i, leaf in enumerate(w.frame.leaves):
            self.start_leaf(w, i, leaf)

    def frame_result(self, w: Worker) -> str | None:
        """What the worker's action returned, once it is over (None: not yet)."""
        frame = w.frame
        assert frame is not None
        kind = frame.act.partition(":")[0]
        if kind == "ga":
            results = [leaf.result for leaf in frame.leaves if leaf.state == "done"]
            errors = [r for r in results if r.startswith("!")]
            if errors:
                # gather raises the first error; the other sub-task goes on.
                for i, leaf in enumerate(frame.leaves):
                    if leaf.state != "done":
                        self.detach(w.name, i)
                return errors[0]
            if len(results) < len(frame.leaves):
                return None
            return "+".join(results)
        leaf = frame.leaves[0]
        if leaf.state == "done":
            return leaf.result
        if frame.timeout is not None and self.now >= frame.timeout:
            self.unpark(w.name)
            return "!TimeoutError"
        return None

    def step(self, w: Worker) -> None:
        """Runs worker w until it waits again or ends."""
        w.runnable = False
        while not w.done:
            if w.frame is None:
                if not w.acts:
                    self.finish(w, "end")
                    return
                self.start_action(w, w.acts.pop(0))
            for leaf in w.frame.leaves:
                self.resume_leaf(leaf)
            result = self.frame_result(w)
            if result is None:
                if any(leaf.state == "yield" for leaf in w.frame.leaves):
                    w.runnable = True
                return
            act = w.frame.act
            w.frame = None
            if act == "err":
                w.log.append("err=raise")
                self.finish(w, "!ValueError")
                return
            w.log.append(f"{act}={result}")
            if act.startswith("ret:"):
                self.finish(w, result)
                return

    def finish(self, w: Worker, result: str) -> None:
        w.done = True
        w.result = result
        if result == "!ValueError":
            # Nobody awaits it: the loop's exception handler gets it.
            self.unhandled.append(f"{w.name}:ValueError")

    def cancel(self, w: Worker) -> None:
        """Task.cancel() of a waiting worker: its action logs the cancel."""
        assert w.frame is not None
        self.unpark(w.name)
        w.log.append(f"{w.frame.act}=cancel")
        w.frame = None
        w.done = True
        w.result = "!CancelledError"
        w.runnable = False

    # --- a settle: the loop runs until the director's sleep ends ------------

    def runnable(self) -> list[str]:
        return sorted(
            n for n, w in self.workers.items() if w.runnable and not w.lost and not w.done
        )

    def next_timer(self) -> float | None:
        times = []
        for w in self.workers.values():
            if w.lost or w.done or w.frame is None:
                continue
            if w.frame.timeout is not None:
                times.append(w.frame.timeout)
            times += [
                leaf.until
                for leaf in w.frame.leaves
                if leaf.state == "sleep" and leaf.until is not None
            ]
        return min(times) if times else None

    def fire_timers(self) -> None:
        for w in self.workers.values():
            if w.lost or w.done or w.frame is None:
                continue
            for leaf in w.frame.leaves:
                if leaf.state == "sleep" and leaf.until is not None and leaf.until <= self.now:
                    leaf.state = "done"
                    w.runnable = True
            if w.frame.timeout is not None and w.frame.timeout <= self.now:
                w.runnable = True

    def settle(self, until: float, at: dict[float, list] | None = None) -> list[AsyncioModel]:
        """Every state the loop may reach by time `until`; `at` holds things
        that happen at set times (a timer firing, a late soft callback)."""
        return settle_states([self], until, at or {})


def settle_states(
    states: list[AsyncioModel], until: float, at: dict[float, list]
) -> list[AsyncioModel]:
    done: dict[str, AsyncioModel] = {}
    todo = list(states)
    seen: set[str] = set()
    while todo:
        s = todo.pop()
        k = s.key()
        if k in seen:
            continue
        seen.add(k)
        ready = s.runnable()
        if not ready:
            s.fire_timers()  # sleep_ms(0) ends where it began
            ready = s.runnable()
        if ready:
            for name in ready:
                n = s.copy() if len(ready) > 1 else s
                n.step(n.workers[name])
                todo.append(n)
            continue
        times = [t for t in at if t > s.now]
        timer = s.next_timer()
        if timer is not None and timer > s.now:
            times.append(timer)
        times = [t for t in times if t <= until]
        if not times:
            s.now = until
            done.setdefault(s.key(), s)
            continue
        s.now = min(times)
        for action in at.get(s.now, []):
            action(s)
        s.fire_timers()
        todo.append(s)
    return list(done.values())


# --- the director's operations -------------------------------------------


def snapshot(state: AsyncioModel) -> str:
    """The workers' logs since the last operation, as the device prints them."""
    parts = []
    for name in sorted(state.workers):
        w = state.workers[name]
        if w.log:
            parts.append(f"{name}[{','.join(w.log)}]")
            w.log = []
    if state.unhandled:
        parts.append(f"unhandled[{','.join(sorted(state.unhandled))}]")
        state.unhandled = []
    return " ".join(parts)


Effect = dict[float, list]


def apply_op(state: AsyncioModel, fields: list[str]) -> list[tuple[str, AsyncioModel]]:
    """Every (printed line, state after) the operation may give."""
    s = state.copy()
    s.now = 0.0
    at: Effect = {}
    result = "ok"
    code, args = fields[0], fields[1:]
    if code == "W":
        spawn(s, args[0], args[1].split(","))
    elif code == "X":
        w = s.workers[args[0]]
        if w.lost:
            raise ModelError("cancelling a task of a replaced loop")
        if w.done:
            result = "False"
        elif args[1:] == ["i"] and s.parked_in_io(w):
            # From a hard IRQ: refused before anything changes, the task
            # goes on waiting (docs/uevent.md, "What is safe where").
            result = "!RuntimeError"
        else:
            s.cancel(w)
            result = "True"
    elif code == "J":
        w = s.workers[args[0]]
        if w.lost:
            raise ModelError("joining a task of a replaced loop")
        if w.done:
            result = w.result
        else:
            at[TIMEOUT_MS] = [lambda m, n=args[0]: m.cancel(m.workers[n])]
            result = "!TimeoutError"
    elif code == "S":
        if args[1] != "m" and not s.uevent:
            raise ModelError("stock ThreadSafeFlag is set from a task only")
        s.flags[args[0]] = True
        s.raise_event(args[0])
    elif code == "C":
        s.flags[args[0]] = False
    elif code == "E":
        if args[1] == "m":
            set_event(s, args[0])
        else:
            at[LATE_SOFT_MS] = [lambda m, e=args[0]: set_event(m, e)]
            result = "fast"
    elif code == "K":
        at[LATE_SOFT_MS] = [lambda m, n=args[0], a=args[1]: spawn(m, n, ["sig", *a.split(",")])]
        result = "fast"
    elif code == "G":
        level = int(args[1])
        if s.pins.setdefault(args[0], 0) != level:
            s.pins[args[0]] = level
            if s.triggers.get(args[0], 3) & (1 if level else 2):
                s.raise_event(args[0])
    elif code == "O":
        at[TIMER_MS] = [lambda m, t=args[0]: m.raise_event(t)]
    elif code == "D":
        s.pipes[args[0]] = s.pipes.get(args[0], "") + args[1]
        # A polled stream is asked again within CONFIG_UEVENT_STREAM_POLL_MS.
        s.raise_event(args[0], "read")
    elif code == "AL":
        # An awaitable stepped by a soft callback while the loop sleeps:
        # no task is running, whatever asyncio's cur_task still says.
        result = "!RuntimeError"
    elif code == "NL":
        if s.bulk:
            # The old loop's registrations stay until the GC frees them:
            # with the pool kept full (op BF) the next wait may not fit.
            raise ModelError("new_event_loop() after op BF")
        new_loop(s)
    elif code == "BF":
        n = int(args[0])
        room = max(0, s.entries_max - s.entries_in_use())
        # A small heap may run out first (qemu_cortex_m3's 28 KB): after any
        # number of Flags, MemoryError, with those registered.
        short_heap = []
        for k in range(min(n, room + 1)):
            short = s.copy()
            short.bulk += k
            short_heap += settled(short, f"{k} !MemoryError", at)
        s.bulk += min(n, room)
        result = args[0] if n <= room else f"{room} !OSError"
        return settled(s, result, at) + short_heap
    elif code == "R":
        end_run(s)
        return [(("ok " + snapshot(s)).strip(), s)]
    else:
        raise ModelError(f"unknown operation {code!r}")
    return settled(s, result, at)


def settled(s: AsyncioModel, result: str, at: Effect) -> list[tuple[str, AsyncioModel]]:
    """The op printed `result`; every (line, state) the settle after it may give."""
    s.in_run = True
    out = []
    for after in s.settle(SETTLE_MS, at):
        if after.next_timer() is not None:
            raise ModelError("a short timer outlasts the settle")
        line = f"{result} {snapshot(after)}".strip()
        out.append((line, after))
    return out


def end_run(s: AsyncioModel) -> None:
    """An asyncio.run() ended (if one ran since the last): what its tasks
    left parked, a task of a later run may replace."""
    if s.in_run:
        s.run += 1
        s.in_run = False


def spawn(s: AsyncioModel, name: str, acts: list[str]) -> None:
    if name in s.workers:
        raise ModelError(f"worker {name} spawned twice")
    s.workers[name] = Worker(name, list(acts))


def set_event(s: AsyncioModel, e: str) -> None:
    s.events[e] = True
    for w in s.workers.values():
        if w.lost or w.done or w.frame is None:
            continue
        for leaf in w.frame.leaves:
            if leaf.state == "event" and leaf.obj == e:
                leaf.state = "done"
                w.runnable = True


def new_loop(s: AsyncioModel) -> None:
    """new_event_loop(): tasks waiting in the old task or IO queue never run again."""
    s.loop += 1
    for w in s.workers.values():
        if w.done or w.frame is None:
            continue
        if w.frame.timeout is not None or any(
            leaf.state in ("io", "sleep", "woken", "yield") for leaf in w.frame.leaves
        ):
            w.lost = True


def plausible(program: Program, caps: Caps) -> bool:
    """Whether the model can run the program (a shrunk one may not)."""
    from .asyncio_check import run_model

    try:
        run_model(program, True, caps.entries_max)
    except (ModelError, KeyError):
        return False
    return True
