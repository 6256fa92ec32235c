# asyncio streams over the uevent IO queue: a custom io.IOBase stream
# (explicitly polled), and a StreamWriter/StreamReader on machine.UART.
import asyncio
import io
import machine
import uevent


class Pipe(io.IOBase):
    # An in-memory byte pipe: readable while it holds data.
    def __init__(self):
        self.buf = bytearray()

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            r = 0
            if arg & 1 and self.buf:
                r |= 1
            if arg & 4:
                r |= 4
            return r
        return -1

    def readinto(self, b):
        if not self.buf:
            return None
        n = min(len(b), len(self.buf))
        for i in range(n):
            b[i] = self.buf[i]
        self.buf = self.buf[n:]
        return n

    def readline(self):
        if not self.buf:
            return None
        i = self.buf.find(b"\n") + 1 or len(self.buf)
        line = bytes(self.buf[:i])
        self.buf = self.buf[i:]
        return line

    def read(self, n=-1):
        b = bytearray(len(self.buf) if n < 0 else n)
        n = self.readinto(b)
        return None if n is None else bytes(b[:n])

    def write(self, b):
        self.buf.extend(b)
        return len(b)


async def main():
    base = uevent.stats()["entries_in_use"]
    pipe = Pipe()
    reader = asyncio.StreamReader(pipe)

    async def feed():
        for chunk in (b"hel", b"lo\nwor", b"ld\n"):
            await asyncio.sleep_ms(20)
            pipe.write(chunk)

    asyncio.create_task(feed())
    print(await reader.readline())
    print(await reader.readline())
    print(await reader.readexactly(0))

    # Data already there: read() returns without waiting for an event.
    pipe.write(b"xyz")
    print(await reader.read(2), await reader.read(5))

    # machine.UART: WRITE is ready while TX takes bytes, so drain() returns.
    # The test firmware's uart1 is looped back to itself (QEMU over UDP):
    # what is written comes back through real RX interrupts.
    uart = machine.UART("uart1", timeout=0)
    while uart.read(64):
        pass
    w = asyncio.StreamWriter(uart)
    w.write(b"ping\n")
    await w.drain()
    print("drained")
    r = asyncio.StreamReader(uart)
    # No timeout here: under twister QEMU runs with -icount sleep=off (not on
    # mps2_an385, whose image has networking and runs in real time), where
    # an idle guest jumps to its next deadline at once while the host still
    # carries the bytes over UDP (a 1 s timeout expired under load in CI).
    print(await r.readline())
    # Nothing more comes: a read times out and unregisters.
    try:
        await asyncio.wait_for_ms(r.read(1), 100)
    except asyncio.TimeoutError:
        print("uart read timeout")
    print("leaked", uevent.stats()["entries_in_use"] - base)


asyncio.run(main())
