# Helpers the scripts of tests/micropython share, frozen into the test
# firmware (manifest.py here). Needs _uevent_test (CONFIG_UEVENT_TEST_HOOKS).
import gc

import _uevent_test
import machine
import uevent

# gpio_emul0 pins that no board source uses (boards/emulated_gpio.dtsi:
# 0-3 and 21 are buttons and a pin source, 8 and 20 LEDs).
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


# Zeroes the dead part of the C stack below the caller: MicroPython zeroes
# each new frame's slots, so a few nested calls with many locals overwrite
# stale words that would keep a dropped poller alive for the next GC.
def scrub_stack(depth=8):
    a = b = c = d = f = g = h = i = j = k = m = n = 0
    if depth:
        scrub_stack(depth - 1)
    return a + b + c + d + f + g + h + i + j + k + m + n


# True once probe() returns want, after up to `rounds` stack scrubs and
# collections. The GC is conservative: a stale word (on the C stack, or in
# a live frame's unused value-stack slots) may keep a dropped object for a
# collection or two; a leak keeps it for good.
def settles(probe, want, rounds=3):
    for _ in range(rounds):
        if probe() == want:
            return True
        scrub_stack()
        gc.collect()
    return probe() == want
