"""zephyr_port/board_config.cmake: which Kconfig fragments a build gets.

Runs the file in a CMake project of its own (no Zephyr, no toolchain), as
an application includes it before find_package(Zephyr), and reads the
CONF_FILE it leaves.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETWORK = "zephyr_port/network/network.conf"

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="no cmake")


def conf_files(tmp_path: Path, board: str, before: str = "", *args: str) -> list[str]:
    """CONF_FILE after board_config.cmake, relative to the repository."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20.0)\n"
        "project(board_config_probe NONE)\n"
        f"{before}\n"
        f'include("{ROOT}/zephyr_port/board_config.cmake")\n'
        'message(STATUS "CONF_FILE=${CONF_FILE}")\n'
    )
    build = tmp_path / "build"
    runs = []
    for _ in range(2):  # a fresh configure, then a reconfigure: the same
        out = subprocess.run(
            ["cmake", "-S", str(tmp_path), "-B", str(build), f"-DBOARD={board}", *args],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin"},
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("-- CONF_FILE="))
        runs.append([str(Path(f).relative_to(ROOT)) for f in line[13:].split(";") if f])
    assert runs[1] == runs[0], "a reconfigure changed the fragments"
    return runs[0]


def test_a_board_with_a_network_fragment_has_networking(tmp_path: Path) -> None:
    files = conf_files(tmp_path, "mps2_an385")
    assert files == [
        "zephyr_port/prj.conf",
        NETWORK,
        "boards/mps2_an385.network.conf",
        "boards/mps2_an385.conf",
    ]


def test_a_board_without_one_has_none_unless_asked(tmp_path: Path) -> None:
    assert NETWORK not in conf_files(tmp_path, "qemu_cortex_m3")
    assert NETWORK in conf_files(tmp_path / "on", "nrf52840dk_nrf52840", "", "-DUEVENT_NETWORK=ON")


def test_an_app_turns_it_off_on_the_command_line_or_in_its_cmake(tmp_path: Path) -> None:
    assert NETWORK not in conf_files(tmp_path / "cli", "mps2_an385", "", "-DUEVENT_NETWORK=OFF")
    assert NETWORK not in conf_files(tmp_path / "app", "mps2_an385", "set(UEVENT_NETWORK OFF)")


def test_a_board_revision_finds_the_boards_fragments(tmp_path: Path) -> None:
    files = conf_files(tmp_path, "mps2_an385@1.0.0")
    assert "boards/mps2_an385.network.conf" in files
    assert "boards/mps2_an385.conf" in files
