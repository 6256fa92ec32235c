# ThreadSafeFlag.wait() on a flag that is set takes the set at once: one
# set() wakes one waiting task, and a set() made while that wait yields (it
# yields once on purpose) is kept for the next wait. Here the set was taken
# only when the task resumed: one set() woke two tasks, and a set() in
# between was lost (stock asyncio in the same image: one task, set kept).
import asyncio


def is_set(flag):
    # stock asyncio's ThreadSafeFlag has no is_set()
    return flag.is_set() if hasattr(flag, "is_set") else bool(flag.state)


async def waiter(flag, name, log):
    await flag.wait()
    log.append(name)


async def two_waiters(flag):
    log = []
    flag.set()
    asyncio.create_task(waiter(flag, "a", log))
    asyncio.create_task(waiter(flag, "b", log))
    await asyncio.sleep_ms(20)
    print("one set() woke", len(log), "task(s); the flag is set:", is_set(flag))
    flag.set()
    await asyncio.sleep_ms(20)
    print("a second set() woke the other:", len(log))


async def set_during_yield(flag):
    flag.set()

    async def setter():
        flag.set()  # runs while the waiter below yields

    asyncio.create_task(setter())
    await flag.wait()  # takes the first set, yields once
    print("set during the yield kept:", flag.is_set())
    await asyncio.wait_for_ms(flag.wait(), 50)
    print("the next wait returned at once")


async def main(stock):
    await two_waiters(asyncio.ThreadSafeFlag())
    if not stock:  # stock's wait() on a set flag does not yield at all
        await set_during_yield(asyncio.ThreadSafeFlag())


print("uevent:")
asyncio.run(main(False))
asyncio.use_select_poll()
print("stock (select.poll):")
asyncio.run(main(True))
asyncio.use_uevent()
