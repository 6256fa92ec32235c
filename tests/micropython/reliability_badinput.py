# Bad input, each answered by a clear exception, the system working after:
# huge timeouts, a poller past capacity, methods on unregistered entries and
# closed pollers, storm hooks misused. (uevent_api.py and uevent_sched.py
# cover masks, types, negative timeouts and re-entry from a callback.)
import gc
import uevent
import _uevent_test


def check(label, fn, *args):
    try:
        fn(*args)
        print(label, "no error")
    except Exception as ex:
        print(label, type(ex).__name__, ex)


p = uevent.poll()
f = uevent.Flag()
e = p.register(f, uevent.EVENT)
check("timeout 2**40", p.poll_ms, 1 << 40)
check("timeout float", p.poll_ms, 1.5)
check("mask float", p.register, f, 4.0)
check("mask str", p.register, f, "4")
check("unregister mask 8", e.unregister, 8)
# Past the board's capacity: OSError naming the option, nothing changed.
gc.collect()
base = uevent.stats()
flags = []
err = None
try:
    while True:
        g = uevent.Flag()
        p.register(g, uevent.EVENT)
        flags.append(g)
except OSError as ex:
    err = ex
print("capacity", "CONFIG_UEVENT_MAX_ENTRIES" in str(err), len(flags) + 1 == base["entries_max"] - base["entries_in_use"] + 1)
s = uevent.stats()
print("in use == max", s["entries_in_use"] == s["entries_max"], len(p) == len(flags) + 1)
# Everything still works at full capacity.
flags[-1].set()
print("deliver at capacity", [x.obj is flags[-1] for x in p.poll_ms(100)])
for g in flags:
    p.unregister(g)
print("back", uevent.stats()["entries_in_use"] == base["entries_in_use"], len(p))
# Methods on an unregistered entry: no-ops, never touching a reused slot.
e.unregister()
q = uevent.poll()
e2 = q.register(uevent.Flag(), uevent.EVENT)
e.unregister()
e.unregister(uevent.EVENT)
print("stale", e.mask, e2.mask, repr(e))
p.close()
check("closed register", p.register, f)
check("closed poll_ms", p.poll_ms, 0)
check("closed notify", p.notify)
check("closed len", len, p)
# Storm hooks misused.
check("storm empty", _uevent_test.storm_start, [])
check("storm type", _uevent_test.storm_start, [1])
check("storm too many", _uevent_test.storm_start, [f] * 65)
check("storm burst", _uevent_test.storm_start, [f], 0, 0)
_uevent_test.storm_start([f])
check("storm twice", _uevent_test.storm_start, [f])
r = _uevent_test.storm_stop()
print("storm ran", r["running"], r["errors"])
q.close()
print("end", uevent.stats()["entries_in_use"], uevent.stats()["pollers_in_use"])
