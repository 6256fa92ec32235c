# poll_ms timeouts, and that an idle wait does not wake up periodically.
import time
import uevent

p = uevent.poll()
f = uevent.Flag()
p.register(f, uevent.EVENT)

# Tolerance: QEMU's timer runs in real time on a loaded host; a wait is
# never short by more than the tick rounding and may be late by up to 50 ms.
t0 = time.ticks_ms()
print(p.poll_ms(0))
print(time.ticks_diff(time.ticks_ms(), t0) < 50)

for ms in (10, 100, 300):
    t0 = time.ticks_ms()
    r = p.poll_ms(ms)
    dt = time.ticks_diff(time.ticks_ms(), t0)
    print(ms, r, ms - 5 <= dt <= ms + 50 or dt)

# Idle: one wake-up (the timeout) in a one-second wait, not hundreds.
w0 = uevent.stats()["wakeups"]
p.poll_ms(1000)
print("wakeups", uevent.stats()["wakeups"] - w0)

# A huge timeout is accepted; an event ends it.
f.set()
print(len(p.poll_ms(2**30)))
try:
    p.poll_ms(2**80)
except (OverflowError, ValueError) as ex:
    print(type(ex).__name__)
p.close()
