# _thread: three threads count under one lock; joined through a lock-guarded counter.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

N_THREADS = 3
N_COUNT = 500

lock = _thread.allocate_lock()
total = 0
per_thread = {}
done = 0


def counter(name, n):
    global total, done
    mine = 0
    for _ in range(n):
        with lock:
            total += 1
        mine += 1
    with lock:
        per_thread[name] = mine
        done += 1


for i in range(N_THREADS):
    _thread.start_new_thread(counter, ("t%d" % i, N_COUNT))

# Join: wait until every thread has reported, sleeping between checks.
while True:
    with lock:
        if done == N_THREADS:
            break
    time.sleep_ms(5)

print(total, sorted(per_thread.items()))
print(lock.locked())

# A lock held by one thread and released by another.
lock.acquire()
_thread.start_new_thread(lock.release, ())
print(lock.acquire(), lock.locked())
lock.release()

# Non-blocking acquire of a held lock fails at once.
lock.acquire()
print(lock.acquire(0))
lock.release()
