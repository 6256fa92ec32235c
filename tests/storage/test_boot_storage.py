"""What the boot does with a /flash that littlefs cannot mount, on
mps2_an385 (QEMU) and native_sim, driven through the console (issue 31,
point 1; docs/filesystem.md, "When /flash does not mount").

A damaged folder is not a blank partition: the boot leaves the partition
as it is, mounts nothing and says so; once the damaged block is put back
every file is there again (before the fix, the boot formatted /flash).
"""

from __future__ import annotations

from boards import Board

# A root file of two 4 KB blocks and a folder whose only file lives inline
# in the folder's own metadata block, with a text to find that block by.
SETUP = """
import os
os.chdir('/flash')
data = bytes((i * 7 + 3) & 0xFF for i in range(8192))
with open('keep.bin', 'wb') as f:
    f.write(data)
os.mkdir('sub')
with open('sub/small.txt', 'w') as f:
    f.write('FOLDER-31-METADATA')
print('setup', sorted(os.listdir()))
"""

# Unmounted, the blocks holding that text (the folder's metadata), saved
# in hex, then damaged: erased and 64 bytes of 0x5A programmed.
DAMAGE = """
import os, zephyr
os.chdir('/')
os.umount('/flash')
bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
bs = bdev.ioctl(5, 0)
buf = bytearray(bs)
for b in range(bdev.ioctl(4, 0)):
    bdev.readblocks(b, buf)
    if b'FOLDER-31-METADATA' in buf:
        print('block', b)
        for i in range(0, bs, 32):
            print('hex', '%02x' * 32 % tuple(buf[i : i + 32]))
        bdev.ioctl(6, b)
        bdev.writeblocks(b, b'\\x5a' * 64, 0)
"""

REPAIR = """
import zephyr
bdev = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
for b, text in {blocks!r}:
    bdev.ioctl(6, b)
    for at in range(0, len(text), 64):
        chunk = bytes(int(text[i : i + 2], 16) for i in range(at, at + 64, 2))
        bdev.writeblocks(b, chunk, at // 2)
print('repaired')
"""

CHECK = """
import os
print('mounted', 'flash' in os.listdir('/'))
if 'flash' in os.listdir('/'):
    data = bytes((i * 7 + 3) & 0xFF for i in range(8192))
    print('keep', open('/flash/keep.bin', 'rb').read() == data)
    print('sub', open('/flash/sub/small.txt').read())
"""


def test_damaged_folder_is_not_formatted(board: Board) -> None:
    out = board.repl.run(SETUP)
    assert "setup ['keep.bin', 'sub']" in out, out
    damaged: list[tuple[int, str]] = []
    for line in board.repl.run(DAMAGE).splitlines():
        if line.startswith("block "):
            damaged.append((int(line.split()[1]), ""))
        elif line.startswith("hex "):
            damaged[-1] = (damaged[-1][0], damaged[-1][1] + line.split()[1])
    assert damaged, "the folder's metadata block was not found"
    # The damaged folder fails littlefs's mount (84, EILSEQ): the boot must
    # not take that for a blank partition.
    boot = board.repl.soft_reset()
    assert "formatting" not in boot, boot
    assert "/flash is not mounted" in boot and "nothing was erased" in boot, boot
    assert "mounted False" in board.repl.run(CHECK)
    # Put the damaged block back: every file is there again, so nothing
    # was formatted or erased.
    assert "repaired" in board.repl.run(REPAIR.format(blocks=damaged))
    boot = board.repl.soft_reset()
    assert "not mounted" not in boot and "formatting" not in boot, boot
    out = board.repl.run(CHECK)
    assert "mounted True" in out and "keep True" in out and "sub FOLDER-31-METADATA" in out, out
