# A hard Pin IRQ handler raises an exception whose message itself raises
# when printed. MicroPython's mpirq prints it outside any NLR frame of its
# own: before port_irq.c caught that, the print's exception escaped the hard
# IRQ and left the heap, the scheduler and the hard IRQ depth locked (found
# in review). The handler is disabled as for any exception.
import machine
import micropython
import time

import _uevent_test

micropython.alloc_emergency_exception_buf(100)

E2 = OSError(5)


class Bad:
    def __str__(self):
        raise E2

    def __repr__(self):
        raise E2


EXC = ValueError(Bad())

pin = machine.Pin(("gpio_emul0", 6), machine.Pin.IN)
_uevent_test.set_input(pin, 0)


def handler(p):
    raise EXC


pin.irq(handler, trigger=machine.Pin.IRQ_RISING, hard=True)
try:
    _uevent_test.set_input(pin, 1)
    print("contained")
except Exception as e:
    print("escaped from hard IRQ:", type(e).__name__)
try:
    b = bytearray(100)
    print("alloc ok")
except MemoryError:
    print("MemoryError: heap left locked")
try:
    time.sleep_ms(1)
    print("sleep ok")
except Exception as e:
    print("sleep:", type(e).__name__, e)
print("disabled", pin.irq().trigger())
_uevent_test.set_input(pin, 0)
_uevent_test.set_input(pin, 1)
print("no second call")
