"""After the link: the firmware image must not overlap the storage partition.

``python -m uevent_codegen.storage_check --edt-pickle P --elf zephyr.elf``

With ``CONFIG_MICROPY_VFS_LFS2`` the port formats ``storage_partition`` when
it holds no littlefs. A board whose partition lies inside the image (the
NUCLEO-H743ZI's is at 128 KB, and the image is larger) would have its own
code erased at the first boot. The linker cannot see that, as the
partition is only a devicetree node, so port.cmake runs this after each
link; an overlap fails the build with a ``devicetree error:`` naming the
node.

The image is what the ELF loads into flash: the program headers' file
contents (code, read-only data, the initial values of .data), at their load
addresses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from elftools.elf.elffile import ELFFile

from uevent_codegen.edt_loader import find_zephyr_base, load_edt_pickle
from uevent_codegen.errors import CodegenError, DevicetreeError, UsageError


class Span(NamedTuple):
    """[start, end) in the CPU's address space."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def storage_span(edt: Any) -> tuple[str, Span] | None:
    """The storage partition's node path and address range, or None when the
    devicetree has none or it is on another flash device than the one the
    image runs from (``zephyr,flash``: a flash simulator, an external chip).
    Partition addresses are offsets in their flash device, whose own reg
    gives the base (as Zephyr's flash map adds them).
    """
    node = edt.label2node.get("storage_partition")
    if node is None:
        return None
    flash = node.parent.parent if node.parent is not None else None
    if flash is None or flash is not edt.chosen_nodes.get("zephyr,flash"):
        return None
    if not node.regs or not flash.regs:
        raise DevicetreeError(node.path, "storage_partition or its flash device has no reg")
    start = flash.regs[0].addr + node.regs[0].addr
    return node.path, Span(start, start + node.regs[0].size)


def image_span(segments: Iterable[tuple[int, int]]) -> Span | None:
    """The flash the image takes: from the lowest to the highest end of the
    (load address, size) of its loaded contents, or None for an empty image."""
    loaded = [(addr, size) for addr, size in segments if size > 0]
    if not loaded:
        return None
    return Span(min(a for a, _ in loaded), max(a + s for a, s in loaded))


def elf_segments(elf: Path) -> list[tuple[int, int]]:
    """(load address, file size) of each PT_LOAD program header."""
    with elf.open("rb") as f:
        return [
            (seg["p_paddr"], seg["p_filesz"])
            for seg in ELFFile(f).iter_segments()
            if seg["p_type"] == "PT_LOAD"
        ]


def check(storage: tuple[str, Span] | None, image: Span | None) -> None:
    """DevicetreeError when the image and the storage partition overlap."""
    if storage is None or image is None:
        return
    path, span = storage
    if span.overlaps(image):
        raise DevicetreeError(
            path,
            f"storage_partition (0x{span.start:x}-0x{span.end:x}) overlaps the firmware image "
            f"(0x{image.start:x}-0x{image.end:x}): formatting /flash would erase the firmware. "
            "Move the partition past the image in a board overlay, "
            "or build without the filesystem (CONFIG_MICROPY_VFS_LFS2=n).",
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uevent-codegen-storage-check",
        description="Fail when the firmware image overlaps the storage partition.",
    )
    parser.add_argument("--edt-pickle", type=Path, required=True)
    parser.add_argument("--elf", type=Path, required=True)
    parser.add_argument("--zephyr-base", help="Zephyr tree (default: $ZEPHYR_BASE)")
    args = parser.parse_args(argv)
    try:
        if not args.elf.is_file():
            raise UsageError(f"no such file: {args.elf}")
        edt: Any = load_edt_pickle(args.edt_pickle, find_zephyr_base(args.zephyr_base))
        check(storage_span(edt), image_span(elf_segments(args.elf)))
    except CodegenError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
