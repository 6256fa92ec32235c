# Board sources rendered by codegen from the QEMU overlay (emulated GPIO):
# they exist by name, and a real GPIO interrupt makes them fire.
import machine
import sys
import time
import uevent
import _uevent_test

names = uevent.sources()
for n in ("ebtn0", "ebtn1", "ebtn2", "ebtn3", "bounce_pin"):
    print(n, n in names)

sw0 = uevent.source("sw0")
print(sw0 is uevent.source("ebtn0"), sw0.name, sw0.path, sw0.ready)
print(uevent.source("uart0") is sys.stdin)
# Other UARTs are returned as machine.UART (where the board has one).
others = [n for n in names if n.startswith("uart") and uevent.source(n) is not sys.stdin]
print(all(type(uevent.source(n)).__name__ == "UART" for n in others))
try:
    uevent.source("no_such_source")
except ValueError as ex:
    print("ValueError", ex)

p = uevent.poll()
e = p.register(sw0, uevent.EVENT)
raw = machine.Pin(("gpio_emul0", 0))
# Buttons are active low and interrupt on a press (a falling edge at the pin), then
# debounce: one EVENT once the pin has been quiet for the debounce time.
_uevent_test.set_input(raw, 1)
print(p.poll_ms(100))
for level in (0, 1, 0, 1, 0):
    _uevent_test.set_input(raw, level)
r = p.poll_ms(1000)
print([x is e for x in r], sw0.value())
print(p.poll_ms(100))
_uevent_test.set_input(raw, 1)
print(sw0.value())

# A pin source of our binding (uevent,pin-source, both edges, 20 ms debounce).
# Pin 3 starts low whatever an earlier script left (port_machine_pin leaves
# it high); the edge that makes settles before the entry exists.
bp = uevent.source("bounce_pin")
raw3 = machine.Pin(("gpio_emul0", 3))
_uevent_test.set_input(raw3, 0)
time.sleep_ms(50)
eb = p.register(bp, uevent.EVENT)
_uevent_test.set_input(raw3, 1)
print([x is eb for x in p.poll_ms(1000)])
p.close()
