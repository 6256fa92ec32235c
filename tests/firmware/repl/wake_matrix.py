# The wake matrix (docs/reliability.md): every way an event arrives (rows)
# x every way Python waits (columns) x where the waiter runs (arrangements).
# Each cell arms its event DELAY ms ahead, then waits with a LONG timeout:
# the wait must end within DELAY + BOUND ms with the event delivered once,
# and nothing more is delivered in the next few ms. A cell that makes no
# sense prints "-" with the reason, in the legend below the table.
#
# Frozen into the test firmware (too big to compile in qemu_cortex_m3's
# heap); tests/micropython/wake_matrix.py runs it: run().
import asyncio
import io
import select
import sys
import time

import _uevent_test as uevent_test
import machine
import micropython
import uevent

try:
    import _thread
except ImportError:
    _thread = None
try:
    import socket
except ImportError:  # a board without networking (docs/network.md)
    socket = None

DELAY = 30  # ms from arming to the event
BOUND = 60  # a wait may end this late (QEMU in real time on a loaded host)
LONG = 1500  # the waits' timeout: reaching it is a failure
EXTRA = 5  # ms of looking for a second delivery after the first
LATE_RETRIES = 2  # more runs of a late cell (see run_cell)

SOCKET_PORT = 8095  # the socket rows' listener, on 127.0.0.1

PIN_A = ("gpio_emul0", 10)
PIN_B = ("gpio_emul0", 11)


def uart_loopback():
    # uart1 looped back to itself (tests/firmware/repl/CMakeLists.txt)?
    try:
        u = machine.UART("uart1", timeout=0)
    except (ValueError, OSError):
        return None
    while u.read(64):
        pass
    u.write(b"?")
    t0 = time.ticks_ms()
    while not u.any() and time.ticks_diff(time.ticks_ms(), t0) < 500:
        time.sleep_ms(5)
    return u if u.read(1) == b"?" else None


UART = None
# Console input that is not the test's own byte (the raw REPL's next
# command, which the twister harness sends while a script runs) is set
# aside as it shows up, and put back in front of the console input at the
# end. The console cells inject TEST_BYTE, which nothing else sends.
TEST_BYTE = b"\x07"
held_input = bytearray()


def console_ready():
    p = select.poll()
    p.register(sys.stdin, select.POLLIN)
    return bool(p.poll(0))


def keep_console_byte(b):
    # A byte read from the console: True if it is the test's own.
    if isinstance(b, str):
        b = b.encode()
    if b == TEST_BYTE:
        return True
    held_input.extend(b)
    return False


def take_console_input():
    # Every byte buffered now: the test's own are dropped, the rest held.
    while console_ready():
        keep_console_byte(sys.stdin.buffer.read(1))


def read_test_byte():
    # Blocks (the column under test) until the test's byte arrives.
    while not keep_console_byte(sys.stdin.buffer.read(1)):
        pass
    return 1


def pad(text, width):
    return text + " " * (width - len(text))


def one_shot(ms, cb, hard=True):
    return machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=ms, callback=cb, hard=hard)


def drain():
    # Input a cell left unread (a native wait only sees it) is not the next
    # cell's event.
    if UART is not None:
        while UART.read(64):
            pass
    take_console_input()


def reset_pins():
    for p in (PIN_A, PIN_B):
        machine.Pin(p, machine.Pin.IN).irq(handler=None)
        uevent_test.set_input(p, 0)


# ---- rows: how the event arrives ----
# Each row's fire(w, ctx) arranges its event DELAY ms from now and returns
# what it started (stopped by the cell). Its kind says what becomes ready:
# "set" calls w.set(); "pin" / "timer" / "uart" / "console" are native
# sources; "notify" calls poller.notify().


class Row:
    def __init__(self, name, kind, fire, needs_thread=False, soft=False, poller_after=False):
        self.name = name
        self.kind = kind
        self.fire = fire
        self.needs_thread = needs_thread
        self.soft = soft  # the event is a soft callback (sleep_ms runs it)
        # poll_ms's poller made after the row's set-up (which frees a slot
        # the poller must take), not before: making one may collect
        # garbage (a big heap: 30 ms and more), and the event is DELAY ms
        # away.
        self.poller_after = poller_after


