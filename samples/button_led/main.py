# button_led: button sw0 toggles LED led0, debounced, with asyncio on uevent.
# Between presses the loop sleeps in uevent's poll_ms: no periodic wake-up.
import asyncio
import machine
import uevent

try:
    import _uevent_test  # QEMU builds: the demo presses the emulated button
except ImportError:
    _uevent_test = None

DEBOUNCE_MS = 30
Pin = machine.Pin

button = Pin("sw0", Pin.IN)  # 1 while pressed, however the board wires it
led = Pin("led0", Pin.OUT)
led.value(0)  # off (1 lights it, on active-low LEDs too)
button.irq(trigger=Pin.IRQ_FALLING | Pin.IRQ_RISING)
presses = 0


async def debounced_button():
    global presses
    stable = button.value()
    while True:
        # Sleeps until an edge (uevent EVENT from the GPIO interrupt).
        await asyncio.wait_event(button)
        # Let the contacts settle; the edges of the bounce wake nobody.
        await asyncio.sleep_ms(DEBOUNCE_MS)
        level = button.value()
        if level != stable:
            stable = level
            if level == 1:
                presses += 1
                led.value(1 - led.value())
                print("button_led: press", presses, "led", led.value())


# QEMU: press and release the emulated button, each edge bouncing
# (set_input drives the pin's level: sw0 is active low, 0 is a press).
async def demo():
    async def edge(level):
        for v in (level, 1 - level, level, 1 - level, level):
            _uevent_test.set_input(button, v)
            await asyncio.sleep_ms(2)

    _uevent_test.set_input(button, 1)
    for i in range(3):
        await asyncio.sleep_ms(200)
        await edge(0)
        await asyncio.sleep_ms(150)
        await edge(1)
    await asyncio.sleep_ms(200)
    # Idle: nothing happens for 2 s; count the loop's wake-ups.
    w0 = uevent.stats()["wakeups"]
    await asyncio.sleep_ms(2000)
    print("button_led: idle 2000 ms,", uevent.stats()["wakeups"] - w0, "wake-ups")
    print("button_led: demo done,", presses, "presses")


async def main():
    print("button_led: ready, press sw0")
    t = asyncio.create_task(debounced_button())
    if _uevent_test:
        await demo()
        t.cancel()  # the demo is over: main.py returns and the REPL starts
        return
    await t  # a devkit: until Ctrl-C


asyncio.run(main())
