"""Checks the board matrix builds and writes their table (stage `boards`).

``board_matrix.py check --twister-out DIR --table FILE --counts FILE``
reads twister's build of scenario ``uevent.port.matrix`` (tests/firmware/port)
for each board and checks:

- it built and fits (twister passed: the link checks every memory region);
- the configure output has the port's one-line size summary, and
  ``board_profile.json`` agrees with it;
- its generated ``board_sources.md`` lists every button (okay children of
  okay ``gpio-keys`` nodes) and every okay UART of the devicetree, found here
  from ``edt.pickle`` independently of the generator.

``board_matrix.py docs --table FILE --doc docs/boards.md`` puts the table
between the doc's ``<!-- board-matrix -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCENARIO = "uevent.port.matrix"
BOARDS_DIR = Path(__file__).resolve().parents[2] / "boards"
UART_COMPAT = re.compile(r"(^|[,-])(lp)?u(s)?arte?$")
REGION = re.compile(r"^\s*(FLASH|RAM):\s+(\d+) B\s+(\d+) (B|KB|MB|GB)\s", re.MULTILINE)
SUMMARY = re.compile(r"^-- (uevent: \S+: RAM .*)$", re.MULTILINE)
BEGIN, END = "<!-- board-matrix -->", "<!-- /board-matrix -->"


@dataclass
class Result:
    board: str
    problems: list[str] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    sources: list[tuple[str, str]] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)
    # KB of littlefs at /flash (the storage partition), 0 when the build has
    # no filesystem (zephyr_port/Kconfig: MICROPY_VFS_LFS2).
    flash_fs_kb: int = 0
    # socket and network in the build (docs/network.md).
    network: bool = False


def expected_nodes(edt: Any) -> dict[str, str]:
    """Devicetree path -> kind, for the buttons and UARTs a board has."""
    found: dict[str, str] = {}
    for node in edt.nodes:
        if node.status != "okay":
            continue
        if "gpio-keys" in node.compats:
            for child in node.children.values():
                if child.status == "okay":
                    found[child.path] = "button"
        elif any(UART_COMPAT.search(c) for c in node.compats):
            found[node.path] = "uart"
    return found


def listed_sources(markdown: str) -> list[tuple[str, str]]:
    """(kind, node path) of each row of board_sources.md's table."""
    rows = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[3].startswith("/"):
            rows.append((cells[2], cells[3]))
    return rows


def region_sizes(build_log: str) -> dict[str, int]:
    """Used bytes and size of FLASH and RAM from the link's memory report."""
    scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
    sizes: dict[str, int] = {}
    for name, used, total, unit in REGION.findall(build_log):
        sizes[name.lower()] = int(used)
        sizes[name.lower() + "_total"] = int(total) * scale[unit]
    return sizes


def load_edt(path: Path, zephyr_base: Path) -> Any:
    sys.path.insert(0, str(zephyr_base / "scripts" / "dts" / "python-devicetree" / "src"))
    with path.open("rb") as f:
        return pickle.load(f)


def check_board(build: Path, board: str, zephyr_base: Path) -> Result:
    result = Result(board)
    log_path = build / "build.log"
    log = log_path.read_text(errors="replace") if log_path.is_file() else ""
    summary = SUMMARY.findall(log)
    if len(summary) != 1:
        result.problems.append(f"{len(summary)} size summary lines in the configure output")
    profile_path = build / "uevent_generated" / "board_profile.json"
    if not profile_path.is_file():
        result.problems.append("no board_profile.json")
        return result
    result.profile = json.loads(profile_path.read_text())
    if summary and f"heap {result.profile['heap'] // 1024} KB" not in summary[0]:
        result.problems.append(f"summary line and board_profile.json differ: {summary[0]}")
    result.used = region_sizes(log)
    if "flash" not in result.used or "ram" not in result.used:
        result.problems.append("no FLASH/RAM memory report in the build log")
    sources_md = build / "uevent_generated" / "board_sources.md"
    result.sources = listed_sources(sources_md.read_text()) if sources_md.is_file() else []
    listed = {path for _, path in result.sources}
    edt = load_edt(build / "zephyr" / "edt.pickle", zephyr_base)
    result.flash_fs_kb = filesystem_kb(edt, build / "zephyr" / ".config")
    result.network = has_network(build / "zephyr" / ".config")
    if (BOARDS_DIR / f"{board}.network.conf").is_file() and not result.network:
        result.problems.append(f"boards/{board}.network.conf, but the build has no socket module")
    for path, kind in sorted(expected_nodes(edt).items()):
        if path not in listed:
            result.problems.append(f"board_sources.md does not list the {kind} {path}")
    if not any(kind == "uart" for kind, _ in result.sources):
        result.problems.append("board_sources.md lists no UART")
    return result