def fire_isr_set(w, ctx):
    return one_shot(DELAY, lambda t: w.set())


def fire_pin_edge(w, ctx):
    return one_shot(DELAY, lambda t: uevent_test.set_input(PIN_A, 1))


def fire_timer(w, ctx):
    ctx.timer = machine.Timer(
        -1, mode=machine.Timer.ONE_SHOT, period=DELAY, callback=w.timer_cb(), hard=True
    )
    return ctx.timer


# A scheduled callback that counts its runs in ctx.ran; the run given a
# true argument sets the waited-on source.
def counting_setter(w, ctx):
    ctx.ran = 0

    def cb(last):
        ctx.ran += 1
        if last:
            w.set()

    return cb


def scheduler(n):
    def fire(w, ctx):
        cb = counting_setter(w, ctx)

        def isr(t):
            for i in range(n):
                micropython.schedule(cb, i == n - 1)

        return one_shot(DELAY, isr)

    return fire


def fire_queued_before(w, ctx):
    # Two callbacks queued before the wait starts; the second sets.
    cb = counting_setter(w, ctx)

    def start():
        micropython.schedule(cb, False)
        micropython.schedule(cb, True)

    ctx.before_wait = start
    return None


def fire_soft_pins(w, ctx):
    # Two soft Pin IRQs at once; the second sets.
    ctx.ran = 0

    def cb(pin):
        ctx.ran += 1
        if ctx.ran == 2:
            w.set()

    for p in (PIN_A, PIN_B):
        machine.Pin(p, machine.Pin.IN).irq(handler=cb, trigger=machine.Pin.IRQ_RISING, hard=False)

    def isr(t):
        uevent_test.set_input(PIN_A, 1)
        uevent_test.set_input(PIN_B, 1)

    return one_shot(DELAY, isr)


def fire_soft_timer(w, ctx):
    return one_shot(DELAY, lambda t: w.set(), hard=False)


def fire_notify_isr(w, ctx):
    return one_shot(DELAY, lambda t: w.notify())


def fire_notify_soft(w, ctx):
    def cb(a):
        w.notify()

    return one_shot(DELAY, lambda t: micropython.schedule(cb, None))


def in_thread(fn):
    def run():
        time.sleep_ms(DELAY)
        fn()

    _thread.start_new_thread(run, ())


def fire_notify_thread(w, ctx):
    in_thread(lambda: w.notify())  # the poller is made after this


def fire_thread_set(w, ctx):
    in_thread(w.set)


def fire_uart(w, ctx):
    return one_shot(DELAY, lambda t: UART.write(b"u"))


def fire_console(w, ctx):
    uevent_test.console_input(TEST_BYTE, DELAY)


def fire_lock_same(w, ctx):
    # A callback queued while this thread holds scheduler_lock, released
    # just before the wait: it runs at once.
    ctx.ran = 0

    def cb(a):
        ctx.ran += 1
        w.set()

    def start():
        with uevent.scheduler_lock():
            micropython.schedule(cb, None)
            time.sleep_ms(DELAY)

    ctx.before_wait = start


def fire_lock_thread(w, ctx):
    # Another thread holds scheduler_lock while a callback is queued and
    # releases it DELAY ms later: the waiting thread runs it then.
    ctx.ran = 0
    lk = uevent.scheduler_lock()
    lk.__enter__()

    def cb(a):
        ctx.ran += 1
        w.set()

    micropython.schedule(cb, None)

    def release():
        lk.__exit__(None, None, None)

    in_thread(release)


def fire_uart_recreated(w, ctx):
    # The UART deinit()ed and made again (the same object, its timeout as
    # the column set it): it hears again.
    UART.deinit()
    machine.UART("uart1")
    return one_shot(DELAY, lambda t: UART.write(b"u"))


def fire_closed_in_wait(w, ctx):
    # Another thread waits in a poller of its own, which this one closes
    # (that thread may still be on its way into k_poll): the waiter's own
    # poller, made after this, must not lose its wake to that thread.
    p = uevent.poll()
    started = []

    def other():
        started.append(1)
        try:
            p.poll_ms(-1)
        except ValueError:  # closed while waiting
            started.append(2)

    _thread.start_new_thread(other, ())
    while not started:
        pass
    p.close()
    return one_shot(DELAY, lambda t: w.set())


