# _thread: time.sleep_ms releases the GIL, so other threads run meanwhile.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

lock = _thread.allocate_lock()
done = 0
spins = 0
stop = False


def spinner():
    # Never gives up the CPU by itself: it runs only when the main thread
    # releases the GIL. sleep_us busy-waits (GIL held); on native_sim it is
    # also what lets simulated time, and so the main thread's sleep, advance.
    global spins, done
    while not stop:
        spins += 1
        time.sleep_us(10)
    with lock:
        done += 1


def sleeper(n):
    global done
    for _ in range(n):
        time.sleep_ms(20)
    with lock:
        done += 1


_thread.start_new_thread(spinner, ())
before = spins
time.sleep_ms(100)
print("spinner ran while main slept:", spins > before)
stop = True
while done < 1:
    time.sleep_ms(1)

# Three threads sleeping 5 x 20 ms each overlap: about 100 ms, not 300 ms.
done = 0
t0 = time.ticks_ms()
for _ in range(3):
    _thread.start_new_thread(sleeper, (5,))
while done < 3:
    time.sleep_ms(1)
dt = time.ticks_diff(time.ticks_ms(), t0)
print("sleeps overlapped:", 90 <= dt < 250)
