# A one-shot machine.Timer that fired is stopped and, once dropped, freed
# (it stayed on the port's list of running timers for ever: 100 of them
# kept 9.6 KB, and repr() said running=True).
import gc
import time

import machine

t = machine.Timer(-1)
t.init(mode=machine.Timer.ONE_SHOT, period=1)
time.sleep_ms(30)
print(t)


def debounce_like(n):
    fired = [0]

    def cb(_):
        fired[0] += 1

    for _ in range(n):
        timer = machine.Timer(-1)
        timer.init(mode=machine.Timer.ONE_SHOT, period=1, callback=cb)
        time.sleep_ms(12)  # a tick or so: it fires
    return fired[0]


gc.collect()
before = gc.mem_free()
print("fired", debounce_like(100))
gc.collect()
gc.collect()
lost = before - gc.mem_free()
print("kept after 100 one-shots:", "under 1 KB" if lost < 1024 else lost)

# A one-shot restarted from its own hard callback keeps running.
count = [0]


def again(timer):
    count[0] += 1
    if count[0] < 3:
        timer.init(mode=machine.Timer.ONE_SHOT, period=1, callback=again, hard=True)


t.init(mode=machine.Timer.ONE_SHOT, period=1, callback=again, hard=True)
time.sleep_ms(100)
print("restarted from its callback:", count[0], t)

# A one-shot with a soft callback that has expired is not running, though
# its callback has not run yet (here held back by scheduler_lock).
import uevent

with uevent.scheduler_lock():
    t.init(mode=machine.Timer.ONE_SHOT, period=1, callback=lambda _: None)
    time.sleep_ms(30)
    print("expired, callback pending:", t)
