# uevent API: constants, register/unregister, identity, entry attributes,
# error cases.
import uevent

print(uevent.READ, uevent.WRITE, uevent.EVENT)

p = uevent.poll()
f = uevent.Flag()
e = p.register(f, uevent.EVENT)
print(e.obj is f, e.mask, e.flags, e.data)

# Registering again returns the same entry, with the mask OR-ed in.
e2 = p.register(f, uevent.READ)
print(e2 is e, e.mask)
print(len(p))

# .data is a free slot for the user.
e.data = [1, 2]
print(p.register(f).data)

# Bad masks.
for bad in (0, 8, -1, 0x100):
    try:
        p.register(f, bad)
    except ValueError as ex:
        print("ValueError", ex)

# Objects that cannot be event sources.
for bad in (1, "x", None, [1], object()):
    try:
        p.register(bad)
    except TypeError as ex:
        print("TypeError", ex)

# unregister with a partial mask disarms only those bits.
e.unregister(uevent.READ)
print(e.mask)
# Full unregister; idempotent, on the entry and on the poller.
e.unregister()
e.unregister()
p.unregister(f)
print(e.mask, len(p))
print(repr(e))

# A new registration makes a new entry.
e3 = p.register(f, uevent.EVENT)
print(e3 is e, e3.mask)

# poll_ms argument checks.
for bad in (-2, -1000):
    try:
        p.poll_ms(bad)
    except ValueError as ex:
        print("ValueError", ex)
try:
    p.poll_ms("x")
except TypeError:
    print("TypeError timeout")

# poll_ms(timeout, results) empties and fills the caller's list, and returns
# it, also on a timeout; anything but a list is a TypeError.
results = ["stale", "items"]
f.set()
r = p.poll_ms(0, results)
print(r is results, [x is e3 for x in results], e3.flags)
p.register(f, uevent.EVENT)
f.clear()
r = p.poll_ms(0, results)
print(r is results, results)
print(p.poll_ms(0, None))
for bad in ((), "x", bytearray(2)):
    try:
        p.poll_ms(0, bad)
    except TypeError as ex:
        print("TypeError", ex)

# A closed poller refuses work, and its entries are gone.
p.close()
try:
    p.register(f)
except ValueError as ex:
    print("ValueError", ex)
print(e3.mask)
p.close()
