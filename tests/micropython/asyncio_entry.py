# The uevent entry a waiting task sits in (task.data while it waits) keeps
# entry.data for its user: the IO queue's chain of kept registrations has a
# link of its own (entry.data held another entry or an internal sentinel
# there, and printing the sentinel faulted). entry.remove() belongs to the
# IO queue's entries (Task.cancel()): on a user poller's entry it is an
# AttributeError (it unregistered the entry). A Pin that lost its edges is
# refused when a task waits on it again, also through a kept registration
# (it waited silently).
import asyncio
import machine
import uevent
import _uevent_test

flag = asyncio.ThreadSafeFlag()
seen = []


async def loop_waiter():
    for _ in range(3):
        await flag.wait()


async def looker(task, mine):
    # Runs after the waiter was woken and parked again, before the loop
    # sleeps: its registration is on the chain of kept ones.
    entry = task.data
    seen.append(repr(entry.data))
    if mine is not None:
        entry.data = mine
    return entry


async def main():
    t = asyncio.create_task(loop_waiter())
    await asyncio.sleep_ms(10)  # it parks
    flag.set()
    await asyncio.sleep_ms(0)  # the loop wakes it: it runs after this task
    e = await asyncio.create_task(looker(t, "mine"))  # and this one after it
    await asyncio.sleep_ms(10)  # the loop sleeps: the entry leaves the chain
    # Woken, kept and parked on again: the same entry, the user's data kept.
    flag.set()
    await asyncio.sleep_ms(0)
    e2 = await asyncio.create_task(looker(t, None))
    print("entry.data of a parked task:", seen, "same entry:", e2 is e)
    flag.set()
    await t
    print("after the last wake:", repr(e.data))


asyncio.run(main())

p = uevent.poll()
f = uevent.Flag()
e = p.register(f, uevent.EVENT)
try:
    e.remove(None)
except AttributeError:
    print("a user entry has no remove()")
print("still registered:", len(p), e.mask)

pin = machine.Pin(("gpio_emul0", 14))
pin.irq(trigger=0)
pin.init(machine.Pin.IN)
_uevent_test.set_input(pin, 0)
pin.irq(trigger=machine.Pin.IRQ_RISING)


async def pin_waiter():
    await asyncio.wait_event(pin)
    pin.irq(trigger=0)  # no edges any more
    try:
        await asyncio.wait_event(pin)  # its registration is still kept
        return "waited"
    except ValueError as e:
        return "ValueError: " + str(e)


async def main2():
    t = asyncio.create_task(pin_waiter())
    await asyncio.sleep_ms(10)
    _uevent_test.set_input(pin, 1)
    print(await asyncio.wait_for_ms(t, 100))


asyncio.run(main2())
