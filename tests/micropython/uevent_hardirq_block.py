# Blocking in a hard IRQ handler is a clear RuntimeError, not a k_poll in
# an ISR or a GIL released by code that does not hold it (issue #10,
# point 8); time.sleep_us busy-waits and is allowed.
import machine
import micropython
import time

import uevent

# An exception with its message in a hard IRQ needs this (heap locked).
micropython.alloc_emergency_exception_buf(100)

results = [None, None, None]
done = uevent.Flag()


def handler(t):
    try:
        uevent.poll().poll_ms(10)
    except MemoryError:
        results[1] = "MemoryError"
    except RuntimeError:
        results[1] = "RuntimeError"
    time.sleep_us(100)
    results[2] = "sleep_us ok"
    # Last: a hard IRQ's exception lives in the one emergency buffer.
    try:
        time.sleep_ms(10)
        results[0] = "slept"
    except RuntimeError as e:
        results[0] = e  # printed later: no allocation in a hard IRQ
    done.set()


p = uevent.poll()
p.register(done, uevent.EVENT)
tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=10, callback=handler, hard=True)
print(len(p.poll_ms(1000)))
print(type(results[0]).__name__, results[0])
# poll() allocates: with the heap locked that is the MemoryError first.
print(results[1])
print(results[2])
# And the next wait works.
t0 = time.ticks_ms()
time.sleep_ms(20)
print(time.ticks_diff(time.ticks_ms(), t0) >= 20)
tim.deinit()
