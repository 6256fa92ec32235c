# The device side of the asyncio random programs of tests/model: run(text)
# runs a director task that performs one operation at a time and lets the
# loop settle after each; worker tasks perform their actions and log what
# each returned. After each operation one line: the operation's own result
# and every worker's log since the last line (tests/model/README.md).
#
# Operations (separated by ";"): W w a,a,..  spawn worker w with actions;
# X w [i]  cancel it (i: from a hard IRQ); J w  await it for 30 ms; S f ctx  set a ThreadSafeFlag
# (ctx m task, s soft callback, i hard IRQ, t thread); C f  clear it;
# E e ctx  set an asyncio.Event (m, or s: from a soft callback while the
# loop sleeps, timed); K w a,..  spawn from a soft callback while the loop
# sleeps (timed); G p v  drive an emulated pin; O t  a one-shot Timer fires;
# D r data  bytes into polled stream r; BF n  n Flags registered in a poller
# of the program's (the entry pool fills); NL  new_event_loop() in the
# director; AL x  a soft callback while the loop sleeps steps wait_event(x)
# (x sl: sleep_ms(0)) by hand; R  end this asyncio.run(), the next
# operations run in a new one;
# AW x, AS x  outside any run: wait_event(x) made, or made and stepped.
#
# Actions: ev:x  wait_event(x); fw:f  f.wait(); sl:s|l|0  sleep 2 ms,
# 100 s, 0; ew:e  Event.wait(); rd:r  StreamReader(r).read(8); wf:a:s|l
# wait_for(a, 30 ms | 100 s); ga:a+b  gather(a, b); pi:p:t  p.irq(trigger=t);
# ret:v  return v; err  raise ValueError. Runs on MicroPython's unix port too (stock asyncio,
# no uevent, machine or _uevent_test): the differential runs use only the
# portable part.
import asyncio
import io

import micropython

try:
    import _uevent_test
    import machine
    import uevent
except ImportError:
    machine = None
try:
    import _thread
except ImportError:
    _thread = None

SETTLE_MS = 150
SHORT_MS = 2
LONG_MS = 100000
TIMEOUT_MS = 30
# Ops E (ctx s) and K: the soft callback comes this late, when the loop is
# surely asleep (a callback in the middle of a task's Event.wait() is a race
# asyncio.Event does not promise to survive: use ThreadSafeFlag there).
LATE_SOFT_MS = 30
PIN_NUMBERS = (4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)


def _error(e):
    return "!" + type(e).__name__


# A polled stream (an io.IOBase with MP_STREAM_POLL) the director fills:
# readable while it holds bytes.
class Pipe(io.IOBase):
    def __init__(self):
        self.data = b""

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return arg & 1 if self.data else 0  # MP_STREAM_POLL_RD
        return -1  # no other request (the unix port asks for a file number)

    def read(self, n=-1):
        r = self.data if n < 0 else self.data[:n]
        self.data = self.data[len(r) :]
        return r


class Worker:
    def __init__(self, name):
        self.name = name
        self.log = []
        self.task = None


