# 5. Setup cost: CPU cycles the MicroPython thread runs from `await` on a
# fresh ThreadSafeFlag / Event until it is asleep (registered and armed),
# as seen by the ISR of the edge that later wakes it.
import asyncio

pin = edge_pin()


async def tsf_once(out, i, first):
    flag = asyncio.ThreadSafeFlag()
    pin.irq(handler=lambda _: flag.set(), trigger=3, hard=asyncio.io_backend() == "uevent")
    B.edge(pin, SETUP_DELAY_US)
    B.stamp()
    await flag.wait()
    out[i] = B.cpu_to_sleep()


async def setter(ev):
    # Another task sets the Event once the edge came.
    if asyncio.io_backend() == "uevent":
        await asyncio.wait_event(pin)
    else:
        flag = asyncio.ThreadSafeFlag()
        pin.irq(handler=lambda _: flag.set(), trigger=3)
        await flag.wait()
    ev.set()


async def event_once(out, i, first):
    ev = asyncio.Event()
    pin.irq(handler=None, trigger=3)
    t = asyncio.create_task(setter(ev))
    await asyncio.sleep_ms(0)
    B.edge(pin, SETUP_DELAY_US)
    B.stamp()
    await ev.wait()
    out[i] = B.cpu_to_sleep()
    await t


async def series(fn, out):
    for i in range(len(out)):
        gc.collect()
        await fn(out, i, i == 0)


for backend in ("uevent", "select"):
    for kind, fn in (("tsf", tsf_once), ("event", event_once)):
        if backend == "uevent":
            asyncio.use_uevent()
        else:
            asyncio.use_select_poll()
        out = array.array("i", (0 for _ in range(SETUP_N)))
        # The first await of a fresh loop is kept apart (first sample).
        asyncio.run(series(fn, out))
        samples("setup_%s_%s" % (backend, kind), out)
pin.irq(handler=None, trigger=0)
asyncio.use_uevent()
