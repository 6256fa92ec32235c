# uevent.scheduler_lock() nests, up to a bound for all locks together:
# MicroPython keeps the scheduler's lock depth in 16 bits, and 32,770
# nested enters wrapped it, leaving the scheduler locked for good (soft
# callbacks never ran again). Past the bound: RuntimeError, state intact.
import micropython
import uevent

lock = uevent.scheduler_lock()
depth = 0
try:
    for _ in range(40000):
        lock.__enter__()
        depth += 1
except RuntimeError as e:
    print("refused at depth", depth, ":", e)
for _ in range(depth):
    lock.__exit__(None, None, None)

ran = []
micropython.schedule(lambda _: ran.append(1), None)
for _ in range(10):
    pass
print("soft callbacks run after:", ran == [1])
other = uevent.scheduler_lock()
with other:
    with uevent.scheduler_lock():
        print("nesting still works")
