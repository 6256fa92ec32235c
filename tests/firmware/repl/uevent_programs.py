# The device side of the random programs of tests/model: run(text) runs
# one program of the uevent API and prints one line per operation, which
# the host's reference model predicts (tests/model/README.md). Frozen
# into the test firmware, so a program costs only its text.
#
# A program is operations separated by ";", each a code and its fields
# separated by spaces (tests/model/uevent_model/ops.py lists them). Names
# start with their kind: f a Flag, p an emulated edge pin, q a poller,
# t a Timer, u the UART looped back to itself. Contexts: m the caller,
# s a soft callback, i a hard IRQ (an ISR), t another thread.
import gc
import time

import _uevent_test
import machine
import micropython
import uevent

try:
    import _thread
except ImportError:
    _thread = None

# gpio_emul0 inputs no board source uses (uevent_testkit.FREE_PINS).
PIN_NUMBERS = (4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)


def _error(e):
    return "!" + type(e).__name__


def _call(fn):
    try:
        r = fn()
    except Exception as e:
        return _error(e)
    return "ok" if r is None else str(r)


# fn() run in context ctx: its result as _call gives it.
def in_context(ctx, fn):
    if ctx == "m":
        return _call(fn)
    if ctx == "i":
        ok, r = _uevent_test.in_isr(fn)
        if not ok:
            return _error(r)
        return "ok" if r is None else str(r)
    box = []
    if ctx == "s":
        micropython.schedule(lambda _: box.append(_call(fn)), None)
        for _ in range(20):
            if box:
                break
        return box[0] if box else "!unrun"
    lock = _thread.allocate_lock()
    lock.acquire()

    def body():
        box.append(_call(fn))
        lock.release()

    _thread.start_new_thread(body, ())
    lock.acquire()
    return box[0]


