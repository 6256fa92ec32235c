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

# The unmounted filesystem object is refused (ENODEV): littlefs's caches and
# allocator outlive its unmount, so a file opened on it would program the
# blocks of whatever is formatted there next.
old_fs = [m[0] for m in vfs.mount() if m[1] == "/flash"][0]
os.chdir("/")
os.umount("/flash")
for what, call in (
    ("open", lambda: old_fs.open("_umount_c.txt", "w")),
    ("listdir", lambda: list(old_fs.ilistdir("/"))),
    ("statvfs", lambda: old_fs.statvfs("/")),
):
    try:
        call()
        print(what, "on the unmounted filesystem: done")
    except OSError as e:
        print(what, "on the unmounted filesystem:", e.errno)
os.mount(vfs.VfsLfs2(bdev), "/flash")


# A subclass of VfsLfs2 is a VfsLfs2: umount refuses for it too.
class Lfs(vfs.VfsLfs2):
    pass


os.umount("/flash")
os.mount(Lfs(bdev), "/flash")
f = open("/flash/_umount_d.txt", "w")
try:
    os.umount("/flash")
    print("unmounted a subclass with a file open")
except OSError as e:
    print("subclass: refused", e.errno)
f.close()
os.remove("/flash/_umount_d.txt")
os.umount("/flash")
os.mount(vfs.VfsLfs2(bdev), "/flash")
os.chdir("/flash")
