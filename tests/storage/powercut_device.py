# Power cuts at every flash operation: the device side (MicroPython), sent
# through the raw REPL by test_power_cut.py and run on native_sim's port.
#
# A workload runs on littlefs (VfsLfs2, as /flash mounts it) over CutDevice:
# a block device of a chosen geometry (block size, block count, write unit)
# on pages of the storage partition, through zephyr.FlashArea and Zephyr's
# flash simulator. Cut after N operations: just before the device programs
# or erases for the (N+1)-th time, it copies its pages aside (the flash as
# a power cut after N operations leaves it, the (N+1)-th not begun; a "torn"
# cut also has the first half of that program done), then carries on, so
# the workload runs exactly as it would uncut. The copy is put back and a
# new VfsLfs2 mounts it, as the next boot would. The checks:
# - it mounts, without a format;
# - each file the workload touches holds one of its complete versions (or
#   is absent where the workload creates or removes it); folders likewise;
# - the files it does not touch are byte-identical; nothing else is there;
# - os.statvfs is sane, and a new file can be written and read back.
#
# /flash must be unmounted: the pages are the storage partition's first ones.
# %-formatting: the port's feature level has no f-strings.
# ruff: noqa: UP031
import gc

import vfs

import zephyr

FA = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
PAGE = FA.ioctl(5, 0)
PAGES = FA.ioctl(4, 0)


