# low_power: wait a long time for button sw0 with asyncio on uevent, then
# report how often the CPU woke and which share of the time it was idle
# (Zephyr's thread runtime statistics, through uevent.cpu_stats()).
#
# QEMU (demo): the demo presses the emulated button after 5 s, once.
# Devkits: press sw0 whenever you like; each press prints the report for
# the time since the previous one.
import asyncio
import machine
import time
import uevent

try:
    import _uevent_test  # QEMU builds: run the demo
except ImportError:
    _uevent_test = None

Pin = machine.Pin
button = Pin("sw0", Pin.IN)
button.irq(trigger=Pin.IRQ_RISING)  # a press (named pins are logical: docs/pins.md)


def snapshot():
    return time.ticks_ms(), uevent.stats()["wakeups"], uevent.cpu_stats()


def report(a, b):
    ms = time.ticks_diff(b[0], a[0])
    idle = b[2]["idle"] - a[2]["idle"]
    busy = b[2]["busy"] - a[2]["busy"]
    share = 1000 * idle // (idle + busy)
    print("low_power: waited %d ms for sw0, %d wake-ups, idle %d.%d %%, busy %d us"
          % (ms, b[1] - a[1], share // 10, share % 10, busy * 1000000 // b[2]["hz"]))


async def press_later(ms):
    await asyncio.sleep_ms(ms)
    _uevent_test.set_input(button, 0)


async def main():
    print("low_power: waiting for sw0")
    if _uevent_test:
        _uevent_test.set_input(button, 1)
        asyncio.create_task(press_later(5000))
    while True:
        a = snapshot()
        await asyncio.wait_event(button)
        b = snapshot()
        report(a, b)
        if _uevent_test:
            print("low_power: demo done")
            return
        await asyncio.sleep_ms(300)  # let the button settle


asyncio.run(main())
