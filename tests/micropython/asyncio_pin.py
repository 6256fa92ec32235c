# asyncio on uevent: a task awaiting a Pin edge or a board source is woken by
# the real GPIO callback (emulated input driven through _uevent_test).
import asyncio
import machine
import time
import uevent
import _uevent_test

pin = machine.Pin(("gpio_emul0", 5), machine.Pin.IN)
pin.irq(trigger=machine.Pin.IRQ_RISING)
_uevent_test.set_input(pin, 0)


async def drive(p, level, ms):
    await asyncio.sleep_ms(ms)
    _uevent_test.set_input(p, level)
    return time.ticks_ms()


async def main():
    used = uevent.stats()["entries_in_use"]

    # A rising edge 100 ms from now wakes the waiting task.
    d = asyncio.create_task(drive(pin, 1, 100))
    w0 = uevent.stats()["wakeups"]
    await asyncio.wait_event(pin)
    t_wake = time.ticks_ms()
    t_set = await d
    print("pin woke", time.ticks_diff(t_wake, t_set) < 30)
    # One wake for the sleep deadline, one for the edge.
    print("wakeups <= 2", uevent.stats()["wakeups"] - w0 <= 2)

    # A falling edge does not match IRQ_RISING: the wait times out.
    asyncio.create_task(drive(pin, 0, 50))
    try:
        await asyncio.wait_for_ms(asyncio.wait_event(pin), 200)
    except asyncio.TimeoutError:
        print("falling edge ignored")

    # A board source by name: button sw0 (active low on gpio_emul0 pin 0).
    sw0 = machine.Pin(("gpio_emul0", 0))
    _uevent_test.set_input(sw0, 1)
    asyncio.create_task(drive(sw0, 0, 50))
    await asyncio.wait_for_ms(asyncio.wait_event("sw0"), 1000)
    print("sw0 pressed")
    _uevent_test.set_input(sw0, 1)

    # Two tasks on two pins, woken in the order of their edges.
    pin2 = machine.Pin(("gpio_emul0", 6), machine.Pin.IN)
    pin2.irq(trigger=machine.Pin.IRQ_RISING)
    _uevent_test.set_input(pin, 0)
    _uevent_test.set_input(pin2, 0)
    order = []

    async def waiter(p, name):
        await asyncio.wait_event(p)
        order.append(name)

    ts = [asyncio.create_task(waiter(pin, "a")), asyncio.create_task(waiter(pin2, "b"))]
    asyncio.create_task(drive(pin2, 1, 30))
    asyncio.create_task(drive(pin, 1, 60))
    await asyncio.gather(*ts)
    print(order)

    # An edge while the task is not waiting is not kept.
    async def wait_twice(p):
        await asyncio.wait_event(p)
        _uevent_test.set_input(p, 0)
        _uevent_test.set_input(p, 1)  # a rising edge while nobody waits
        await asyncio.wait_event(p)
        return "woken by the next edge"

    _uevent_test.set_input(pin, 0)
    t = asyncio.create_task(wait_twice(pin))
    await asyncio.sleep_ms(10)
    _uevent_test.set_input(pin, 1)
    await asyncio.sleep_ms(50)
    print("edge between waits ignored", not t.done())
    _uevent_test.set_input(pin, 0)
    _uevent_test.set_input(pin, 1)
    print(await t)

    # Nothing left registered once the loop has slept (the registration of
    # a woken task is kept until then, for its next wait).
    await asyncio.sleep_ms(1)
    print("entries leaked", uevent.stats()["entries_in_use"] - used)


asyncio.run(main())
