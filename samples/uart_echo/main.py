# uart_echo: an asyncio stream echo on a UART, woken by the RX interrupt.
#
# QEMU (demo): the echo runs on uart1, and a peer task on uart2, wired to
# uart1 by QEMU, sends lines and checks what comes back. Devkits: the echo
# runs on the console UART (sys.stdin/sys.stdout): type in the terminal.
import asyncio
import sys
import time
import uevent

try:
    import _uevent_test  # QEMU builds: run the demo peer
except ImportError:
    _uevent_test = None


async def echo(reader, writer, chunk):
    while True:
        # Sleeps until the RX interrupt has buffered bytes (uevent READ).
        data = await reader.read(chunk)
        if chunk == 1 and data in ("\r", b"\r"):
            data = "\r\n"
        writer.write(data)
        await writer.drain()


async def peer(port):
    s = asyncio.StreamReader(port)
    ok = 0
    for i in range(5):
        line = b"line %d: hello\n" % i
        t0 = time.ticks_ms()
        s.write(line)
        await s.drain()
        # No timeout here: twister runs QEMU with -icount (sleep=off), where
        # virtual time races ahead while the host carries the UDP bytes.
        back = await s.readline()
        dt = time.ticks_diff(time.ticks_ms(), t0)
        ok += back == line
        print("uart_echo: peer got", back == line and "the same line" or repr(back), "in", dt, "ms")
    # Idle: no input for 2 s; count the loop's wake-ups.
    w0 = uevent.stats()["wakeups"]
    await asyncio.sleep_ms(2000)
    print("uart_echo: idle 2000 ms,", uevent.stats()["wakeups"] - w0, "wake-ups")
    print("uart_echo: demo done,", ok, "of 5 lines echoed")


async def main():
    if _uevent_test:
        from machine import UART

        port = asyncio.StreamReader(UART("uart1"))
        print("uart_echo: ready, echo on uart1")
        t = asyncio.create_task(echo(port, port, 64))
        await peer(UART("uart2"))
    else:
        # The console: sys.stdin reads block for the count asked, so 1 byte
        # per wake-up.
        print("uart_echo: ready, echo on the console")
        t = asyncio.create_task(echo(asyncio.StreamReader(sys.stdin), asyncio.StreamWriter(sys.stdout), 1))
    await t


asyncio.run(main())
