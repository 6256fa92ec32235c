# The awaitables of wait_event()/flag.wait() and asyncio.sleep_ms() park
# or queue the running task, so stepping one by hand outside a task's step
# raises RuntimeError, and so does a second park in one step. A soft
# callback that ran while the loop slept found the last task run still
# "current" and parked it a second time; one that ran in the middle of a
# task's step queued that task, which its own next await queued again (a
# hard fault); at the top level sleep_ms() queued None.
import time

import asyncio
import machine
import micropython

flag = asyncio.ThreadSafeFlag()
seen = []


def step_by_hand(_):
    for make in (lambda: flag.wait().send(None), lambda: next(asyncio.sleep_ms(0))):
        try:
            make()
            seen.append("stepped")
        except RuntimeError:
            seen.append("RuntimeError")


runs = [0]


async def main():
    runs[0] += 1
    timer = machine.Timer(-1)
    timer.init(mode=machine.Timer.ONE_SHOT, period=20, hard=True,
               callback=lambda t: micropython.schedule(step_by_hand, 0))
    await asyncio.sleep_ms(100)
    print("stepped in a soft callback during the loop's sleep:", seen)
    flag.set()
    await asyncio.sleep_ms(50)
    print("main resumed by its own sleep only:", runs[0] == 1)


asyncio.run(main())

# A soft callback that runs in the middle of a task's step (a timer's,
# while the task busy-waits: sleep_us, so that native_sim's clock moves).
seen.clear()


async def busy():
    timer = machine.Timer(-1)
    timer.init(mode=machine.Timer.ONE_SHOT, period=5, callback=step_by_hand)
    for _ in range(30):
        time.sleep_us(1000)
    print("stepped in a soft callback during a task's step:", seen)
    await asyncio.sleep_ms(20)
    print("the task's own await afterwards: ok")


asyncio.run(busy())


# By hand inside a task's step: the first park is the task's; a second
# in the same step is refused.
async def twice():
    flag.clear()
    flag.wait().send(None)
    try:
        await asyncio.sleep_ms(0)
        print("parked twice in one step")
    except RuntimeError:
        print("second park in one step: RuntimeError")


asyncio.run(twice())
try:
    next(asyncio.sleep_ms(0))
    print("sleep_ms stepped at the top level")
except RuntimeError:
    print("sleep_ms at the top level: RuntimeError")
