# asyncio.ThreadSafeFlag on uevent.Flag: set() from a hard Timer IRQ, a soft
# Timer callback or micropython.schedule wakes the loop at once.
import asyncio
import machine
import micropython
import time
import uevent

flag = asyncio.ThreadSafeFlag()
print(type(flag) is asyncio.ThreadSafeFlag, flag.is_set())


async def one(hard):
    t_set = [0]

    def cb(t):
        t_set[0] = time.ticks_ms()
        flag.set()

    w0 = uevent.stats()["wakeups"]
    machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=200, callback=cb, hard=hard)
    await asyncio.wait_for(flag.wait(), 2)
    dt = time.ticks_diff(time.ticks_ms(), t_set[0])
    print("hard" if hard else "soft", "woke within 100 ms", 0 <= dt < 100)
    print("wakeups <= 2", uevent.stats()["wakeups"] - w0 <= 2)


async def main():
    await one(True)
    await one(False)

    # From micropython.schedule (a soft callback scheduled in a hard IRQ).
    # (Bound methods made up front: a hard IRQ must not allocate.)
    soft_set = lambda a: flag.set()
    schedule = micropython.schedule
    tim = machine.Timer(
        -1, mode=machine.Timer.ONE_SHOT, period=50,
        callback=lambda t: schedule(soft_set, 0), hard=True)
    await asyncio.wait_for(flag.wait(), 2)
    print("scheduled set woke")

    # Self-clearing after wait(); a set before wait() is not lost.
    print(flag.is_set())
    flag.set()
    await asyncio.wait_for(flag.wait(), 1)
    print("set before wait ok", flag.is_set())

    # clear() drops a set.
    flag.set()
    flag.clear()
    try:
        await asyncio.wait_for_ms(flag.wait(), 100)
    except asyncio.TimeoutError:
        print("cleared")

    # A periodic hard Timer: every set wakes one wait.
    n = 0
    tim = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=20, callback=lambda t: flag.set(), hard=True)
    for i in range(5):
        await asyncio.wait_for(flag.wait(), 1)
        n += 1
    tim.deinit()
    print("periodic", n)

    # wait() on a flag that is already set still goes through the loop, so a
    # consumer whose flag is always set (an ISR faster than it) lets the
    # other tasks run between its waits.
    ran = []

    async def other():
        ran.append(1)

    asyncio.create_task(other())
    for i in range(3):
        flag.set()
        await flag.wait()
    print("set flag yields", ran == [1])


asyncio.run(main())
