"""Count the results of a pytest or twister run for scripts/test.

Usage: stage_counts.py pytest --xml FILE --rc N --counts FILE [--failures FILE]
       stage_counts.py twister --json FILE --rc N --counts FILE [--failures FILE]

Every stage of scripts/test reports the same way: a tool writes one line
"passed failed skipped" to a counts file and, optionally, one line per failure
to a failures file; scripts/test's record_counts puts both in the summary.
The other tools (board_matrix.py, conformance.py, doc_commands.py,
tests/model's uevent_model) write the same counts file with their --counts.

`pytest` reads pytest's --junit-xml report; `twister` reads twister.json (a
build-only configuration counts as one check, "it builds"; a build or harness
failure before any test case as one failure). A tool that exited non-zero
with no failure in its report counts one failure, so an error outside the
tests (collection, usage, a crash) is never reported as green.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# pytest's exit code when it collected no test.
PYTEST_NO_TESTS = 5
TWISTER_FAILED = ("failed", "blocked", "error")


@dataclass
class Counts:
    """A stage's counts and one line per failure."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, why: str) -> None:
        self.failed += 1
        self.failures.append(why)

    def write(self, counts: Path, failures: Path | None) -> None:
        counts.write_text(f"{self.passed} {self.failed} {self.skipped}\n", encoding="utf-8")
        if failures is not None:
            failures.write_text("".join(f"{line}\n" for line in self.failures), encoding="utf-8")


def first_lines(text: str, lines: int = 12, chars: int = 1500) -> str:
    """A failure message on one line: its first lines joined with " | "."""
    return " | ".join(text.strip().splitlines()[:lines])[:chars]


def pytest_counts(xml: Path, rc: int) -> Counts:
    """The counts of pytest's junit report XML, given pytest's exit code."""
    if rc == PYTEST_NO_TESTS:
        return Counts(failed=1, failures=["no tests collected"])
    if not xml.is_file():
        return Counts(failed=1, failures=[f"pytest exited with {rc} and no report"])
    root = ET.parse(xml).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = sum(int(s.get("tests", 0)) for s in suites)
    counts = Counts(skipped=sum(int(s.get("skipped", 0)) for s in suites))
    for suite in suites:
        for case in suite.iter("testcase"):
            for bad in [*case.iter("failure"), *case.iter("error")]:
                name = f"{case.get('classname', '')}::{case.get('name', '')}"
                message = first_lines(bad.get("message") or bad.text or "", lines=1, chars=300)
                counts.fail(f"{name}: {message}")
                break
    # The suites' own numbers are authoritative (a case can hold both a
    # failure and an error); the lines above only name them.
    counts.failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    counts.passed = tests - counts.failed - counts.skipped
    if counts.failed == 0 and rc != 0:
        counts.fail(f"pytest exited with {rc} outside the tests (collection, usage)")
    return counts


def twister_case_message(out: Path, suite: dict[str, Any], case: dict[str, Any]) -> str:
    """The pytest harness's own failure message for a case (its report.xml), short."""
    platform_dir = out / suite.get("platform", "")
    for report in platform_dir.glob(f"**/{suite.get('name')}/report.xml"):
        for tc in ET.parse(report).iter("testcase"):
            if not case.get("identifier", "").endswith("." + tc.get("name", "")):
                continue
            for bad in [*tc.iter("failure"), *tc.iter("error")]:
                return first_lines(bad.get("message") or bad.text or "")
    return suite.get("reason", "no reason given")


def twister_counts(report: Path, rc: int) -> Counts:
    """The counts of a twister.json, given twister's exit code."""
    if not report.is_file():
        return Counts(failed=1, failures=[f"twister exited with {rc} and no report"])
    data = json.loads(report.read_text(encoding="utf-8"))
    counts = Counts()
    for suite in data.get("testsuites", []):
        status = suite.get("status")
        if status == "filtered":
            continue
        where = suite.get("platform")
        cases = suite.get("testcases", [])
        ran = [c for c in cases if c.get("status") not in ("skipped", None)]
        if status in ("failed", "error") and not any(
            c.get("status") in TWISTER_FAILED for c in cases
        ):
            reason = suite.get("reason", "no reason given")
            counts.fail(f"{suite.get('name')} on {where}: {status} ({reason})")
        elif not ran:
            # A build-only (or skipped) configuration: one check, "it builds".
            if status == "skipped":
                counts.skipped += 1
            else:
                counts.passed += 1
        for case in ran:
            st = case.get("status")
            if st == "passed":
                counts.passed += 1
            elif st in TWISTER_FAILED:
                message = twister_case_message(report.parent, suite, case)
                counts.fail(f"{case.get('identifier')} on {where}: {st} ({message})")
        if ran:
            counts.skipped += sum(1 for c in cases if c.get("status") == "skipped")
    if counts.failed == 0 and rc != 0:
        counts.fail(f"twister exited with {rc}")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="tool", required=True)
    for tool, report in (("pytest", "--xml"), ("twister", "--json")):
        p = sub.add_parser(tool)
        p.add_argument(report, dest="report", type=Path, required=True)
        p.add_argument("--rc", type=int, required=True, help="the tool's exit code")
        p.add_argument("--counts", type=Path, required=True, help="'passed failed skipped'")
        p.add_argument("--failures", type=Path, help="one line per failure")
    args = ap.parse_args(argv)
    if args.tool == "pytest":
        counts = pytest_counts(args.report, args.rc)
    else:
        counts = twister_counts(args.report, args.rc)
    counts.write(args.counts, args.failures)
    print(
        f"{args.tool}: {counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
