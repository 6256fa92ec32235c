# os.statvfs counts each block once (issue 31's power-cut test found
# f_bfree of -2 on the nRF52840 DK's 8-block /flash after two mkdirs):
# littlefs's traversal reports a folder's pair of blocks twice, once in the
# chain of metadata pairs and once from its parent's entry, and VfsLfs2
# counted every report. Each folder takes two blocks, a one-block file one
# more (its data), and removing them gives the blocks back.
try:
    import os
except ImportError:
    print("SKIP")
    raise SystemExit
if not hasattr(os, "statvfs"):
    print("SKIP")
    raise SystemExit

os.chdir("/flash")
T = "_statvfs"


def free():
    return os.statvfs("/flash")[3]


start = free()
os.mkdir(T)
for i in range(4):
    os.mkdir(T + "/d%d" % i)
print("5 folders take", start - free())
bsize = os.statvfs("/flash")[0]
with open(T + "/d0/f", "wb") as f:
    f.write(bytes(bsize // 2))
print("and a file", start - free())
os.remove(T + "/d0/f")
for i in range(4):
    os.rmdir(T + "/d%d" % i)
os.rmdir(T)
print("all back", free() == start)
