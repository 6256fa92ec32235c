# One image, two IO queues: asyncio over uevent (the default) and stock
# asyncio over select.poll, switched at run time.
import asyncio
import machine


async def main():
    flag = asyncio.ThreadSafeFlag()
    tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=30, callback=lambda t: flag.set(), hard=False)
    await asyncio.wait_for(flag.wait(), 2)
    await asyncio.sleep_ms(10)
    return asyncio.io_backend()


print(asyncio.io_backend())
print(asyncio.run(main()))

asyncio.use_select_poll()
from asyncio import event

print(asyncio.io_backend(), asyncio.ThreadSafeFlag is event.ThreadSafeFlag)
print(asyncio.run(main()))
try:
    asyncio.run(asyncio.wait_event("sw0"))
except RuntimeError as e:
    print("RuntimeError:", e)

asyncio.use_uevent()
print(asyncio.run(main()))


# No switching inside a running loop.
async def switch():
    asyncio.use_select_poll()


try:
    asyncio.run(switch())
except RuntimeError as e:
    print("RuntimeError:", e)
print(asyncio.io_backend())
