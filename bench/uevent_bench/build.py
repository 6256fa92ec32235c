"""Firmware builds for the benchmarks (west build, quiet, one log per image)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = ROOT / "zephyr_port"
BENCH_CONF = ROOT / "bench" / "bench.conf"


class BuildError(RuntimeError):
    """A firmware build failed."""


def toolchain_env() -> dict[str, str]:
    """The environment the builds need: gnuarmemb with picolibc (see README)."""
    env = dict(os.environ)
    env.setdefault("ZEPHYR_TOOLCHAIN_VARIANT", "gnuarmemb")
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is not None:
        env.setdefault("GNUARMEMB_TOOLCHAIN_PATH", str(Path(gcc).resolve().parents[1]))
    env.setdefault("ZEPHYR_TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE", "y")
    return env


def _zephyr_base(env: dict[str, str]) -> str:
    base = env.get("ZEPHYR_BASE")
    if base:
        return base
    proc = subprocess.run(
        [sys.executable, "-m", "west", "topdir"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BuildError(
            "ZEPHYR_BASE is not set and no west workspace was found (scripts/bench sets up one)"
        )
    return str(Path(proc.stdout.strip()) / "zephyr")


def build(board: str, build_dir: Path, extra_conf: Path | None = None) -> Path:
    """Builds the port for `board` into `build_dir`; returns the zephyr.elf."""
    env = toolchain_env()
    env["ZEPHYR_BASE"] = _zephyr_base(env)
    cache = build_dir / "CMakeCache.txt"
    if cache.exists() and f"BOARD:STRING={board}\n" not in cache.read_text(errors="replace"):
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    log = build_dir / "build.log"
    configure = ["cmake", "-S", str(PORT), "-B", str(build_dir), "-G", "Ninja", f"-DBOARD={board}"]
    configure += ["-DTOOLCHAIN_HAS_PICOLIBC=ON", "-DCONFIG_PICOLIBC=y"]
    configure.append(f"-DEXTRA_CONF_FILE={extra_conf or ''}")
    modules = env.get("ZEPHYR_MODULES")
    if modules:
        configure.append(f"-DZEPHYR_MODULES={modules}")
    print(f"==> building {board} in {build_dir} (log: {log})", file=sys.stderr)
    with log.open("w") as out:
        for cmd in (configure, ["cmake", "--build", str(build_dir)]):
            proc = subprocess.run(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
            )
            if proc.returncode != 0:
                tail = log.read_text(errors="replace").splitlines()[-25:]
                raise BuildError(f"the {board} build failed; end of {log}:\n" + "\n".join(tail))
    return build_dir / "zephyr" / "zephyr.elf"
