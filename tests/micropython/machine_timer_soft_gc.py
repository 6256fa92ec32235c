# A one-shot Timer with a soft callback stays alive until its callback has
# run: it left the running list in its expiry ISR and only the scheduler's
# queue held it, so a collection the expiry fell into (marking done, sweep
# to come) freed the timer and its callback before the callback ran.
try:
    import _uevent_test

    _uevent_test.collect_pausing
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit

import time

import machine
import uevent

calls = []


def start(n):
    # Only the port's list of running timers holds the timers and callbacks.
    for i in range(n):
        marker = bytearray(b"alive %d" % i)
        timer = machine.Timer(-1)
        timer.init(mode=machine.Timer.ONE_SHOT, period=5,
                   callback=lambda t, m=marker: calls.append((type(t).__name__, bytes(m))))


for _ in range(3):
    with uevent.scheduler_lock():
        start(8)
        # The timers expire inside the collection, between the roots that
        # are the scheduler's queue and the list of running timers.
        _uevent_test.collect_pausing(30)
        junk = [bytearray(b"x" * 24) for _ in range(200)]
    time.sleep_ms(5)
    del junk
print(len(calls), "callbacks")
print("timers and callbacks intact:", sorted(set(calls)) == [("Timer", b"alive %d" % i) for i in range(8)])
