# Filesystem and block-device calls in a hard IRQ handler raise
# RuntimeError before they reach littlefs or the flash (issue 31, point 3):
# a handler may run while the main thread is inside littlefs (one set of
# caches, on the ISR's small stack). Calls that allocate (open, listdir,
# most paths) stop at MemoryError first, the heap being locked; the ones
# below allocate nothing before littlefs. Nothing may run ("ran").
try:
    import os
    import zephyr
except ImportError:
    print("SKIP")
    raise SystemExit
import machine
import micropython

import uevent

micropython.alloc_emergency_exception_buf(100)

os.chdir("/flash")
f = open("_irq_test.txt", "w+")
f.write("before\n")
f.flush()
bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
buf = bytearray(16)
last = bdev.ioctl(4, 0) - 1
calls = (
    ("write", lambda: f.write("x")),
    ("flush", f.flush),
    ("seek", lambda: f.seek(0)),
    ("tell", f.tell),
    ("readinto", lambda: f.readinto(buf)),
    ("close", f.close),
    # "/" and "x" are interned strings: no allocation on the way in.
    ("stat", lambda: os.stat("/flash")),
    ("statvfs", lambda: os.statvfs("/flash")),
    ("remove", lambda: os.remove("x")),
    ("mkdir", lambda: os.mkdir("x")),
    ("readblocks", lambda: bdev.readblocks(0, buf)),
    ("writeblocks", lambda: bdev.writeblocks(last, buf, 0)),
    ("erase", lambda: bdev.ioctl(6, last)),
    ("umount", lambda: os.umount("/flash")),
)
results = [None] * len(calls)
done = uevent.Flag()


def handler(t):
    for i in range(len(calls)):
        try:
            calls[i][1]()
            results[i] = "ran"
        except Exception as e:
            results[i] = type(e)
    done.set()


p = uevent.poll()
p.register(done, uevent.EVENT)
tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=10, callback=handler, hard=True)
print(len(p.poll_ms(2000)))
tim.deinit()
for (name, _), result in zip(calls, results):
    print(name, result if result == "ran" else result.__name__)
# Outside the handler the same file and filesystem work as before.
f.write("after\n")
f.seek(0)
print(f.read())
f.close()
os.remove("_irq_test.txt")
print("mounted", "flash" in os.listdir("/"))
