# Tasks outlive asyncio.run(): the loop persists, as upstream's does. A
# task still waiting for an event when its run ended gives its place to a
# task of a later run that waits for the same event (stock asyncio's IO
# queue does the same; here the new waiter got RuntimeError "another task
# waits for this event" and the old, abandoned task got the event). Within
# one run, a second waiter is still refused.
import asyncio
import machine

flag = asyncio.ThreadSafeFlag()
log = []


async def waiter(name):
    await flag.wait()
    log.append(name)


async def first_run():
    asyncio.create_task(waiter("left by run 1"))
    await asyncio.sleep_ms(10)


async def second_run():
    asyncio.create_task(waiter("run 2"))
    await asyncio.sleep_ms(10)
    flag.set()
    await asyncio.sleep_ms(10)


asyncio.run(first_run())
asyncio.run(second_run())
print("woken:", log)


async def two_in_one_run():
    t = asyncio.create_task(waiter("one"))
    await asyncio.sleep_ms(10)
    try:
        await flag.wait()
    except RuntimeError as e:
        print("second waiter in one run:", e)
    t.cancel()


asyncio.run(two_in_one_run())

# A sleeping task of an earlier run goes on in the next one.
timer_log = []


async def sleeper():
    await asyncio.sleep_ms(30)
    timer_log.append("slept")


async def short_run():
    asyncio.create_task(sleeper())
    await asyncio.sleep_ms(1)


async def long_run():
    await asyncio.sleep_ms(60)


asyncio.run(short_run())
asyncio.run(long_run())
print("sleeper of run 1 finished in run 2:", timer_log)
