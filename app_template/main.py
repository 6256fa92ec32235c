# my_app: counts presses of the board's first button (devicetree alias sw0)
# and toggles its first LED (led0) on each. The loop sleeps until the
# button's interrupt: no polling, no periodic wake-up.
import asyncio
from machine import Pin

button = Pin("sw0", Pin.IN)
led = Pin("led0", Pin.OUT)
button.irq(trigger=Pin.IRQ_FALLING | Pin.IRQ_RISING)


async def watch_button():
    presses = 0
    while True:
        await asyncio.wait_event(button)  # an edge of sw0
        await asyncio.sleep_ms(20)  # let the contacts settle
        if button.value():  # pressed (1 on any board: docs/pins.md)
            presses += 1
            led.value(1 - led.value())
            print("my_app: press", presses)


print("my_app: ready, press sw0 (Ctrl-C for the REPL)")
asyncio.run(watch_button())
