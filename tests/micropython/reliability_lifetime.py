# Lifetimes under fire: while a k_timer ISR keeps raising Flags and toggling
# emulated pins (_uevent_test.storm_*), pollers are made and dropped with
# live entries, entries unregistered, Flags dropped while armed, Pins
# dropped while armed, and gc.collect() runs in a loop. No crash, and the
# uevent counters and the heap return to their baseline. The soak run
# (scripts/test --soak) defines SOAK_MS, which replaces CHURN_MS.
# soak: 1
import gc
import time
import uevent
import _uevent_test
from uevent_testkit import edge_pins, scrub_stack

CHURN_MS = globals().get("SOAK_MS", 1500)
VERBOSE = False

EV = uevent.EVENT


def counters():
    s = uevent.stats()
    return s["entries_in_use"], s["pollers_in_use"], s["entries_armed"]


gc.collect()
base = counters()
print("baseline", base)

flags = [uevent.Flag() for _ in range(8)]
pins = edge_pins((4, 5, 6, 7))
storm_srcs = flags + pins
# The gc-loop window below has sources of its own: a churn poller that a
# stale word still keeps alive (see the end) cannot add to its counts.
gc_pins = edge_pins((12, 13, 14, 15))
gc_srcs = [uevent.Flag() for _ in range(8)] + gc_pins


# One churn round, in a frame of its own: MicroPython zeroes a frame's slots
# when it starts, so no dead slot keeps an earlier round's poller alive (a
# loop body in one long-lived frame did: stale slots pinned up to four
# dropped pollers under twister and used up the 64 entries). Returns the
# entries delivered and, on some rounds, one entry of a dropped poller.
def churn_round(r):
    p = uevent.poll()
    ents = [p.register(s, EV) for s in storm_srcs]
    # Extra Flags that only this poller knows: they die with it.
    extra = [uevent.Flag() for _ in range(4)]
    for f in extra:
        p.register(f, EV)
    if r & 7 == 0:
        extra[r & 3].set()
    got = len(p.poll_ms(30))
    how = r % 5
    if how == 0:
        p.close()  # entries still armed and queued
    elif how == 1:
        for e in ents:
            e.unregister()  # one by one, while raises arrive
    elif how == 2:
        for s in storm_srcs:
            p.unregister(s)
        ents[0].unregister(EV)  # on an unregistered entry: no-op
    elif how == 3:
        # Drop the poller with live entries but keep one entry object.
        return got, ents[r % len(ents)]
    # how == 4: drop everything, the GC finalises the poller.
    return got, None


# The churn loop, also in a function: once it returns, its frame is below
# the stack pointer, out of the GC's scan. Only plain values leave it.
def churn():
    got = 0
    r = 0
    kept_ok = True
    keep = None
    errors = []
    peak = 0
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < CHURN_MS:
        r += 1
        try:
            n, new_keep = churn_round(r)
            got += n
            if keep is not None:
                # An entry kept one round past its dropped poller: usable,
                # then unregistered; its poller can go at the next GC.
                keep.unregister()
                kept_ok = kept_ok and keep.mask == 0 and "unregistered" in repr(keep)
            keep = new_keep
            new_keep = None
            gc.collect()
            peak = max(peak, uevent.stats()["pollers_in_use"])
            # A busy-wait: on native_sim simulated time (and so the storm timer
            # and ticks_ms) only advances while the CPU waits, and this loop
            # finds events ready every round.
            time.sleep_us(50)
        except Exception as ex:
            if len(errors) < 3:
                errors.append((r, repr(ex)))
    if keep is not None:
        keep.unregister()
    return got, r, kept_ok, errors, peak


# Every global this script makes exists before the heap baseline, so the
# module's dict does not grow on the way (Pin objects live for good anyway).
got = r = t0 = p = kept_ok = peak = f = e = s = rep = rep1 = None
s0 = s1 = r0 = delivered = raised = d_raised = d_deliv = d_coal = total_raised = ex = fig = None
errors = []
gc.collect()
free0 = gc.mem_free()
_uevent_test.storm_start(storm_srcs, 0, 2)

got, r, kept_ok, errors, peak = churn()
print("kept entries unregistered", kept_ok)

# Pins and Flags dropped while armed in a live poller: the poller closes,
# the storm keeps raising them.
p = uevent.poll()
for s in storm_srcs:
    p.register(s, EV)
# A Flag set while registered, dropped by the test before delivery.
f = uevent.Flag()
p.register(f, EV)
f.set()
f = None
gc.collect()
got += len(p.poll_ms(50))
p.close()
p = None

# gc.collect() in a loop while a poller consumes: exact accounting still.
# The window starts with nothing pending (storm paused, queue drained), so
# delivered + coalesced == raised holds exactly at its end.
rep1 = _uevent_test.storm_stop()
p = uevent.poll()
for s in gc_srcs:
    p.register(s, EV)
for e in p.poll_ms(0):
    p.register(e.obj, EV)
r0 = [_uevent_test.raised(s) for s in gc_srcs]
s0 = uevent.stats()
_uevent_test.storm_start(gc_srcs, 0, 2)
delivered = 0
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 500:
    gc.collect()
    for e in p.poll_ms(20):
        delivered += 1
        p.register(e.obj, EV)
rep = _uevent_test.storm_stop()
for e in p.poll_ms(0):
    delivered += 1
s1 = uevent.stats()
raised = sum(_uevent_test.raised(s) - r0[i] for i, s in enumerate(gc_srcs))
d_raised = s1["raised"] - s0["raised"]
d_deliv = s1["delivered"] - s0["delivered"]
d_coal = s1["coalesced"] - s0["coalesced"]
print("gc loop exact", raised == d_raised and delivered == d_deliv and d_deliv + d_coal == raised, raised > 0)
print("isr errors", rep1["errors"] + rep["errors"], "python errors", errors)
p.close()
p = e = None
total_raised = sum(rep1["counts"])
for pin in pins + gc_pins:
    pin.irq(trigger=0)
fig = (CHURN_MS, r, total_raised, got, raised, d_deliv, d_coal)
flags = pins = storm_srcs = gc_pins = gc_srcs = rep = rep1 = s0 = s1 = r0 = ex = None
scrub_stack(8)
gc.collect()
free1 = gc.mem_free()
# Bounded, not exact: the GC is conservative, so a stale word on the stack
# may keep a poller or two (1.5 KB each with their Flags) alive. A leak per
# round would be hundreds of bytes times the rounds (over 1000): far past
# this margin.
# The same for the counters, after scrub_stack(): at most two dropped pollers
# may still be kept (seen under twister on qemu_cortex_m3), each with its
# entries (8 Flags + 4 Pins + 4 extra). A leak would pin all of the
# CONFIG_UEVENT_MAX_POLLERS slots and the churn would have reported "too many
# pollers" in its errors.
stale = counters()[1] - base[1]
back = 0 <= stale <= 2 and all(0 <= a - b <= 16 * stale for a, b in zip(counters(), base))
print("counters back", back, "heap back", free1 >= free0 - 4096)
if not back:
    print("counters", base, "->", counters())
if VERBOSE:
    print("counters", base, "->", counters(), "peak pollers after a round's GC", peak)
    print("FIG churn_ms=%d rounds=%d churn_raised=%d got=%d gcloop_raised=%d delivered=%d coalesced=%d" % fig, "heap_delta=%d" % (free0 - free1))
