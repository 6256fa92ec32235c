# 4. Throughput: a k_timer ISR raises events at a set rate; an asyncio task
# handles them. Raises are counted at the source (the ISR); what the task saw
# is counted by the task. Raises beyond that coalesced (uevent) or were
# dropped or merged (select: a full scheduler queue, a flag already set).
import asyncio


async def consume(flag, box):
    while True:
        await flag.wait()
        box[0] += 1
        # Yield once per event: a ThreadSafeFlag set again meanwhile makes
        # wait() return without yielding, and a consumer slower than the
        # source would then never let the loop run (the run would hang).
        await asyncio.sleep_ms(0)


async def run(flag, target, period_us, hard):
    box = [0]
    t = asyncio.create_task(consume(flag, box))
    await asyncio.sleep_ms(10)
    r0 = B.runtime()
    B.ticker(target, period_us, hard)
    try:
        await asyncio.sleep_ms(DURATION_MS)
    finally:
        B.ticker(None)
    r1 = B.runtime()
    handled = box[0]
    t.cancel()
    fired, failed = B.ticker_count()
    return {
        "period_us": period_us,
        "duration_ms": DURATION_MS,
        "raised": fired,
        "handled": handled,
        "sched_failed": failed,
        "cpu_busy_cycles": r1[2] - r0[2],
        "cpu_idle_cycles": r1[3] - r0[3],
    }


def flag_setter(flag):
    return lambda _: flag.set()


for backend in ("uevent", "select"):
    rows = []
    for period in PERIODS_US:
        gc.collect()
        if backend == "uevent":
            asyncio.use_uevent()
            flag = asyncio.ThreadSafeFlag()
            # The ISR raises the flag itself: ThreadSafeFlag is uevent.Flag.
            rows.append(asyncio.run(run(flag, flag, period, False)))
        else:
            asyncio.use_select_poll()
            flag = asyncio.ThreadSafeFlag()
            # A soft callback (micropython.schedule) sets the flag: the
            # scheduler hook wakes select.poll's wait.
            rows.append(asyncio.run(run(flag, flag_setter(flag), period, False)))
    result("throughput_" + backend, rows)
asyncio.use_uevent()
