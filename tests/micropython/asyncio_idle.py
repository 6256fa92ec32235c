# Idle: while asyncio waits 1 s for an event that never comes, the loop
# sleeps in poll_ms: one wake-up (the deadline), not one per tick, and
# console input it does not wait for does not wake it.
import _uevent_test
import asyncio
import machine
import time
import uevent


async def main():
    flag = asyncio.ThreadSafeFlag()
    pin = machine.Pin(("gpio_emul0", 9), machine.Pin.IN)
    pin.irq(trigger=machine.Pin.IRQ_RISING)
    for name, aw in (("flag", flag.wait()), ("pin", asyncio.wait_event(pin))):
        s0 = uevent.stats()
        t0 = time.ticks_ms()
        try:
            await asyncio.wait_for(aw, 1)
        except asyncio.TimeoutError:
            pass
        dt = time.ticks_diff(time.ticks_ms(), t0)
        s1 = uevent.stats()
        print(name, "1 s wait, wakeups <= 2:", s1["wakeups"] - s0["wakeups"] <= 2, "on time:", 990 <= dt < 1100)

    # A plain 1 s sleep: the deadline's wake-up only. Console input during
    # it (here a newline, harmless to the raw REPL that reads it next) used
    # to wake poll_ms too: the twister harness sends its next command while
    # a script runs, which once made this count 2.
    w0 = uevent.stats()["wakeups"]
    _uevent_test.console_input(b"\n", 300)
    await asyncio.sleep(1)
    print("sleep wakeups:", uevent.stats()["wakeups"] - w0)


asyncio.run(main())
