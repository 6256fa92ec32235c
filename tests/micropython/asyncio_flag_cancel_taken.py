# A ThreadSafeFlag's set() taken by a wait() that is then cancelled (or its
# coroutine closed) before it returns (wait() on a set flag takes it and
# yields once) is given back: the set was lost, and the next wait() slept
# though nothing had consumed it.
import asyncio

flag = asyncio.ThreadSafeFlag()


async def waiter():
    try:
        await flag.wait()
        print("waiter woke")
    except asyncio.CancelledError:
        print("waiter cancelled")


async def canceller(task):
    task.cancel()


async def closer(task):
    task.coro.close()


async def main():
    flag.set()
    task = asyncio.create_task(waiter())
    asyncio.create_task(canceller(task))
    await asyncio.sleep_ms(10)
    try:
        await asyncio.wait_for_ms(flag.wait(), 200)
        print("the next wait got the set")
    except asyncio.TimeoutError:
        print("the next wait timed out: the set was lost")
    flag.set()
    task = asyncio.create_task(waiter())
    asyncio.create_task(closer(task))
    await asyncio.sleep_ms(10)
    print("closed wait gave the set back:", flag.is_set())


asyncio.run(main())
