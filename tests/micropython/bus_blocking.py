# A bus transfer blocks its caller for the transfer only, and loses nothing
# raised meanwhile (docs/buses.md): a hard Timer fires in the middle of a
# long SoftSPI transfer (bit-banged at 50 kHz, 400 bytes: 64 ms and more,
# 1.25 s of virtual time on qemu_cortex_m3 under twister's -icount; mps2_an385
# has networking, so no -icount there),
# sets a uevent Flag and queues a soft callback. The callback runs as soon
# as the transfer returns, and poll_ms sees the Flag's event at once.
import micropython
import time

import machine
import uevent

spi = machine.SoftSPI(
    baudrate=50000, sck=("gpio_emul0", 24), mosi=("gpio_emul0", 25), miso=("gpio_emul0", 26)
)
flag = uevent.Flag()
p = uevent.poll()
p.register(flag, uevent.EVENT)
ran = []


def soft(_):
    ran.append(time.ticks_ms())


def isr(t):
    fired.append(time.ticks_ms())
    flag.set()
    micropython.schedule(soft, None)


# ticks_ms advances by a kernel tick: 1 ms on qemu_cortex_m3, 10 ms on
# mps2_an385 (100 Hz). Two stamps a moment apart may differ by one tick.
# Busy waits, not a bare loop: native_sim's clock only moves when the CPU
# waits, and k_busy_wait is such a wait there.
def next_tick(t):
    while time.ticks_ms() == t:
        time.sleep_us(100)
    return time.ticks_ms()


edge = next_tick(time.ticks_ms())
TICK = time.ticks_diff(next_tick(edge), edge)

fired = []
buf = bytearray(400)
t0 = time.ticks_ms()
timer = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=20, callback=isr, hard=True)
spi.write_readinto(buf, buf)
t1 = time.ticks_ms()
timer.deinit()
print("fired during the transfer", len(fired) == 1 and time.ticks_diff(t1, fired[0]) > 10)
# It may run before the line that stamps t1 does (a tick apart at most).
after = time.ticks_diff(ran[0], t1) if len(ran) == 1 else None
soon = after is not None and -TICK <= after <= max(5, TICK)
print("callback ran once, right after", soon)
if not soon:
    print("ran", ran, "transfer", t0, t1, "timer", fired)
t2 = time.ticks_ms()
r = p.poll_ms(1000)
t3 = time.ticks_ms()
at_once = time.ticks_diff(t3, t2) <= max(4, TICK)
print("event kept", len(r), r[0].obj is flag if r else None, at_once)
if not at_once:
    print("poll_ms took", time.ticks_diff(t3, t2), "ms")
p.close()