# Socket rows: a connection over 127.0.0.1 (the stack's loopback), its
# arrival made DELAY ms ahead by another thread (socket calls are not for
# hard IRQs): data on a connection, a connection for a listener, the
# peer's close. ctx.sock is what the waiter waits on, ctx.sock_arrival
# which of the three.
class SocketArrival:
    def __init__(self, ctx, arrival):
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", SOCKET_PORT))
        self.srv.listen(2)
        self.a = socket.socket()
        self.a.connect(("127.0.0.1", SOCKET_PORT))
        self.b, _ = self.srv.accept()
        self.extra = []
        ctx.sock_arrival = arrival
        ctx.sock = self.srv if arrival == "connect" else self.b
        self.done = False
        _thread.start_new_thread(self.later, (arrival,))

    def later(self, arrival):
        try:
            time.sleep_ms(DELAY)
            if arrival == "data":
                self.a.send(b"s")
            elif arrival == "connect":
                c = socket.socket()
                self.extra.append(c)
                c.connect(("127.0.0.1", SOCKET_PORT))
            else:
                self.a.close()
        finally:
            self.done = True

    def deinit(self):
        while not self.done:
            time.sleep_ms(5)
        for s in self.extra:
            s.close()
        for s in (self.a, self.b, self.srv):
            s.close()


def fire_socket(arrival):
    return lambda w, ctx: SocketArrival(ctx, arrival)


def take_socket(ctx):
    # What a level-triggered waiter does with a ready socket: takes it.
    if ctx.sock_arrival == "data":
        ctx.sock.recv(1)
    elif ctx.sock_arrival == "connect":
        ctx.sock.accept()[0].close()


ROWS = [
    Row("isr Flag.set", "set", fire_isr_set),
    Row("isr Pin edge", "pin", fire_pin_edge),
    Row("isr Timer", "timer", fire_timer),
    Row("schedule x1", "set", scheduler(1), soft=True),
    Row("schedule x2", "set", scheduler(2), soft=True),
    Row("schedule x8", "set", scheduler(8), soft=True),
    Row("2 queued before", "set", fire_queued_before, soft=True),
    Row("soft Pin IRQ x2", "set", fire_soft_pins, soft=True),
    Row("soft Timer", "set", fire_soft_timer, soft=True),
    Row("notify isr", "notify", fire_notify_isr),
    Row("notify soft", "notify", fire_notify_soft),
    Row("notify thread", "notify", fire_notify_thread, needs_thread=True),
    Row("thread Flag.set", "set", fire_thread_set, needs_thread=True),
    Row("UART RX", "uart", fire_uart),
    Row("console input", "console", fire_console),
    Row("sched_lock same", "set", fire_lock_same, soft=True),
    Row("sched_lock thread", "set", fire_lock_thread, needs_thread=True, soft=True),
    Row("UART re-created", "uart", fire_uart_recreated),
    Row("closed in a wait", "set", fire_closed_in_wait, needs_thread=True, poller_after=True),
    Row("socket data", "socket", fire_socket("data"), needs_thread=True),
    Row("socket connect", "socket", fire_socket("connect"), needs_thread=True),
    Row("socket peer close", "socket", fire_socket("close"), needs_thread=True),
]


# ---- columns: how Python waits ----
# A column's cell(row, ctx) returns (ms until the wait ended, deliveries),
# or a reason string when the combination makes no sense.


class Ctx:
    def __init__(self):
        self.ran = None
        self.before_wait = None
        self.timer = None
        self.sock = None  # a socket row's socket, its arrival
        self.sock_arrival = None
        self.wake_ms = None  # time.ticks_ms() when the first wait ended


