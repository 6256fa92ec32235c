# Work a soft callback makes runnable while the loop sleeps runs at once: a
# task created, or an asyncio.Event set, from micropython.schedule (here
# scheduled by a hard Timer 20 ms into a 500 ms sleep of the loop). It
# waited for the next unrelated wake-up or the loop's timeout instead
# (upstream has the same flaw; uevent promises a waiting thread wakes as
# soon as its event happens).
import time

import asyncio
import machine
import micropython

started = []
event = asyncio.Event()


async def job(t0):
    started.append(time.ticks_diff(time.ticks_ms(), t0))


def spawn(t0):
    asyncio.create_task(job(t0))


def set_event(_):
    event.set()


async def main():
    timer = machine.Timer(-1)
    t0 = time.ticks_ms()
    timer.init(mode=machine.Timer.ONE_SHOT, period=20, hard=True,
               callback=lambda t: micropython.schedule(spawn, t0))
    await asyncio.sleep_ms(500)
    print("task from a soft callback ran within 100 ms:", started[0] < 100)

    t0 = time.ticks_ms()
    timer.init(mode=machine.Timer.ONE_SHOT, period=20, hard=True,
               callback=lambda t: micropython.schedule(set_event, 0))
    await asyncio.wait_for_ms(event.wait(), 1000)
    print("Event set from a soft callback woke within 100 ms:",
          time.ticks_diff(time.ticks_ms(), t0) < 100)


asyncio.run(main())
