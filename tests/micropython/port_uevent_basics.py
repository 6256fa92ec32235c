# uevent at its simplest: a Flag set by a hard Timer callback wakes poll_ms.
import machine
import time
import uevent

flag = uevent.Flag()
p = uevent.poll()
entry = p.register(flag, uevent.EVENT)
print(p.poll_ms(0))

t = machine.Timer(-1)
t.init(mode=machine.Timer.ONE_SHOT, period=30, callback=lambda _: flag.set(), hard=True)
t0 = time.ticks_ms()
ready = p.poll_ms(1000)
dt = time.ticks_diff(time.ticks_ms(), t0)
print([e is entry for e in ready], entry.flags == uevent.EVENT)
print("woke after the timer", 20 <= dt < 500)

# Nothing more until re-armed; a timeout returns an empty list.
print(p.poll_ms(20))
t.deinit()
p.close()
