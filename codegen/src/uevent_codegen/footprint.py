"""Flash and RAM of uevent in a built ``zephyr.elf``, by symbol group.

``python -m uevent_codegen.footprint build/zephyr/zephyr.elf [--json]``

Each sized function or object symbol is counted in the section that holds it:
``text`` (allocated, executable), ``rodata`` (allocated, read-only), ``data``
(allocated, writable, with contents) or ``bss`` (allocated, writable, no
contents). Flash is text + rodata + data (initialised data is stored in flash
and copied to RAM at boot); RAM is data + bss.

Groups, by symbol name:

- ``generated``: the rendered source table (``uevent_board_sources*``,
  ``uevent_board_source_info*``, ``uevent_board_source_count``),
- ``backend``: the rendered backend storage (``uevent_backend*``,
  ``uevent_entry_storage``),
- ``core``: every other ``uevent_*`` symbol (hand-written code).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "generated",
        ("uevent_board_sources", "uevent_board_source_info", "uevent_board_source_count"),
    ),
    ("backend", ("uevent_backend", "uevent_entry_storage")),
    ("core", ("uevent_",)),
)

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4


@dataclass
class Sizes:
    """Bytes by section class."""

    text: int = 0
    rodata: int = 0
    data: int = 0
    bss: int = 0

    @property
    def flash(self) -> int:
        return self.text + self.rodata + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss

    def add(self, section_class: str, size: int) -> None:
        setattr(self, section_class, getattr(self, section_class) + size)

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "flash": self.flash, "ram": self.ram}


@dataclass
class Footprint:
    groups: dict[str, Sizes] = field(default_factory=lambda: {g: Sizes() for g, _ in GROUPS})
    symbols: dict[str, list[tuple[str, str, int]]] = field(
        default_factory=lambda: {g: [] for g, _ in GROUPS}
    )
    image: Sizes = field(default_factory=Sizes)

    @property
    def uevent_total(self) -> Sizes:
        total = Sizes()
        for sizes in self.groups.values():
            for name, value in asdict(sizes).items():
                total.add(name, value)
        return total


def section_class(flags: int, sh_type: str) -> str | None:
    """``text``, ``rodata``, ``data`` or ``bss`` for a section, None if not loaded."""
    if not flags & SHF_ALLOC:
        return None
    if flags & SHF_EXECINSTR:
        return "text"
    if not flags & SHF_WRITE:
        return "rodata"
    return "bss" if sh_type == "SHT_NOBITS" else "data"


def symbol_group(name: str) -> str | None:
    """The group of a symbol name, None when it is not uevent's."""
    for group, prefixes in GROUPS:
        if name.startswith(prefixes):
            return group
    return None


def measure(elf_path: Path) -> Footprint:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    result = Footprint()
    with elf_path.open("rb") as f:
        try:
            elf = ELFFile(f)
        except ELFError as e:
            raise ValueError(f"not an ELF file: {e}") from None
        classes: list[str | None] = [
            section_class(s["sh_flags"], s["sh_type"]) for s in elf.iter_sections()
        ]
        for section, cls in zip(elf.iter_sections(), classes, strict=True):
            if cls is not None:
                result.image.add(cls, section["sh_size"])
        symtab = elf.get_section_by_name(".symtab")
        if not isinstance(symtab, SymbolTableSection):
            raise ValueError(f"{elf_path} has no symbol table (stripped?)")
        for sym in symtab.iter_symbols():
            if sym["st_info"]["type"] not in ("STT_FUNC", "STT_OBJECT") or not sym["st_size"]:
                continue
            shndx = sym["st_shndx"]
            if not isinstance(shndx, int) or shndx >= len(classes):
                continue
            group = symbol_group(sym.name)
            cls = classes[shndx]
            if group is None or cls is None:
                continue
            result.groups[group].add(cls, sym["st_size"])
            result.symbols[group].append((sym.name, cls, sym["st_size"]))
    return result


def as_json(footprint: Footprint) -> str:
    return json.dumps(
        {
            "groups": {g: s.as_dict() for g, s in footprint.groups.items()},
            "uevent_total": footprint.uevent_total.as_dict(),
            "image": footprint.image.as_dict(),
            "symbols": {
                g: [{"name": n, "section": c, "size": z} for n, c, z in sorted(syms)]
                for g, syms in footprint.symbols.items()
            },
        },
        indent=2,
    )


def as_table(footprint: Footprint) -> str:
    columns = ("text", "rodata", "data", "bss", "flash", "ram")
    rows: list[tuple[str, Sizes]] = [
        *footprint.groups.items(),
        ("uevent total", footprint.uevent_total),
        ("image", footprint.image),
    ]
    lines = [f"{'group':<14}" + "".join(f"{c:>10}" for c in columns)]
    for name, sizes in rows:
        values = sizes.as_dict()
        lines.append(f"{name:<14}" + "".join(f"{values[c]:>10}" for c in columns))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uevent-codegen-footprint",
        description="Flash and RAM of uevent's symbol groups in a zephyr.elf.",
    )
    parser.add_argument("elf", type=Path, help="the linked image (build/zephyr/zephyr.elf)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    try:
        footprint = measure(args.elf)
    except ImportError:
        print("uevent-codegen-footprint: error: needs pyelftools", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"uevent-codegen-footprint: error: {args.elf}: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(as_json(footprint) + "\n" if args.json else as_table(footprint))
    return 0


if __name__ == "__main__":
    sys.exit(main())
