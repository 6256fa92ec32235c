# _thread: gc.collect() while threads run keeps every thread's objects alive.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import gc
import time

N_THREADS = 3
lock = _thread.allocate_lock()
done = 0
ok = []


def builder(seed):
    global done
    # Objects only this thread's stack refers to.
    data = [[seed, i, str(i) * 3] for i in range(40)]
    table = {i: bytes([i % 256]) * 8 for i in range(40)}
    for rnd in range(20):
        # Garbage, so collections have something to free.
        junk = [bytearray(32) for _ in range(10)]
        if rnd % 5 == seed % 5:
            gc.collect()
        time.sleep_ms(1)
    good = all(d == [seed, i, str(i) * 3] for i, d in enumerate(data))
    good = good and all(table[i] == bytes([i % 256]) * 8 for i in range(40))
    with lock:
        ok.append(good)
        done += 1


mine = [("main", i) for i in range(50)]
for s in range(N_THREADS):
    _thread.start_new_thread(builder, (s,))

while True:
    gc.collect()
    junk = [bytearray(64) for _ in range(10)]
    with lock:
        if done == N_THREADS:
            break
    time.sleep_ms(3)

print(ok)
print(all(m == ("main", i) for i, m in enumerate(mine)))
