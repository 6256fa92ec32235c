# The awaitables of wait_event()/flag.wait() and asyncio.sleep_ms() park
# or queue the running task, so stepping one by hand outside a task's step
# raises RuntimeError. A soft callback that ran while the loop slept found
# the last task run still "current" and parked it a second time, and at the
# top level sleep_ms() queued None.
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
try:
    next(asyncio.sleep_ms(0))
    print("sleep_ms stepped at the top level")
except RuntimeError:
    print("sleep_ms at the top level: RuntimeError")