class PollMs:
    name = "poll_ms"

    def cell(self, row, ctx):
        f = uevent.Flag()
        self.set = f.set
        self.notify = None
        obj = {
            "set": f,
            "pin": None,
            "timer": None,
            "uart": UART,
            "console": sys.stdin,
            "notify": None,
            "socket": None,
        }[row.kind]
        if row.kind == "pin":
            obj = machine.Pin(PIN_A, machine.Pin.IN)
            obj.irq(trigger=machine.Pin.IRQ_RISING)
        if not row.poller_after:
            self.make_poller()
        started = row.fire(self, ctx)
        if row.poller_after:
            self.make_poller()
        p = self.p
        if row.kind == "timer":
            obj = ctx.timer
        if row.kind == "socket":
            obj = ctx.sock
        if obj is not None:
            level = row.kind in ("uart", "console", "socket")
            p.register(obj, uevent.READ if level else uevent.EVENT)
        if row.kind == "notify":
            # notify() ends the wait with no entry ready.
            n, dt = wait_loop(ctx, lambda ms: len(p.poll_ms(ms)) == 0, True)
            n = int(dt < LONG)
        else:
            n, dt = wait_loop(ctx, lambda ms: len(p.poll_ms(ms)))
        stop(started)
        p.close()
        return dt, n

    def make_poller(self):
        self.p = uevent.poll()
        self.notify = self.p.notify

    def timer_cb(self):
        return None


def wait_loop(ctx, wait, counts_wakes=False):
    # The first wait (LONG timeout), then EXTRA ms more for a second one.
    if ctx.before_wait:
        ctx.before_wait()
    t0 = time.ticks_ms()
    n = wait(LONG)
    ctx.wake_ms = time.ticks_ms()
    dt = time.ticks_diff(ctx.wake_ms, t0)
    if n and not counts_wakes:
        n += wait(EXTRA)
    return n, dt


def stop(started):
    if started is not None:
        started.deinit()


class IOFlag(io.IOBase):
    # A stream that is readable once set (what select.poll can wait on).
    def __init__(self):
        self.state = 0

    def ioctl(self, req, arg):
        if req == 3:
            return arg & 1 if self.state else 0
        return -1

    def set(self):
        self.state = 1


# A stream's Python-level state set by another thread raises nothing:
# select.poll sees it at its next wake (docs/uevent.md).
THREAD_SET_REASON = "a Python stream's state set by a thread is no wake for select.poll: use uevent"


class SelectPoll:
    name = "select"

    def cell(self, row, ctx):
        if row.kind == "notify":
            return "select.poll has no notify()"
        if row.name == "thread Flag.set":
            return THREAD_SET_REASON
        f = IOFlag()
        self.set = f.set
        obj = {"uart": UART, "console": sys.stdin}.get(row.kind, f)
        pin = None
        if row.kind == "pin":
            pin = machine.Pin(PIN_A, machine.Pin.IN)
            pin.irq(handler=lambda p: f.set(), trigger=machine.Pin.IRQ_RISING, hard=True)
        started = row.fire(self, ctx)
        if row.kind == "socket":
            obj = ctx.sock
        p = select.poll()
        p.register(obj, select.POLLIN)

        def wait(ms):
            r = p.poll(ms)
            if r and obj is f:
                f.state = 0  # taken
            elif r and obj is UART and ms == LONG:
                UART.read(1)
            elif r and obj is sys.stdin and ms == LONG:
                take_console_input()
            elif r and row.kind == "socket" and ms == LONG:
                take_socket(ctx)
                if ctx.sock_arrival == "close":
                    p.modify(obj, 0)  # an EOF stays readable: a level
            return len(r)

        n, dt = wait_loop(ctx, wait)
        stop(started)
        if pin:
            pin.irq(handler=None)
        return dt, n

    def timer_cb(self):
        return lambda t: self.set()


