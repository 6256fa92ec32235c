"""Shared fixtures of the uevent-codegen tests.

ZEPHYR_BASE comes from the environment, else from the west workspace that
holds this repository (a ``zephyr/`` directory next to it or above it).
``--update-golden`` rewrites the golden files instead of comparing them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[1]
CODEGEN_SRC = REPO_ROOT / "codegen" / "src"
FIXTURES = TESTS_DIR / "fixtures"
GOLDEN = TESTS_DIR / "golden"
STUBS = TESTS_DIR / "stubs"
OUR_BINDINGS = REPO_ROOT / "dts" / "bindings"

if str(CODEGEN_SRC) not in sys.path:
    sys.path.insert(0, str(CODEGEN_SRC))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/codegen/golden (and docs/board-sources.md) from the current output",
    )


def _find_zephyr_base() -> Path | None:
    env = os.environ.get("ZEPHYR_BASE")
    if env:
        return Path(env)
    for parent in REPO_ROOT.parents:
        candidate = parent / "zephyr"
        if (candidate / "scripts" / "dts" / "gen_defines.py").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def zephyr_base() -> Path:
    base = _find_zephyr_base()
    if base is None:
        pytest.fail("Zephyr not found: set ZEPHYR_BASE or run inside a west workspace")
    return base


@pytest.fixture(scope="session")
def bindings_dirs(zephyr_base: Path) -> list[Path]:
    return [zephyr_base / "dts" / "bindings", OUR_BINDINGS, FIXTURES / "bindings"]


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def run_cli(zephyr_base: Path) -> Callable[..., CliResult]:
    """Runs ``python -m uevent_codegen`` as a subprocess, the way the build does."""

    def run(*args: str | Path, env_zephyr_base: bool = True) -> CliResult:
        env = dict(os.environ, PYTHONPATH=str(CODEGEN_SRC))
        env.pop("ZEPHYR_BASE", None)
        if env_zephyr_base:
            env["ZEPHYR_BASE"] = str(zephyr_base)
        proc = subprocess.run(
            [sys.executable, "-m", "uevent_codegen", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def dts_args(bindings_dirs: list[Path]) -> Callable[[str], list[str]]:
    """CLI arguments that load fixture ``name`` from its .dts file."""

    def args(name: str) -> list[str]:
        result = ["--dts", str(FIXTURES / name)]
        for d in bindings_dirs:
            result += ["--bindings-dir", str(d)]
        return result

    return args


@pytest.fixture(scope="session")
def load_edt(zephyr_base: Path, bindings_dirs: list[Path]) -> Callable[[Path], Any]:
    from uevent_codegen.edt_loader import load_edt_dts

    def load(dts: Path) -> Any:
        prefixes = [d / "vendor-prefixes.txt" for d in bindings_dirs]
        return load_edt_dts(dts, bindings_dirs, zephyr_base, [p for p in prefixes if p.is_file()])

    return load


@dataclass(frozen=True)
class DtsBuild:
    """What Zephyr's dts step writes for a board: edt.pickle and the header."""

    edt_pickle: Path
    include_dir: Path  # holds devicetree_generated.h


@pytest.fixture(scope="session")
def gen_defines(
    zephyr_base: Path,
    bindings_dirs: list[Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Path], DtsBuild]:
    """Runs Zephyr's gen_defines.py on a .dts file, as the build's dts step does."""
    cache: dict[Path, DtsBuild] = {}

    def run(dts: Path, extra_bindings: Sequence[Path] = ()) -> DtsBuild:
        if dts in cache:
            return cache[dts]
        out = tmp_path_factory.mktemp(dts.stem)
        dirs = [*bindings_dirs, *extra_bindings]
        cmd = [
            sys.executable,
            str(zephyr_base / "scripts" / "dts" / "gen_defines.py"),
            "--dts", str(dts),
            "--dtc-flags", "",
            "--bindings-dirs", *map(str, dirs),
            "--header-out", str(out / "devicetree_generated.h"),
            "--dts-out", str(out / "zephyr.dts"),
            "--edt-pickle-out", str(out / "edt.pickle"),
            "--edtlib-Werror",
        ]  # fmt: skip
        for d in dirs:
            if (d / "vendor-prefixes.txt").is_file():
                cmd += ["--vendor-prefixes", str(d / "vendor-prefixes.txt")]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        cache[dts] = DtsBuild(out / "edt.pickle", out)
        return cache[dts]

    return run
