# asyncio.run() called inside a task (a nested loop run): when it returns,
# the outer task is the running task again and may await. The inner run
# left no task current, and the outer task's next await raised
# RuntimeError (stock asyncio queues None there).
import asyncio


async def inner():
    await asyncio.sleep_ms(1)
    return 5


async def outer():
    r = asyncio.run(inner())
    print("nested run returned", r)
    await asyncio.sleep_ms(1)
    print("outer task awaits after it: ok")
    return r + 1


print("outer run returned", asyncio.run(outer()))
