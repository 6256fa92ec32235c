# Pins named from the devicetree follow its flags: active low and pulls
# (boards/emulated_gpio.dtsi: led1 active low on pin 20, sw3 active low with
# a pull-up on pin 21). Pins named by (controller, number) are raw.
import asyncio
import time

import _uevent_test
import machine
import uevent

P = machine.Pin

# An active-low LED: on() is lit, which is the pin low.
led = P("led1", P.OUT)
raw = P(("gpio_emul0", 20))
print(led is raw, led, raw)
led.on()
print("on", led(), raw())
led.off()
print("off", led(), raw())
led.toggle()
print("toggle", led(), raw())
P("led1", P.OUT, value=0)
print("value=0", led(), raw(), P("led1") is led)
raw.value(1)
print("raw 1", led(), raw())

# Active high: the named and the raw pin are one object.
print(P("led0") is P(("gpio_emul0", 8)))

# A pulled-up button: configured as an input it reads released (0), its
# pin high; pull= overrides the devicetree's pull.
sw3 = P("sw3", P.IN)
pin13 = P(("gpio_emul0", 21))
print("released", sw3(), pin13())
P("sw3", P.IN, P.PULL_DOWN)
print("pulled down", sw3(), pin13())
P("sw3", P.IN)
print("pulled up", sw3(), pin13())

# Edges are logical too: a press (the pin falling) is IRQ_RISING.
hits = []
sw3.irq(lambda p: hits.append(p()), trigger=P.IRQ_RISING)
_uevent_test.set_input(pin13, 0)
time.sleep_ms(5)
_uevent_test.set_input(pin13, 1)
time.sleep_ms(5)
print("rising hits", hits)
hits.clear()
sw3.irq(lambda p: hits.append(p()), trigger=P.IRQ_FALLING)
_uevent_test.set_input(pin13, 0)
time.sleep_ms(5)
_uevent_test.set_input(pin13, 1)
time.sleep_ms(5)
print("falling hits", hits)
sw3.irq(None)

# The board source of the same button: value() is logical, and it raises
# on a press only (its debounce is the board's, 0 here).
src = uevent.source("sw3")
print("source", src.value())
p = uevent.poll()
e = p.register(src, uevent.EVENT)
_uevent_test.set_input(pin13, 0)
print("press", len(p.poll_ms(200)), src.value())
_uevent_test.set_input(pin13, 1)
print("release", len(p.poll_ms(50)), src.value())
p.close()


# asyncio waits on the logical edge of the named pin.
async def press_later():
    await asyncio.sleep_ms(20)
    _uevent_test.set_input(pin13, 0)


async def main():
    sw3.irq(trigger=P.IRQ_RISING)
    presser = asyncio.create_task(press_later())
    await asyncio.wait_for_ms(asyncio.wait_event(sw3), 1000)
    await presser
    print("asyncio press", sw3())
    sw3.irq(None)
    _uevent_test.set_input(pin13, 1)


asyncio.run(main())
