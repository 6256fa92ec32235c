"""scripts/lib/doc_commands.py: finding the docs' QEMU commands and matching
what they print (the run itself is scripts/test's docs stage)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "doc_commands", ROOT / "scripts" / "lib" / "doc_commands.py"
)
assert _spec is not None and _spec.loader is not None
dc = importlib.util.module_from_spec(_spec)
sys.modules["doc_commands"] = dc
_spec.loader.exec_module(dc)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "doc.md").write_text(text)
    return Path("doc.md")


def test_fenced_and_indented_blocks_with_markers(tmp_path: Path) -> None:
    doc = write(
        tmp_path,
        "Intro.\n\n<!-- doc-test: run from=repo -->\n\n    scripts/run-qemu x.py\n\n"
        "<!-- doc-test: output -->\n```\nhello\n```\n\n```\nwest build -b qemu_x app\n```\n",
    )
    blocks = dc.parse(tmp_path, doc)
    assert [(b.kind, b.text) for b in blocks] == [
        ("run", ["scripts/run-qemu x.py"]),
        ("output", ["hello"]),
        (None, ["west build -b qemu_x app"]),
    ]
    assert blocks[0].options() == {"from": "repo"}
    assert blocks[2].where() == "doc.md:13"


def test_a_marker_covers_only_the_next_block(tmp_path: Path) -> None:
    doc = write(tmp_path, "<!-- doc-test: run -->\n\nSome text.\n\n    west build -t run\n")
    assert [b.kind for b in dc.parse(tmp_path, doc)] == [None]


def test_commands_join_continuations_and_drop_comments_and_output() -> None:
    block = dc.Block(
        Path("d.md"),
        1,
        [
            "west build -b qemu_cortex_m3 -d b app \\",
            "    -- -DX=1   # a comment",
            "# a comment line",
            "button_led: ready",
            "scripts/run-qemu   # REPL",
        ],
    )
    assert block.commands() == [
        "west build -b qemu_cortex_m3 -d b app -- -DX=1",
        "scripts/run-qemu",
    ]


def test_unmarked_qemu_commands_are_problems(tmp_path: Path) -> None:
    doc = write(
        tmp_path,
        "```\nwest build -b qemu_cortex_m3 app\n```\n\n"
        "```\nwest build -b nrf52840dk_nrf52840 app\n```\n\n"
        "Or `scripts/run-qemu mps2_an385`, see `scripts/run-qemu`.\n\n"
        "<!-- doc-test: not-run -->\n```\nwest build -t run\n```\n",
    )
    problems = dc.problems(tmp_path, doc)
    assert len(problems) == 3, problems
    assert problems[0].startswith("doc.md:2: a QEMU command with no doc-test marker")
    assert "needs a reason" in problems[1]
    assert problems[2] == "doc.md:9: `scripts/run-qemu mps2_an385` is in no doc-test: run block"


def test_inline_command_in_a_run_block_is_covered(tmp_path: Path) -> None:
    doc = write(
        tmp_path,
        "<!-- doc-test: run -->\n```\nscripts/run-qemu mps2_an385\n```\n\n"
        "As said, `scripts/run-qemu mps2_an385`.\n",
    )
    assert dc.problems(tmp_path, doc) == []


def test_the_repository_docs_mark_every_qemu_command() -> None:
    problems = [e for p in dc.markdown_files(ROOT) for e in dc.problems(ROOT, p)]
    assert problems == []


def test_output_lines_allow_gaps() -> None:
    assert dc.line_pattern("took ... ms").fullmatch("took 20 ms")
    assert not dc.line_pattern("took ... ms").fullmatch("took 20 s")
    assert dc.line_pattern("a (b) [c]").fullmatch("a (b) [c]")
    assert dc.expected_lines(["x", "...", "", "y  "]) == ["x", "y"]


def test_interactive_detection() -> None:
    assert dc.is_interactive("west build -d build/x -t run")
    assert not dc.is_interactive("west build -b qemu_cortex_m3 app")
    assert dc.is_interactive("scripts/run-qemu mps2_an385")
    assert not dc.is_interactive("scripts/run-qemu hello.py")


FAKE_REPL = r"""
import sys
print("banner", flush=True)
while True:
    sys.stdout.write(">>> "); sys.stdout.flush()
    line = b""
    while not line.endswith(b"\r"):
        c = sys.stdin.buffer.read(1)
        if not c:
            sys.exit(0)
        if c == b"\x03":
            print("\nKeyboardInterrupt", flush=True)
            line = b""
            break
        line += c
    if line:
        text = line.decode().strip()
        print(text, flush=True)
        print(eval(text), flush=True)