class Geometry:
    def __init__(self, name, block_size, blocks, unit, io):
        self.name = name
        self.block_size = block_size
        self.blocks = blocks
        self.unit = unit
        self.io = io
        self.pages = block_size // PAGE * blocks
        # littlefs's inline limit with these caches: min(cache, 1022, block/8).
        self.inline = min(4 * io, 1022, block_size // 8)


GEOMETRIES = {
    # The nRF52840 DK's storage_partition: 8 pages of 4 KB, 4-byte words.
    "nrf52840": Geometry("nrf52840", 4096, 8, 4, 32),
    # The NUCLEO-F401RE's: sectors 1-3, 16 KB each, written by the byte,
    # read and programmed 256 bytes at a time (boards/nucleo_f401re.conf).
    "f401re": Geometry("f401re", 16384, 3, 1, 256),
    # native_sim's flash simulator, where this runs: 4 KB pages written by
    # the byte; 32 of them.
    "sim": Geometry("sim", 4096, 32, 1, 32),
}


# One page buffer for every copy: allocated once, while the heap is clear.
PAGE_BUF = bytearray(PAGE)


def copy_pages(src, dst, n):
    for i in range(n):
        FA.readblocks(src + i, PAGE_BUF)
        FA.ioctl(6, dst + i)
        FA.writeblocks(dst + i, PAGE_BUF, 0)


class CutDevice:
    """A block device of `geo` on the partition's pages from `first`; its
    state after `cut` programs and erases goes to the pages from `snap`
    (`torn`: with half of the next program)."""

    def __init__(self, geo, first, cut=-1, snap=0, torn=False):
        self.geo = geo
        self.first = first
        self.per_block = geo.block_size // PAGE
        self.cut = cut
        self.snap = snap
        self.torn = torn
        self.ops = 0
        self.snapped = False

    def _at(self, block, off):
        at = block * self.geo.block_size + off
        return self.first + at // PAGE, at % PAGE

    def _op(self, program=None):
        if self.ops == self.cut:
            copy_pages(self.first, self.snap, self.geo.pages)
            self.snapped = True
            if self.torn and program is not None:
                block, buf, off = program
                half = len(buf) // 2 // self.geo.unit * self.geo.unit
                if half:
                    page, at = self._at(block, off)
                    FA.writeblocks(self.snap + page - self.first, buf[:half], at)
        self.ops += 1

    def readblocks(self, block, buf, off=0):
        page, at = self._at(block, off)
        return FA.readblocks(page, buf, at)

    def writeblocks(self, block, buf, off=None):
        if off is None or off % self.geo.unit or len(buf) % self.geo.unit:
            return -22
        self._op((block, buf, off))
        page, at = self._at(block, off)
        return FA.writeblocks(page, buf, at)

    def ioctl(self, op, arg):
        if op == 4:
            return self.geo.blocks
        if op == 5:
            return self.geo.block_size
        if op == 6:
            self._op()
            page, _ = self._at(arg, 0)
            for i in range(self.per_block):
                ret = FA.ioctl(6, page + i)
                if ret:
                    return ret
        return 0


def mount(dev):
    io = dev.geo.io
    return vfs.VfsLfs2(dev, readsize=io, progsize=io)


def mkfs(dev):
    io = dev.geo.io
    vfs.VfsLfs2.mkfs(dev, readsize=io, progsize=io)


class V:
    """A version of a file: the concatenation of blobs (tag, size), each
    its own bytes (a header naming it, then a pattern of the tag), made
    and compared 256 bytes at a time, so no file is ever held in RAM."""

    def __init__(self, *parts):
        self.parts = parts
        self.size = sum(n for _, n in parts)

    def __add__(self, other):
        return V(*(self.parts + other.parts))

    def __eq__(self, other):
        return isinstance(other, V) and self.parts == other.parts

    def chunks(self):
        for tag, n in self.parts:
            head = ("%d:%d:" % (tag, n)).encode()
            pattern = bytes((i * 7 + tag) & 0xFF for i in range(256))
            first = (head + pattern)[:256]
            for at in range(0, n, 256):
                yield (first if at == 0 else pattern)[: min(256, n - at)]


def blob(tag, n):
    return V((tag, n))


EMPTY = V()


def write(fs, path, v, mode="wb"):
    with fs.open(path, mode) as f:
        for chunk in v.chunks():
            f.write(chunk)


def holds(fs, path, v):
    """True when the file at `path` is version `v`, byte for byte."""
    if fs.stat(path)[6] != v.size:
        return False
    with fs.open(path, "rb") as f:
        for chunk in v.chunks():
            if f.read(len(chunk)) != chunk:
                return False
    return True


def state(fs, path, seen, allowed):
    """Which of `allowed` (versions, None for absent, "dir") the path holds,
    or an error text."""
    if path.endswith("/"):
        got = "dir" if path in seen else None
        return got if got in allowed else "%s is %s" % (path, got or "absent")
    if path not in seen:
        return None if None in allowed else "%s is absent" % path
    for v in allowed:
        if isinstance(v, V) and holds(fs, path, v):
            return v
    return "%s holds no version (%d bytes)" % (path, fs.stat(path)[6])


def tree(fs, path=""):
    """Every path under `path`: files as they are, folders with a '/'."""
    out = []
    for name, kind, *_ in fs.ilistdir(path or "/"):
        full = path + "/" + name
        if kind == 0x4000:
            out.append(full + "/")
            out.extend(tree(fs, full))
        else:
            out.append(full)
    return out


def attempt(fn, *args):
    """fn(*args); an OSError (ENOSPC on a small partition) is an outcome."""
    try:
        fn(*args)
        return None
    except OSError as e:
        return e.errno


class Workload:
    """setup() makes the filesystem the workload starts from and returns
    its files ({path: version}, folders as "dir"); run() is the workload;
    states() is what each path it touches may hold after a cut: versions,
    None (absent) or "dir". A file it creates may also be there empty:
    open() creates it before the first write."""

    def __init__(self, geo):
        self.geo = geo
        self.bs = geo.block_size
        # Room for file data beside the root pair, and a file size that
        # spans blocks where there are some to span (at most 3 blocks).
        self.room = (geo.blocks - 2) * self.bs
        self.big = min(self.room // 4, 3 * self.bs)
        # Room for a folder (a pair of blocks) beside the workload's files.
        self.roomy = geo.blocks >= 8

    def setup(self, fs):
        files = {"/keep.txt": blob(1, min(100, self.geo.inline))}
        if self.geo.blocks >= 16:
            files["/keep.bin"] = blob(2, self.bs + self.bs // 2)
        for path, v in files.items():
            write(fs, path, v)
        return files


class Inline(Workload):
    name = "inline"

    def sizes(self):
        return [n for n in (16, 40, self.geo.inline // 2, self.geo.inline) if n > 0]

    def run(self, fs, dev):
        for i, n in enumerate(self.sizes()):
            write(fs, "/i%d" % i, blob(10 + i, n))

    def states(self):
        return {"/i%d" % i: [None, EMPTY, blob(10 + i, n)] for i, n in enumerate(self.sizes())}


class MultiBlock(Workload):
    name = "multiblock"

    def size(self):
        # Two and a half blocks, or what a small partition has room for.
        return min(self.bs * 5 // 2, self.room * 2 // 3)

    def run(self, fs, dev):
        attempt(write, fs, "/m.bin", blob(20, self.size()))

    def states(self):
        return {"/m.bin": [None, EMPTY, blob(20, self.size())]}


class Rewrite(Workload):
    name = "rewrite"

    def versions(self):
        big = max(self.big, self.geo.inline + 1)
        return [blob(30, big), blob(31, big // 3), blob(32, big + big // 2)]

    def setup(self, fs):
        files = super().setup(fs)
        files["/r.bin"] = self.versions()[0]
        files["/r.txt"] = blob(33, self.geo.inline // 2)
        write(fs, "/r.bin", files["/r.bin"])
        write(fs, "/r.txt", files["/r.txt"])
        return files

    def run(self, fs, dev):
        for v in self.versions()[1:]:
            attempt(write, fs, "/r.bin", v)
        attempt(write, fs, "/r.txt", blob(34, self.geo.inline))

    def states(self):
        return {
            "/r.bin": self.versions(),
            "/r.txt": [blob(33, self.geo.inline // 2), blob(34, self.geo.inline)],
        }


class Append(Workload):
    name = "append"

    def chunk(self, i):
        return blob(41 + i, max(self.big // 3, 64))

    def setup(self, fs):
        files = super().setup(fs)
        files["/a.log"] = blob(40, 50)
        write(fs, "/a.log", files["/a.log"])
        return files

    def run(self, fs, dev):
        for i in range(3):
            if attempt(write, fs, "/a.log", self.chunk(i), "ab"):
                break

    def states(self):
        versions = [blob(40, 50)]
        for i in range(3):
            versions.append(versions[-1] + self.chunk(i))
        return {"/a.log": versions}


class Mkdir(Workload):
    name = "mkdir"

    def run(self, fs, dev):
        if attempt(fs.mkdir, "/d") is None:
            attempt(write, fs, "/d/x.txt", blob(50, 30))
            attempt(fs.mkdir, "/d/e")

    def states(self):
        return {
            "/d/": [None, "dir"],
            "/d/x.txt": [None, EMPTY, blob(50, 30)],
            "/d/e/": [None, "dir"],
        }


class Rename(Workload):
    name = "rename"

    def moved(self):
        return blob(60, max(self.big, 40))

    def setup(self, fs):
        files = super().setup(fs)
        files["/old.bin"] = self.moved()
        write(fs, "/old.bin", self.moved())
        if self.roomy:
            fs.mkdir("/dd")
            files["/dd/"] = "dir"
            files["/dd/f.txt"] = blob(61, 30)
            write(fs, "/dd/f.txt", files["/dd/f.txt"])
        return files

    def run(self, fs, dev):
        fs.rename("/old.bin", "/new.bin")
        if self.roomy:
            fs.rename("/dd", "/dd2")

    def states(self):
        st = {"/old.bin": [None, self.moved()], "/new.bin": [None, self.moved()]}
        if self.roomy:
            for d in ("/dd", "/dd2"):
                st[d + "/"] = [None, "dir"]
                st[d + "/f.txt"] = [None, blob(61, 30)]
        return st

    def extra_check(self, seen):
        # A rename is atomic: exactly one of the two names.
        pairs = [("/old.bin", "/new.bin")]
        if self.roomy:
            pairs += [("/dd/", "/dd2/"), ("/dd/f.txt", "/dd2/f.txt")]
        for a, b in pairs:
            if (a in seen) == (b in seen):
                return "rename: %s and %s both %s" % (a, b, "there" if a in seen else "gone")
        return None


class Remove(Workload):
    name = "remove"

    def setup(self, fs):
        files = super().setup(fs)
        files["/rm.bin"] = blob(70, max(self.big, 40))
        write(fs, "/rm.bin", files["/rm.bin"])
        if self.roomy:
            fs.mkdir("/rmd")
            files["/rmd/"] = "dir"
            files["/rmd/f.txt"] = blob(71, 30)
            write(fs, "/rmd/f.txt", files["/rmd/f.txt"])
        return files

    def run(self, fs, dev):
        fs.remove("/rm.bin")
        if self.roomy:
            fs.remove("/rmd/f.txt")
            fs.rmdir("/rmd")

    def states(self):
        st = {"/rm.bin": [None, blob(70, max(self.big, 40))]}
        if self.roomy:
            st["/rmd/"] = [None, "dir"]
            st["/rmd/f.txt"] = [None, blob(71, 30)]
        return st


class Commits(Workload):
    """Many small commits to the root (an inline file rewritten): its
    metadata blocks fill, are compacted and, with wear, relocated."""

    name = "commits"
    count = 80

    def version(self, i):
        return blob(100 + i, min(40, self.geo.inline))

    def setup(self, fs):
        files = super().setup(fs)
        files["/c.txt"] = self.version(0)
        write(fs, "/c.txt", files["/c.txt"])
        return files

    def run(self, fs, dev):
        for i in range(1, self.count + 1):
            write(fs, "/c.txt", self.version(i))

    def states(self):
        return {"/c.txt": [self.version(i) for i in range(self.count + 1)]}


class Full(Workload):
    name = "full"

    def chunk(self, i):
        return blob(80 + i, self.bs // 2)

    def run(self, fs, dev):
        # Written in chunks, each committed (flush), until the filesystem
        # is full; then removed.
        f = fs.open("/fill", "wb")
        for i in range(2 * self.geo.blocks):
            if attempt(write_into, f, self.chunk(i)):
                break
        attempt(f.close)
        fs.remove("/fill")

    def states(self):
        versions = [None, EMPTY]
        for i in range(2 * self.geo.blocks):
            versions.append(versions[-1] + self.chunk(i))
        return {"/fill": versions}


def write_into(f, v):
    for chunk in v.chunks():
        f.write(chunk)
    f.flush()


class Format(Workload):
    """mkfs over the filesystem: after a cut, the old one whole or the new
    empty one."""

    name = "format"

    def setup(self, fs):
        files = super().setup(fs)
        files["/f.bin"] = blob(90, max(self.big, 40))
        write(fs, "/f.bin", files["/f.bin"])
        return files

    def run(self, fs, dev):
        mkfs(dev)

    def states(self):
        return None


class TwoCommits(Workload):
    """The control: a file rewritten in two commits (a flush half-way),
    whose half-written version the checks must catch."""

    name = "control"

    def versions(self):
        return [blob(110, 2048), blob(111, 2048)]

    def setup(self, fs):
        files = super().setup(fs)
        files["/t.bin"] = self.versions()[0]
        write(fs, "/t.bin", files["/t.bin"])
        return files

    def run(self, fs, dev):
        chunks = list(self.versions()[1].chunks())
        with fs.open("/t.bin", "wb") as f:
            for i, chunk in enumerate(chunks):
                f.write(chunk)
                if i == len(chunks) // 2:
                    f.flush()

    def states(self):
        return {"/t.bin": self.versions()}


WORKLOADS = [
    Inline,
    MultiBlock,
    Rewrite,
    Append,
    Commits,
    Mkdir,
    Rename,
    Remove,
    Full,
    Format,
    TwoCommits,
]
WORKLOAD = {w.name: w for w in WORKLOADS}


class Bench:
    """The pages of one geometry: the workload's, its start state, the cut."""

    def __init__(self, geo, workload):
        self.geo = geo
        self.work = WORKLOAD[workload](geo)
        self.region = 0
        self.init = geo.pages
        self.snap = 2 * geo.pages
        assert 3 * geo.pages <= PAGES
        dev = CutDevice(geo, self.region)
        mkfs(dev)
        self.before = self.work.setup(mount(dev))
        self.states = self.work.states()
        copy_pages(self.region, self.init, geo.pages)

    def run(self, cut=-1, torn=False):
        """The workload on the start state; True if the cut was reached (the
        state after `cut` operations is on the workload's pages)."""
        gc.collect()
        copy_pages(self.init, self.region, self.geo.pages)
        dev = CutDevice(self.geo, self.region, cut, self.snap, torn)
        self.work.run(mount(dev), dev)
        self.ops = dev.ops
        if dev.snapped:
            copy_pages(self.snap, self.region, self.geo.pages)
        return dev.snapped

    def final_state(self):
        """The touched paths' states after an uncut run; its operations."""
        self.run()
        fs = mount(CutDevice(self.geo, self.region))
        seen = set(tree(fs))
        self.final = {p: state(fs, p, seen, allowed) for p, allowed in (self.states or {}).items()}
        return self.ops

    def check(self):
        """None, or what is wrong with the filesystem on the workload's pages;
        and the outcome: "old" (as it started), "new" (as the uncut run
        ended) or "between"."""
        try:
            fs = mount(CutDevice(self.geo, self.region))
        except OSError as e:
            return "does not mount: OSError %d" % e.errno, None
        paths = tree(fs)
        seen = set(paths)
        problem, outcome = self.check_paths(fs, paths, seen)
        if problem:
            return problem, None
        s = fs.statvfs("/")
        if s[0] != self.geo.block_size or s[2] != self.geo.blocks or not 0 <= s[3] < s[2]:
            return "statvfs %s" % (s,), None
        probe = blob(99, 24)
        err = attempt(write, fs, "/probe", probe)
        if err is None:
            if not holds(fs, "/probe", probe):
                return "probe file reads back wrong", None
            fs.remove("/probe")
        elif not (err == 28 and s[3] == 0):
            return "probe file: OSError %d" % err, None
        return None, outcome

    def check_paths(self, fs, paths, seen):
        before = self.before
        if self.states is None:
            # Format: the old filesystem whole, or an empty one.
            if not paths:
                return None, "new"
            if sorted(paths) != sorted(before):
                return "format: neither the old files nor none: %s" % paths, None
            for p, v in before.items():
                if v != "dir" and not holds(fs, p, v):
                    return "format: %s changed" % p, None
            return None, "old"
        for p in paths:
            if p not in self.states and p not in before:
                return "unexpected %s" % p, None
        for p, v in before.items():
            if p in self.states:
                continue
            if p not in seen or (v != "dir" and not holds(fs, p, v)):
                return "untouched %s changed" % p, None
        firsts = lasts = True
        for p, allowed in self.states.items():
            got = state(fs, p, seen, allowed)
            if isinstance(got, str) and got != "dir":
                return got, None
            firsts = firsts and got == before.get(p)
            lasts = lasts and got == self.final.get(p)
        extra = getattr(self.work, "extra_check", None)
        problem = extra(seen) if extra else None
        if problem:
            return problem, None
        return None, "old" if firsts else "new" if lasts else "between"


def cuts(geometry, workload, points, torn=False):
    """Runs the workload cut after each of `points` operations (a number k:
    k points spread evenly from 0 to the uncut run's count, both included;
    "all": every one) and prints one line per cut: the number, "ok" and
    the outcome, or "FAIL" and the problem."""
    bench = Bench(GEOMETRIES[geometry], workload)
    total = bench.final_state()
    print("total", total)
    if points == "all" or points > total:
        points = range(total + 1)
    else:
        points = sorted({i * total // (points - 1) for i in range(points)})
    for n in points:
        reached = bench.run(n, torn) if n < total else bench.run()
        problem, outcome = bench.check()
        if problem:
            print("cut", n, "FAIL", problem)
        else:
            print("cut", n, "ok", outcome, "" if reached or n >= total else "(not reached)")