class Asyncio:
    def __init__(self, backend):
        self.backend = backend
        self.name = "aio " + backend

    def cell(self, row, ctx):
        if row.kind == "notify":
            return "asyncio has no notify(): a ThreadSafeFlag is its wake"
        uev = self.backend == "uevent"
        if uev:
            asyncio.use_uevent()
        else:
            asyncio.use_select_poll()
            if row.name == "thread Flag.set":
                return THREAD_SET_REASON
        tsf = asyncio.ThreadSafeFlag()
        self.set = tsf.set
        pin = None
        if row.kind == "pin":
            pin = machine.Pin(PIN_A, machine.Pin.IN)
            if uev:
                pin.irq(trigger=machine.Pin.IRQ_RISING)
            else:
                pin.irq(handler=lambda p: tsf.set(), trigger=machine.Pin.IRQ_RISING, hard=True)
        self.uev = uev
        started = row.fire(self, ctx)
        kind = row.kind
        if kind == "timer" and not uev:
            kind = "set"
        if kind == "pin" and not uev:
            kind = "set"

        async def one(ms):
            if kind == "socket" and ctx.sock_arrival == "close" and ms != LONG:
                return 0  # EOF stays: a second read is no second delivery
            if kind == "set":
                aw = tsf.wait()
            elif kind == "pin":
                aw = asyncio.wait_event(pin)
            elif kind == "timer":
                aw = asyncio.wait_event(ctx.timer)
            elif kind == "socket" and ctx.sock_arrival == "connect":
                aw = readable(ctx.sock)
            elif kind == "socket":
                aw = asyncio.StreamReader(ctx.sock).read(1)
            else:
                aw = asyncio.StreamReader(UART if kind == "uart" else sys.stdin).read(1)
            try:
                got = await asyncio.wait_for_ms(aw, ms)
                if kind == "console" and not keep_console_byte(got):
                    return 0
                return 1
            except asyncio.TimeoutError:
                return 0

        n, dt = wait_loop(ctx, lambda ms: asyncio.run(one(ms)))
        stop(started)
        if pin:
            pin.irq(handler=None)
        asyncio.use_uevent()
        return dt, n

    def timer_cb(self):
        return None if self.uev else (lambda t: self.set())


async def readable(s):
    # What asyncio's streams and start_server wait on before a call.
    yield asyncio.core._io_queue.queue_read(s)
    s.accept()[0].close()


class SleepMs:
    name = "sleep_ms"

    def cell(self, row, ctx):
        if not row.soft:
            return "only soft callbacks run during a sleep; nothing else ends it"
        self.t = None
        self.calls = 0
        started = row.fire(self, ctx)
        if ctx.before_wait:
            ctx.before_wait()
        t0 = time.ticks_ms()
        self.t0 = t0
        time.sleep_ms(DELAY + 2 * BOUND)
        stop(started)
        if self.t is None:
            return LONG, 0
        return time.ticks_diff(self.t, t0), self.calls

    def set(self):
        self.calls += 1
        self.t = time.ticks_ms()


class UartRead:
    name = "UART.read"

    def cell(self, row, ctx):
        if row.kind != "uart":
            return "UART.read waits for UART input only"
        UART.init(timeout=LONG)
        started = row.fire(self, ctx)
        n, dt = wait_loop(
            ctx, lambda ms: len(UART.read(1) or b"") if ms == LONG else (UART.any() > 0)
        )
        UART.init(timeout=0)
        stop(started)
        return dt, n


class SocketCall:
    name = "sock call"

    def cell(self, row, ctx):
        if row.kind != "socket":
            return "a blocking socket call waits for its socket only"
        started = row.fire(self, ctx)
        s = ctx.sock
        s.settimeout(LONG / 1000)

        def wait(ms):
            if ms != LONG:
                return 0  # a blocking call returns once; EOF stays
            try:
                if ctx.sock_arrival == "connect":
                    s.accept()[0].close()
                    return 1
                # The byte for data; EOF (b"") for the peer's close.
                return int((s.recv(1) == b"") == (ctx.sock_arrival == "close"))
            except OSError:  # timed out
                return 0

        n, dt = wait_loop(ctx, wait)
        stop(started)
        return dt, n


class StdinRead:
    name = "stdin.read"

    def cell(self, row, ctx):
        if row.kind != "console":
            return "sys.stdin.read waits for console input only"
        started = row.fire(self, ctx)
        p = select.poll()
        p.register(sys.stdin, select.POLLIN)
        n, dt = wait_loop(ctx, lambda ms: read_test_byte() if ms == LONG else len(p.poll(0)))
        stop(started)
        return dt, n


COLUMNS = [
    PollMs(),
    SelectPoll(),
    Asyncio("uevent"),
    Asyncio("select"),
    SleepMs(),
    UartRead(),
    StdinRead(),
    SocketCall(),
]

# ---- arrangements: where the waiter runs ----


def sleeper(state):
    # A second thread that sleeps (in 300 ms naps) until told to stop.
    while not state[0]:
        time.sleep_ms(300)
    state[1] = True


