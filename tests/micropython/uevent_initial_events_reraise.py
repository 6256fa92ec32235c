# A level source that also reports EVENT at registration (the protocol's
# initial_events) and is raised READ|EVENT from a hard IRQ while pollers
# and an asyncio task wait on it, with a first poller dropped while still
# subscribed: the shape of a hang seen with an experimental network.LAN
# (zephyr_port/network/REVIEW-NOTES.md). Every wait ends, and so does a
# plain sleep afterwards.
import asyncio
import time

import machine
import uevent
from _uevent_testsource import Source

R, E = uevent.READ, uevent.EVENT
src = Source()
timer = machine.Timer(-1)


def up_later(ms=20):
    # The level is true at once; the raise comes later from a hard IRQ.
    src.set_level(R)
    src.set_initial(E)
    timer.init(
        mode=machine.Timer.ONE_SHOT, period=ms, callback=lambda _: src.fire(R | E), hard=True
    )


def down():
    src.set_level(0)
    src.set_initial(0)


up_later()
p = uevent.poll()
p.register(src, R)
print("first", [e.flags for e in p.poll_ms(3000)])
p = uevent.poll()  # the first poller is dropped with its entry subscribed
p.register(src, R)
down()
print("down", p.poll_ms(0))
up_later()
print("up", [e.flags for e in p.poll_ms(3000)])


async def waiter():
    await asyncio.wait_event(src)  # EVENT at registration
    print("awaited 1")
    down()
    up_later()
    await asyncio.wait_event(src)
    print("awaited 2")


t0 = time.ticks_ms()
asyncio.run(asyncio.wait_for(waiter(), 5))
print("not re-armed", p.poll_ms(0))
time.sleep_ms(300)
print("slept", time.ticks_diff(time.ticks_ms(), t0) < 3000)
timer.deinit()
p.close()
