# zephyr.FlashArea opens only the storage partition and the partitions the
# devicetree declares writable (zephyr,user's writable-partitions); any
# other partition, which may hold a boot loader or the running image, is
# refused with ValueError before anything is read or erased (issue 31,
# point 5). native_sim's flash has the MCUboot-style partitions of the
# devkits (boot loader, two image slots, scratch) beside /flash, and
# boards/native_sim.overlay declares its scratch partition writable;
# mps2_an385's simulated flash holds only the storage partition.
try:
    import zephyr
except ImportError:
    print("SKIP")
    raise SystemExit

STORAGE = zephyr.FlashArea.STORAGE
seen = []
refusal = None
for i in range(256):
    try:
        fa = zephyr.FlashArea(i)
    except ValueError as e:
        if str(e) == "no such flash area":
            continue
        seen.append((i, "refused"))
        refusal = refusal or str(e)
        continue
    seen.append((i, "storage" if i == STORAGE else "writable"))
    # Every block erases and reads back erased, inside the partition:
    # only on a partition that is not /flash (the last block of it).
    if i != STORAGE:
        last = fa.ioctl(4, 0) - 1
        buf = bytearray(fa.ioctl(5, 0))
        print("erase", fa.ioctl(6, last), fa.readblocks(last, buf), buf == b"\xff" * len(buf))
print(seen)
print(refusal)