def run_in(arrangement, fn):
    if arrangement == "main":
        return fn()
    if arrangement == "main+sleeper":
        state = [False, False]
        _thread.start_new_thread(sleeper, (state,))
        try:
            return fn()
        finally:
            state[0] = True
            while not state[1]:
                time.sleep_ms(10)
    # "thread": the waiter runs on another thread; main sleeps meanwhile.
    box = [None, None]

    def body():
        try:
            box[0] = fn()
        except Exception as e:
            box[1] = e
        box.append(True)

    _thread.start_new_thread(body, ())
    while len(box) < 3:
        time.sleep_ms(20)
    if box[1] is not None:
        raise box[1]
    return box[0]


def row_reason(row, arrangement):
    if row.needs_thread and _thread is None:
        return "no _thread on this board"
    if row.kind == "uart" and UART is None:
        return "no looped-back UART on this board"
    if row.kind == "socket" and socket is None:
        return "no socket module on this board"
    return None


def run_cell_once(arrangement, row, col):
    # (reason, None) for a cell that makes no sense, else (None, verdict):
    # ("ok",) or (what went wrong, ms to the wake, deliveries, callbacks run).
    reset_pins()
    drain()
    ctx = Ctx()
    try:
        res = run_in(arrangement, lambda: col.cell(row, ctx))
    except Exception as e:
        res = (LONG, type(e).__name__ + ": " + str(e))
    if isinstance(res, str):
        return res, None
    dt, n = res
    if isinstance(n, str):
        what = n  # the exception it raised
    elif n != 1:
        what = "lost" if n == 0 else "delivered " + str(n)
    elif ctx.ran is not None and ctx.ran < 1:
        what = "callback not run"
    elif late(row, dt, ctx):
        what = "late"
    else:
        return None, ("ok",)
    return None, (what, dt, n, ctx.ran)


def late(row, dt, ctx):
    # The UART row's byte travels through the host (UDP): under twister's
    # -icount sleep=off the idle guest's clock jumps to its next deadline
    # (a sleeping thread's nap, or up to 1.4 s) when the host is slower than
    # the guest, so the byte may come in long after DELAY. Its wake is timed
    # from the RX interrupt that took the byte in.
    if row.kind == "uart" and ctx.wake_ms is not None:
        return time.ticks_diff(ctx.wake_ms, uevent_test.uart_rx_ms(UART)) >= BOUND
    return dt >= DELAY + BOUND


def run_cell(arrangement, row, col):
    # A cell that came out late is run again, up to LATE_RETRIES times:
    # run-qemu keeps real time on a shared host, whose load can stall QEMU.
    # A UART byte that came in after the wait's timeout (see late()) is run
    # again too. A doubled event, a callback not run, or the same fault
    # every time fails.
    retry = ("late", "lost") if row.kind == "uart" else ("late",)
    for _ in range(1 + LATE_RETRIES):
        reason, verdict = run_cell_once(arrangement, row, col)
        if reason is not None or verdict[0] not in retry:
            return reason, verdict
    return None, verdict


def main():
    arrangements = ["main"] + (["main+sleeper", "thread"] if _thread else [])
    legend = {}
    failures = []
    ok = 0
    for arrangement in arrangements:
        print("==", arrangement)
        print(pad("row", 18), " ".join(pad(c.name, 10) for c in COLUMNS))
        for row in ROWS:
            marks = []
            for col in COLUMNS:
                reason = row_reason(row, arrangement)
                if reason is None:
                    reason, verdict = run_cell(arrangement, row, col)
                if reason is not None:
                    key = legend.setdefault(reason, "n" + str(len(legend) + 1))
                    marks.append(pad(("-" + key), 10))
                    continue
                if verdict[0] == "ok":
                    ok += 1
                    marks.append(pad("ok", 10))
                else:
                    marks.append(pad("FAIL", 10))
                    failures.append((arrangement, row.name, col.name, verdict))
            print(pad(row.name, 18), " ".join(marks))
    print("legend:")
    for reason, key in sorted(legend.items(), key=lambda kv: int(kv[1][1:])):
        print(" ", key, reason)
    print("cells ok:", ok, "failed:", len(failures))
    for f in failures:
        print("FAIL", f)


def run():
    global UART
    UART = uart_loopback()
    take_console_input()
    try:
        main()
    finally:
        reset_pins()
        take_console_input()
        if held_input:
            uevent_test.console_unread(held_input)
