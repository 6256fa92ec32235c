"""scripts/lib/stage_counts.py (how scripts/test counts pytest and twister runs)
and the post-uncrustify pass of scripts/lib/check_c_format.py."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "lib" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sc = load("stage_counts")
cf = load("check_c_format")

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4" failures="1" errors="0" skipped="1">
<testcase classname="tests.a" name="test_ok"/>
<testcase classname="tests.a" name="test_skip"><skipped message="no"/></testcase>
<testcase classname="tests.a" name="test_bad">
<failure message="assert 1 == 2">x</failure></testcase>
<testcase classname="tests.a" name="test_ok2"/>
</testsuite></testsuites>
"""


def test_pytest_counts(tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(JUNIT)
    counts = sc.pytest_counts(xml, 1)
    assert (counts.passed, counts.failed, counts.skipped) == (2, 1, 1)
    assert counts.failures == ["tests.a::test_bad: assert 1 == 2"]


def test_pytest_error_outside_the_tests_is_a_failure(tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<testsuite tests="2" failures="0" errors="0" skipped="0">'
        '<testcase classname="a" name="t1"/><testcase classname="a" name="t2"/></testsuite>'
    )
    counts = sc.pytest_counts(xml, 2)
    assert (counts.passed, counts.failed, counts.skipped) == (2, 1, 0)
    assert sc.pytest_counts(xml, 5).failures == ["no tests collected"]
    assert sc.pytest_counts(tmp_path / "none.xml", 3).failed == 1


def test_twister_counts_and_counts_file(tmp_path: Path) -> None:
    report = tmp_path / "twister.json"
    ok = {"status": "passed", "testcases": [{"status": "passed"}, {"status": "skipped"}]}
    suites = [
        {"name": "s.run", "platform": "qemu", **ok},
        {"name": "s.build", "platform": "nrf", "status": "passed", "testcases": []},
        {"name": "s.filtered", "platform": "x", "status": "filtered"},
        {"name": "s.broken", "platform": "qemu", "status": "error", "reason": "Build failure"},
        {
            "name": "s.fail",
            "platform": "qemu",
            "status": "failed",
            "reason": "boom",
            "testcases": [{"identifier": "s.fail.t", "status": "failed"}],
        },
    ]
    report.write_text(json.dumps({"testsuites": suites}))
    counts = sc.twister_counts(report, 1)
    assert (counts.passed, counts.failed, counts.skipped) == (2, 2, 1)
    assert counts.failures == [
        "s.broken on qemu: error (Build failure)",
        "s.fail.t on qemu: failed (boom)",
    ]
    counts.write(tmp_path / "c", tmp_path / "f")
    assert (tmp_path / "c").read_text() == "2 2 1\n"
    assert len((tmp_path / "f").read_text().splitlines()) == 2


def test_conditionals_before_else_and_case_move_out_one_level() -> None:
    before = (
        "    switch (x) {\n"
        "        case 1:\n"
        "            break;\n"
        "            #if A\n"
        "        case 2:\n"
        "            break;\n"
        "            #endif\n"
        "    }\n"
        "    #if B\n"
        "    f();\n"
        "    #endif\n"
    )
    after = cf.fix_conditionals(before, "x.c")
    lines = after.splitlines()
    assert lines[3] == "        #if A" and lines[6] == "        #endif"
    assert lines[8] == "    #if B" and lines[10] == "    #endif"


def test_unbalanced_conditional_is_an_error() -> None:
    with pytest.raises(cf.FormatError):
        cf.fix_conditionals("    #endif\n", "x.c")
