# A hard Timer callback that raises stops its timer after that first
# exception, as MicroPython's rp2 and zephyr ports do with mp_irq_dispatch:
# the exception is printed (as mpirq prints it) and the timer no longer
# runs, nor raises its uevent source. init() starts it again.
import machine
import micropython
import time

micropython.alloc_emergency_exception_buf(100)

calls = [0]


def cb(t):
    calls[0] += 1
    raise ValueError("boom")


t = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=5, callback=cb, hard=True)
time.sleep_ms(60)
print("calls", calls[0])
print(t)

t.init(mode=machine.Timer.ONE_SHOT, period=5, callback=cb, hard=True)
time.sleep_ms(30)
print("calls", calls[0])

# A hard callback that returns keeps its periodic timer running.
ok = [0]


def good(t):
    ok[0] += 1


t.init(mode=machine.Timer.PERIODIC, period=5, callback=good, hard=True)
time.sleep_ms(60)
t.deinit()
print("good", ok[0] > 3)
