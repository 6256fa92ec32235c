# Closing a poller another thread waits on: that thread gets ValueError,
# and a poller made right after never loses a wake to it. The core slot of
# the closed poller is not reused while the waiting thread may still be on
# its way into k_poll (it was: the thread registered on the new poller's
# signal first and, Zephyr 3.5 waking only the first waiter, took its next
# event, so the new poller's owner slept until its timeout).
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

import machine
import uevent

for trial in range(3):
    p = uevent.poll()
    started = []
    result = []

    def waiter():
        started.append(1)
        try:
            result.append(p.poll_ms(-1))
        except ValueError as e:
            result.append(str(e))

    _thread.start_new_thread(waiter, ())
    while not started:  # hands the GIL over until the thread runs
        pass
    # The thread gave the GIL back inside poll_ms, maybe not yet in k_poll.
    p.close()
    q = uevent.poll()
    f = uevent.Flag()
    q.register(f, uevent.EVENT)
    t = machine.Timer(-1)
    t.init(mode=machine.Timer.ONE_SHOT, period=20, callback=lambda t: f.set(), hard=True)
    t0 = time.ticks_ms()
    got = q.poll_ms(2000)
    dt = time.ticks_diff(time.ticks_ms(), t0)
    print(trial, "new poller woke within 500 ms:", dt < 500, len(got))
    while not result:
        time.sleep_ms(1)
    print(trial, "waiter:", result[0])
    q.close()
