"""Power cuts at every flash operation (issue 31), as littlefs's own test
runner cuts them: deterministically, after the Nth program or erase, for
every N of a workload; then mount and check.

Most workloads run on the device (``powercut_device.py``, sent to
native_sim's test firmware through the raw REPL): littlefs as /flash mounts
it, on a block device of one of the geometries we ship, over zephyr.FlashArea
and Zephyr's flash simulator. The flash as a cut after N operations leaves
it is set aside, the workload runs on to its end, and that flash is then
mounted and checked: it mounts without a format; each file the workload
touches holds one of its complete versions (or is absent where the
workload creates or removes it, or empty where it creates it); the files
it does not touch are byte-identical; nothing else is there; rename is
atomic; os.statvfs is sane and a new file can be written and read back. A
"torn" cut also has the first half of the (N+1)-th program done.

Geometries: the nRF52840 DK's /flash (8 pages of 4 KB, 4-byte words), the
NUCLEO-F401RE's (three 16 KB sectors written by the byte, 256-byte reads
and programs) and native_sim's flash simulator (4 KB pages, 32 of them).
Workloads: small inline files, a multi-block file, rewrites, appends, many
small commits (compaction), mkdir, rename, remove, a full filesystem, mkfs
over a filesystem.

The boot's own format and mount (port_filesystem.c) are cut in C instead
(``FlashArea._cut``, test firmware): a blank partition is formatted by a
soft reset cut after N operations (and a format cut short whose redo is
cut again), then the next boot must end with an
empty /flash mounted, every N.

Every cut point runs in ``scripts/test`` (about a minute); the long run
(``UEVENT_POWER_CUT=long``) adds more commits (wear-levelling relocations)
and more of the full filesystem. Figures: docs/filesystem.md ("Power
loss"); the counts go to build/power-cut.json.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from boards import REPO, Board, build

LONG = os.environ.get("UEVENT_POWER_CUT") == "long"
GEOMETRIES = ["nrf52840", "f401re", "sim"]
WORKLOADS = [
    "inline",
    "multiblock",
    "rewrite",
    "append",
    "commits",
    "mkdir",
    "rename",
    "remove",
    "full",
    "format",
]
# Cut points per run: every one, except where a workload has more than
# this many operations in the fixed-budget run (then this many, spread
# evenly over them, the first and the last included).
BUDGET_POINTS = 400
RESULTS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    """native_sim's test firmware with the device side loaded, /flash
    unmounted (the workloads use the storage partition's pages)."""
    flash = tmp_path_factory.mktemp("power_cut") / "flash.bin"
    board = Board("native_sim", build("native_sim", test_firmware=True), flash)
    try:
        board.repl.run("import os; os.chdir('/'); os.umount('/flash')")
        board.repl.run((REPO / "tests" / "storage" / "powercut_device.py").read_text(), 60)
        if LONG:
            board.repl.run("Commits.count = 400")
        yield board
    finally:
        board.kill()
        out = REPO / "build" / "power-cut.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps({"long": LONG, "runs": RESULTS}, indent=1, sort_keys=True))


def parse(out: str) -> tuple[int, list[str], dict[str, int], int]:
    """The uncut run's operations, the failures, the outcomes, the cuts."""
    total = int(re.search(r"^total (\d+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    fails, outcomes, cuts = [], {}, 0
    for line in out.splitlines():
        if not line.startswith("cut "):
            continue
        cuts += 1
        words = line.split()
        if words[2] == "FAIL":
            fails.append(line)
        else:
            outcomes[words[3]] = outcomes.get(words[3], 0) + 1
    return total, fails, outcomes, cuts


@pytest.mark.parametrize("torn", [False, True], ids=["clean", "torn"])
@pytest.mark.parametrize("workload", WORKLOADS)
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_power_cut(device: Board, geometry: str, workload: str, torn: bool) -> None:
    points = '"all"' if LONG else str(BUDGET_POINTS)
    out = device.repl.run(f"cuts({geometry!r}, {workload!r}, {points}, {torn})", timeout=1800)
    total, fails, outcomes, cuts = parse(out)
    key = f"{geometry} {workload} {'torn' if torn else 'clean'}"
    RESULTS[key] = {"operations": total, "cuts": cuts, "failures": len(fails), **outcomes}
    print(f"power cut: {key}: {total} operations, {cuts} cuts, {len(fails)} failed, {outcomes}")
    assert not fails, "\n".join(fails[:20])
    assert cuts == (total + 1 if LONG or total < BUDGET_POINTS else BUDGET_POINTS), out


def test_power_cut_control(device: Board) -> None:
    """A writer that commits a version in two halves (a flush half-way):
    the checks must find the half-written file at some cut, or they could
    not find one above either."""
    out = device.repl.run(f"cuts('sim', 'control', {BUDGET_POINTS}, False)", timeout=600)
    _, fails, _, cuts = parse(out)
    print(f"power cut: control: {cuts} cuts, {len(fails)} caught, e.g. {fails[:1]}")
    assert fails and all("holds no version" in f for f in fails), out


# The boot, cut: what port_filesystem.c does on a blank partition (a
# format, with its marker) and on a formatted one (a mount).
BLANK = """
import os, zephyr
os.chdir('/')
if 'flash' in os.listdir('/'):
    os.umount('/flash')
fa = zephyr.FlashArea(zephyr.FlashArea.STORAGE)
for page in range(fa.ioctl(4, 0)):
    fa.ioctl(6, page)
zephyr.FlashArea._cut(-1)
"""

UNMOUNT = """
import os
os.chdir('/')
if 'flash' in os.listdir('/'):
    os.umount('/flash')
"""

AFTER = """
import os
print('mounted', 'flash' in os.listdir('/'))
print('files', os.listdir('/flash'))
s = os.statvfs('/flash')
print('statvfs', s[0], s[2], 0 < s[3] < s[2])
with open('/flash/probe', 'w') as f:
    f.write('probe')
print('probe', open('/flash/probe').read())
os.remove('/flash/probe')
"""


def boot(board: Board, cut: int, torn: bool = False) -> tuple[str, int]:
    """A soft reset with the flash cut after `cut` operations (-1: none;
    `torn`: with half of the next program done); what the boot printed and
    the operations it made."""
    board.repl.run(f"import zephyr; zephyr.FlashArea._cut({cut}, {torn})")
    printed = board.repl.soft_reset()
    ops = int(board.repl.run("import zephyr; print(zephyr.FlashArea._cut(-1))").split()[-1])
    return printed, ops


def check_next_boot(board: Board, what: str) -> None:
    """After a cut boot: the next one mounts an empty /flash."""
    board.repl.run(UNMOUNT)
    printed, _ = boot(board, -1)
    assert "not mounted" not in printed, f"{what}: {printed}"
    out = board.repl.run(AFTER)
    assert "mounted True" in out and "files []" in out, f"{what}: {printed}\n{out}"
    assert "statvfs 4096 128 True" in out and "probe probe" in out, f"{what}: {out}"


@pytest.mark.parametrize("torn", [False, True], ids=["clean", "torn"])
def test_power_cut_boot(tmp_path: Path, torn: bool) -> None:
    board = Board("native_sim", build("native_sim", test_firmware=True), tmp_path / "flash.bin")
    try:
        # Uncut: the boot formats a blank partition; how many operations.
        board.repl.run(BLANK)
        printed, total = boot(board, -1)
        assert "blank: formatting" in printed, printed
        for n in range(total + 1):
            board.repl.run(BLANK)
            boot(board, n, torn)
            check_next_boot(board, f"format cut after {n} of {total}")
        # A format cut short, then its redo at the next boot cut too: the
        # redo leaves the marker as it is (erasing it first lost it to the
        # second cut, and the boot after refused a partition neither blank
        # nor littlefs); the first cut at each point inside littlefs's format.
        twice = 0
        for first in range(3, total - 1):
            board.repl.run(BLANK)
            boot(board, first, torn)
            board.repl.run(UNMOUNT)
            _, redo = boot(board, -1)
            for n in range(redo + 1):
                board.repl.run(BLANK)
                boot(board, first, torn)
                board.repl.run(UNMOUNT)
                boot(board, n, torn)
                check_next_boot(board, f"format cut after {first}, its redo after {n} of {redo}")
                twice += 1
        # Formatted, its marker still there (the format cut before its
        # last erase): the next boot mounts and erases the marker; cut that.
        board.repl.run(BLANK)
        boot(board, total - 1)
        board.repl.run(UNMOUNT)
        _, mount_ops = boot(board, -1)
        for n in range(mount_ops + 1):
            board.repl.run(BLANK)
            boot(board, total - 1)
            board.repl.run(UNMOUNT)
            boot(board, n, torn)
            check_next_boot(board, f"mount cut after {n} of {mount_ops}")
    finally:
        board.kill()
    kind = "torn" if torn else "clean"
    RESULTS[f"sim boot-format {kind}"] = {"operations": total, "cuts": total + 1, "failures": 0}
    RESULTS[f"sim boot-format-twice {kind}"] = {"operations": total, "cuts": twice, "failures": 0}
    RESULTS[f"sim boot-mount {kind}"] = {
        "operations": mount_ops,
        "cuts": mount_ops + 1,
        "failures": 0,
    }
    print(
        f"power cut: boot, {kind}: format {total} operations, {twice} redos cut,"
        f" mount {mount_ops}, all mount after"
    )
