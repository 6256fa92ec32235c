# Cancellation and wait_for timeouts unregister cleanly: entries_in_use is
# back where it was, for every kind of wait.
import asyncio
import io
import machine
import uevent


class Never(io.IOBase):
    # A stream that is never readable (explicitly polled by uevent).
    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return 0
        return -1


def used():
    return uevent.stats()["entries_in_use"]


async def main():
    base = used()
    flag = asyncio.ThreadSafeFlag()
    pin = machine.Pin(("gpio_emul0", 7), machine.Pin.IN)
    pin.irq(trigger=machine.Pin.IRQ_RISING)
    stream = asyncio.StreamReader(Never())

    # wait_for timeouts.
    for aw in (flag.wait(), asyncio.wait_event(pin), stream.read(1)):
        try:
            await asyncio.wait_for_ms(aw, 50)
        except asyncio.TimeoutError:
            pass
        print("timeout, leaked", used() - base)

    # Explicit cancel while waiting.
    async def waiter(aw):
        try:
            await aw
        except asyncio.CancelledError:
            print("cancelled")
            raise

    for aw in (flag.wait(), asyncio.wait_event(pin), stream.read(1)):
        t = asyncio.create_task(waiter(aw))
        await asyncio.sleep_ms(10)
        print("waiting, registered", used() - base)
        t.cancel()
        await asyncio.sleep_ms(0)
        print("leaked", used() - base)

    # One object, a reader and an event waiter: cancelling one keeps the
    # other's registration, cancelling both frees it.
    uart = machine.UART("uart1")
    r = asyncio.create_task(waiter(asyncio.StreamReader(uart).read(1)))
    e = asyncio.create_task(waiter(asyncio.wait_event(uart)))
    await asyncio.sleep_ms(10)
    print("both waiting, registered", used() - base)
    r.cancel()
    await asyncio.sleep_ms(0)
    print("one left, registered", used() - base)
    e.cancel()
    await asyncio.sleep_ms(0)
    print("leaked", used() - base)

    # Many timeouts in a row: still nothing leaks.
    for i in range(20):
        try:
            await asyncio.wait_for_ms(flag.wait(), 1)
        except asyncio.TimeoutError:
            pass
    print("after 20 timeouts, leaked", used() - base)

    # 12 flags awaited at once and set in reverse order wake exactly their
    # own tasks (each task waits in its flag's entry), in two rounds, and
    # every registration ends once the loop sleeps after the waits (it is
    # kept until then for a next wait).
    flags = [asyncio.ThreadSafeFlag() for _ in range(12)]
    for rnd in range(2):
        woke = []

        async def own(i):
            await flags[i].wait()
            woke.append(i)

        ts = [asyncio.create_task(own(i)) for i in range(12)]
        await asyncio.sleep_ms(0)
        print("round", rnd, "registered", used() - base)
        for i in reversed(range(12)):
            flags[i].set()
            await asyncio.sleep_ms(0)
        await asyncio.gather(*ts)
        await asyncio.sleep_ms(1)
        print("woke in order", woke == list(reversed(range(12))), "leaked", used() - base)


asyncio.run(main())
