# Smaller points of the event core, each once wrong:
# - sys.stdin.buffer is the console source, like sys.stdin (it was an
#   explicitly polled stream, asked every 10 ms);
# - a closed poller lets go of the objects it had registered;
# - a notify() that lands while poll_ms builds its result is taken by that
#   call (the next poll_ms returned [] at once: docs/uevent.md says
#   "since the last poll_ms returned");
# - pin.irq(trigger=0) means no events, also when the controller calls back
#   for its own reasons (the emulator does when a pin is configured).
import gc
import sys
import time

import machine
import uevent
import _uevent_test

p = uevent.poll()
if hasattr(sys.stdin, "buffer"):
    before = uevent.stats()["explicit_polls"]
    p.register(sys.stdin.buffer, uevent.READ)
    p.poll_ms(50)
    print("stdin.buffer polled explicitly:", uevent.stats()["explicit_polls"] > before)
    p.unregister(sys.stdin.buffer)
else:
    print("stdin.buffer polled explicitly: False")

q = uevent.poll()
flags = [uevent.Flag() for _ in range(20)]
for f in flags:
    q.register(f, uevent.EVENT)
del flags
gc.collect()
free_before = gc.mem_free()
q.close()
gc.collect()
print("a closed poller frees what it registered:", gc.mem_free() - free_before > 20 * 16)

f = uevent.Flag()
g = uevent.Flag()
p.register(f, uevent.EVENT)
p.register(g, uevent.EVENT)
f.set()
g.set()
_uevent_test.raise_during_collect(p, 0)  # p.notify() right after the first entry is taken
print("round with entries:", len(p.poll_ms(0)))
t0 = time.ticks_ms()
print("next poll_ms, nothing new:", p.poll_ms(50), "after its timeout:", time.ticks_diff(time.ticks_ms(), t0) >= 40)
p.notify()
print("a notify after it returned:", p.poll_ms(2000))

pin = machine.Pin(("gpio_emul0", 13))
pin.irq(trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)
p.register(pin, uevent.EVENT)
raised = uevent.stats()["raised"]
pin.irq(trigger=0)
pin.init(machine.Pin.IN)  # the emulator calls back: no event
_uevent_test.set_input(pin, 1)
_uevent_test.set_input(pin, 0)
print("events of a pin without edges:", p.poll_ms(0), uevent.stats()["raised"] - raised)
p.close()