class Program:
    def __init__(self):
        self.obj = {}  # name -> object
        self.entry = {}  # "q x" -> the entry register() returned
        self.results = []  # the list poll_ms(t, results) fills
        self.fail_at = None  # op A: the allocation to fail in the next call
        self.bulk = []  # the Flags op B registered, kept alive

    # The smallest name bound to obj (two pin names may share one Pin).
    def name_of(self, obj):
        names = [k for k, v in self.obj.items() if v is obj]
        return min(names) if names else "?"

    def listing(self, ready):
        return "[" + " ".join(sorted("%s:%d" % (self.name_of(e.obj), e.flags) for e in ready)) + "]"

    def stats(self):
        s = uevent.stats()
        return "e=%d p=%d a=%d" % (s["entries_in_use"], s["pollers_in_use"], s["entries_armed"])

    # --- objects
    def op_F(self, f):
        self.arm()
        flag = uevent.Flag()
        self.disarm()
        self.obj[f] = flag

    # An input of gpio_emul0 (the same Pin object as any other name for that
    # pin), configured with its interrupt off and taken low, then given the
    # trigger: no edge reaches the trigger.
    def op_P(self, p, n, trigger):
        pin = machine.Pin(("gpio_emul0", PIN_NUMBERS[int(n)]))
        pin.irq(trigger=0)
        pin.init(machine.Pin.IN)
        _uevent_test.set_input(pin, 0)
        pin.irq(trigger=int(trigger))
        self.obj[p] = pin

    def op_Q(self, q):
        self.arm()
        poller = uevent.poll()
        self.disarm()
        self.obj[q] = poller

    def op_T(self, t):
        self.obj[t] = machine.Timer(-1)

    # Drops a name, then collects: a dropped poller's finaliser closes it
    # (unless a stale word on the stack keeps it: the model allows both).
    def op_Z(self, x):
        del self.obj[x]
        for k in [k for k in self.entry if k.split()[0] == x]:
            del self.entry[k]
        gc.collect()

    # --- registrations
    def op_R(self, q, x, mask):
        poller, obj, mask = self.obj[q], self.obj[x], int(mask)
        self.arm()
        e = poller.register(obj, mask)
        self.disarm()
        self.entry[q + " " + x] = e
        return e.mask

    def op_U(self, q, x):
        poller, obj = self.obj[q], self.obj[x]
        self.arm()
        poller.unregister(obj)

    def op_E(self, q, x, mask=None):
        e = self.entry[q + " " + x]
        if mask is None:
            self.arm()
            e.unregister()
        else:
            mask = int(mask)
            self.arm()
            e.unregister(mask)
        self.disarm()
        return e.mask

    def op_M(self, q, x):
        e = self.entry[q + " " + x]
        return "%d/%d" % (e.mask, e.flags)

    def op_D(self, q, x, value):
        e = self.entry[q + " " + x]
        e.data = int(value)
        return e.data

    # n new Flags registered for EVENT on q, until one fails (the pool
    # full): how many, and the error.
    def op_B(self, q, n):
        poller = self.obj[q]
        for i in range(int(n)):
            flag = uevent.Flag()
            try:
                poller.register(flag, 4)
            except Exception as e:
                return "%d %s" % (i, _error(e))
            self.bulk.append(flag)
        return n

    # entry.remove(None): the IO queue's call (Task.cancel), not a user's.
    def op_Y(self, q, x):
        e = self.entry[q + " " + x]
        e.remove(None)
        return e.mask

    def op_L(self, q):
        return len(self.obj[q])

    def op_X(self, q):
        poller = self.obj[q]
        self.arm()
        poller.close()

    # --- raising
    def op_S(self, f, ctx):
        return in_context(ctx, self.obj[f].set)

    def op_C(self, f, ctx):
        return in_context(ctx, self.obj[f].clear)

    def op_I(self, f):
        return self.obj[f].is_set()

    def op_N(self, q, ctx):
        return in_context(ctx, self.obj[q].notify)

    def op_G(self, p, level):
        _uevent_test.set_input(self.obj[p], int(level))

    def op_J(self, p, trigger):
        self.obj[p].irq(trigger=int(trigger))

    # A one-shot Timer of 1 ms, waited for (a few kernel ticks: the QEMU
    # boards tick at 100 Hz): it raises EVENT once.
    def op_O(self, t):
        timer = self.obj[t]
        timer.init(mode=machine.Timer.ONE_SHOT, period=1)
        time.sleep_ms(30)
        return "running" if "running=True" in repr(timer) else "stopped"

    # A call that must be refused in a hard IRQ handler (the ISR hook).
    def op_H(self, what, q, x=None):
        poller = self.obj[q]
        if what == "R":
            fn = lambda: poller.register(self.obj[x], 4)  # noqa: E731
        elif what == "U":
            fn = lambda: poller.unregister(self.obj[x])  # noqa: E731
        elif what == "X":
            fn = poller.close
        else:
            fn = lambda: poller.poll_ms(0)  # noqa: E731
        return in_context("i", fn)

    # --- waiting
    def op_W(self, q, timeout, reuse):
        poller, timeout = self.obj[q], int(timeout)
        if int(reuse):
            results = self.results
            self.arm()
            ready = poller.poll_ms(timeout, results)
            self.disarm()
            if ready is not results:
                return "!notsame"
        else:
            self.arm()
            ready = poller.poll_ms(timeout)
            self.disarm()
        return self.listing(ready)

    # poll_ms(200) while, 2 ms in, a hard Timer (ctx i), a soft one (s) or
    # a thread (t) runs one raise (S f: set, N q: notify); "fast" if it
    # returned before half its timeout. The raise must not fail: a hard
    # IRQ handler cannot allocate the error.
    def op_V(self, q, code, y, ctx):
        poller = self.obj[q]
        target = self.obj[y]
        act = target.set if code == "S" else target.notify
        done = [0]

        def trigger(_):
            try:
                act()
                done[0] = 1
            except Exception:  # no allocation: this may be a hard IRQ
                done[0] = 2

        if ctx == "t":

            def body():
                time.sleep_ms(2)
                trigger(None)

            _thread.start_new_thread(body, ())
        else:
            timer = machine.Timer(-1)
            timer.init(mode=machine.Timer.ONE_SHOT, period=2, callback=trigger, hard=ctx == "i")
        start = time.ticks_ms()
        try:
            out = self.listing(poller.poll_ms(200))
        except Exception as e:
            out = _error(e)
        elapsed = time.ticks_diff(time.ticks_ms(), start)
        for _ in range(100):
            if done[0]:
                break
            time.sleep_ms(1)
        if ctx != "t":
            timer.deinit()
        ran = (" unrun", "", " raised")[done[0]]
        return "%s %s%s" % (out, "fast" if elapsed < 100 else "slow", ran)

    # poll_ms(0) on q with a notify() of poller y landing in the middle of
    # the round (after its first entry is taken), as an ISR's could.
    def op_NR(self, q, y):
        poller, target = self.obj[q], self.obj[y]
        _uevent_test.raise_during_collect(target, 0)
        try:
            return self.listing(poller.poll_ms(0))
        finally:
            _uevent_test.raise_during_collect(None, 0)

    # Another thread waits in q.poll_ms(-1); this one closes q once the
    # thread has given the GIL back (maybe before it is in k_poll), makes a
    # new poller under the name q, registers f on it, and has a hard Timer
    # set f 20 ms later: what the thread's poll gave, what the new poller
    # gave and whether it was woken at once ("fast", within 500 ms).
    def op_TC(self, q, f):
        old, flag = self.obj[q], self.obj[f]
        started = []
        result = []

        def waiter():
            started.append(1)
            result.append(_call(lambda: self.listing(old.poll_ms(-1))))

        _thread.start_new_thread(waiter, ())
        while not started:
            pass
        old.close()
        new = uevent.poll()
        self.obj[q] = new
        new.register(flag, uevent.EVENT)
        timer = machine.Timer(-1)
        timer.init(mode=machine.Timer.ONE_SHOT, period=20, callback=lambda t: flag.set(), hard=True)
        start = time.ticks_ms()
        got = self.listing(new.poll_ms(2000))
        fast = time.ticks_diff(time.ticks_ms(), start) < 500
        while not result:
            time.sleep_ms(1)
        time.sleep_ms(40)  # the Timer has fired (also when f was set already)
        timer.deinit()
        return "%s %s %s" % (result[0], got, "fast" if fast else "slow")

    # n nested scheduler_lock()s, then all released: whether soft callbacks
    # run afterwards (MicroPython counts the depth in 16 bits).
    def op_SL(self, n):
        lock = uevent.scheduler_lock()
        depth = 0
        err = ""
        try:
            for _ in range(int(n)):
                lock.__enter__()
                depth += 1
        except RuntimeError as e:
            err = _error(e) + " "
        for _ in range(depth):
            lock.__exit__(None, None, None)
        ran = []
        micropython.schedule(lambda _: ran.append(1), None)
        for _ in range(20):
            if ran:
                break
        return err + ("ran" if ran else "unrun")

    def op_K(self):
        return self.stats()

    # The next operation runs its uevent call with the k-th heap allocation
    # in it failing (only that call: the handlers arm the fault right before
    # it and disarm it right after, see arm()).
    def op_A(self, k):
        self.fail_at = int(k)

    def arm(self):
        if self.fail_at is not None:
            _uevent_test.fail_allocs(self.fail_at)

    def disarm(self):
        _uevent_test.fail_allocs(0, 0)

    def run_op(self, fields):
        fn = getattr(self, "op_" + fields[0])
        n = len(fields)
        if n == 1:
            call = fn
        elif n == 2:
            call = lambda: fn(fields[1])  # noqa: E731
        elif n == 3:
            call = lambda: fn(fields[1], fields[2])  # noqa: E731
        elif n == 4:
            call = lambda: fn(fields[1], fields[2], fields[3])  # noqa: E731
        else:
            call = lambda: fn(fields[1], fields[2], fields[3], fields[4])  # noqa: E731
        try:
            return _call(call)
        finally:
            self.disarm()
            if fields[0] != "A":
                self.fail_at = None


# Runs one program: a first line with the capacities and the state the
# model starts from (unless caps is False: the regression tests the model
# wrote, whose output must not depend on the board), then one line per
# operation.
def run(text, caps=True):
    program = Program()
    if caps:
        s = uevent.stats()
        print("caps", s["entries_max"], s["pollers_max"], 1 if _thread else 0, program.stats())
    for i, op in enumerate(text.split(";")):
        print("%d %s" % (i, program.run_op(op.split())))
