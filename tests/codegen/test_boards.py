"""Real boards: Zephyr's board devicetrees, preprocessed like Zephyr's dts step.

Their ``--list`` output is kept in docs/board-sources.md; ``--update-golden``
rewrites it. Modules come from the west workspace: $ZEPHYR_BASE/../modules.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs host gcc (cpp)")

DOC = REPO_ROOT / "docs" / "board-sources.md"

BOARDS = {
    "nrf52840dk_nrf52840": ("boards/arm/nrf52840dk_nrf52840", "hal/nordic"),
    "nucleo_f401re": ("boards/arm/nucleo_f401re", "hal/stm32"),
}

DOC_HEAD = """\
# Event sources of the real boards

What `uevent-codegen --list` prints for these boards' devicetrees (Zephyr's
board files, no overlay). Regenerate with
`python -m pytest tests/codegen/test_boards.py --update-golden`.
"""


def _preprocess(zephyr_base: Path, board: str, out_dir: Path) -> Path:
    board_dir, module = BOARDS[board]
    module_dir = zephyr_base.parent / "modules" / module
    if not module_dir.is_dir():
        pytest.skip(f"module {module} not in the west workspace")
    includes = [
        zephyr_base / "include", zephyr_base / "include" / "zephyr",
        zephyr_base / "dts" / "common", zephyr_base / "dts" / "arm", zephyr_base / "dts",
        module_dir / "dts",
    ]  # fmt: skip
    out = out_dir / f"{board}.dts"
    cmd = [
        "gcc",
        "-E",
        "-P",
        "-x",
        "assembler-with-cpp",
        "-nostdinc",
        "-undef",
        "-D__DTS__",
    ]
    cmd += [f"-I{d}" for d in includes]
    cmd += [str(zephyr_base / board_dir / f"{board}.dts"), "-o", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def _board_list(run_cli, zephyr_base: Path, bindings_dirs, board: str, tmp_path: Path) -> str:
    dts = _preprocess(zephyr_base, board, tmp_path)
    args = ["--dts", dts, "--list"]
    for d in bindings_dirs[:2]:  # Zephyr's and ours, not the test fixtures
        args += ["--bindings-dir", d]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_nrf52840dk(run_cli, zephyr_base, bindings_dirs, tmp_path):
    text = _board_list(run_cli, zephyr_base, bindings_dirs, "nrf52840dk_nrf52840", tmp_path)
    rows = [line.split() for line in text.splitlines()[1:-1]]
    assert [r[0] for r in rows] == ["button0", "button1", "button2", "button3", "uart0"]
    assert rows[0][1:3] == ["sw0,", "mcuboot_button0"]
    assert all("gpio0" in r and "button" in r for r in rows[:4])
    assert "console" in rows[4]


def test_nucleo_f401re(run_cli, zephyr_base, bindings_dirs, tmp_path):
    text = _board_list(run_cli, zephyr_base, bindings_dirs, "nucleo_f401re", tmp_path)
    rows = [line.split() for line in text.splitlines()[1:-1]]
    assert [r[0] for r in rows] == ["user_button", "usart1", "usart2"]
    assert rows[0][1:4] == ["sw0", "button", "/gpio_keys/button"]
    assert "console" in rows[2]


def test_docs_hold_the_current_lists(run_cli, zephyr_base, bindings_dirs, tmp_path, update_golden):
    parts = [DOC_HEAD]
    for board in BOARDS:
        text = _board_list(run_cli, zephyr_base, bindings_dirs, board, tmp_path)
        parts.append(f"\n## {board}\n\n```\n{text}```\n")
    doc = "".join(parts)
    if update_golden:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(doc, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == doc, "run pytest --update-golden"


def test_devkit_named_pins_carry_their_polarity(run_cli, zephyr_base, bindings_dirs, tmp_path):
    # machine.Pin("led0") on the nRF52840 DK must drive LED1 active low:
    # the named-pin table holds the node's flags (GPIO_ACTIVE_LOW = 0x1;
    # the DK's buttons also pull up, 0x10). The Nucleo's LD2 is active high.
    expected = {
        "nrf52840dk_nrf52840": {"led0": "0x1", "sw0": "0x11"},
        "nucleo_f401re": {"led0": "0x0", "sw0": "0x1"},
    }
    for board, flags in expected.items():
        dts = _preprocess(zephyr_base, board, tmp_path)
        out = tmp_path / board
        args = ["--dts", dts, "--output-dir", out]
        for d in bindings_dirs[:2]:
            args += ["--bindings-dir", d]
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        table = (out / "uevent_board_sources.c").read_text(encoding="utf-8")
        for name, dt_flags in flags.items():
            entry = re.search(
                rf"// [^\n]*\b{name}\b[^\n]*\n[^}}]*\.dt_flags = (0x[0-9a-f]+),", table
            )
            assert entry, f"{board}: no named pin {name}"
            assert entry.group(1) == dt_flags, f"{board} {name}"
