# A machine.Pin made, or re-initialised, with a mode on the pin of a board
# source must leave the source hearing its presses. Zephyr keeps one
# interrupt setting per pin and gpio_pin_configure() resets it on some
# drivers (gpio-emul, nRF): before the fix, the board source "ebtn0" heard
# nothing after Pin("ebtn0", Pin.IN). (The GPIO emulator also calls the
# pin's callbacks when the pin is configured, which a real controller does
# not: the source sees that as an edge, so each set-up is followed by a
# drain here.)
import machine, uevent, time, _uevent_test

src = uevent.source("ebtn0")
p = uevent.poll()
p.register(src, uevent.EVENT)


def settle():
    # Past the source's debounce; EVENT is one-shot: arm it again.
    time.sleep_ms(120)
    n = len(p.poll_ms(0))
    p.register(src, uevent.EVENT)
    return n


def press():
    # The button is active low: raw 0 is the press, raw 1 the release.
    _uevent_test.set_input("ebtn0", 0)
    n = settle()
    _uevent_test.set_input("ebtn0", 1)
    return n, settle()


_uevent_test.set_input("ebtn0", 1)
settle()
print("before any Pin:", press())

pin = machine.Pin("ebtn0", machine.Pin.IN)
settle()
print("after Pin(IN):", press(), press())

pin.init(mode=machine.Pin.IN, pull=machine.Pin.PULL_UP)
settle()
print("after init:", press())

# A Python irq on the pin, then off: the board source's edges come back.
pin.irq(handler=None, trigger=machine.Pin.IRQ_RISING)
pin.irq(trigger=0)
print("irq off:", press())

# Made again with a mode (the same object, configured again): still heard.
machine.Pin("ebtn0", machine.Pin.IN)
settle()
print("again:", press(), pin.value())
p.close()
