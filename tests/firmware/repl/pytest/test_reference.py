"""docs/reference/ names exactly what the running firmware has.

Each heading of docs/reference/*.md (levels 2-4) that starts with a code
span is an entry; each code span in it names one attribute, the dotted path
up to the first "(" (docs/reference/README.md, "The entry convention").
The firmware is asked for dir() of every module and class the pages cover
(and of objects with no name: a poller entry, a board source, an IO queue,
a Pin's irq object); every public name it has must have an entry, and
every entry must name something it has (entries marked "(optional: ...)"
may be absent). Dunder names (MicroPython's generic protocol) and names
starting with "_" (private, test hooks) are not counted. For asyncio only
the port's additions count: names of the package that are neither
asyncio.core's nor loaded from upstream's package file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import build_board
from raw_repl import RawRepl

REFERENCE_DIR = Path(__file__).resolve().parents[4] / "docs" / "reference"
PAGES = ("uevent.md", "machine.md", "zephyr.md", "asyncio.md", "socket.md", "network.md")

# What a board's test image must have (the rest may be absent).
BOARD_HAS = {
    "mps2_an385": {"zephyr", "zephyr.FlashArea"},
    "qemu_cortex_m3": set(),
}

HEADING = re.compile(r"^#{2,4}\s+(`.*)$")
CODE_SPAN = re.compile(r"`([^`]+)`")

# Run on the firmware: prints one dict literal, namespace -> public names
# (None: not in this image).
DEVICE_SCRIPT = r"""
import sys, uevent, machine, asyncio
R = {}
def names(o):
    return sorted(n for n in dir(o) if not n.startswith('_'))
def put(key, get):
    try:
        R[key] = names(get())
    except (ImportError, AttributeError):
        R[key] = None
put('uevent', lambda: uevent)
for c in ('poll', 'Flag', 'scheduler_lock', 'BoardSource'):
    put('uevent.' + c, lambda: getattr(uevent, c))
p = uevent.poll()
put('<entry>', lambda: p.register(uevent.Flag()))
put('uevent.IOQueue', lambda: uevent.IOQueue())
bs = None
pin = None
for n in uevent.sources():
    o = uevent.source(n)
    if isinstance(o, uevent.BoardSource) and bs is None:
        bs = o
    if pin is None:
        try:
            pin = machine.Pin(n)
        except Exception:
            pass
# BoardSource's attributes are an attr handler's: dir() of an instance.
R['uevent.BoardSource'] = names(bs) if bs is not None else None
R['<irq>'] = names(pin.irq()) if pin is not None else None
put('machine', lambda: machine)
for c in ('Pin', 'Timer', 'UART', 'I2C', 'SPI', 'SoftI2C', 'SoftSPI', 'Signal'):
    put('machine.' + c, lambda: getattr(machine, c))
put('zephyr', lambda: __import__('zephyr'))
put('zephyr.FlashArea', lambda: __import__('zephyr').FlashArea)
put('socket', lambda: __import__('socket'))
put('socket.socket', lambda: __import__('socket').socket)
put('network', lambda: __import__('network'))
put('network.LAN', lambda: __import__('network').LAN)
R['asyncio'] = [n for n in names(asyncio) if type(getattr(asyncio, n)).__name__ != 'module']
R['asyncio.core'] = names(asyncio.core)
R['asyncio.stock'] = sorted(asyncio.stock._attrs)
print(repr(R))
"""


def declared_names(pages: dict[str, str]) -> dict[str, bool]:
    """Qualified name -> optional, from the headings of the pages."""
    declared: dict[str, bool] = {}
    for text in pages.values():
        for line in text.splitlines():
            m = HEADING.match(line)
            if not m:
                continue
            # Code spans after "(optional:" say which builds, not names.
            rest, optional_marker, _ = m.group(1).partition("(optional:")
            optional = bool(optional_marker)
            spans = CODE_SPAN.findall(rest)
            for span in spans:
                name = span.split("(", 1)[0].strip()
                declared[name] = optional
    return declared


def namespace_of(name: str) -> tuple[str, str]:
    ns, _, attr = name.rpartition(".")
    return ns, attr


def check(declared: dict[str, bool], actual: dict[str, list[str] | None], board: str) -> list[str]:
    """Every problem found; empty when the pages and the firmware agree."""
    problems = []
    by_ns: dict[str, dict[str, bool]] = {}
    for name, optional in declared.items():
        ns, attr = namespace_of(name)
        by_ns.setdefault(ns, {})[attr] = optional
    for must in sorted(BOARD_HAS.get(board, set())):
        if actual.get(must) is None:
            problems.append(f"{must}: {board}'s image must have it, and has not")
    # Every namespace the firmware reported is covered by the pages.
    for ns, names in actual.items():
        if names and ns not in by_ns and ns not in ("asyncio.core", "asyncio.stock"):
            problems.append(f"{ns}: no entry at all")
    for ns, entries in sorted(by_ns.items()):
        if ns == "":
            problems.append(f"entry without a namespace: {sorted(entries)}")
            continue
        if ns not in actual:
            problems.append(f"{ns}: entries the test cannot check: {sorted(entries)}")
            continue
        have = actual[ns]
        if have is None:
            continue  # not in this image (checked on the boards that have it)
        have_set = set(have)
        if ns == "asyncio":
            upstream = set(actual["asyncio.core"] or ()) | set(actual["asyncio.stock"] or ())
            additions = have_set - upstream
            missing = additions - set(entries)
        else:
            missing = have_set - set(entries)
        bogus = {a for a, optional in entries.items() if a not in have_set and not optional}
        for a in sorted(missing):
            problems.append(f"{ns}.{a}: in the firmware, no entry in docs/reference")
        for a in sorted(bogus):
            problems.append(f"{ns}.{a}: an entry in docs/reference, not in the firmware")
    return problems


def read_pages() -> dict[str, str]:
    return {p: (REFERENCE_DIR / p).read_text() for p in PAGES}


@pytest.fixture
def firmware_names(raw_repl: RawRepl) -> dict[str, list[str] | None]:
    result = raw_repl.exec(DEVICE_SCRIPT, timeout=30)
    assert not result.error, result.error
    return ast.literal_eval(result.output.strip().splitlines()[-1])


def test_reference_matches_firmware(raw_repl: RawRepl, firmware_names) -> None:
    board = build_board(raw_repl.device)
    problems = check(declared_names(read_pages()), firmware_names, board)
    assert not problems, "docs/reference is out of step with the firmware:\n" + "\n".join(problems)


def test_check_catches_drift(raw_repl: RawRepl, firmware_names) -> None:
    """The check fails on a removed entry and on a bogus one."""
    board = build_board(raw_repl.device)
    pages = read_pages()
    removed = dict(pages)
    removed["uevent.md"] = pages["uevent.md"].replace("### `uevent.poll.notify()`", "### notify")
    assert "uevent.poll.notify: in the firmware, no entry in docs/reference" in check(
        declared_names(removed), firmware_names, board
    )
    bogus = dict(pages)
    bogus["machine.md"] = pages["machine.md"] + "\n### `machine.Pin.frobnicate()`\n"
    assert "machine.Pin.frobnicate: an entry in docs/reference, not in the firmware" in check(
        declared_names(bogus), firmware_names, board
    )
    added_ns = dict(pages)
    added_ns["asyncio.md"] = pages["asyncio.md"] + "\n### `asyncio.wait_any(srcs)`\n"
    assert "asyncio.wait_any: an entry in docs/reference, not in the firmware" in check(
        declared_names(added_ns), firmware_names, board
    )
