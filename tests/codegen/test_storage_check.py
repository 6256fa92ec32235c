"""storage_check: a firmware image must end before the partition /flash formats."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from uevent_codegen import storage_check
from uevent_codegen.errors import DevicetreeError
from uevent_codegen.storage_check import Span, check, image_spans, storage_span

# A flash device at 0x10000000 with a storage partition at offset
# {offset}, and a second flash device (a simulator) with its own partition.
DTS = """/dts-v1/;
/ {{
	#address-cells = <1>;
	#size-cells = <1>;
	chosen {{ zephyr,flash = &{chosen}; }};
	flash0: flash@10000000 {{
		compatible = "soc-nv-flash";
		reg = <0x10000000 0x100000>;
		erase-block-size = <4096>;
		write-block-size = <4>;
		partitions {{
			compatible = "fixed-partitions";
			#address-cells = <1>;
			#size-cells = <1>;
			{label}: partition@{offset:x} {{
				label = "storage";
				reg = <{offset:#x} 0x8000>;
			}};
		}};
	}};
	flash1: flash@20000000 {{
		compatible = "soc-nv-flash";
		reg = <0x20000000 0x40000>;
	}};
}};
"""


@pytest.fixture()
def edt_with(tmp_path: Path, load_edt: Callable[[Path], Any]) -> Callable[..., Any]:
    def make(
        offset: int = 0xF8000, label: str = "storage_partition", chosen: str = "flash0"
    ) -> Any:
        dts = tmp_path / "board.dts"
        dts.write_text(DTS.format(offset=offset, label=label, chosen=chosen))
        return load_edt(dts)

    return make


def test_storage_span_adds_the_flash_base(edt_with: Callable[..., Any]) -> None:
    found = storage_span(edt_with(offset=0xF8000))
    assert found is not None
    path, span = found
    assert path == "/flash@10000000/partitions/partition@f8000"
    assert span == Span(0x100F8000, 0x10100000)


def test_no_storage_partition_or_another_flash_is_not_checked(edt_with: Callable[..., Any]) -> None:
    assert storage_span(edt_with(label="other_partition")) is None
    # The image runs from flash1: a partition on flash0 cannot overlap it.
    assert storage_span(edt_with(chosen="flash1")) is None


def test_image_spans_cover_loaded_contents_only() -> None:
    # Code, .data's initial values right after it, and .bss (nothing loaded).
    assert image_spans([(0x10000000, 0x3000), (0x10003000, 0x100), (0x20000000, 0)]) == [
        Span(0x10000000, 0x10003100)
    ]
    assert image_spans([(0x20000000, 0)]) == []


def test_image_spans_keep_a_split_image_apart() -> None:
    # Boot vectors at the start of flash, the code from 64 KB on (the
    # NUCLEO-F401RE's layout), in any order of the program headers.
    assert image_spans([(0x10010000, 0x100), (0x10000000, 0x10), (0x10010100, 0x20)]) == [
        Span(0x10000000, 0x10000010),
        Span(0x10010000, 0x10010120),
    ]


def test_an_image_before_the_partition_passes(edt_with: Callable[..., Any]) -> None:
    storage = storage_span(edt_with(offset=0xF8000))
    check(storage, [Span(0x10000000, 0x100F8000)])  # ends where the partition starts


def test_a_split_image_around_the_partition_passes(edt_with: Callable[..., Any]) -> None:
    storage = storage_span(edt_with(offset=0x4000))  # 0x10004000-0x1000c000
    check(storage, [Span(0x10000000, 0x10000010), Span(0x1000C000, 0x10040000)])
    with pytest.raises(DevicetreeError, match=r"overlaps the firmware image \(0x1000bfff-"):
        check(storage, [Span(0x10000000, 0x10000010), Span(0x1000BFFF, 0x10040000)])


def test_an_image_over_the_partition_names_the_node(edt_with: Callable[..., Any]) -> None:
    storage = storage_span(edt_with(offset=0x20000))
    with pytest.raises(DevicetreeError) as err:
        check(storage, [Span(0x10000000, 0x10020001)])  # one byte into it
    text = str(err.value)
    assert text.startswith("devicetree error: /flash@10000000/partitions/partition@20000: ")
    assert "(0x10020000-0x10028000) overlaps the firmware image (0x10000000-0x10020001)" in text
    assert "CONFIG_MICROPY_VFS_LFS2=n" in text


def elf32(path: Path, segments: list[tuple[int, int, int]]) -> None:
    """A minimal little-endian ELF32 with (type, load address, file size)
    program headers and no contents: all storage_check reads."""
    header = struct.pack(
        "<4sBBBB8xHHIIIIIHHHHHH",
        b"\x7fELF", 1, 1, 1, 0,  # 32-bit, little-endian, version 1
        2, 40, 1, 0,  # executable, ARM, version, entry
        52, 0, 0,  # program headers right after this header; no sections
        52, 32, len(segments), 40, 0, 0,
    )  # fmt: skip
    phdrs = b"".join(
        struct.pack("<IIIIIIII", kind, 0, addr, addr, size, size, 5, 4)
        for kind, addr, size in segments
    )
    path.write_bytes(header + phdrs)


def test_main_reads_the_elf(
    tmp_path: Path, gen_defines: Callable[[Path], Any], zephyr_base: Path
) -> None:
    dts = tmp_path / "board.dts"
    dts.write_text(DTS.format(offset=0x20000, label="storage_partition", chosen="flash0"))
    build = gen_defines(dts)
    elf = tmp_path / "zephyr.elf"
    pt_load, pt_note = 1, 4
    elf32(elf, [(pt_load, 0x10000000, 0x18000), (pt_note, 0x10030000, 0x100)])
    args = ["--edt-pickle", str(build.edt_pickle), "--zephyr-base", str(zephyr_base)]
    args += ["--elf", str(elf)]
    assert storage_check.main(args) == 0
    elf32(elf, [(pt_load, 0x10000000, 0x18000), (pt_load, 0x10018000, 0x8004)])
    assert storage_check.main(args) == 1
    # Split around the partition (0x10020000-0x10028000): passes.
    elf32(elf, [(pt_load, 0x10000000, 0x10), (pt_load, 0x10028000, 0x18000)])
    assert storage_check.main(args) == 0


def ihex(path: Path, chunks: list[tuple[int, int]]) -> None:
    """An Intel HEX file writing `size` bytes of 0xff at each (address, size),
    in records of up to 16 bytes under extended linear address records."""
    lines = []

    def record(kind: int, addr: int, data: bytes) -> None:
        body = bytes([len(data), addr >> 8, addr & 0xFF, kind]) + data
        lines.append(":" + (body + bytes([-sum(body) & 0xFF])).hex().upper())

    for start, size in chunks:
        for addr in range(start, start + size, 16):
            record(4, 0, (addr >> 16).to_bytes(2, "big"))
            record(0, addr & 0xFFFF, b"\xff" * min(16, start + size - addr))
    record(1, 0, b"")
    path.write_text("\n".join(lines) + "\n")


def test_hex_spans_read_data_records(tmp_path: Path) -> None:
    hex_file = tmp_path / "zephyr.hex"
    ihex(hex_file, [(0x10000000, 0x10), (0x1000FFF8, 0x10), (0x10020000, 0x21)])
    assert storage_check.hex_spans(hex_file) == [
        Span(0x10000000, 0x10000010),
        Span(0x1000FFF8, 0x10010008),
        Span(0x10020000, 0x10020021),
    ]


def test_main_checks_the_hex_a_flasher_writes(
    tmp_path: Path,
    gen_defines: Callable[[Path], Any],
    load_edt: Callable[[Path], Any],
    zephyr_base: Path,
) -> None:
    # A split image around the partition passes as an ELF, but a hex made
    # with gap fill writes 0xff over the partition: flashing it would wipe
    # /flash, so it fails and says how to avoid it.
    dts = tmp_path / "board.dts"
    dts.write_text(DTS.format(offset=0x4000, label="storage_partition", chosen="flash0"))
    build = gen_defines(dts)
    elf = tmp_path / "zephyr.elf"
    elf32(elf, [(1, 0x10000000, 0x10), (1, 0x10010000, 0x1000)])
    hex_file = tmp_path / "zephyr.hex"
    args = ["--edt-pickle", str(build.edt_pickle), "--zephyr-base", str(zephyr_base)]
    args += ["--elf", str(elf), "--hex", str(hex_file)]
    ihex(hex_file, [(0x10000000, 0x10), (0x10010000, 0x1000)])
    assert storage_check.main(args) == 0
    ihex(hex_file, [(0x10000000, 0x11000)])
    with pytest.raises(DevicetreeError, match=r"zephyr\.hex writes 0x10000000-0x10011000"):
        storage_check.check_hex(storage_span(load_edt(dts)), hex_file)
    assert storage_check.main(args) == 1
