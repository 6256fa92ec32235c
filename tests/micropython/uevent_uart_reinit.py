# A UART hears again after deinit(): UART("uart1") (the same object) and
# init() turn its RX interrupts back on (they stayed off until soft reset:
# reads timed out and a registered READ entry never fired). The test
# firmware loops uart1 back to itself (QEMU over UDP).
import machine
import uevent

try:
    u = machine.UART("uart1", timeout=0)
except ValueError:
    print("SKIP")  # no second UART (native_sim)
    raise SystemExit


def loop_back(uart, data):
    # Waits (no timeout: the bytes come back over the host's loopback)
    # until `data` is read back, through a poller.
    p = uevent.poll()
    uart.write(data)
    got = b""
    while len(got) < len(data):
        p.register(uart, uevent.READ)
        if p.poll_ms(2000):
            got += uart.read(64) or b""
        else:
            break
    p.close()
    return got


while u.read(64):
    pass
print("first:", loop_back(u, b"abc"))
u.deinit()
u2 = machine.UART("uart1", timeout=0)
print("same object:", u2 is u)
print("after deinit + UART():", loop_back(u2, b"def"))
u.deinit()
u.init(timeout=0)
print("after deinit + init():", loop_back(u, b"ghi"))
