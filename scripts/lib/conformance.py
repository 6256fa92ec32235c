"""Run MicroPython's tests/run-tests.py against a firmware in QEMU.

Usage: conformance.py --micropy-dir DIR --elf ELF --machine M --results DIR
                      [--full] [--skip-file F]... [--bound SECONDS] [--counts FILE]

Prints run-tests.py's report and a last line ``conformance: P passed, F
failed, S skipped``; exits 1 on any failure or when the bound is hit. Up
to MAX_RETRIES failed tests are run again alone, once (real-time QEMU on
a busy host); the line says which passed then.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The CI subset: basics, and extmod's asyncio tests, which check asyncio's
# loop in C (zephyr_port/asyncio/uevent_asyncio_loop.c) against upstream's
# expectations. run-tests.py's -e/-i: the last pattern that matches wins.
SUBSET_DIRS = ["basics", "extmod"]
SUBSET_FILTERS = ["-e", "^extmod/", "-i", "^extmod/asyncio_"]
# Failed tests run again, alone, when there are no more than this many.
MAX_RETRIES = 3


def skip_patterns(path: Path | None) -> list[str]:
    if path is None or not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--micropy-dir", type=Path, required=True)
    ap.add_argument("--elf", type=Path, required=True)
    ap.add_argument("--machine", required=True, help="QEMU machine, e.g. lm3s6965evb")
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--full", action="store_true", help="all of run-tests.py's directories")
    ap.add_argument(
        "--skip-file",
        type=Path,
        action="append",
        default=[],
        help="repeatable; missing files are ignored",
    )
    ap.add_argument("--bound", type=float, default=1200, help="seconds for the whole run")
    ap.add_argument("--counts", type=Path, help="write 'passed failed skipped' here")
    args = ap.parse_args()

    tests_dir = args.micropy_dir / "tests"
    if not (tests_dir / "run-tests.py").is_file():
        print(f"error: no run-tests.py in {tests_dir}", file=sys.stderr)
        return 1
    # run-tests.py splits the execpty command on spaces.
    elf = args.elf.resolve()
    if " " in str(elf):
        tmp = args.results / "zephyr.elf"
        args.results.mkdir(parents=True, exist_ok=True)
        shutil.copy(elf, tmp)
        elf = tmp
    if args.results.exists():
        shutil.rmtree(args.results)
    args.results.mkdir(parents=True)

    # mps2_an385's image has networking: QEMU's user network, restricted to
    # this host. Elsewhere none: a NIC the image does not drive makes slirp
    # print on the console.
    nic = "-nic user,restrict=on" if args.machine == "mps2-an385" else "-net none"
    qemu = (
        f"qemu-system-arm -cpu cortex-m3 -machine {args.machine}"
        f" -display none -monitor none {nic} -serial pty -kernel {elf}"
    )
    cmd = [
        sys.executable,
        "run-tests.py",
        "-t",
        f"execpty:{qemu}",
        "-r",
        str(args.results.resolve()),
    ]
    if not args.full:
        cmd += SUBSET_FILTERS
    for pattern in (p for f in args.skip_file for p in skip_patterns(f)):
        cmd += ["-e", pattern]
    if not args.full:
        cmd += ["-d", *SUBSET_DIRS]
    subset = "basics, extmod/asyncio_*"
    print("conformance:", "full run" if args.full else f"subset {subset}", flush=True)
    log = args.results / "run-tests.log"
    timed_out = False
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=tests_dir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            proc.wait(timeout=args.bound)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, 9)
            proc.wait()

    text = log.read_text(errors="replace")
    # The per-test lines are in the log; show the report at its end.
    report = [
        line for line in text.splitlines() if re.match(r"^(\d+ tests|FAIL |platform=|error)", line)
    ]
    print("\n".join(report))
    results_file = args.results / "_results.json"
    counts = {"pass": 0, "fail": 0, "skip": 0}
    failed_tests = []
    if results_file.is_file():
        for test, result, *_ in json.loads(results_file.read_text())["results"]:
            if result in counts:
                counts[result] += 1
            if result == "fail":
                failed_tests.append(test)
    # QEMU keeps real time here, on a host that may be busy: a test that
    # times itself (asyncio_iterator_event's 500 ms against 300 ms of
    # sleeps) can fail once under load. A few failed tests are run again,
    # alone, once each; one that fails again is a failure.
    if not timed_out and 0 < len(failed_tests) <= MAX_RETRIES:
        for test in failed_tests:
            retry = [sys.executable, "run-tests.py", "-t", f"execpty:{qemu}"]
            retry += ["-r", str((args.results / "retry").resolve()), test]
            again = subprocess.run(
                retry, cwd=tests_dir, capture_output=True, text=True, timeout=300, check=False
            )
            if again.returncode == 0 and "1 tests passed" in again.stdout:
                counts["fail"] -= 1
                counts["pass"] += 1
                print(f"conformance: {test} failed, then passed when run again alone")
            else:
                print(f"conformance: {test} failed again when run alone")
    failed = counts["fail"]
    if timed_out:
        print(f"conformance: stopped after the {args.bound:.0f} s bound (log: {log})")
        failed += 1
    elif not results_file.is_file():
        print(f"conformance: run-tests.py gave no results (log: {log}); its last lines:")
        print("\n".join(text.splitlines()[-15:]))
        failed += 1
    elif proc.returncode != 0 and not failed:
        print(f"conformance: run-tests.py exited with {proc.returncode} (log: {log})")
        failed += 1
    print(
        f"conformance: {counts['pass']} passed, {failed} failed, {counts['skip']} skipped"
        f" (results: {args.results})"
    )
    if args.counts:
        args.counts.write_text(f"{counts['pass']} {failed} {counts['skip']}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
