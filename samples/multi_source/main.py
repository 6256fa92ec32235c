# multi_source: three buttons, a UART and a periodic timer in one asyncio
# loop on uevent. Each source has its task; the loop sleeps until one fires.
#
# QEMU (demo): buttons on the emulated GPIO, uart1 looped back to itself by
# QEMU (over UDP on localhost); the demo checks ordering and fairness.
# Devkits: sw0..sw2 (those the board has) and the console UART.
import asyncio
import machine
import sys
import time
import uevent

try:
    import _uevent_test  # QEMU builds: run the demo
except ImportError:
    _uevent_test = None

Pin = machine.Pin
log = []  # (source, ticks_ms) in the order the tasks saw them
counts = {"tick": 0}

buttons = []
for name in ("sw0", "sw1", "sw2"):
    try:
        b = Pin(name, Pin.IN)
    except (ValueError, OSError):
        continue  # the board has fewer buttons
    b.irq(trigger=Pin.IRQ_RISING)  # a press (named pins are logical: docs/pins.md)
    buttons.append((name, b))
    counts[name] = 0


news = asyncio.Event()


def seen(src):
    counts[src] = counts.get(src, 0) + 1
    log.append(src)
    news.set()
    if not _uevent_test:
        print("multi_source:", src, time.ticks_ms())


async def button_task(name, pin):
    while True:
        await asyncio.wait_event(pin)
        seen(name)


async def uart_task(stream, chunk):
    while True:
        # QEMU: one event per line (bytes arrive in several RX interrupts);
        # the console: one per byte.
        data = await (stream.readline() if chunk > 1 else stream.read(1))
        seen("uart")


async def timer_task(period_ms):
    tim = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=period_ms)
    try:
        while True:
            await asyncio.wait_event(tim)  # EVENT per expiry
            counts["tick"] += 1
            if not _uevent_test:
                print("multi_source: tick", counts["tick"])
    finally:
        tim.deinit()


async def press(pin):
    _uevent_test.set_input(pin, 0)
    await asyncio.sleep_ms(5)
    _uevent_test.set_input(pin, 1)


# Waits until `n` events are logged. No timeout: the UART bytes cross the
# host (UDP), and twister runs QEMU with -icount (sleep=off), where virtual
# time races ahead meanwhile; twister's own timeout guards a lost event.
async def logged(n):
    while len(log) < n:
        news.clear()
        await news.wait()


async def demo(uart):
    b = dict(buttons)
    for name, pin in buttons:
        _uevent_test.set_input(pin, 1)
    await asyncio.sleep_ms(50)

    # Ordering: events one after the other are seen in that order, each
    # by its own task.
    log.clear()
    for i, src in enumerate(("sw1", "uart", "sw0", "sw2")):
        if src == "uart":
            uart.write(b"hello\n")
        else:
            await press(b[src])
        await logged(i + 1)
    print("multi_source: order", log)

    # Same instant: all three buttons and the UART at once; each task runs.
    log.clear()
    for name, pin in buttons:
        _uevent_test.set_input(pin, 0)
    uart.write(b"x\n")
    await logged(len(buttons) + 1)
    for name, pin in buttons:
        _uevent_test.set_input(pin, 1)
    print("multi_source: burst", sorted(log))

    # Fairness: sw0 toggles 100 times, every 4 ms (QEMU's 10 ms tick makes
    # that about 10-20 ms); the timer (250 ms), a sw1 press and UART input in
    # the middle of it are still served.
    before = dict(counts)
    for edges in range(100):
        _uevent_test.set_input(b["sw0"], edges & 1)
        if edges == 50:
            await press(b["sw1"])
            uart.write(b"y\n")
        await asyncio.sleep_ms(4)
    edges += 1
    _uevent_test.set_input(b["sw0"], 1)
    while counts["uart"] == before["uart"]:
        news.clear()
        await news.wait()
    d = {k: counts[k] - before.get(k, 0) for k in counts}
    print("multi_source: storm", edges, "edges; sw0 woke", d["sw0"] > 10, "ticks", d["tick"] >= 3,
          "sw1", d["sw1"], "uart", d["uart"] >= 1)


async def main():
    if _uevent_test:
        uart = machine.UART("uart1")
        stream, chunk = asyncio.StreamReader(uart), 64
    else:
        uart = None
        stream, chunk = asyncio.StreamReader(sys.stdin), 1
    print("multi_source: ready,", len(buttons), "buttons, a UART, a timer")
    tasks = [asyncio.create_task(button_task(n, p)) for n, p in buttons]
    tasks.append(asyncio.create_task(uart_task(stream, chunk)))
    timer = asyncio.create_task(timer_task(250 if _uevent_test else 5000))
    if not _uevent_test:
        await timer
    await demo(uart)
    timer.cancel()
    await asyncio.sleep_ms(100)
    w0 = uevent.stats()["wakeups"]
    await asyncio.sleep_ms(2000)
    print("multi_source: idle 2000 ms (timer stopped),", uevent.stats()["wakeups"] - w0, "wake-ups")
    print("multi_source: demo done")


asyncio.run(main())