class Program:
    def __init__(self):
        self.obj = {}
        self.workers = {}
        self.unhandled = []
        self.signal = None  # what op K's worker sets when it starts
        self.keep = None  # op BF's poller, and the Flags it registered
        self.kept_flags = []

    def thing(self, name):
        obj = self.obj.get(name)
        if obj is None:
            kind = name[0]
            if kind == "f":
                obj = asyncio.ThreadSafeFlag()
            elif kind == "e":
                obj = asyncio.Event()
            elif kind == "p":
                obj = machine.Pin(("gpio_emul0", PIN_NUMBERS[int(name[1:])]))
                obj.irq(trigger=0)
                obj.init(machine.Pin.IN)
                _uevent_test.set_input(obj, 0)
                obj.irq(trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)
            elif kind == "t":
                obj = machine.Timer(-1)
            elif kind == "r":
                obj = Pipe()
            self.obj[name] = obj
        return obj

    # --- what workers do
    async def perform(self, act):
        # (str.partition is not in every build)
        kind, arg = (act.split(":", 1) + [""])[:2]
        if kind == "sig":
            # The first action of a worker op K spawned: it runs now.
            self.signal.set()
        elif kind == "ev":
            await asyncio.wait_event(self.thing(arg))
        elif kind in ("fw", "ew"):
            await self.thing(arg).wait()
        elif kind == "rd":
            return (await asyncio.StreamReader(self.thing(arg)).read(8)).decode()
        elif kind == "sl":
            await asyncio.sleep_ms(SHORT_MS if arg == "s" else LONG_MS if arg == "l" else 0)
        elif kind == "wf":
            cut = arg.rfind(":")
            inner, limit = arg[:cut], arg[cut + 1 :]
            return await asyncio.wait_for_ms(
                self.perform(inner), TIMEOUT_MS if limit == "s" else LONG_MS
            )
        elif kind == "ga":
            a, b = arg.split("+")
            return "+".join(await asyncio.gather(self.perform(a), self.perform(b)))
        elif kind == "pi":
            pin, trigger = arg.split(":")
            self.thing(pin).irq(trigger=int(trigger))
        elif kind == "ret":
            return arg
        elif kind == "err":
            raise ValueError(arg)
        return "ok"

    async def worker(self, w, acts):
        for act in acts:
            try:
                r = await self.perform(act)
            except asyncio.CancelledError:
                w.log.append(act + "=cancel")
                raise
            except Exception as e:
                if act == "err":
                    w.log.append("err=raise")
                    raise
                r = _error(e)
            w.log.append(act + "=" + r)
            if act.startswith("ret:"):
                return r
        return "end"

    def spawn(self, name, acts):
        w = Worker(name)
        self.workers[name] = w
        w.task = asyncio.create_task(self.worker(w, acts.split(",")))

    # --- the director's operations
    async def op_W(self, name, acts):
        self.spawn(name, acts)

    async def op_X(self, name, ctx="m"):
        task = self.workers[name].task
        if ctx == "m":
            return task.cancel()
        ok, r = _uevent_test.in_isr(task.cancel)
        return r if ok else _error(r)

    async def op_J(self, name):
        try:
            return await asyncio.wait_for_ms(self.workers[name].task, TIMEOUT_MS)
        except BaseException as e:  # CancelledError is a BaseException
            return _error(e)

    async def op_S(self, f, ctx):
        flag = self.thing(f)
        if ctx == "m":
            flag.set()
        elif ctx == "i":
            ok, r = _uevent_test.in_isr(flag.set)
            if not ok:
                return _error(r)
        elif ctx == "s":
            micropython.schedule(lambda _: flag.set(), None)
            for _ in range(20):
                pass
        else:
            lock = _thread.allocate_lock()
            lock.acquire()

            def body():
                flag.set()
                lock.release()

            _thread.start_new_thread(body, ())
            lock.acquire()

    async def op_C(self, f):
        self.thing(f).clear()

    # A soft callback scheduled by a hard Timer LATE_SOFT_MS into a sleep of
    # the loop runs `act`; "fast" if what it made runnable ran within 150 ms
    # (the loop woke; tasks that ran first, slow ones too, count in), where
    # the loop left asleep would take its 200 ms timeout.
    async def late_soft(self, act):
        seen = asyncio.Event()
        start = [0]

        def soft(_):
            start[0] = time_ms()
            act(seen)

        def hard(_):
            micropython.schedule(soft, None)

        timer = machine.Timer(-1)
        timer.init(mode=machine.Timer.ONE_SHOT, period=LATE_SOFT_MS, callback=hard, hard=True)
        try:
            await asyncio.wait_for_ms(seen.wait(), 200)
        except asyncio.TimeoutError:
            return "timeout"
        finally:
            timer.deinit()
        return "fast" if time_ms() - start[0] < 150 else "slow"

    async def op_E(self, e, ctx):
        event = self.thing(e)
        if ctx == "m":
            event.set()
            return None

        def act(seen):
            event.set()
            seen.set()

        return await self.late_soft(act)

    async def op_K(self, name, acts):
        def act(seen):
            self.spawn(name, "sig," + acts)
            self.signal = seen

        return await self.late_soft(act)

    # A soft callback LATE_SOFT_MS into the loop's sleep steps an awaitable
    # by hand (x "sl": asyncio.sleep_ms(0)): what that raised.
    async def op_AL(self, x):
        got = []

        def act(seen):
            try:
                if x == "sl":
                    next(asyncio.sleep_ms(0))
                else:
                    asyncio.wait_event(self.thing(x)).send(None)
                got.append("stepped")
            except Exception as e:
                got.append(_error(e))
            seen.set()

        speed = await self.late_soft(act)
        return got[0] if got else speed

    async def op_G(self, p, level):
        _uevent_test.set_input(self.thing(p), int(level))

    async def op_O(self, t):
        self.thing(t).init(mode=machine.Timer.ONE_SHOT, period=1)

    async def op_NL(self):
        asyncio.new_event_loop()

    # n new Flags registered in a poller of the program's own, until the
    # entry pool is full: how many, and the error.
    async def op_BF(self, n):
        if self.keep is None:
            self.keep = uevent.poll()
        for i in range(int(n)):
            flag = uevent.Flag()
            try:
                self.keep.register(flag, uevent.EVENT)
            except Exception as e:
                return "%d %s" % (i, _error(e))
            self.kept_flags.append(flag)
        return n

    async def op_D(self, r, data):
        self.thing(r).data += data.encode()

    # Outside any asyncio.run(): the awaitable of one event, not awaited
    # (AW), or stepped (AS: it needs a task).
    def top_AW(self, x):
        asyncio.wait_event(self.thing(x))

    def top_AS(self, x):
        asyncio.wait_event(self.thing(x)).send(None)

    def snapshot(self):
        parts = []
        for name in sorted(self.workers):
            w = self.workers[name]
            if w.log:
                parts.append(name + "[" + ",".join(w.log) + "]")
                w.log = []
        if self.unhandled:
            parts.append("unhandled[" + ",".join(sorted(self.unhandled)) + "]")
            self.unhandled = []
        return " ".join(parts)

    def on_exception(self, loop, context):
        task = context["future"]
        for name in self.workers:
            if self.workers[name].task is task:
                self.unhandled.append(name + ":" + type(context["exception"]).__name__)
                return
        self.unhandled.append("?:" + type(context["exception"]).__name__)

    async def director(self, ops):
        for i, op in ops:
            fields = op.split()
            try:
                r = await getattr(self, "op_" + fields[0])(*fields[1:])
            except Exception as e:
                r = _error(e)
            await asyncio.sleep_ms(SETTLE_MS)
            print(i, "ok" if r is None else r, self.snapshot())


def time_ms():
    import time

    return time.ticks_ms()


# Runs one program: director operations in asyncio.run()s (op R ends one),
# op AW outside them. select_poll: on upstream's loop (use_select_poll());
# settle_ms: the settle after each operation (MicroPython's unix port, in
# real time on the host, uses a shorter one).
def run(text, select_poll=False, settle_ms=SETTLE_MS):
    global SETTLE_MS
    SETTLE_MS = settle_ms
    if select_poll:
        asyncio.use_select_poll()
    program = Program()
    asyncio.get_event_loop().set_exception_handler(program.on_exception)
    batch = []
    for i, op in enumerate(text.split(";")):
        fields = op.split()
        if fields[0] not in ("R", "AW", "AS"):
            batch.append((i, op))
            continue
        if batch:
            asyncio.run(program.director(batch))
            batch = []
        if fields[0] == "R":
            print(i, "ok", program.snapshot())
            continue
        try:
            r = getattr(program, "top_" + fields[0])(*fields[1:])
        except Exception as e:
            r = _error(e)
        print(i, "ok" if r is None else r)
    if batch:
        asyncio.run(program.director(batch))
