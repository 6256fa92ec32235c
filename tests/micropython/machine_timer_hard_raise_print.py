# A hard Timer callback raises ValueError(sensor), where the sensor object's
# __str__ formats a message. Printing it allocates with the heap locked (a
# hard IRQ): before port_irq.c caught that, the MemoryError escaped mpirq's
# print inside the k_timer ISR ("fatal, uncaught NLR"; found in review).
import machine
import micropython
import time

micropython.alloc_emergency_exception_buf(100)


class Sensor:
    def __init__(self, n):
        self.n = n

    def __str__(self):
        return "sensor %d" % self.n


ERR = ValueError(Sensor(3))


def cb(t):
    raise ERR


t = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=5, callback=cb, hard=True)
time.sleep_ms(50)
print("alive")
print(t)
