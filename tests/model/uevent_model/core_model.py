"""The reference model of the uevent API: what docs/uevent.md promises.

It runs a program of ops.py, one operation at a time, and says what each
one must print on the device (uevent_programs.py, frozen into the test
firmware). Where the promise leaves a choice (a MemoryError may happen or
not; the GC may or may not have finalised a dropped poller yet), ``step``
returns every allowed outcome, each with the state that follows it, and the
checker follows the one the device printed.

The model is written from the documentation, not from the C code: where the
two disagree, the model is the specification and the device is wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

READ, WRITE, EVENT = 1, 2, 4
ALL = READ | WRITE | EVENT

RISING, FALLING = 1, 2


@dataclass(eq=False)
class Entry:
    """A registration: the C entry and the Python entry object it belongs to."""

    source: int  # the identity of the registered object
    armed: int
    pending: int
    flags: int = 0  # delivered by the latest poll round that listed it
    data: int | None = None
    live: bool = True


@dataclass(eq=False)
class Poller:
    open: bool = True
    entries: dict[int, Entry] = field(default_factory=dict)  # by source identity
    notified: bool = False


@dataclass
class Caps:
    """What the board gives, from the first line a program prints."""

    entries_max: int
    pollers_max: int
    threads: bool
    base_entries: int = 0
    base_pollers: int = 0


@dataclass
class Outcome:
    """One allowed result of an operation: what it prints, and the state after."""

    output: str
    state: CoreModel


class ModelError(Exception):
    """The program asks something the model cannot say (a generator bug)."""


@dataclass
class PinState:
    number: int
    trigger: int = 0


class CoreModel:
    """The state of one program on the device, and the rules that change it."""

    def __init__(self, caps: Caps, pin_levels: dict[int, int] | None = None) -> None:
        self.caps = caps
        self.next_id = 1
        self.names: dict[str, int] = {}  # program name -> object identity
        self.kinds: dict[int, str] = {}  # identity -> "flag", "pin", "poller", "timer"
        self.flags: dict[int, bool] = {}  # identity -> is_set
        self.pins: dict[int, PinState] = {}  # identity -> pin
        self.pin_ids: dict[int, int] = {}  # pin number -> identity (one object per pin)
        # Input levels outlive a program and a soft reset (the emulated
        # controller keeps them); op P takes its pin low first.
        self.pin_levels: dict[int, int] = pin_levels if pin_levels is not None else {}
        self.pollers: dict[int, Poller] = {}
        self.timers: set[int] = set()
        self.handles: dict[str, Entry] = {}  # "q x" -> the entry register() returned
        # Open pollers no name refers to: the GC finalises (closes) them at
        # a time the model cannot know.
        self.zombies: list[Poller] = []

    # --- helpers -----------------------------------------------------------

    def copy(self) -> CoreModel:
        return copy.deepcopy(self)

    def new_object(self, name: str, kind: str) -> int:
        ident = self.next_id
        self.next_id += 1
        self.kinds[ident] = kind
        self.bind(name, ident)
        return ident

    def bind(self, name: str, ident: int) -> None:
        old = self.names.get(name)
        self.names[name] = ident
        if old is not None and old != ident:
            self.forget(old, name)

    def forget(self, ident: int, name: str) -> None:
        """`name` no longer refers to `ident`: an open poller nobody names is a
        zombie (an entry handle may still keep it alive: the ranges allow it)."""
        if self.kinds.get(ident) == "poller" and ident not in self.names.values():
            poller = self.pollers.pop(ident)
            if poller.open:
                self.zombies.append(poller)

    def collect_zombies(self) -> None:
        """A collection finalises (closes) the zombies no entry handle keeps."""
        handled = {id(e) for e in self.handles.values()}
        kept = []
        for poller in self.zombies:
            if any(id(e) in handled for e in poller.entries.values()):
                kept.append(poller)
                continue
            for entry in poller.entries.values():
                entry.live = False
            poller.entries.clear()
            poller.open = False
        self.zombies = kept

    def lookup(self, name: str) -> int:
        if name not in self.names:
            raise KeyError(name)
        return self.names[name]

    def name_of(self, ident: int) -> str:
        names = [n for n, i in self.names.items() if i == ident]
        return min(names) if names else "?"

    def open_poller(self, name: str) -> Poller:
        """The poller `name` names; ValueError (as the device raises) if closed."""
        poller = self.pollers[self.lookup(name)]
        if not poller.open:
            raise ValueError("poller is closed")
        return poller

    def live_entries(self) -> list[Entry]:
        out = [e for p in self.pollers.values() if p.open for e in p.entries.values()]
        return out + [e for p in self.zombies for e in p.entries.values()]

    def entries_in_use(self) -> tuple[int, int]:
        """Entries now in use: (fewest, most), as far as the GC is known."""
        named = sum(len(p.entries) for p in self.pollers.values() if p.open)
        zombie = sum(len(p.entries) for p in self.zombies)
        return self.caps.base_entries + named, self.caps.base_entries + named + zombie

    def pollers_in_use(self) -> tuple[int, int]:
        named = sum(1 for p in self.pollers.values() if p.open)
        return (
            self.caps.base_pollers + named,
            self.caps.base_pollers + named + len(self.zombies),
        )

    def raise_source(self, ident: int, events: int) -> None:
        """The source raises `events`: pending on every entry of it, armed or not."""
        for entry in self.live_entries():
            if entry.source == ident:
                entry.pending |= events

    @staticmethod
    def ready(poller: Poller) -> list[Entry]:
        return [e for e in poller.entries.values() if e.pending & e.armed]

    def deliver(self, poller: Poller) -> str:
        """A poll round that lists the ready entries: one-shot bits are disarmed."""
        listed = []
        for entry in self.ready(poller):
            entry.flags = entry.pending & entry.armed
            entry.armed &= ~entry.flags
            entry.pending &= ~entry.flags
            listed.append(f"{self.name_of(entry.source)}:{entry.flags}")
        return "[" + " ".join(sorted(listed)) + "]"

    def end_entry(self, poller: Poller, entry: Entry) -> None:
        entry.live = False
        entry.armed = 0
        entry.pending = 0
        poller.entries.pop(entry.source, None)

    # --- the operations ----------------------------------------------------

    def step(self, fields: list[str]) -> list[Outcome]:
        """The allowed outcomes of one operation (its fields as ops.py writes them)."""
        op = getattr(self, "op_" + fields[0], None)
        if op is None:
            raise ModelError(f"unknown operation {fields[0]!r}")
        return op(*fields[1:])

    def outcome(self, fn: Callable[[CoreModel], object]) -> list[Outcome]:
        """fn's result on a copy of this state, printed as the device prints it."""
        state = self.copy()
        try:
            result = fn(state)
        except KeyError:
            return [Outcome("!KeyError", self.copy())]
        except ValueError:
            return [Outcome("!ValueError", self.copy())]
        except OSError:
            return [Outcome("!OSError", self.copy())]
        except RuntimeError:
            return [Outcome("!RuntimeError", self.copy())]
        except TypeError:
            return [Outcome("!TypeError", self.copy())]
        except AttributeError:
            return [Outcome("!AttributeError", self.copy())]
        return [Outcome("ok" if result is None else str(result), state)]

    def may_fail(self, outcomes: list[Outcome]) -> list[Outcome]:
        """With op A before it: the call may also end in MemoryError, changing nothing."""
        return [*outcomes, Outcome("!MemoryError", self.copy())]

    # Objects

    def op_F(self, f: str) -> list[Outcome]:
        def make(s: CoreModel) -> None:
            s.flags[s.new_object(f, "flag")] = False

        return self.outcome(make)

    def op_P(self, p: str, n: str, trigger: str) -> list[Outcome]:
        def make(s: CoreModel) -> None:
            number = int(n)
            ident = s.pin_ids.get(number)
            if ident is None:
                ident = s.new_object(p, "pin")
                s.pin_ids[number] = ident
                s.pins[ident] = PinState(number)
            else:
                s.bind(p, ident)
            pin = s.pins[ident]
            pin.trigger = 0
            s.pin_levels[number] = 0
            pin.trigger = int(trigger)

        return self.outcome(make)

    def op_Q(self, q: str) -> list[Outcome]:
        def make(s: CoreModel, collected: bool) -> None:
            if collected:
                s.collect_zombies()
            if s.pollers_in_use()[1] >= s.caps.pollers_max:
                raise OSError("too many pollers")
            s.pollers[s.new_object(q, "poller")] = Poller()

        # A full pool collects once: zombies may be finalised then.
        return self.either_collected(make)

    def either_collected(self, make: Callable[[CoreModel, bool], object]) -> list[Outcome]:
        """make(state, collected): with the zombies still there, or (if there
        are any) after a collection closed them; the GC is conservative, so
        a zombie may also survive the collection a full pool makes."""
        outcomes = self.outcome(lambda s: make(s, False))
        if self.zombies:
            outcomes += self.outcome(lambda s: make(s, True))
        return outcomes

    def op_T(self, t: str) -> list[Outcome]:
        return self.outcome(lambda s: s.timers.add(s.new_object(t, "timer")) and None)

    def op_Z(self, x: str) -> list[Outcome]:
        def drop(s: CoreModel) -> None:
            ident = s.lookup(x)
            del s.names[x]
            for key in [k for k in s.handles if k.split()[0] == x]:
                del s.handles[key]
            # An open poller nobody names any more is a zombie: the GC
            # closes it when it finalises it, at a time the model cannot know.
            s.forget(ident, x)

        return self.outcome(drop)

    # Registrations

    def op_R(self, q: str, x: str, mask: str) -> list[Outcome]:
        def register(s: CoreModel, collected: bool) -> int:
            ident = s.lookup(x)  # the device looks up every name first
            poller = s.open_poller(q)
            m = check_mask(int(mask))
            kind = s.kinds[ident]
            if kind == "poller":
                raise TypeError("not an event source")
            if kind == "pin" and s.pins[ident].trigger == 0:
                raise ValueError("Pin has no IRQ edges")
            entry = poller.entries.get(ident)
            if entry is None:
                if collected:
                    s.collect_zombies()
                if s.entries_in_use()[1] >= s.caps.entries_max:
                    raise OSError("uevent entries used up")
                # A Flag that is set when registered is ready at once.
                initial = EVENT if kind == "flag" and s.flags[ident] else 0
                entry = Entry(ident, armed=0, pending=initial)
                poller.entries[ident] = entry
            entry.armed |= m
            s.handles[f"{q} {x}"] = entry
            return entry.armed

        return self.either_collected(register)

    def op_U(self, q: str, x: str) -> list[Outcome]:
        def unregister(s: CoreModel) -> None:
            ident = s.lookup(x)
            poller = s.open_poller(q)
            entry = poller.entries.get(ident)
            if entry is not None:
                s.end_entry(poller, entry)

        return self.outcome(unregister)

    def handle(self, q: str, x: str) -> Entry:
        key = f"{q} {x}"
        if key not in self.handles:
            raise KeyError(key)
        return self.handles[key]

    def op_E(self, q: str, x: str, mask: str | None = None) -> list[Outcome]:
        def unregister(s: CoreModel) -> int:
            entry = s.handle(q, x)
            m = ALL if mask is None else check_mask(int(mask))
            if entry.live:
                poller = next(p for p in s.all_pollers() if entry in p.entries.values())
                if m == ALL:
                    s.end_entry(poller, entry)
                else:
                    entry.armed &= ~m
                    entry.pending &= ~m
            return entry.armed

        return self.outcome(unregister)

    def all_pollers(self) -> list[Poller]:
        return [*self.pollers.values(), *self.zombies]

    def op_M(self, q: str, x: str) -> list[Outcome]:
        def show(s: CoreModel) -> str:
            entry = s.handle(q, x)
            return f"{entry.armed}/{entry.flags}"

        return self.outcome(show)

    def op_D(self, q: str, x: str, value: str) -> list[Outcome]:
        def store(s: CoreModel) -> int:
            entry = s.handle(q, x)
            entry.data = int(value)
            return entry.data

        return self.outcome(store)

    def op_B(self, q: str, n: str) -> list[Outcome]:
        """n new Flags registered for EVENT until the pool is full."""
        if q not in self.names:
            return [Outcome("!KeyError", self.copy())]
        if not self.pollers[self.names[q]].open:
            return [Outcome("0 !ValueError", self.copy())]
        k = int(n)
        lo, hi = self.entries_in_use()
        room_lo = max(0, self.caps.entries_max - hi)
        room_hi = max(0, self.caps.entries_max - lo)
        outcomes = []
        for count in range(min(k, room_lo), min(k, room_hi) + 1):
            state = self.copy()
            if count > room_lo:
                # The GC ran (a full pool collects once) and closed zombies.
                state.collect_zombies()
            poller = state.pollers[state.names[q]]
            for _ in range(count):
                ident = state.next_id
                state.next_id += 1
                state.kinds[ident] = "flag"
                state.flags[ident] = False
                poller.entries[ident] = Entry(ident, armed=EVENT, pending=0)
            outcomes.append(Outcome(n if count == k else f"{count} !OSError", state))
        return outcomes

    def op_Y(self, q: str, x: str) -> list[Outcome]:
        def remove(s: CoreModel) -> None:
            s.handle(q, x)
            # entry.remove() is the IO queue's (Task.cancel): a user
            # poller's entries do not have it.
            raise AttributeError("remove")

        return self.outcome(remove)

    def op_L(self, q: str) -> list[Outcome]:
        return self.outcome(lambda s: len(s.open_poller(q).entries))

    def op_X(self, q: str) -> list[Outcome]:
        def close(s: CoreModel) -> None:
            poller = s.pollers[s.lookup(q)]
            if poller.open:
                for entry in list(poller.entries.values()):
                    s.end_entry(poller, entry)
                poller.open = False

        return self.outcome(close)

    # Raising

    def op_S(self, f: str, ctx: str) -> list[Outcome]:
        def set_flag(s: CoreModel) -> None:
            ident = s.flag(f)
            s.flags[ident] = True
            s.raise_source(ident, EVENT)

        return self.outcome(set_flag)

    def flag(self, f: str) -> int:
        ident = self.lookup(f)
        if self.kinds[ident] != "flag":
            raise ModelError(f"{f} is not a Flag")
        return ident

    def op_C(self, f: str, ctx: str) -> list[Outcome]:
        def clear(s: CoreModel) -> None:
            ident = s.flag(f)
            s.flags[ident] = False
            # clear() drops an EVENT not delivered yet.
            for entry in s.live_entries():
                if entry.source == ident:
                    entry.pending &= ~EVENT

        return self.outcome(clear)

    def op_I(self, f: str) -> list[Outcome]:
        return self.outcome(lambda s: s.flags[s.flag(f)])

    def op_N(self, q: str, ctx: str) -> list[Outcome]:
        def notify(s: CoreModel) -> None:
            s.open_poller(q).notified = True

        return self.outcome(notify)

    def op_G(self, p: str, level: str) -> list[Outcome]:
        def drive(s: CoreModel) -> None:
            ident = s.lookup(p)
            pin = s.pins[ident]
            new = int(level)
            old = s.pin_levels.get(pin.number, 0)
            s.pin_levels[pin.number] = new
            if new != old and pin.trigger & (RISING if new else FALLING):
                s.raise_source(ident, EVENT)

        return self.outcome(drive)

    def op_J(self, p: str, trigger: str) -> list[Outcome]:
        def configure(s: CoreModel) -> None:
            s.pins[s.lookup(p)].trigger = int(trigger)

        return self.outcome(configure)

    def op_O(self, t: str) -> list[Outcome]:
        def fire(s: CoreModel) -> str:
            s.raise_source(s.lookup(t), EVENT)
            # A one-shot timer that fired is stopped (and freed when dropped).
            return "stopped"

        return self.outcome(fire)

    def op_H(self, what: str, q: str, x: str | None = None) -> list[Outcome]:
        # Every poller call but notify() is refused in a hard IRQ handler.
        def refused(s: CoreModel) -> None:
            s.lookup(q)
            if x is not None:
                s.lookup(x)
            raise RuntimeError("can't in a hard IRQ handler")

        return self.outcome(refused)

    # Waiting

    def op_W(self, q: str, timeout: str, reuse: str) -> list[Outcome]:
        def poll(s: CoreModel) -> str:
            poller = s.open_poller(q)
            t = int(timeout)
            ready = bool(s.ready(poller))
            if not ready and not poller.notified and t < 0:
                raise ModelError("poll_ms(-1) with nothing to wake it")
            poller.notified = False
            return s.deliver(poller)

        return self.outcome(poll)

    def op_V(self, q: str, code: str, y: str, ctx: str) -> list[Outcome]:
        def poll(s: CoreModel) -> str:
            s.lookup(y)
            try:
                poller = s.open_poller(q)
            except ValueError:
                return "!ValueError fast" + s.trigger(code, y)
            if s.ready(poller) or poller.notified:
                poller.notified = False
                listed = s.deliver(poller)
                return listed + " fast" + s.trigger(code, y)
            raised = s.trigger(code, y)
            if s.ready(poller) or poller.notified:
                poller.notified = False
                return s.deliver(poller) + " fast" + raised
            return "[] slow" + raised

        return self.outcome(poll)

    def trigger(self, code: str, y: str) -> str:
        """The raise op V makes during its wait; " raised" if it failed."""
        if code == "S":
            ident = self.flag(y)
            self.flags[ident] = True
            self.raise_source(ident, EVENT)
            return ""
        target = self.pollers[self.lookup(y)]
        if not target.open:
            return " raised"
        target.notified = True
        return ""

    def op_NR(self, q: str, y: str) -> list[Outcome]:
        def poll(s: CoreModel) -> str:
            s.lookup(q)
            s.lookup(y)
            poller = s.open_poller(q)
            target = s.open_poller(y)
            if not s.ready(poller):
                # No entry is taken, so the notify never lands.
                poller.notified = False
                return "[]"
            listed = s.deliver(poller)
            # A notify() that lands before poll_ms returns is taken by it.
            target.notified = target is not poller
            poller.notified = False
            return listed

        return self.outcome(poll)

    def op_TC(self, q: str, f: str) -> list[Outcome]:
        return self.either_collected(lambda s, collected: self.thread_close(s, collected, q, f))

    @staticmethod
    def thread_close(s: CoreModel, collected: bool, q: str, f: str) -> str:
        """Op TC on state s; the new poller's register() may find the pool
        full (an OSError it prints, with the close and the new poller done)."""
        old = s.pollers[s.lookup(q)]
        ident = s.flag(f)
        # The other thread's poll_ms(-1): at once if something is
        # ready, else until the close wakes it.
        if not old.open:
            result = "!ValueError"
        elif s.ready(old) or old.notified:
            old.notified = False
            result = s.deliver(old)
        else:
            result = "!ValueError"
        if old.open:
            for entry in list(old.entries.values()):
                s.end_entry(old, entry)
            old.open = False
        if s.pollers_in_use()[1] >= s.caps.pollers_max:
            return "!OSError"  # the old one is closed all the same
        new = Poller()
        s.pollers[s.new_object(q, "poller")] = new
        if collected:
            s.collect_zombies()
        if s.entries_in_use()[1] >= s.caps.entries_max:
            return "!OSError"
        was_set = s.flags[ident]
        new.entries[ident] = Entry(ident, armed=EVENT, pending=EVENT if was_set else 0)
        if was_set:
            # Ready at once: delivered before the Timer's set() comes,
            # which then stays pending on the disarmed entry.
            got = s.deliver(new)
            s.raise_source(ident, EVENT)
        else:
            s.flags[ident] = True  # the Timer's set()
            s.raise_source(ident, EVENT)
            got = s.deliver(new)
        return f"{result} {got} fast"

    def op_SL(self, n: str) -> list[Outcome]:
        # At most 1000 scheduler_locks held at once; soft callbacks run after.
        return [Outcome("!RuntimeError ran" if int(n) > 1000 else "ran", self.copy())]

    def op_K(self) -> list[Outcome]:
        raise ModelError("op K is checked by range: use stats_allowed()")

    def stats_allowed(self, output: str) -> bool:
        """Whether stats line `output` (e= p= a=) fits what the GC may have done."""
        try:
            values = dict(part.split("=") for part in output.split())
            e, p, a = int(values["e"]), int(values["p"]), int(values["a"])
        except (KeyError, ValueError):
            return False
        e_lo, e_hi = self.entries_in_use()
        p_lo, p_hi = self.pollers_in_use()
        named = [x for pl in self.pollers.values() if pl.open for x in pl.entries.values()]
        zombie = [x for pl in self.zombies for x in pl.entries.values()]
        a_lo = sum(1 for x in named if x.armed)
        a_hi = a_lo + sum(1 for x in zombie if x.armed)
        return e_lo <= e <= e_hi and p_lo <= p <= p_hi and a_lo <= a <= a_hi

    def op_A(self, k: str) -> list[Outcome]:
        return [Outcome("ok", self.copy())]

    # Soft reset: a fresh interpreter; the emulated pins keep their levels.

    def soft_reset(self) -> CoreModel:
        return CoreModel(self.caps, dict(self.pin_levels))


def check_mask(mask: int) -> int:
    if mask == 0 or mask & ~ALL:
        raise ValueError("bad mask")
    return mask
