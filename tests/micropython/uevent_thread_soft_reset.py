# A thread asleep in poll_ms at a soft reset gives its poller's slot back:
# the thread ends itself at its next GIL take, before it could mark the
# slot free, and each such reset lost one of CONFIG_UEVENT_MAX_POLLERS for
# good (after a 1-2 s retry, Poller() raised OSError early).
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

import uevent

started = []


def sleeper():
    poller = uevent.poll()
    started.append(1)
    poller.poll_ms(-1)


for _ in range(2):
    _thread.start_new_thread(sleeper, ())
while len(started) < 2:
    time.sleep_ms(1)
time.sleep_ms(10)
print("two threads asleep in poll_ms")
# --- soft reset ---
import time

import uevent

pollers = []
t0 = time.ticks_ms()
try:
    while True:
        pollers.append(uevent.poll())
except OSError as e:
    limit = int(str(e).split("=")[1].rstrip(")"))
print("every poller slot free:", len(pollers) == limit)
print("refused within 500 ms:", time.ticks_diff(time.ticks_ms(), t0) < 500)
for p in pollers:
    p.close()
