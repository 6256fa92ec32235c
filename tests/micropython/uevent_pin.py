# machine.Pin as a uevent source: real GPIO callbacks from the emulated
# controller (test hook), edges, coalescing, soft IRQ handlers while blocked.
import machine
import time
import uevent
import _uevent_test

pin = machine.Pin(("gpio_emul0", 5), machine.Pin.IN)
_uevent_test.set_input(pin, 0)
p = uevent.poll()

# A pin with no IRQ edges cannot be registered.
try:
    p.register(pin, uevent.EVENT)
except ValueError as ex:
    print("ValueError", ex)

pin.irq(trigger=machine.Pin.IRQ_RISING)
e = p.register(pin, uevent.EVENT)
print(p.register(pin, uevent.EVENT) is e)

# A rising edge wakes poll_ms.
_uevent_test.set_input(pin, 1)
r = p.poll_ms(1000)
print([x is e for x in r], e.flags)

# Falling edges are not configured: nothing.
_uevent_test.set_input(pin, 0)
p.register(pin, uevent.EVENT)
print(p.poll_ms(50))

# Edges while disarmed coalesce into one EVENT on re-arm.
e.unregister(uevent.EVENT)
print(e.mask)
for _ in range(3):
    _uevent_test.set_input(pin, 1)
    _uevent_test.set_input(pin, 0)
p.register(pin, uevent.EVENT)
print(len(p.poll_ms(0)), p.poll_ms(0))

# Both edges.
pin.irq(trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)
n = 0
for level in (1, 0, 1, 0):
    p.register(pin, uevent.EVENT)
    _uevent_test.set_input(pin, level)
    n += len(p.poll_ms(100))
print("both", n)

# A soft IRQ handler runs while Python is blocked in poll_ms; setting a
# registered Flag there ends the wait.
f = uevent.Flag()
ef = p.register(f, uevent.EVENT)
e.unregister()
hits = []


def handler(pin_obj):
    hits.append(pin_obj.value())
    f.set()


pin.irq(handler=handler, trigger=machine.Pin.IRQ_RISING)
tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=100, callback=lambda t: _uevent_test.set_input(pin, 1), hard=True)
t0 = time.ticks_ms()
r = p.poll_ms(3000)
dt = time.ticks_diff(time.ticks_ms(), t0)
print([x is ef for x in r], hits, 70 <= dt <= 200)
pin.irq(handler=None, trigger=0)
tim.deinit()

# Bad trigger values.
try:
    pin.irq(trigger=8)
except ValueError as ex:
    print("ValueError", ex)
p.close()
