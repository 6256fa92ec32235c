# _thread: the static stack pool; starting one thread too many raises OSError,
# and ended threads give their stacks back.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

gate = _thread.allocate_lock()
gate.acquire()
lock = _thread.allocate_lock()
waiting = 0


def blocked():
    global waiting
    with lock:
        waiting += 1
    gate.acquire()
    gate.release()
    with lock:
        waiting -= 1


started = 0
try:
    while started < 64:
        _thread.start_new_thread(blocked, ())
        started += 1
except OSError as e:
    print("OSError", e.errno == 11)
print(started > 0)

while waiting < started:
    time.sleep_ms(1)
gate.release()
while waiting:
    time.sleep_ms(1)

# The pool is free again.
for _ in range(started):
    _thread.start_new_thread(blocked, ())
while waiting:
    time.sleep_ms(1)
time.sleep_ms(10)
print("pool reused")
