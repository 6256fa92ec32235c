# 2. Latency from an emulated GPIO edge (stamped in the k_timer ISR that makes
# it) to Python code running: poll_ms return, asyncio task, select.poll +
# ThreadSafeFlag, and the C floor. N edges per row (set by scripts/bench).
import asyncio
import select

pin = edge_pin()


# What reading the clock from Python costs (the stamp is taken in a call):
# two stamps back to back, inside a function as all the loops below.
def stamp_overhead(ov):
    since_edge = B.since_edge
    for i in range(len(ov)):
        a = since_edge()
        ov[i] = since_edge() - a


ov = zeros(64)
stamp_overhead(ov)
samples("stamp_overhead", ov)

buf = zeros(N)
B.floor(pin, buf, EDGE_DELAY_US)
samples("c_floor_gpio", buf)
B.floor(None, buf, EDGE_DELAY_US)
samples("c_floor_timer", buf)


# uevent: poll_ms returns.
def uevent_poll_ms(p, lat):
    since_edge = B.since_edge
    edge = B.edge
    for i in range(len(lat)):
        p.register(pin, uevent.EVENT)
        edge(pin, EDGE_DELAY_US)
        p.poll_ms(-1)
        lat[i] = since_edge()


p = uevent.poll()
lat = zeros(N)
uevent_poll_ms(p, lat)
samples("uevent_poll_ms", lat)
p.close()
del p
gc.collect()

# select.poll + ThreadSafeFlag (upstream's, a polled stream) set by a soft
# Pin IRQ handler; ipoll returns.
from asyncio.event import ThreadSafeFlag as SelectTSF

tsf = SelectTSF()
pin.irq(handler=lambda _: tsf.set(), trigger=3)
sp = select.poll()
sp.register(tsf, select.POLLIN)


def select_poll(sp, lat):
    since_edge = B.since_edge
    edge = B.edge
    for i in range(len(lat)):
        edge(pin, EDGE_DELAY_US)
        sp.poll(-1)
        lat[i] = since_edge()
        tsf.clear()


select_poll(sp, lat)
samples("select_poll_tsf", lat)
sp.unregister(tsf)
del sp
gc.collect()


# Heap allocated per await in a steady wait loop: awaits HEAP_FROM to
# HEAP_FROM + HEAP_N of a row run with garbage collection off, and the
# growth of gc.mem_alloc() over them is divided by HEAP_N (outside the
# measured edge -> task path: after the stamp, before the next edge).
HEAP_FROM = 100
HEAP_N = 50


def heap_mark(i, box):
    if i == HEAP_FROM:
        gc.collect()
        gc.disable()
        box[0] = gc.mem_alloc()
    elif i == HEAP_FROM + HEAP_N:
        box[1] = gc.mem_alloc()
        gc.enable()


def heap_result(name, box):
    if box[1] is not None:
        result("heap_" + name, [box[1] - box[0], HEAP_N])


async def task_wait_event(lat, box):
    since_edge = B.since_edge
    edge = B.edge
    wait_event = asyncio.wait_event
    for i in range(len(lat)):
        heap_mark(i, box)
        edge(pin, EDGE_DELAY_US)
        await wait_event(pin)
        lat[i] = since_edge()


async def task_tsf(flag, lat, box):
    since_edge = B.since_edge
    edge = B.edge
    for i in range(len(lat)):
        heap_mark(i, box)
        edge(pin, EDGE_DELAY_US)
        await flag.wait()
        lat[i] = since_edge()


# asyncio over uevent: a task awaiting the pin itself.
asyncio.use_uevent()
pin.irq(handler=None, trigger=3)
box = [0, None]
asyncio.run(task_wait_event(lat, box))
samples("uevent_asyncio_pin", lat)
heap_result("uevent_asyncio_pin", box)

# asyncio over uevent: ThreadSafeFlag set by a hard Pin IRQ handler.
flag = asyncio.ThreadSafeFlag()
pin.irq(handler=lambda _: flag.set(), trigger=3, hard=True)
box = [0, None]
asyncio.run(task_tsf(flag, lat, box))
samples("uevent_asyncio_tsf_hard", lat)
heap_result("uevent_asyncio_tsf_hard", box)

# asyncio over uevent: ThreadSafeFlag set by a soft Pin IRQ handler.
pin.irq(handler=lambda _: flag.set(), trigger=3, hard=False)
asyncio.run(task_tsf(flag, lat, [0, None]))
samples("uevent_asyncio_tsf_soft", lat)

# Stock asyncio over select.poll: its ThreadSafeFlag set by a soft handler
# (a hard handler sets the flag but nothing wakes select.poll's wait).
asyncio.use_select_poll()
flag = asyncio.ThreadSafeFlag()
pin.irq(handler=lambda _: flag.set(), trigger=3, hard=False)
box = [0, None]
asyncio.run(task_tsf(flag, lat, box))
samples("select_asyncio_tsf_soft", lat)
heap_result("select_asyncio_tsf_soft", box)

pin.irq(handler=None, trigger=0)
asyncio.use_uevent()
result("latency_edges", N)
