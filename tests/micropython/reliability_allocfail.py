# Allocation fault injection (docs/reliability.md): each operation runs with
# its k-th heap allocation failing, k = 0, 1, ... until it passes. After
# every MemoryError the uevent counts and the heap are back, nothing that
# was ready or notified is lost, and the next wait works.
# timeout: 120
import gc
import machine
import time

import _uevent_test as T
import asyncio
import uevent
from uevent_testkit import settles


def counts():
    s = uevent.stats()
    return s["entries_in_use"], s["pollers_in_use"], s["entries_armed"]


def heap():
    gc.collect()
    return gc.mem_alloc()


def sweep(name, setup, op, after, recover=None):
    # setup() -> ctx; op(ctx) runs with one allocation failing; after(ctx,
    # failed) checks the state and that the next wait works, returns bool.
    # A warm-up run first: what is allocated once for good (a lazily
    # imported asyncio name, a dict that grows) is not counted against the
    # first point.
    ctx = setup()
    after(ctx, False)
    teardown(ctx)
    k = 0
    points = 0
    good = True
    while k < 50:
        ctx = setup()
        h0 = heap()
        base = counts()
        T.fail_allocs(k)
        try:
            op(ctx)
            failed = False
        except MemoryError:
            failed = True
        except (Exception, asyncio.CancelledError):
            # asyncio may turn a MemoryError into another exception
            # (a task's CancelledError): still a failed attempt.
            failed = True
        made = T.fail_allocs(0, 0)
        if failed and recover:
            recover()
        gc.collect()  # what only a finaliser gives back
        back = not failed or settles(counts, base)
        ok = after(ctx, failed)
        teardown(ctx)
        if failed:
            points += 1
            # Conservative GC: a stale stack word may keep a few objects.
            grown = heap() - h0
            if not (back and ok and grown < 1024):
                print(name, "k", k, "back", back, "next ok", ok, "heap +", grown, "counts", base, "->", counts())
                good = False
        elif made == 0:
            good = good and ok
            break
        k += 1
    print(name, "allocation points", points >= 1, "state back and next wait ok", good)


def teardown(ctx):
    for key in ("p", "q"):
        if ctx.get(key):
            ctx[key].close()
    if ctx.get("t"):
        ctx["t"].deinit()


# uevent.poll(): a failure takes no poller slot.
def new_poller(ctx):
    ctx["q"] = uevent.poll()


def flag_wait_works(ctx, failed):
    # A new poller and Flag: a set() is delivered.
    p = uevent.poll()
    f = uevent.Flag()
    p.register(f, uevent.EVENT)
    f.set()
    ok = len(p.poll_ms(0)) == 1
    p.close()
    return ok


sweep("poll()", lambda: {"q": None}, new_poller, flag_wait_works)


# register(): a failure subscribes nothing.
def reg_setup():
    p = uevent.poll()
    return {"p": p, "f": uevent.Flag(), "n": len(p)}


def reg_op(ctx):
    ctx["p"].register(ctx["f"], uevent.EVENT)


def reg_after(ctx, failed):
    p = ctx["p"]
    if failed and len(p) != ctx["n"]:
        return False
    p.register(ctx["f"], uevent.EVENT)
    ctx["f"].set()
    r = p.poll_ms(0)
    return len(r) == 1 and r[0].flags == uevent.EVENT


sweep("register()", reg_setup, reg_op, reg_after)


# poll_ms(): a failure while the result list is built loses no delivery.
def poll_setup():
    p = uevent.poll()
    flags = [uevent.Flag() for i in range(6)]
    for f in flags:
        p.register(f, uevent.EVENT)
        f.set()
    return {"p": p, "flags": flags, "got": None}


def poll_op(ctx):
    ctx["got"] = ctx["p"].poll_ms(0)


def poll_after(ctx, failed):
    got = (ctx.get("got") or []) + ctx["p"].poll_ms(0)
    every = sorted(id(e.obj) for e in got) == sorted(id(f) for f in ctx["flags"])
    return every and all(e.flags == uevent.EVENT for e in got)


sweep("poll_ms() ready", poll_setup, poll_op, poll_after)


# ... nor a notify(): the next wait returns at once.
def notify_setup():
    p = uevent.poll()
    p.notify()
    return {"p": p, "got": None}


def notify_after(ctx, failed):
    if not failed:
        return True
    t0 = time.ticks_ms()
    ctx["p"].poll_ms(1000)
    return time.ticks_diff(time.ticks_ms(), t0) < 200


sweep("poll_ms() notify", notify_setup, poll_op, notify_after)


# Flag() and Timer(): a failure leaves no source behind.
def flag_op(ctx):
    ctx["f"] = uevent.Flag()


sweep("Flag()", lambda: {"f": None}, flag_op, flag_wait_works)


def timer_op(ctx):
    ctx["t"] = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=20)


def timer_after(ctx, failed):
    t = ctx.get("t") or machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=20)
    ctx["t"] = t
    p = uevent.poll()
    p.register(t, uevent.EVENT)
    t.init(mode=machine.Timer.ONE_SHOT, period=20)
    ok = len(p.poll_ms(1000)) == 1
    p.close()
    return ok


sweep("Timer()", lambda: {"t": None}, timer_op, timer_after)


# The asyncio IO queue: a task waiting on a flag, the loop's allocations
# failing in turn. What the loop's own poller holds is compared.
def aio_setup():
    asyncio.new_event_loop()
    gc.collect()
    return {"f": asyncio.ThreadSafeFlag(), "entries": counts()[0]}


def aio_op(ctx):
    f = ctx["f"]

    async def main():
        t = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=10, callback=lambda t: f.set(), hard=True)
        try:
            await asyncio.wait_for_ms(f.wait(), 1000)
        finally:
            t.deinit()

    asyncio.run(main())


def aio_after(ctx, failed):
    asyncio.new_event_loop()
    f = asyncio.ThreadSafeFlag()

    async def main():
        t = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=10, callback=lambda t: f.set(), hard=True)
        try:
            await asyncio.wait_for_ms(f.wait(), 1000)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            t.deinit()

    ok = asyncio.run(main())
    asyncio.new_event_loop()
    gc.collect()
    return ok and counts()[0] == ctx["entries"]


# A loop left by an exception out of asyncio.run() keeps its tasks (as
# upstream's): a new loop lets go of them and their registrations.
sweep("asyncio wait", aio_setup, aio_op, aio_after, asyncio.new_event_loop)
# Every entry back (the pollers: the loop's own, and maybe one a stale
# stack word keeps until a later collection).
gc.collect()
print("after: entries", counts()[0], "armed", counts()[2])
