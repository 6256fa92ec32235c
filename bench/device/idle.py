# 1. Idle cost: asyncio waits IDLE_MS for an event that never comes. Counts
# the MicroPython thread's CPU cycles and switch-ins (wake-ups) and the CPU's
# idle cycles, from Zephyr's thread runtime statistics.
import asyncio


async def idle_wait(ms):
    flag = asyncio.ThreadSafeFlag()
    try:
        await asyncio.wait_for_ms(flag.wait(), ms)
    except asyncio.TimeoutError:
        pass


def measure(name):
    gc.collect()
    t0 = time.ticks_ms()
    r0 = B.runtime()
    asyncio.run(idle_wait(IDLE_MS))
    r1 = B.runtime()
    t1 = time.ticks_ms()
    result(
        "idle_" + name,
        {
            "ms": IDLE_MS,
            "elapsed_ms": time.ticks_diff(t1, t0),
            "thread_cycles": r1[0] - r0[0],
            "wakeups": r1[1] - r0[1],
            "cpu_busy_cycles": r1[2] - r0[2],
            "cpu_idle_cycles": r1[3] - r0[3],
        },
    )


asyncio.use_uevent()
measure("uevent")
asyncio.use_select_poll()
measure("select")
asyncio.use_uevent()
