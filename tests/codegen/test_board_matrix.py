"""scripts/lib/board_matrix.py: the checks of the boards stage on one build
folder (a fixture devicetree instead of a real build)."""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import FIXTURES, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts" / "lib"))
import board_matrix as bm

LOG = """-- uevent: b: RAM 64 KB, flash 256 KB -> heap 24 KB (half of RAM - 16 KB), level BASIC
Memory region         Used Size  Region Size  %age Used
           FLASH:      177324 B       256 KB     67.64%
             RAM:       22336 B        32 KB     68.16%
"""
ROWS = {
    "button": "| user_button | sw0 | button | /gpio_keys/button | gpioa | 13 | EVENT | x | |",
    "uart": "| usart2 |   | uart | /serial@40004400 | usart2 |   | READ | uart irq | console |",
}


def build_dir(tmp_path: Path, edt: Any, rows: list[str], log: str = LOG) -> Path:
    build = tmp_path / "build"
    (build / "uevent_generated").mkdir(parents=True)
    (build / "zephyr").mkdir()
    (build / "build.log").write_text(log)
    profile = {"ram_kb": 64, "flash_kb": 256, "heap": 24576, "level": "BASIC", "thread": False}
    (build / "uevent_generated" / "board_profile.json").write_text(json.dumps(profile))
    table = "| Name | Aliases | Kind | Node |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
    (build / "uevent_generated" / "board_sources.md").write_text(table)
    with (build / "zephyr" / "edt.pickle").open("wb") as f:
        pickle.dump(edt, f)
    return build


def test_a_complete_build_passes(
    tmp_path: Path, load_edt: Callable[[Path], Any], zephyr_base: Path
) -> None:
    edt = load_edt(FIXTURES / "board_minimal.dts")
    result = bm.check_board(build_dir(tmp_path, edt, list(ROWS.values())), "b", zephyr_base)
    assert result.problems == []
    assert result.used == {"flash": 177324, "flash_total": 256 * 1024, "ram": 22336,
                           "ram_total": 32 * 1024}  # fmt: skip
    assert "| b | 64 / 256 | 24 KB | BASIC | off |" in bm.table([result])


def test_a_source_missing_from_board_sources_md_fails(
    tmp_path: Path, load_edt: Callable[[Path], Any], zephyr_base: Path
) -> None:
    edt = load_edt(FIXTURES / "board_minimal.dts")
    result = bm.check_board(build_dir(tmp_path, edt, [ROWS["button"]]), "b", zephyr_base)
    assert result.problems == [
        "board_sources.md does not list the uart /serial@40004400",
        "board_sources.md lists no UART",
    ]


def test_no_size_line_or_memory_report_fails(
    tmp_path: Path, load_edt: Callable[[Path], Any], zephyr_base: Path
) -> None:
    edt = load_edt(FIXTURES / "board_minimal.dts")
    build = build_dir(tmp_path, edt, list(ROWS.values()), log="nothing\n")
    assert bm.check_board(build, "b", zephyr_base).problems == [
        "0 size summary lines in the configure output",
        "no FLASH/RAM memory report in the build log",
    ]
