"""The port's shape (issue 24), held by a test rather than by review.

- No quoted include climbs out of its folder (`#include "../x.h"`): the
  rooms are on the include path (zephyr_port/port.cmake).
- No two modules include each other's header: where two files need each
  other, the shared part is its own header.
- A function shared between files is declared in a header, never with a
  prototype inside another `.c` file.
- uevent/ names no machine class: sources reach it through their type's
  protocol (docs/uevent.md, "Writing a source").
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROOTS = [REPO / "zephyr_port", REPO / "tests" / "firmware" / "hooks", REPO / "bench" / "firmware"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
# A prototype at file scope: a return type, a name, a parameter list, ';'.
PROTOTYPE = re.compile(
    r"^(?!static|typedef|return|extern\s+const|#)"
    r"[A-Za-z_][\w\s\*]*?\b(\w+)\s*\([^;{}]*\)\s*;\s*$",
    re.MULTILINE,
)
# Declarations that belong in a .c: the linker's --wrap pairs of the
# allocation fault injection (they name MicroPython's gc_alloc).
WRAP = re.compile(r"^__(real|wrap)_")


def c_files(suffixes: tuple[str, ...] = (".c", ".h")) -> list[Path]:
    return sorted(p for root in ROOTS for p in root.rglob("*") if p.suffix in suffixes)


def includes(path: Path) -> list[str]:
    return INCLUDE.findall(path.read_text())


def test_no_include_climbs_out() -> None:
    bad = [
        f"{p.relative_to(REPO)}: {h}" for p in c_files() for h in includes(p) if h.startswith("../")
    ]
    assert bad == []


def test_no_two_modules_include_each_other() -> None:
    ours = {p.name: p for p in c_files((".h",))}
    uses: dict[str, set[str]] = {}
    for c in c_files((".c",)):
        uses[c.stem] = {Path(h).stem for h in includes(c) if Path(h).name in ours} - {c.stem}
    pairs = sorted(
        {tuple(sorted((a, b))) for a, bs in uses.items() for b in bs if a in uses.get(b, set())}
    )
    assert pairs == []


def test_shared_functions_are_declared_in_headers() -> None:
    bad = []
    for c in c_files((".c",)):
        for m in PROTOTYPE.finditer(c.read_text()):
            name = m.group(1)
            if not WRAP.match(name):
                bad.append(f"{c.relative_to(REPO)}: {name}")
    assert bad == []


def test_uevent_names_no_machine_class() -> None:
    core = REPO / "zephyr_port" / "uevent"
    bad = [
        f"{p.relative_to(REPO)}: {h}"
        for p in sorted(core.glob("*.[ch]"))
        for h in includes(p)
        if Path(h).name.startswith(("machine_", "modmachine", "console_"))
    ]
    bad += [
        f"{p.relative_to(REPO)}: {t}"
        for p in sorted(core.glob("*.c"))
        for t in re.findall(r"\b(machine_\w+_type|console_uart_\w+)\b", p.read_text())
    ]
    assert bad == []
