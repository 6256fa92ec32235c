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


# Ctrl-C while the loop sleeps in its own wait (poll_ms) ends run() with a
# KeyboardInterrupt and a task still current. new_event_loop() resets all of
# the loop's state: no current task, the old IO queue (and its poller) goes
# at the next collection, and the IO queue can be switched.
import gc
import uevent
import _uevent_test


async def sleeper():
    _uevent_test.console_input(b"\x03", 20)  # typed 20 ms from now
    await asyncio.sleep_ms(500)


asyncio.new_event_loop()
gc.collect()
pollers = uevent.stats()["pollers_in_use"]
try:
    asyncio.run(sleeper())
except KeyboardInterrupt:
    print("KeyboardInterrupt")
asyncio.new_event_loop()
gc.collect()
try:
    asyncio.current_task()
    print("a task is still current")
except RuntimeError as e:
    print("RuntimeError:", e)
print("old poller freed", uevent.stats()["pollers_in_use"] == pollers)
asyncio.use_select_poll()
print(asyncio.io_backend())
asyncio.use_uevent()
print(asyncio.io_backend())
