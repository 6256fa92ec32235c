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
addresses. It may be in pieces around the partition: the NUCLEO-F401RE's
boot vectors sit before it and its code after it
(``CONFIG_UEVENT_BOOT_VECTORS``). The hex file a flasher writes is
checked too (``--hex``): made with gap fill, it writes filler over the
partition between the pieces, which would wipe /flash at each reflash.
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


def image_spans(segments: Iterable[tuple[int, int]]) -> list[Span]:
    """The flash the image takes, as the (load address, size) of its loaded
    contents, sorted, with touching or overlapping pieces joined."""
    spans: list[Span] = []
    for addr, size in sorted(seg for seg in segments if seg[1] > 0):
        if spans and addr <= spans[-1].end:
            spans[-1] = Span(spans[-1].start, max(spans[-1].end, addr + size))
        else:
            spans.append(Span(addr, addr + size))
    return spans


def _hex_records(path: Path) -> Iterable[tuple[int, int]]:
    """(address, length) of each data record of an Intel HEX file."""
    base = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            record = bytes.fromhex(line[1:]) if line.startswith(":") else b""
        except ValueError:
            record = b""
        if len(record) < 5 or len(record) != record[0] + 5:
            raise UsageError(f"{path}:{number}: not an Intel HEX record")
        kind, data = record[3], record[4:-1]
        if kind == 0:
            yield base + int.from_bytes(record[1:3], "big"), len(data)
        elif kind == 2:
            base = int.from_bytes(data, "big") << 4
        elif kind == 4:
            base = int.from_bytes(data, "big") << 16


def hex_spans(path: Path) -> list[Span]:
    """What an Intel HEX file writes, as joined, sorted spans."""
    return image_spans(_hex_records(path))


def elf_segments(elf: Path) -> list[tuple[int, int]]:
    """(load address, file size) of each PT_LOAD program header."""
    with elf.open("rb") as f:
        return [
            (seg["p_paddr"], seg["p_filesz"])
            for seg in ELFFile(f).iter_segments()
            if seg["p_type"] == "PT_LOAD"
        ]


def check(storage: tuple[str, Span] | None, image: Sequence[Span]) -> None:
    """DevicetreeError when a piece of the image overlaps the storage partition."""
    if storage is None:
        return
    path, span = storage
    for piece in image:
        if not span.overlaps(piece):
            continue
        raise DevicetreeError(
            path,
            f"storage_partition (0x{span.start:x}-0x{span.end:x}) overlaps the firmware image "
            f"(0x{piece.start:x}-0x{piece.end:x}): formatting /flash would erase the firmware. "
            "Move the partition past the image in a board overlay, "
            "or build without the filesystem (CONFIG_MICROPY_VFS_LFS2=n).",
        )


def check_hex(storage: tuple[str, Span] | None, hex_file: Path) -> None:
    """DevicetreeError when the hex file writes over the storage partition."""
    if storage is None:
        return
    path, span = storage
    for piece in hex_spans(hex_file):
        if span.overlaps(piece):
            raise DevicetreeError(
                path,
                f"{hex_file.name} writes 0x{piece.start:x}-0x{piece.end:x}, over storage_partition "
                f"(0x{span.start:x}-0x{span.end:x}): flashing it would wipe /flash. The image "
                "is in pieces around the partition, and the hex fills the gap between them: "
                "build with CONFIG_BUILD_NO_GAP_FILL=y.",
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uevent-codegen-storage-check",
        description="Fail when the firmware image overlaps the storage partition.",
    )
    parser.add_argument("--edt-pickle", type=Path, required=True)
    parser.add_argument("--elf", type=Path, required=True)
    parser.add_argument("--hex", type=Path, help="the Intel HEX file flashers write")
    parser.add_argument("--zephyr-base", help="Zephyr tree (default: $ZEPHYR_BASE)")
    args = parser.parse_args(argv)
    try:
        if not args.elf.is_file():
            raise UsageError(f"no such file: {args.elf}")
        edt: Any = load_edt_pickle(args.edt_pickle, find_zephyr_base(args.zephyr_base))
        storage = storage_span(edt)
        check(storage, image_spans(elf_segments(args.elf)))
        if args.hex is not None:
            check_hex(storage, args.hex)
    except CodegenError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
