"""scripts/bench: build the benchmark image, run it in QEMU, report.

One qemu_cortex_m3 image (bench/bench.conf: the _uevent_bench and
_uevent_test hooks) holds asyncio over uevent and the stock asyncio over
select.poll, chosen at run time. The footprint report comes from build-only
images of the plain port for each board.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import build, device, qemu, report
from .stats import Clock

ROOT = build.ROOT
FOOTPRINT_BOARDS = ("qemu_cortex_m3", "nrf52840dk_nrf52840", "nucleo_f401re")
BOARD = "qemu_cortex_m3"


def footprint(elf: Path) -> dict[str, Any]:
    """The codegen footprint report (pyelftools) of one image."""
    proc = subprocess.run(
        [sys.executable, "-m", "uevent_codegen.footprint", str(elf), "--json"],
        env={**build.toolchain_env(), "PYTHONPATH": str(ROOT / "codegen" / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(proc.stdout)
    data.pop("symbols", None)
    return data


def plan(edges: int) -> list[tuple[str, dict[str, object]]]:
    """The device scripts to run, in order, with their parameters."""
    return [
        ("calibrate", {"SPIN_N": 200_000}),
        ("idle", {"IDLE_MS": 2000}),
        ("latency", {"N": edges}),
        ("scaling", {"SIZES": (1, 4, 16, 64, 256), "EDGES": max(100, edges // 5)}),
        (
            "throughput",
            {"PERIODS_US": (20000, 10000, 5000, 3000, 2000, 1000, 500), "DURATION_MS": 500},
        ),
        ("setup", {"SETUP_N": 21, "SETUP_DELAY_US": 100_000}),
    ]


def git_commit() -> str:
    proc = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="output folder")
    ap.add_argument("--edges", type=int, default=1000, help="edges per latency row (>= 1000)")
    ap.add_argument("--elf", type=Path, help="run this bench image instead of building it")
    ap.add_argument("--no-footprint", action="store_true", help="skip the footprint builds")
    ap.add_argument(
        "--update-docs", action="store_true", help="copy the plot to docs/benchmarks.png"
    )
    args = ap.parse_args(argv)

    out_dir: Path = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        elf = args.elf or build.build(BOARD, out_dir / BOARD, build.BENCH_CONF)
        footprints: dict[str, Any] = {}
        if not args.no_footprint:
            for board in FOOTPRINT_BOARDS:
                footprints[board] = footprint(build.build(board, out_dir / f"fp_{board}"))
    except build.BuildError as ex:
        print(f"error: {ex}", file=sys.stderr)
        return 1

    log = out_dir / "device.log"
    log.write_text("")
    with qemu.Qemu(elf, BOARD) as q:
        output = device.run_scripts(q, plan(args.edges), log)

    clock = Clock.from_calibration(output.results["calibration"], qemu.ICOUNT_SHIFT)
    meta = {
        "board": BOARD,
        "icount_shift": qemu.ICOUNT_SHIFT,
        "edges": args.edges,
        "commit": git_commit(),
    }
    res = report.summarize(output, clock, footprints, meta)
    (out_dir / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    (out_dir / "samples.json").write_text(json.dumps(output.samples) + "\n")
    png = out_dir / "benchmarks.png"
    report.plot(res, output.samples, png)
    text = report.table(res)
    (out_dir / "table.md").write_text(text + "\n")
    print(text)
    print(f"\nwritten: {out_dir / 'results.json'}, {png}")
    if args.update_docs:
        shutil.copyfile(png, ROOT / "docs" / "benchmarks.png")
        print("copied to docs/benchmarks.png")
    return 0
