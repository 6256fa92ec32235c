# asyncio's loop in C and the awaitable of one event (asyncio.wait_event(),
# ThreadSafeFlag.wait()): what an await returns, awaiting one twice, bad
# sources, the awaitable as a task's coroutine, and the loop's result,
# exception, exception-handler and BaseException paths. The output is the
# same with upstream's Python loop (core.run_until_complete).
import asyncio
import uevent


async def set_later(flag, ms):
    await asyncio.sleep_ms(ms)
    flag.set()


async def awaits():
    f = uevent.Flag()
    asyncio.create_task(set_later(f, 10))
    aw = asyncio.wait_event(f)
    print("returns", await aw)
    print("again", await aw)  # done already: returns at once
    try:
        await asyncio.wait_event(123)
    except TypeError:
        print("TypeError for an int")
    try:
        asyncio.wait_event("no_such_source")
    except ValueError:
        print("ValueError for an unknown name")
    # The awaitable as a task's coroutine (create_task, wait_for, gather).
    tsf = asyncio.ThreadSafeFlag()
    t = asyncio.create_task(tsf.wait())
    await asyncio.sleep_ms(5)
    print("parked", not t.done())
    tsf.set()
    print("result", await t, tsf.is_set())
    r = await asyncio.gather(asyncio.wait_event(f), set_later(f, 5))
    print("gather", r)
    try:
        await asyncio.wait_for_ms(tsf.wait(), 5)
    except asyncio.TimeoutError:
        print("timeout, flag", tsf.is_set())
    return "done"


print("run", asyncio.run(awaits()))


async def value():
    await asyncio.sleep_ms(1)
    return 42


async def fails():
    await asyncio.sleep_ms(1)
    raise ValueError("boom")


print("value", asyncio.run(value()))
try:
    asyncio.run(fails())
except ValueError as e:
    print("raised", e)


# A task's error that nobody awaits goes to the exception handler, once.
def handler(loop, context):
    e = context["exception"]
    print("handler", type(e).__name__, e.args)


async def detached():
    raise OSError(5)


async def spawns():
    asyncio.create_task(detached())
    await asyncio.sleep_ms(5)


loop = asyncio.get_event_loop()
loop.set_exception_handler(handler)
asyncio.run(spawns())
loop.set_exception_handler(None)


async def nap():
    await asyncio.sleep_ms(1000)


# Awaiting tasks: a result, an error, a cancelled task's CancelledError, a
# task cancelled before it ever ran.
async def awaits_tasks():
    print("awaited", await asyncio.create_task(value()))
    try:
        await asyncio.create_task(fails())
    except ValueError as e:
        print("task raised", e)
    s = asyncio.create_task(nap())
    await asyncio.sleep_ms(1)
    s.cancel()
    try:
        await s
    except asyncio.CancelledError:
        print("cancelled while asleep")
    n = asyncio.create_task(value())
    n.cancel()
    try:
        await n
    except asyncio.CancelledError:
        print("cancelled before it ran")


asyncio.run(awaits_tasks())


# A BaseException other than CancelledError leaves the loop at once.
async def exits():
    await asyncio.sleep_ms(1)
    raise SystemExit(3)


try:
    asyncio.run(exits())
except SystemExit as e:
    print("SystemExit", e.args)
asyncio.new_event_loop()
print("after", asyncio.run(value()))


# A steady wait loop allocates nothing: after the first wait, the task's
# registration is kept between its waits and the awaitable is reused (the
# heap is locked for 50 waits on a flag set by a hard Timer callback, on a
# periodic Timer itself, on a flag that is set already each time, and for
# 50 sleep_ms(0)). A
# registration kept for a woken task ends when the loop next sleeps.
import machine
import micropython


async def steady(make_awaitable, n):
    await make_awaitable()
    micropython.heap_lock()
    try:
        i = 0
        while i < n:
            await make_awaitable()
            i += 1
    finally:
        micropython.heap_unlock()
    return i


async def heap_locked_waits():
    f = asyncio.ThreadSafeFlag()
    t = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=2, callback=lambda t: f.set(), hard=True)
    try:
        print("flag, waits", await steady(f.wait, 50))
        print("pin-like timer, waits", await steady(lambda: asyncio.wait_event(t), 50))
    finally:
        t.deinit()
    f.set()

    def set_then_wait():
        f.set()
        return f.wait()

    print("flag set already, waits", await steady(set_then_wait, 50))
    print("sleep_ms(0), waits", await steady(lambda: asyncio.sleep_ms(0), 50))
    await asyncio.sleep_ms(1)
    base = uevent.stats()["entries_in_use"]
    g = uevent.Flag()
    asyncio.create_task(set_later(g, 1))
    await asyncio.wait_event(g)
    print("kept after the wait", uevent.stats()["entries_in_use"] - base)
    await asyncio.sleep_ms(1)
    print("ended once the loop slept", uevent.stats()["entries_in_use"] - base)


asyncio.run(heap_locked_waits())


# A loop that never sleeps (a task always ready) while a task waits on ever
# new objects: the registrations kept for woken tasks are bounded (8), so
# the entry pool (64 on qemu_cortex_m3) is not used up.
async def spinner(stop):
    while not stop[0]:
        await asyncio.sleep_ms(0)


async def fresh_flags():
    stop = [False]
    base = uevent.stats()["entries_in_use"]
    asyncio.create_task(spinner(stop))
    peak = 0
    for i in range(200):
        f = uevent.Flag()
        t = asyncio.create_task(asyncio.wait_event(f))
        await asyncio.sleep_ms(0)
        f.set()
        await t
        peak = max(peak, uevent.stats()["entries_in_use"] - base)
    stop[0] = True
    print("200 fresh flags, the loop never asleep: at most 8 kept", peak <= 8)


asyncio.run(fresh_flags())
