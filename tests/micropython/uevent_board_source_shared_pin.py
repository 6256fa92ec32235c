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

# A Python irq on the pin survives init() (the emulator's call at the
# configure is drained first).
hits = []
pin.irq(handler=lambda _: hits.append(1), trigger=machine.Pin.IRQ_RISING)
pin.init(mode=machine.Pin.IN)
settle()
hits.clear()
print("irq after init:", press(), len(hits))
pin.irq(trigger=0)

# As an output, the pin is nobody's input: writes are not presses. Back as
# an input, the board source hears again.
pin.init(mode=machine.Pin.OUT)
settle()
pin(0)
pin(1)
pin(0)
print("writes as an output:", settle())
pin.init(mode=machine.Pin.IN)
_uevent_test.set_input("ebtn0", 1)
settle()
print("input again:", press())

# Two objects for one pin (ebtn0 is gpio_emul0 pin 0): the edges set last
# are the pin's, and a configure keeps them; turning one irq off gives the
# pin the other's edges. raw's RISING is the release, pin's the press; pin
# was made first, so it is not the newest object.
raw = machine.Pin(("gpio_emul0", 0))
raw_hits, pin_hits = [], []


def edges():
    # (hits at a press, hits at the release) of both handlers
    raw_hits.clear()
    pin_hits.clear()
    _uevent_test.set_input("ebtn0", 0)
    settle()
    at_press = len(raw_hits) + len(pin_hits)
    _uevent_test.set_input("ebtn0", 1)
    settle()
    return at_press, len(raw_hits) + len(pin_hits) - at_press


pin.irq(handler=lambda _: pin_hits.append(1), trigger=machine.Pin.IRQ_RISING)
raw.irq(handler=lambda _: raw_hits.append(1), trigger=machine.Pin.IRQ_RISING)
pin.irq(handler=lambda _: pin_hits.append(1), trigger=machine.Pin.IRQ_RISING)
pin.init(mode=machine.Pin.IN)
settle()
print("last set wins:", edges())
pin.irq(trigger=0)
print("other's edges back:", edges())
raw.irq(trigger=0)
settle()
print("board edges back:", press())
p.close()
