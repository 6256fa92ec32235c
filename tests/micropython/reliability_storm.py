# Event storms consumed through poll_ms: a k_timer ISR (_uevent_test.storm_*)
# raises 1, 8 or 64 sources (uevent.Flag, or emulated GPIO pins toggled so
# the real GPIO callback runs) on every kernel tick while Python consumes
# and re-arms. Every raise is accounted for (docs/reliability.md):
#   per source: ISR count == uevent_source_t.raised
#   all:        raised == delivered + coalesced (after a final drain)
# plus no crash, no hang, the heap back to its baseline afterwards.
# STORM_MS is the time per load; the soak run (scripts/test --soak) defines
# SOAK_MS, which replaces it ("soak: 8": eight windows of SOAK_MS).
# VERBOSE = True prints the figures for docs/reliability.md.
# soak: 8
import gc
import time
import uevent
import _uevent_test
from uevent_testkit import scrub_stack, storm_sources

STORM_MS = globals().get("SOAK_MS", 1000)
VERBOSE = False

EV = uevent.EVENT


def storm(kind, n, burst, ms, quiet=False):
    srcs = storm_sources(kind, n)
    p = uevent.poll()
    index = {}
    for i, s in enumerate(srcs):
        index[id(p.register(s, EV))] = i
    delivered = [0] * n
    base_raised = [_uevent_test.raised(s) for s in srcs]
    rounds = 0
    min_free = 1 << 30
    gc.collect()
    free0 = gc.mem_free()
    s0 = uevent.stats()
    _uevent_test.storm_start(srcs, 0, burst)
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < ms:
        for e in p.poll_ms(200):
            delivered[index[id(e)]] += 1
            p.register(e.obj, EV)
        rounds += 1
        if rounds & 15 == 0:
            f = gc.mem_free()
            if f < min_free:
                min_free = f
    rep = _uevent_test.storm_stop()
    # Drain: everything raised and not coalesced is pending on an armed
    # entry now, so one poll delivers it.
    for e in p.poll_ms(0):
        delivered[index[id(e)]] += 1
    s1 = uevent.stats()
    counts = rep["counts"]
    raised = sum(counts)
    d_raised = s1["raised"] - s0["raised"]
    d_deliv = s1["delivered"] - s0["delivered"]
    d_coal = s1["coalesced"] - s0["coalesced"]
    src_ok = all(_uevent_test.raised(s) - base_raised[i] == counts[i] for i, s in enumerate(srcs))
    each_ok = all(0 < delivered[i] <= counts[i] for i in range(n))
    exact = raised == d_raised and d_deliv == sum(delivered) and d_deliv + d_coal == raised
    p.close()
    fires, ms, errors = rep["fires"], rep["ms"], rep["errors"]
    del p, index, srcs, rep, s0, s1, counts, e
    scrub_stack()  # stale words on the C stack would keep the poller alive
    gc.collect()
    free1 = gc.mem_free()
    # A leak grows with the rounds and events (thousands here); the GC's
    # conservative scan keeps a few stale blocks alive by chance, up to 80
    # bytes seen once after one script or another (never more than once).
    heap_ok = free1 >= free0 - 128
    if quiet:
        return
    if VERBOSE:
        print(
            "FIG %s n=%d burst=%d ms=%d fires=%d raised=%d delivered=%d coalesced=%d rounds=%d peak_heap=%d heap_delta=%d"
            % (kind, n, burst, ms, fires, raised, d_deliv, d_coal, rounds, free0 - min_free, free0 - free1)
        )
    print(kind, n, "burst", burst, "errors", errors, "source", src_ok, "each", each_ok, "exact", exact, "heap", heap_ok)


# A short unreported run first, so that one-time allocations (interned
# names, module globals) are not counted as heap growth.
storm("flag", 1, 1, 50, True)
for kind, n, burst in (
    ("flag", 1, 1),
    ("flag", 1, 50),
    ("flag", 8, 1),
    ("flag", 8, 10),
    ("flag", 64, 1),
    ("flag", 64, 4),
    ("pin", 1, 1),
    ("pin", 8, 4),
):
    storm(kind, n, burst, STORM_MS)
st = uevent.stats()
print("after", st["entries_in_use"], st["pollers_in_use"], st["entries_armed"])