"""


def session(tmp_path: Path) -> dc.Session:
    return dc.Session.start([sys.executable, "-c", FAKE_REPL], tmp_path / "log")


def test_session_types_at_the_prompt_and_matches_in_order(tmp_path: Path) -> None:
    s = session(tmp_path)
    try:
        assert (
            s.expect(["banner", ">>> 6*7", "42", ">>> 1+1", "2", "^C", "KeyboardInterrupt"], 10)
            is None
        )
        assert s.expect(["43"], 0.5) == "no line '43' within 0 s"
    finally:
        s.stop()
    assert b"banner" in (tmp_path / "log").read_bytes()


def test_session_matches_a_bare_prompt(tmp_path: Path) -> None:
    # An output block may end on the prompt the REPL shows (no newline yet).
    s = session(tmp_path)
    try:
        assert s.expect(["banner", ">>> "], 10) is None
        assert s.expect([">>> 6*7", "42", ">>>"], 10) is None
    finally:
        s.stop()


def test_session_reports_an_early_end(tmp_path: Path) -> None:
    s = dc.Session.start(["bash", "-c", "echo one"], tmp_path / "log")
    try:
        assert s.expect(["one", "two"], 10) == "the command ended before printing 'two'"
    finally:
        s.stop()


def run_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, offline: str | None = None
) -> tuple[int, list[str]]:
    """Runs doc.md's blocks, from=empty ones under tmp_path/empty, from a
    shell that has the project's set-up (ZEPHYR_BASE)."""
    monkeypatch.setenv("ZEPHYR_BASE", "/somewhere/zephyr")
    doc = write(tmp_path, text)
    return dc.run(tmp_path, tmp_path / "ws", tmp_path / "logs", [doc], tmp_path / "empty", offline)


def test_from_empty_carries_cd_and_export_over_and_starts_bare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passed, failed = run_empty(
        tmp_path,
        monkeypatch,
        "<!-- doc-test: run from=empty -->\n\n    mkdir a && cd a\n    export GREETING=hello\n\n"
        "Text.\n\n<!-- doc-test: run from=empty -->\n\n"
        '    echo "$GREETING from $(basename "$PWD"), ${ZEPHYR_BASE:-no zephyr}"\n\n'
        "<!-- doc-test: output -->\n\n    hello from a, no zephyr\n",
    )
    assert (passed, failed) == (4, [])
    assert (tmp_path / "empty" / "doc" / "a").is_dir()


def test_from_empty_output_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passed, failed = run_empty(
        tmp_path,
        monkeypatch,
        "<!-- doc-test: run from=empty -->\n\n    export GREETING=hello\n\n"
        "<!-- doc-test: run from=empty -->\n\n    echo ${GREETING}x\n\n"
        "<!-- doc-test: output -->\n\n    byex\n",
    )
    assert passed == 2 and len(failed) == 1 and "did not print 'byex'" in failed[0]


def test_west_update_runs_offline_when_asked_and_subst_is_repeatable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passed, failed = run_empty(
        tmp_path,
        monkeypatch,
        "<!-- doc-test: run from=empty subst=<a>=>1 subst='<b c>=>\"$UE_DOC_REPO\"' -->\n\n"
        "    west update\n    echo <a> <b c>\n\n"
        "<!-- doc-test: output -->\n\n    1 " + str(tmp_path) + "\n",
        offline="echo offline",
    )
    assert (passed, failed) == (3, [])
    log = (tmp_path / "logs" / "doc" / "01.log").read_text()
    assert log.strip() == "offline --update"


def test_an_empty_folder_must_lie_outside_any_workspace(tmp_path: Path) -> None:
    (tmp_path / "ws" / ".west").mkdir(parents=True)
    assert dc.workspace_above(tmp_path / "ws" / "x" / "y") == tmp_path / "ws"
    assert dc.workspace_above(tmp_path / "elsewhere") is None


def test_unknown_from_is_a_problem(tmp_path: Path) -> None:
    doc = write(tmp_path, "<!-- doc-test: run from=laptop -->\n\n    west build -b qemu_x a\n")
    assert dc.problems(tmp_path, doc) == ["doc.md:3: from= must be workspace, repo or empty"]


def test_python_blocks_need_a_marker_and_excerpts_must_match(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import x\n\ndef f():\n    a = 1\n    b = 2\n    return a\n")
    doc = write(
        tmp_path,
        "```python\nprint(1)\n```\n\n"
        "<!-- doc-test: excerpt of=app.py -->\n```python\nimport x\n...\n    a = 1\n"
        "    return a\n```\n\n"
        "<!-- doc-test: excerpt of=app.py -->\n```python\nb = 2\na = 1\n```\n\n"
        "<!-- doc-test: excerpt of=nothing.py -->\n```python\nimport x\n```\n\n"
        "<!-- doc-test: not-run because a fragment -->\n```python\nawait x\n```\n",
    )
    assert dc.problems(tmp_path, doc) == [
        "doc.md:2: a Python block with no doc-test marker "
        "(snippet, excerpt of=FILE, or not-run because ...)",
        "doc.md:15: 'a = 1' is not in app.py (after line 5)",
        "doc.md:21: excerpt of=FILE names no file of the repository",
    ]
