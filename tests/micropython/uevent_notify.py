# poller.notify(): wakes poll_ms from any context and is never lost.
import gc
import machine
import time
import uevent

p = uevent.poll()

# A notify before poll_ms starts is not lost: poll_ms returns at once.
p.notify()
t0 = time.ticks_ms()
print(p.poll_ms(5000), time.ticks_diff(time.ticks_ms(), t0) < 50)
# It is consumed: the next wait times out.
print(p.poll_ms(20))

# notify() from a hard Timer callback (ISR context).
tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=100, callback=lambda t: p.notify(), hard=True)
t0 = time.ticks_ms()
r = p.poll_ms(3000)
dt = time.ticks_diff(time.ticks_ms(), t0)
print(r, 70 <= dt <= 200)

# notify() from a soft (scheduled) Timer callback.
tim.init(mode=machine.Timer.ONE_SHOT, period=100, callback=lambda t: p.notify())
t0 = time.ticks_ms()
r = p.poll_ms(3000)
dt = time.ticks_diff(time.ticks_ms(), t0)
print(r, 70 <= dt <= 200)
tim.deinit()

n0 = uevent.stats()["notifies"]
p.notify()
p.notify()
print(p.poll_ms(0), uevent.stats()["notifies"] - n0)
# close() (and a finaliser) wakes a waiting poll_ms but is no notify().
n0 = uevent.stats()["notifies"]
p.close()
q = uevent.poll()
del q
gc.collect()
print("close counted", uevent.stats()["notifies"] - n0)
