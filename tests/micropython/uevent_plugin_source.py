# A source type from outside uevent/ (tests/firmware/hooks/test_source.c)
# plugs in through its type's protocol alone: it registers, its levels and
# edges are delivered, a raise from a hard IRQ wakes poll_ms, and an
# asyncio task awaiting it wakes.
import asyncio
import machine
import time
import uevent
from _uevent_testsource import Source

src = Source()
p = uevent.poll()
entry = p.register(src)
print("nothing yet", p.poll_ms(0))

# Levels: READ true is delivered at once, and again when re-armed while
# still true; false is never delivered.
src.set_level(uevent.READ)
print("READ", [e.flags for e in p.poll_ms(0)])
p.register(src, uevent.READ)
print("READ again", [e.flags for e in p.poll_ms(0)])
src.set_level(0)
p.register(src, uevent.READ | uevent.WRITE)
print("no level", p.poll_ms(0))

# An edge from Python (EVENT was armed by the first register()).
src.fire()
print("EVENT", [e.flags for e in p.poll_ms(0)])

# From a hard IRQ: a one-shot hard Timer callback fires the source.
p.register(src, uevent.EVENT)
t = machine.Timer(-1)
t.init(mode=machine.Timer.ONE_SHOT, period=30, callback=lambda _: src.fire(), hard=True)
t0 = time.ticks_ms()
ready = p.poll_ms(2000)
print("hard IRQ woke poll_ms", [e is entry for e in ready], 20 <= time.ticks_diff(time.ticks_ms(), t0) < 1000)
t.deinit()
entry.unregister()
p.close()

# Bad input to the source's own methods.
try:
    src.fire(0x100)
except ValueError as e:
    print("ValueError", e)


# asyncio: a task awaiting the source wakes on a hard IRQ's raise.
async def waiter():
    t0 = time.ticks_ms()
    await asyncio.wait_event(src)
    return 20 <= time.ticks_diff(time.ticks_ms(), t0) < 1000


async def main():
    t = machine.Timer(-1)
    t.init(mode=machine.Timer.ONE_SHOT, period=40, callback=lambda _: src.fire(), hard=True)
    ok = await asyncio.wait_for(waiter(), 2)
    t.deinit()
    print("task woke", ok)


asyncio.run(main())
print("raised", uevent.stats()["raised"] > 0)
