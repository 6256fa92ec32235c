# pin.irq() returns MicroPython's irq object (shared/runtime/mpirq.c):
# trigger() gives the edges set and, with an argument, sets new ones and
# returns the old; flags() gives the edge that caused the last interrupt;
# calling it runs the handler; pin.irq() with no argument returns it and
# changes nothing. flags() are the edges set when the interrupt came, as on
# the samd and mimxrt ports (with both edges set, both).
import machine
import time

import _uevent_test

RISING = machine.Pin.IRQ_RISING
FALLING = machine.Pin.IRQ_FALLING

pin = machine.Pin(("gpio_emul0", 3), machine.Pin.IN)
_uevent_test.set_input(pin, 0)
hits = []
irq = pin.irq(lambda p: hits.append(p), trigger=RISING)
print(type(irq).__name__)
print(pin.irq() is irq, irq.trigger() == RISING)

_uevent_test.set_input(pin, 1)
time.sleep_ms(10)
print(len(hits), hits[0] is pin, irq.flags() == RISING)

# Calling the irq object runs the handler (a soft one: scheduled).
irq()
time.sleep_ms(10)
print(len(hits))

# trigger(new): returns the old edges, interrupts on the new ones.
print(irq.trigger(FALLING) == RISING, irq.trigger() == FALLING)
_uevent_test.set_input(pin, 0)
time.sleep_ms(10)
print(len(hits), irq.flags() == FALLING)
_uevent_test.set_input(pin, 1)
time.sleep_ms(10)
print(len(hits))

# Both edges, flags() read in a hard handler: 0 until an interrupt came.
seen = []
irq = pin.irq(lambda p: seen.append(p.irq().flags()), trigger=RISING | FALLING, hard=True)
print(irq.flags())
_uevent_test.set_input(pin, 0)
_uevent_test.set_input(pin, 1)
print(seen == [RISING | FALLING] * 2, irq.trigger() == RISING | FALLING)

# trigger(0): no more interrupts, the handler stays.
irq.trigger(0)
_uevent_test.set_input(pin, 0)
print(len(seen), irq.trigger())
pin.irq(None)
