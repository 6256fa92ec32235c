# uevent.source() of a board UART makes a machine.UART of the built-in
# machine module: a machine.py on sys.path (here in /flash) shadows
# `import machine` for the user, never what uevent returns (found in
# review: it imported machine by name).
try:
    import os
    import zephyr  # noqa: F401 (the filesystem build)
except ImportError:
    print("SKIP")
    raise SystemExit
import sys
import uevent

names = [n for n in uevent.sources() if n.startswith("uart") and uevent.source(n) is not sys.stdin]
if not names:
    print("SKIP")
    raise SystemExit
with open("/flash/machine.py", "w") as f:
    f.write("UART = None\n")
sys.modules.pop("machine", None)
try:
    import machine

    print("shadowed", machine.UART)
    u = uevent.source(names[0])
    print(type(u).__name__)
finally:
    os.remove("/flash/machine.py")
    sys.modules.pop("machine", None)
import machine

print("real", machine.UART is type(u))
