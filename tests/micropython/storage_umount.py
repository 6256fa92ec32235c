# umount refuses with OSError EBUSY while a file is open on the filesystem
# (issue 31, point 2): a file object of an unmounted littlefs would go on
# programming blocks that a filesystem formatted and mounted after it uses.
# A file that nothing refers to any more is no obstacle: umount collects
# garbage first, and its finaliser closes it (committing what it holds)
# while its filesystem is still mounted.
try:
    import os
    import vfs
    import zephyr
except ImportError:
    print("SKIP")
    raise SystemExit
import gc

import uevent_testkit

os.chdir("/")
f = open("/flash/_umount_a.txt", "w")
f.write("one")
try:
    os.umount("/flash")
    print("unmounted with a file open")
except OSError as e:
    print("refused", e.errno, e.args[1:])
print("mounted", "flash" in os.listdir("/"))
f.write(" two")
f.close()
print(open("/flash/_umount_a.txt").read())


# A forgotten file: written, never closed, dropped.
def forget():
    g = open("/flash/_umount_b.txt", "w")
    g.write("forgotten")


forget()
for _ in range(3):
    uevent_testkit.scrub_stack()
    try:
        os.umount("/flash")
        break
    except OSError as e:
        print("a stale reference kept it open", e.errno)
print("unmounted", "flash" not in os.listdir("/"))
# Mounted again: the forgotten file was closed while its filesystem was
# mounted, and no collection later writes to the partition.
bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
os.mount(vfs.VfsLfs2(bdev), "/flash")
gc.collect()
print(open("/flash/_umount_b.txt").read())
os.remove("/flash/_umount_a.txt")
os.remove("/flash/_umount_b.txt")
os.chdir("/flash")
print(sorted(n for n in os.listdir() if n.startswith("_umount")))
