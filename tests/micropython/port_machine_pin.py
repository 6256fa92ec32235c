# machine.Pin by devicetree label and by (controller, pin): one object per pin,
# output values read back, inputs driven through the emulated GPIO controller.
import machine
import time

import _uevent_test

led = machine.Pin("led0", machine.Pin.OUT)
led.value(1)
print(led.value())
led.value(0)
print(led.value())
led.on()
print(led())
led.off()
print(led())

# The same pin, named by controller and number: the same object (led0 is
# active high; an active-low pin has a raw twin: port_pin_polarity.py).
print(machine.Pin(("gpio_emul0", 8)) is led, led)

# An input on the emulated controller follows what the test hook drives.
pin = machine.Pin(("gpio_emul0", 3), machine.Pin.IN)
_uevent_test.set_input(pin, 1)
print(pin.value())
_uevent_test.set_input(pin, 0)
print(pin.value())

# IRQ on rising edges, through Zephyr's GPIO callback: soft handlers run
# from the scheduler (here while sleeping), hard ones in the interrupt.
hits = []
pin.irq(lambda p: hits.append(p.value()), trigger=machine.Pin.IRQ_RISING)
_uevent_test.set_input(pin, 1)
_uevent_test.set_input(pin, 0)
_uevent_test.set_input(pin, 1)
time.sleep_ms(10)
print(hits)
pin.irq(None)

both = []
pin2 = machine.Pin(("gpio_emul0", 4), machine.Pin.IN)
_uevent_test.set_input(pin2, 0)
pin2.irq(
    lambda p: both.append(1),
    trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING,
    hard=True,
)
_uevent_test.set_input(pin2, 1)
_uevent_test.set_input(pin2, 0)
print(len(both))
pin2.irq(None)

try:
    machine.Pin("no_such_label")
except ValueError as e:
    print("ValueError")
