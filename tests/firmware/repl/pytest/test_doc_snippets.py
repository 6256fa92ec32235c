"""The Python snippets of the docs, run on the QEMU test firmware.

A ```python block after ``<!-- doc-test: snippet ... -->`` (docs/README.md,
"Commands in the docs") runs here as the docs show it, with:

- ``board=B``: only on board B (the names it uses exist there);
- ``map=OLD=>NEW`` (repeatable): the devkit's name "OLD" is "NEW" here;
- ``press=NAME``: while it runs, a soft Timer presses and releases the
  emulated button NAME every 150 ms (``_uevent_test.set_input``, the real
  GPIO interrupt path);
- ``expect=TEXT`` (repeatable): the lines it must print, in order; a
  snippet that runs forever (a loop) is stopped with Ctrl-C after the last.

With no ``expect``, the snippet must end without an exception. Blocks that
cannot run say why in a ``doc-test: not-run`` marker, and an excerpt of a
sample is checked against the sample's file by the host test tests/docs.
"""

from __future__ import annotations

import importlib
import re
import shlex
import sys
from pathlib import Path

import pytest

from conftest import build_board
from raw_repl import RawRepl

ROOT = Path(__file__).resolve().parents[4]
# The docs' parser is scripts/lib/doc_commands.py's (the docs stage's).
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
doc_commands = importlib.import_module("doc_commands")

SNIPPETS = [
    block
    for path in doc_commands.markdown_files(ROOT)
    for block in doc_commands.parse(ROOT, path)
    if block.kind == "snippet"
]

PRESS_PERIOD_MS = 150


def words(block) -> list[tuple[str, str]]:
    """The marker's key=value words, in order (keys repeat)."""
    found = []
    for word in shlex.split(block.marker or "")[1:]:
        key, _, value = word.partition("=")
        found.append((key, value))
    return found


def program(block) -> str:
    """The snippet with the board's names and the button presser."""
    source = "\n".join(block.text) + "\n"
    prelude = ""
    for key, value in words(block):
        if key == "map":
            old, _, new = value.partition("=>")
            source = source.replace(f'"{old}"', f'"{new}"')
        elif key == "press":
            prelude += (
                "import machine as _doc_m, _uevent_test as _doc_t\n"
                "_doc_level = [1]\n"
                "def _doc_press(_):\n"
                "    _doc_level[0] ^= 1\n"
                f"    _doc_t.set_input({value!r}, _doc_level[0])\n"
                f"_doc_timer = _doc_m.Timer(-1, period={PRESS_PERIOD_MS}, callback=_doc_press)\n"
            )
    return prelude + source


def test_every_snippet_option_is_known() -> None:
    for block in SNIPPETS:
        for key, _ in words(block):
            assert key in ("board", "map", "press", "expect", "timeout"), (block.where(), key)


@pytest.mark.parametrize("block", SNIPPETS, ids=lambda b: b.where())
def test_doc_snippet(raw_repl: RawRepl, block) -> None:
    options = dict(words(block))
    board = build_board(raw_repl.device)
    if "board" in options and options["board"] != board:
        pytest.skip(f"the names of this snippet are mapped for {options['board']}")
    expects = [value for key, value in words(block) if key == "expect"]
    timeout = float(options.get("timeout", 30))
    code = program(block)
    if not expects:
        result = raw_repl.exec(code, timeout=timeout)
        assert result.error == "", f"{block.where()} raised:\n{result.error}"
        return
    raw_repl.start(code)
    try:
        for text in expects:
            lines = raw_repl.wait_for(f"{re.escape(text)}|Traceback", timeout)
            assert "Traceback" not in lines[-1], (
                f"{block.where()} raised before printing {text!r}:\n" + "\n".join(lines)
            )
    finally:
        raw_repl.interrupt()
