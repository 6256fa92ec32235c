# asyncio.new_event_loop() called inside a running task: the task goes on
# in the new loop, as upstream's asyncio does (here the loop hung: the
# current task became None, and None went onto the task queue). Tasks that
# waited in the old loop's queues never run again; after the run, a new
# run works.
import asyncio


async def sleeper():
    await asyncio.sleep_ms(10)
    print("old-loop sleeper ran (it should not)")


async def short():
    await asyncio.sleep_ms(5)


async def main():
    asyncio.create_task(sleeper())
    await asyncio.sleep_ms(0)
    asyncio.new_event_loop()
    print("after new_event_loop, the task goes on")
    await asyncio.sleep_ms(30)
    t = asyncio.create_task(short())
    await t
    return "main done"


print(asyncio.run(main()))


async def again():
    await asyncio.sleep_ms(1)
    return "next run done"


print(asyncio.run(again()))
