# zephyr.FlashArea checks a write (length and offset against the flash's
# write unit, the range against the partition) before it erases anything
# (issue 31, point 4): a refused write returns -22 (EINVAL) and leaves the
# block as it was. /flash is unmounted around the raw writes and the block
# is put back, so the filesystem is untouched.
try:
    import os
    import zephyr
except ImportError:
    print("SKIP")
    raise SystemExit

bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
bs = bdev.ioctl(5, 0)
last = bdev.ioctl(4, 0) - 1
saved = bytearray(bs)
bdev.readblocks(last, saved)
now = bytearray(bs)
# What the block holds during the test: not erased, so an erase shows.
held = bytes(range(256)) * (bs // 256)


def unchanged():
    bdev.readblocks(last, now)
    return now == held




def attempt(name, *args):
    # The block holds `held` (erase, program), then the write under test.
    bdev.ioctl(6, last)
    bdev.writeblocks(last, held, 0)
    print(name, bdev.writeblocks(last, *args), unchanged())


os.chdir("/")
os.umount("/flash")
try:
    # Whole-block protocol (erase, then program): a length that is not a
    # multiple of the write unit (4 bytes on mps2_an385; native_sim's is
    # 1, so there these two are valid writes: its own .exp).
    attempt("short write", b"abc")
    # Offset protocol (program only): an offset off the write unit.
    attempt("odd offset", b"abcd", 1)
    # Past the end of the partition, from inside its last block.
    attempt("past the end", bytes(bs + 4))
    attempt("negative offset", b"abcd", -4)
    # A valid whole-block write still erases, then programs.
    pattern = bytes([0xA5]) * bs
    print("whole block", bdev.writeblocks(last, pattern), bdev.readblocks(last, now), now == pattern)
finally:
    # Put the block back as it was (erase, program), and /flash with it.
    bdev.ioctl(6, last)
    bdev.writeblocks(last, saved, 0)
    import vfs

    os.mount(vfs.VfsLfs2(bdev), "/flash")
    os.chdir("/flash")
bdev.readblocks(last, now)
print("restored", now == saved, "flash" in os.listdir("/"))
