# 3. Scaling: edge -> poller return with N registered sources, N-1 of them
# idle, for uevent.poll (idle uevent.Flags) and select.poll (idle upstream
# ThreadSafeFlags, the polled streams asyncio registers). EDGES per N.
import select
from asyncio.event import ThreadSafeFlag as SelectTSF

pin = edge_pin()
lat = zeros(EDGES)


def uevent_n(n, lat):
    since_edge = B.since_edge
    edge = B.edge
    p = uevent.poll()
    # The poller keeps the idle flags alive.
    for _ in range(n - 1):
        p.register(uevent.Flag(), uevent.EVENT)
    gc.collect()
    for i in range(len(lat)):
        p.register(pin, uevent.EVENT)
        edge(pin, EDGE_DELAY_US)
        p.poll_ms(-1)
        lat[i] = since_edge()
    p.close()


def select_n(n, lat):
    since_edge = B.since_edge
    edge = B.edge
    tsf = SelectTSF()
    pin.irq(handler=lambda _: tsf.set(), trigger=3)
    sp = select.poll()
    # select.poll keeps the idle flags alive; no list of them (RAM is tight).
    for _ in range(n - 1):
        sp.register(SelectTSF(), select.POLLIN)
    sp.register(tsf, select.POLLIN)
    gc.collect()
    for i in range(len(lat)):
        edge(pin, EDGE_DELAY_US)
        sp.poll(-1)
        lat[i] = since_edge()
        tsf.clear()
    pin.irq(handler=None, trigger=3)


for n in SIZES:
    gc.collect()
    uevent_n(n, lat)
    samples("scaling_uevent_%d" % n, lat)
    gc.collect()
    select_n(n, lat)
    samples("scaling_select_%d" % n, lat)

pin.irq(handler=None, trigger=0)
result("scaling_sizes", SIZES)
