# _thread.start_new_thread with positional and keyword arguments; get_ident.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

results = []
flag = _thread.allocate_lock()
flag.acquire()


def worker(a, b, c=0, *, d=None):
    results.append((a, b, c, d, _thread.get_ident() != main_id))
    flag.release()


main_id = _thread.get_ident()
_thread.start_new_thread(worker, (1, "two"))
flag.acquire()
_thread.start_new_thread(worker, (3, [4]), {"c": 5, "d": "six"})
flag.acquire()
print(results)

# Wrong types for the argument tuple and keyword dict raise in the caller.
for bad in ((worker, 1), (worker, (), 1)):
    try:
        _thread.start_new_thread(*bad)
    except TypeError:
        print("TypeError")

# Returning ends the thread; the same stacks are reused many times over.
count = 0


def bump():
    global count
    count += 1
    flag.release()


for i in range(12):
    _thread.start_new_thread(bump, ())
    flag.acquire()
print(count)
time.sleep_ms(10)
