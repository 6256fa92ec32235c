# uevent across threads: each thread has its own poller; Flag.set() and
# notify() from another thread wake a poller at once; nothing is delivered to
# the wrong poller.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit

import machine
import micropython
import time
import uevent

N_THREADS = 3
ROUNDS = 20

lock = _thread.allocate_lock()
results = {}
ready = [uevent.Flag() for _ in range(N_THREADS)]
acks = [uevent.Flag() for _ in range(N_THREADS)]
flags = [uevent.Flag() for _ in range(N_THREADS)]
pollers = [None] * N_THREADS
done = uevent.Flag()
main_poller = uevent.poll()
main_poller.register(done, uevent.EVENT)


def worker(i):
    p = uevent.poll()
    pollers[i] = p
    mine = p.register(flags[i], uevent.EVENT)
    got = wrong = 0
    ready[i].set()
    # First: a notify from the main thread ends a wait with nothing ready.
    notified = 1 if p.poll_ms(5000) == [] else 0
    acks[i].set()
    # Then ROUNDS sets, each acknowledged before the main thread sets again
    # (so none coalesce); bounded so a lost wake-up fails instead of hanging.
    deadline = time.ticks_add(time.ticks_ms(), 20000)
    while got < ROUNDS and time.ticks_diff(deadline, time.ticks_ms()) > 0:
        r = p.poll_ms(5000)
        for e in r:
            if e is mine:
                got += 1
            else:
                wrong += 1
        p.register(flags[i], uevent.EVENT)
        acks[i].set()
    p.close()
    with lock:
        results[i] = (got, wrong, notified)
        if len(results) == N_THREADS:
            done.set()


for i in range(N_THREADS):
    _thread.start_new_thread(worker, (i,))



def wait_all(fl):
    # Each flag is cleared once seen: a set Flag is ready at registration.
    rp = uevent.poll()
    for f in fl:
        rp.register(f, uevent.EVENT)
        while not rp.poll_ms(2000):
            pass
        f.clear()
    rp.close()


# Wait until every worker has its poller, notify each, then drive them.
wait_all(ready)
for i in range(N_THREADS):
    pollers[i].notify()
wait_all(acks)
for n in range(ROUNDS):
    for i in range(N_THREADS):
        flags[i].set()
    wait_all(acks)

t0 = time.ticks_ms()
r = main_poller.poll_ms(10000)
print(len(r), time.ticks_diff(time.ticks_ms(), t0) < 5000)
for i in range(N_THREADS):
    got, wrong, notified = results[i]
    print(i, got, wrong, notified)
main_poller.close()

# A blocking lock.acquire() in a hard IRQ handler is a RuntimeError.
micropython.alloc_emergency_exception_buf(100)
held = _thread.allocate_lock()
held.acquire()
out = [None]


# The handler takes what it uses as default arguments, not globals: the
# timer may fire while this module stores a new global (`tim` below), and
# a lookup in a dict that is being resized can miss (docs/uevent.md).
def hard(t, held=held, out=out):
    try:
        held.acquire()
        out[0] = "acquired"
    except RuntimeError as e:
        out[0] = e  # printed later: no allocation in a hard IRQ


tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=10, callback=hard, hard=True)
time.sleep_ms(50)
print(type(out[0]).__name__, out[0], held.acquire(0))
held.release()

# While scheduler_lock is held, the VM passes the GIL to no other thread
# (MicroPython's rule: a scheduler lock is also a thread critical
# section); a wait inside it does, so the other thread runs then.
started = [0]


def mark():
    started[0] = 1


with uevent.scheduler_lock():
    _thread.start_new_thread(mark, ())
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < 50:
        # sleep_us busy-waits with the GIL held; on native_sim it is also
        # what advances simulated time (a bare loop would never end there).
        time.sleep_us(100)
    busy = started[0]
    time.sleep_ms(20)
    waited = started[0]
print("scheduler_lock held: other thread ran while busy", busy, "after a wait", waited)
