# Shared by every benchmark script (scripts/bench sends it first).
import array
import gc
import time

import _uevent_bench as B
import machine
import uevent

EDGE_PIN = ("gpio_emul0", 4)
# Edges come this long after the code under test starts to wait: long enough
# for it to be armed and asleep even when a garbage collection comes first
# (up to 18 ms of virtual time on the 32 KB heap; an edge before the wait is
# armed is not seen, and the loop would wait for ever). QEMU -icount skips
# idle time, so waiting costs nothing.
EDGE_DELAY_US = 25000


def zeros(n):
    return array.array("I", (0 for _ in range(n)))


def samples(name, arr):
    for i in range(0, len(arr), 40):
        print("S", name, " ".join([str(v) for v in arr[i : i + 40]]))
    gc.collect()


def result(name, value):
    print("R", name, repr(value))


def edge_pin():
    pin = machine.Pin(EDGE_PIN, machine.Pin.IN)
    pin.irq(handler=None, trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)
    return pin
