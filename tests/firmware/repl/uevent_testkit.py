# Helpers the scripts of tests/micropython share, frozen into the test
# firmware (manifest.py here). Needs _uevent_test (CONFIG_UEVENT_TEST_HOOKS).
import _uevent_test
import machine
import uevent

# gpio_emul0 pins that no board source uses (boards/emulated_gpio.dtsi).
FREE_PINS = (4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)


# Input pins of gpio_emul0, held low, interrupting on both edges: toggling
# one with _uevent_test.set_input() runs the real GPIO callback.
def edge_pins(numbers):
    pins = []
    for n in numbers:
        pin = machine.Pin(("gpio_emul0", n), machine.Pin.IN)
        _uevent_test.set_input(pin, 0)
        pin.irq(trigger=machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)
        pins.append(pin)
    return pins


# n storm sources of one kind: "flag" (uevent.Flag) or "pin" (edge pins).
def storm_sources(kind, n):
    if kind == "flag":
        return [uevent.Flag() for _ in range(n)]
    return edge_pins(FREE_PINS[:n])
