"""python -m uevent_model: random programs on a target, checked against the model.

    python -m uevent_model --board qemu_cortex_m3 --image build/.../zephyr.elf \\
        --family core --family asyncio --programs 200 --seed 1

Targets: the test firmware in QEMU (-icount) or on native_sim, or
MicroPython's unix port (--board unix, the asyncio-portable family only).
Prints one line per failure and a summary: programs run, operations, distinct
operation pairs covered, failures. Every program's seed is in the JSON report
(--report); a failure is shrunk and written out as a test script of
tests/micropython (--write-tests).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import coverage, runner
from .core_model import Caps
from .device import Device, UnixPort, command
from .families import FAMILIES, board_caps
from .shrink import shrink
from .writeout import write_test

REPO = Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="uevent_model", description=__doc__.splitlines()[0])
    ap.add_argument("--board", required=True, help="qemu_cortex_m3, mps2_an385, native_sim, unix")
    ap.add_argument(
        "--image", type=Path, required=True, help="zephyr.elf, zephyr.exe or micropython"
    )
    ap.add_argument("--family", choices=sorted(FAMILIES), action="append")
    ap.add_argument("--programs", type=int, default=100, help="programs per family")
    ap.add_argument("--seed", type=int, default=1, help="program i has seed SEED + i")
    ap.add_argument(
        "--mode",
        choices=["uevent", "select"],
        default="uevent",
        help="asyncio programs: on uevent, or on upstream's select.poll loop",
    )
    ap.add_argument("--uart-port", type=int, default=None, help="UDP port of uart1's loop")
    ap.add_argument("--timeout", type=float, default=20, help="seconds a segment may run")
    ap.add_argument("--omit", default="", help="operation codes to leave out, e.g. H,O")
    ap.add_argument("--report", type=Path, help="JSON report of every program run")
    ap.add_argument("--counts", type=Path, help="write 'passed failed skipped' here")
    ap.add_argument("--write-tests", type=Path, help="folder for the shrunk failures")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--max-failures", type=int, default=5)
    args = ap.parse_args(argv)
    families = args.family or sorted(FAMILIES)
    omit = frozenset(c for c in args.omit.split(",") if c)

    mode = args.mode
    if args.board == "unix":
        target: runner.Target = UnixPort(args.image, REPO / "tests" / "firmware" / "repl")
        caps = Caps(1 << 20, 1 << 20, True)
        mode = "unix"
        families = [f for f in families if f.startswith("asyncio-portable")]
    else:
        env = {"ASAN_OPTIONS": "halt_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"}
        device = Device(command(args.board, args.image, args.uart_port), env)
        device.start()
        caps = board_caps(device)
        target = device

    records = []
    pairs: set[tuple[str, str]] = set()
    failures = 0
    ops = 0
    started = time.monotonic()
    try:
        for family in families:
            generate = FAMILIES[family].generate
            for i in range(args.programs):
                seed = args.seed + i
                program = generate(caps, seed, omit)
                verdict = runner.run_program(target, program, args.timeout, mode, caps.entries_max)
                ops += program.size()
                pairs |= coverage.pairs(program)
                records.append(
                    {
                        "family": family,
                        "seed": seed,
                        "ops": program.size(),
                        "failure": verdict.failure,
                    }
                )
                if verdict.failure is None:
                    continue
                failures += 1
                print(f"FAIL {args.board} {family} seed {seed}: {verdict.failure}", flush=True)
                if not args.no_shrink:
                    small = shrink(target, caps, program, verdict, args.timeout, mode)
                    print(
                        f"  shrunk to {small.program.size()} ops:\n" + small.program.render(),
                        flush=True,
                    )
                    if args.write_tests:
                        path = write_test(args.write_tests, args.board, small, caps)
                        print(f"  written: {path}", flush=True)
                if failures >= args.max_failures:
                    break
    finally:
        target.stop()
    seconds = time.monotonic() - started
    summary = {
        "board": args.board,
        "mode": mode,
        "families": families,
        "programs": len(records),
        "operations": ops,
        "pairs": len(pairs),
        "failures": failures,
        "seconds": round(seconds, 1),
        "seeds": f"{args.seed}..{args.seed + args.programs - 1}",
    }
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps({"summary": summary, "programs": records}, indent=1))
    if args.counts:
        args.counts.write_text(f"{len(records) - failures} {failures} 0\n")
    print(
        f"model {args.board} ({mode}; {', '.join(families)}; seeds {summary['seeds']}): "
        f"{len(records)} programs, {ops} operations, {len(pairs)} distinct operation pairs, "
        f"{failures} failed ({seconds:.0f} s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