def has_network(dotconfig: Path) -> bool:
    """Whether the build has socket and network (CONFIG_MICROPY_PY_SOCKET)."""
    config = dotconfig.read_text() if dotconfig.is_file() else ""
    return "CONFIG_MICROPY_PY_SOCKET=y" in config.splitlines()


def filesystem_kb(edt: Any, dotconfig: Path) -> int:
    """KB of the storage partition when the build mounts it at /flash."""
    config = dotconfig.read_text() if dotconfig.is_file() else ""
    node = edt.label2node.get("storage_partition")
    if "CONFIG_MICROPY_VFS_LFS2=y" not in config.splitlines() or node is None or not node.regs:
        return 0
    return int(node.regs[0].size // 1024)


def table(results: list[Result]) -> str:
    head = (
        "| board | RAM / flash (KB) | heap | level | `_thread` | entries | buttons | UARTs "
        "| /flash | network | flash used | RAM used |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        p = r.profile
        buttons = sum(1 for kind, _ in r.sources if kind == "button")
        uarts = sum(1 for kind, _ in r.sources if kind == "uart")
        used = r.used
        rows.append(
            f"| {r.board} | {p.get('ram_kb', '?')} / {p.get('flash_kb', '?')} "
            f"| {p.get('heap', 0) // 1024} KB | {p.get('level', '?')} "
            f"| {'on' if p.get('thread') else 'off'} | {p.get('entries', '?')} "
            f"| {buttons} | {uarts} | {f'{r.flash_fs_kb} KB' if r.flash_fs_kb else '-'} "
            f"| {'on' if r.network else '-'} "
            f"| {used.get('flash', 0):,} B | {used.get('ram', 0):,} B |"
        )
    return head + "\n".join(rows) + "\n"


def cmd_check(args: argparse.Namespace) -> int:
    report = json.loads((args.twister_out / "twister.json").read_text())
    results: list[Result] = []
    failed = 0
    for suite in sorted(report["testsuites"], key=lambda s: s["platform"]):
        if not suite["name"].endswith(SCENARIO):
            continue
        board = suite["platform"]
        if suite["status"] != "passed":
            print(f"boards: {board}: FAILED: twister {suite['status']}: {suite.get('reason', '')}")
            failed += 1
            continue
        result = check_board(args.twister_out / board / suite["name"], board, args.zephyr_base)
        results.append(result)
        for problem in result.problems:
            print(f"boards: {board}: FAILED: {problem}")
        failed += bool(result.problems)
    passed = sum(1 for r in results if not r.problems)
    if passed + failed < args.min_boards:
        print(f"boards: FAILED: {passed + failed} boards built, expected {args.min_boards}")
        failed += 1
    args.table.write_text(table(results))
    sys.stdout.write(table(results))
    args.counts.write_text(f"{passed} {failed} 0\n")
    return 1 if failed else 0


def cmd_docs(args: argparse.Namespace) -> int:
    doc = args.doc.read_text()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    args.doc.write_text(doc[:start] + "\n" + args.table.read_text() + doc[end:])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check")
    check.add_argument("--twister-out", type=Path, required=True)
    check.add_argument("--zephyr-base", type=Path, required=True)
    check.add_argument("--table", type=Path, required=True)
    check.add_argument("--counts", type=Path, required=True)
    check.add_argument("--min-boards", type=int, default=10)
    docs = sub.add_parser("docs")
    docs.add_argument("--table", type=Path, required=True)
    docs.add_argument("--doc", type=Path, required=True)
    args = parser.parse_args()
    return cmd_check(args) if args.command == "check" else cmd_docs(args)


if __name__ == "__main__":
    sys.exit(main())
