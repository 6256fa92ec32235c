# In a hard IRQ handler only Flag.set()/clear() and poller.notify() may
# run: register, unregister, close, poll_ms and entry.unregister() raise
# RuntimeError (close and unregister ran there and could free an entry or
# the poller while poll_ms, in the thread the interrupt stopped, was
# collecting it). Called in a real ISR through _uevent_test.in_isr.
import uevent
import _uevent_test

p = uevent.poll()
f = uevent.Flag()
g = uevent.Flag()
e = p.register(f, uevent.EVENT)
results = []  # made here: a hard IRQ cannot allocate
calls = [
    ("register", lambda: p.register(g, uevent.EVENT)),
    ("register again", lambda: p.register(f, uevent.READ)),
    ("unregister", lambda: p.unregister(f)),
    ("entry.unregister", lambda: e.unregister()),
    ("close", p.close),
    ("poll_ms(0)", lambda: p.poll_ms(0)),
    ("poll_ms(0, list)", lambda: p.poll_ms(0, results)),
    ("notify", p.notify),
    ("Flag.set", f.set),
    ("Flag.clear", f.clear),
]
for name, fn in calls:
    ok, r = _uevent_test.in_isr(fn)
    print(name, "ran" if ok else type(r).__name__)
print("after:", len(p), e.mask, p.poll_ms(0))
q = uevent.poll()
q.close()
ok, r = _uevent_test.in_isr(q.close)
print("close of a closed poller:", "ran" if ok else type(r).__name__)
