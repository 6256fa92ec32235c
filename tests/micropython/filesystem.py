# /flash: littlefs on the storage partition (docs/filesystem.md): files in
# text and binary modes, folders, os calls and their errno, imports from
# /flash/lib, a full filesystem (ENOSPC) and zephyr.FlashArea's errors.
try:
    import os
    import vfs
    import zephyr
except ImportError:
    print("SKIP")
    raise SystemExit
import sys

T = "/flash/_fs_test"
# errno's table has no ENOSPC or ENOTEMPTY on every build: name them here.
NAMES = {2: "ENOENT", 17: "EEXIST", 28: "ENOSPC", 39: "ENOTEMPTY"}


def rmtree(path):
    for name, kind, *_ in os.ilistdir(path):
        full = path + "/" + name
        if kind == 0x4000:
            rmtree(full)
        else:
            os.remove(full)
    os.rmdir(path)


def errno_of(fn, *args):
    try:
        fn(*args)
    except OSError as e:
        return NAMES.get(e.errno, e.errno)
    return "no error"


# Mounted and on sys.path; a run before this one may have left files.
print("mounted", "flash" in os.listdir("/"))
print("path", "/flash" in sys.path, "/flash/lib" in sys.path)
try:
    rmtree(T)
except OSError:
    pass
os.mkdir(T)
os.chdir(T)
print("cwd", os.getcwd())

# Text and binary files.
with open("a.txt", "w") as f:
    print("written", f.write("hello\nworld\n"))
with open("a.txt") as f:
    print("lines", f.readlines())
data = bytes(range(256)) * 40
with open("b.bin", "wb") as f:
    f.write(data)
with open("b.bin", "rb") as f:
    print("binary same", f.read() == data)
with open("a.txt", "a") as f:
    f.write("more\n")
print("stat size", os.stat("a.txt")[6], os.stat("b.bin")[6])
print("listdir", sorted(os.listdir()))

# Folders, rename, remove.
os.mkdir("sub")
os.rename("a.txt", "sub/c.txt")
print("after rename", sorted(os.listdir()), os.listdir("sub"))
print("kinds", sorted((n, k) for n, k, *_ in os.ilistdir()))
os.remove("b.bin")

# Errors carry their errno.
print("open missing", errno_of(open, "nope.txt"))
print("mkdir existing", errno_of(os.mkdir, "sub"))
print("rmdir not empty", errno_of(os.rmdir, "sub"))
print("remove missing", errno_of(os.remove, "nope.txt"))
print("stat missing", errno_of(os.stat, "nope"))
print("chdir missing", errno_of(os.chdir, "nope"))

# A module in /flash/lib imports by name.
try:
    os.mkdir("/flash/lib")
except OSError:
    pass
with open("/flash/lib/_fs_test_mod.py", "w") as f:
    f.write("VALUE = 6 * 7\n")
import _fs_test_mod

print("import", _fs_test_mod.VALUE)
os.remove("/flash/lib/_fs_test_mod.py")

# statvfs: block size, and free blocks go down as a file grows and come
# back when it is removed; a full filesystem says ENOSPC.
bsize, frsize, blocks, bfree = os.statvfs("/flash")[:4]
print("statvfs", bsize == frsize, bsize in (1024, 2048, 4096), 0 < bfree <= blocks)
chunk = bytes(1024)
written = 0
try:
    with open("fill", "wb") as f:
        while True:
            f.write(chunk)
            written += len(chunk)
except OSError as e:
    print("full", NAMES.get(e.errno, e.errno), written > (blocks // 2) * bsize)
os.remove("fill")
print("free again", os.statvfs("/flash")[3] >= bfree - 2)

# zephyr.FlashArea: the partition under /flash, and bad ids.
bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
print("blocks", bdev.ioctl(4, 0) == blocks, bdev.ioctl(5, 0) == bsize)
for bad in (-1, 200):
    try:
        zephyr.FlashArea(bad)
    except ValueError as e:
        print("bad id", bad, e)
print("uname", os.uname().sysname)

os.chdir("/flash")
rmtree(T)
print("cleaned", "_fs_test" not in os.listdir("/flash"))

# The raw partition, as docs/filesystem.md's way to start again: unmount,
# a whole-block write (erase, then program) read back, format, mount.
os.umount("/flash")
pattern = bytes([0x5A]) * bsize
print("raw write", bdev.writeblocks(1, pattern))
raw = bytearray(bsize)
print("raw read", bdev.readblocks(1, raw), raw == pattern)
print("past the end", bdev.readblocks(blocks, raw), bdev.ioctl(6, blocks))
vfs.VfsLfs2.mkfs(bdev)
os.mount(vfs.VfsLfs2(bdev), "/flash")
os.chdir("/flash")
print("fresh", os.listdir(), os.statvfs("/flash")[3] > blocks - 4)
