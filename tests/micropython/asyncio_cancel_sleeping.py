# A cancel made by a soft callback while the loop sleeps until its first
# task is due ends that sleep. The loop noticed only a new first task; a
# cancel brings the same task forward (re-pushed with an earlier time),
# so the cancelled task waited out its whole sleep.
import time

import asyncio
import machine
import micropython


async def sleeper():
    try:
        await asyncio.sleep_ms(2000)
        print("sleeper slept")
    except asyncio.CancelledError:
        print("sleeper cancelled")


async def main():
    task = asyncio.create_task(sleeper())
    await asyncio.sleep_ms(0)
    def cancel(_):
        task.cancel()

    timer = machine.Timer(-1)
    t0 = time.ticks_ms()
    timer.init(mode=machine.Timer.ONE_SHOT, period=20, hard=True,
               callback=lambda t: micropython.schedule(cancel, 0))
    try:
        await task
    except asyncio.CancelledError:
        pass
    print("cancel ended the loop's sleep within 500 ms:",
          time.ticks_diff(time.ticks_ms(), t0) < 500)


asyncio.run(main())
