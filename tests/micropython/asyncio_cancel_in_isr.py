# Task.cancel() from a hard IRQ handler is refused (RuntimeError) without
# touching the task: it unparked a task waiting on a ThreadSafeFlag before
# the refusal, so the task was lost (never woken, never cancelled).
try:
    import _uevent_test

    _uevent_test.in_isr
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit

import asyncio

flag = asyncio.ThreadSafeFlag()


async def waiter():
    try:
        await flag.wait()
        print("waiter woke")
    except asyncio.CancelledError:
        print("waiter cancelled")


async def main():
    task = asyncio.create_task(waiter())
    await asyncio.sleep_ms(10)
    ok, result = _uevent_test.in_isr(task.cancel)
    print("cancel in a hard IRQ:", ok, type(result).__name__)
    flag.set()
    await asyncio.sleep_ms(20)
    print("waiter done:", task.done())
    task = asyncio.create_task(waiter())
    await asyncio.sleep_ms(10)
    task.cancel()
    await asyncio.sleep_ms(10)
    print("cancel from a task:", task.done())


asyncio.run(main())
