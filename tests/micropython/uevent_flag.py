# uevent.Flag: coalescing, one-shot delivery, re-arming, clear().
import uevent

p = uevent.poll()
f = uevent.Flag()
e = p.register(f, uevent.EVENT)
print(f.is_set(), p.poll_ms(0))

# Three sets before delivery coalesce into one EVENT.
c0 = uevent.stats()["coalesced"]
f.set()
f.set()
f.set()
r = p.poll_ms(0)
print(len(r), r[0] is e, e.flags, e.mask, f.is_set())
print(uevent.stats()["coalesced"] - c0)

# Delivered bits are one-shot: nothing more until re-armed.
print(p.poll_ms(0))

# A set while disarmed is remembered and delivered when re-armed.
f.set()
print(p.poll_ms(0))
p.register(f, uevent.EVENT)
r = p.poll_ms(0)
print(len(r), e.flags)

# clear() drops an undelivered set.
f.set()
f.clear()
p.register(f, uevent.EVENT)
print(p.poll_ms(0), f.is_set())

# A Flag that is already set is ready as soon as it is registered.
g = uevent.Flag()
g.set()
eg = p.register(g, uevent.EVENT)
print([x is eg for x in p.poll_ms(0)])

# Two pollers on one Flag: each gets its own EVENT.
q = uevent.poll()
eq = q.register(f, uevent.EVENT)
f.set()
print(len(p.poll_ms(0)), len(q.poll_ms(0)))
q.close()
p.close()
