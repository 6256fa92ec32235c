# A hard Pin IRQ handler that raises is disabled after that first exception,
# as in MicroPython's mpirq (mp_irq_handler): the exception is printed, the
# handler dropped and the pin's edges turned off (trigger() is 0, so a uevent
# registration of the pin sees no more edges either). pin.irq() sets it up
# again. A soft handler that raises is not disabled (the scheduler prints it).
import machine
import micropython

import _uevent_test

# An exception with its message in a hard IRQ needs this (heap locked).
micropython.alloc_emergency_exception_buf(100)

pin = machine.Pin(("gpio_emul0", 4), machine.Pin.IN)
_uevent_test.set_input(pin, 0)
calls = [0]


def handler(p):
    calls[0] += 1
    raise ValueError("boom")


irq = pin.irq(handler, trigger=machine.Pin.IRQ_RISING, hard=True)
_uevent_test.set_input(pin, 1)
_uevent_test.set_input(pin, 0)
_uevent_test.set_input(pin, 1)
print("calls", calls[0], "trigger", irq.trigger())

# Set up again, it runs again (once more: it still raises).
pin.irq(handler, trigger=machine.Pin.IRQ_FALLING, hard=True)
_uevent_test.set_input(pin, 0)
_uevent_test.set_input(pin, 1)
_uevent_test.set_input(pin, 0)
print("calls", calls[0], "trigger", irq.trigger())

# A hard handler that returns keeps running.
ok = [0]


def good(p):
    ok[0] += 1


pin.irq(good, trigger=machine.Pin.IRQ_RISING, hard=True)
for v in (1, 0, 1, 0):
    _uevent_test.set_input(pin, v)
print("good", ok[0])
pin.irq(None)
