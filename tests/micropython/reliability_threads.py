# A storm across threads: N_THREADS Python threads, each with its own poller,
# its own STORM_FLAGS Flags raised by the storm ISR (_uevent_test.storm_*)
# and one "cross" Flag that the previous thread sets CROSS times; the main
# thread notifies every poller while the storm runs. Each thread consumes
# and re-arms until everyone has sent, then drains. Checks:
#   nothing delivered to the wrong poller (entries are matched by identity)
#   per source: raised == the storm ISR's count, or CROSS for a cross Flag
#   all: raised == delivered + coalesced, delivered == what the threads
#        counted, every source delivered at least once
#   notifies: the uevent counter moved by exactly the main thread's calls
# STORM_MS is the storm's length; the soak run (scripts/test --soak) sets
# SOAK_MS, which replaces it. VERBOSE = True prints the figures.
# It takes 3 to 6 s alone; CI runs it beside parallel builds, where QEMU
# gets a fifth of a core and one CI run went past the default 30 s.
# timeout: 120
# soak: 1
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit

import time
import uevent
import _uevent_test

STORM_MS = globals().get("SOAK_MS", 1000)
VERBOSE = False

N_THREADS = 3
STORM_FLAGS = 4
CROSS = 200
EV = uevent.EVENT

lock = _thread.allocate_lock()
storm_flags = [[uevent.Flag() for _ in range(STORM_FLAGS)] for _ in range(N_THREADS)]
cross = [uevent.Flag() for _ in range(N_THREADS)]
pollers = [None] * N_THREADS
state = {"ready": 0, "sent": 0, "stop": False}
results = {}


def worker(i):
    p = uevent.poll()
    mine = {}
    srcs = storm_flags[i] + [cross[i]]
    for k, f in enumerate(srcs):
        mine[id(p.register(f, EV))] = k
    got = [0] * len(srcs)
    wrong = empty = sent = 0
    target = cross[(i + 1) % N_THREADS]
    with lock:
        pollers[i] = p
        state["ready"] += 1
    done_sending = False
    while True:
        r = p.poll_ms(100)
        if not r:
            empty += 1
        for e in r:
            k = mine.get(id(e))
            if k is None:
                wrong += 1
            else:
                got[k] += 1
                p.register(e.obj, EV)  # re-arm
        if sent < CROSS:
            target.set()
            sent += 1
        elif not done_sending and state["stop"]:
            done_sending = True
            with lock:
                state["sent"] += 1
        if done_sending and state["sent"] == N_THREADS:
            break
    # Everyone has sent and the storm is over: what is pending is armed.
    for e in p.poll_ms(0):
        k = mine.get(id(e))
        if k is None:
            wrong += 1
        else:
            got[k] += 1
    with lock:
        results[i] = (got, wrong, empty)


for i in range(N_THREADS):
    _thread.start_new_thread(worker, (i,))
while state["ready"] < N_THREADS:
    time.sleep_ms(5)

all_storm = [f for fl in storm_flags for f in fl]
all_srcs = all_storm + cross
base = [_uevent_test.raised(f) for f in all_srcs]
s0 = uevent.stats()
_uevent_test.storm_start(all_storm, 0, 2)
notified = 0
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < STORM_MS:
    for p in pollers:
        p.notify()
        notified += 1
    time.sleep_ms(10)
rep = _uevent_test.storm_stop()
state["stop"] = True
deadline = time.ticks_add(time.ticks_ms(), 20000)
while len(results) < N_THREADS and time.ticks_diff(deadline, time.ticks_ms()) > 0:
    time.sleep_ms(10)
s1 = uevent.stats()

print("threads done", len(results) == N_THREADS)
counts = rep["counts"]
delivered = 0
for i in range(N_THREADS):
    got, wrong, empty = results[i]
    delivered += sum(got)
    exp = list(counts[i * STORM_FLAGS : (i + 1) * STORM_FLAGS]) + [CROSS]
    srcs = storm_flags[i] + [cross[i]]
    src_ok = all(_uevent_test.raised(f) - base[all_srcs.index(f)] == exp[k] for k, f in enumerate(srcs))
    each_ok = all(0 < got[k] <= exp[k] for k in range(len(srcs)))
    print(i, "wrong", wrong, "source", src_ok, "each", each_ok, "notified", empty > 0)
    if VERBOSE:
        print("FIG thread %d storm_raised=%d cross=%d delivered=%d empty_wakes=%d" % (i, sum(exp) - CROSS, CROSS, sum(got), empty))
raised = sum(counts) + N_THREADS * CROSS
d_raised = s1["raised"] - s0["raised"]
d_deliv = s1["delivered"] - s0["delivered"]
d_coal = s1["coalesced"] - s0["coalesced"]
print("errors", rep["errors"], "exact", raised == d_raised and d_deliv == delivered and d_deliv + d_coal == raised)
print("notifies", s1["notifies"] - s0["notifies"] == notified)
if VERBOSE:
    print(
        "FIG threads n=%d ms=%d fires=%d raised=%d delivered=%d coalesced=%d notifies=%d"
        % (N_THREADS, STORM_MS, rep["fires"], raised, d_deliv, d_coal, notified)
    )
for p in pollers:
    p.close()
st = uevent.stats()
print("after", st["entries_in_use"], st["pollers_in_use"], st["entries_armed"])
