# asyncio (frozen from the pinned MicroPython): tasks, sleep ordering, gather,
# wait_for timeouts.
import asyncio
import time


async def worker(name, delay_ms, out):
    await asyncio.sleep_ms(delay_ms)
    out.append(name)
    return name


async def main():
    out = []
    t0 = time.ticks_ms()
    res = await asyncio.gather(worker("c", 60, out), worker("a", 20, out), worker("b", 40, out))
    dt = time.ticks_diff(time.ticks_ms(), t0)
    print(out, res)
    print("elapsed", 60 <= dt < 300)

    async def slow():
        await asyncio.sleep(10)

    try:
        await asyncio.wait_for(slow(), 0.05)
    except asyncio.TimeoutError:
        print("timeout")

    ev = asyncio.Event()

    async def setter():
        await asyncio.sleep_ms(10)
        ev.set()

    asyncio.create_task(setter())
    await ev.wait()
    print("event", ev.is_set())


asyncio.run(main())
