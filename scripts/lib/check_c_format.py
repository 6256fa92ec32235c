#!/usr/bin/env python3
"""Check the project's C against MicroPython's own formatting (uncrustify).

Usage: check_c_format.py [--fix] [--micropy-dir DIR] [--diff-lines N] [FILE ...]

The style is MicroPython's: uncrustify 0.72 (0.71 and 0.72 format alike; the
Debian package scripts/lib/setup.sh installs) with the dependency's own
tools/uncrustify.cfg, then the small pass MicroPython's tools/codeformat.py
runs over uncrustify's output (preprocessor conditionals just before a
`} else` or `case` line move out by one level, with their #elif/#else/#endif).
The configuration is read from the MicroPython checkout of the west workspace
(--micropy-dir, else $MICROPY_DIR, else ../modules/lib/micropython from the
repository), never copied here.

Files: the port (zephyr_port/**), the C modules of the test and benchmark
firmware (tests/firmware/hooks, tests/firmware/repl, bench/firmware) and the
C that codegen/ renders, as its golden files for the fixture boards
(tests/codegen/golden/*/: tests/codegen/test_golden.py keeps them equal to
what the templates render); not the qstr lists qstrdefs*.h, which are not C.
FILE arguments check those files instead.

Without --fix: prints each file that differs with the start of its diff and
exits 1 (0 when all are formatted). With --fix: rewrites the files that
differ, except the golden files, whose template is to change instead (it says
which), then `pytest tests/codegen --update-golden`.
Exit 2: uncrustify or the configuration is missing, or uncrustify failed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Globs relative to the repository root.
SOURCES = (
    "zephyr_port/**/*.[ch]",
    "tests/firmware/hooks/*.[ch]",
    "tests/firmware/repl/*.[ch]",
    "bench/firmware/*.[ch]",
)
GENERATED = "tests/codegen/golden/*/*.[ch]"
# qstr lists are not C (uncrustify would turn Q(/flash) into Q(/ flash));
# MicroPython's carry a `// *FORMAT-OFF*` line instead.
NOT_C = "qstrdefs*.h"
TEMPLATES = "codegen/src/uevent_codegen/templates"

# uncrustify's version MicroPython's configuration is written for.
UNCRUSTIFY_VERSIONS = ("0.71", "0.72")

# A preprocessor conditional indented by spaces (codeformat.py's pattern).
CONDITIONAL = re.compile(r"( +)#(if |ifdef |ifndef |elif |else|endif)")
OPENERS = ("if ", "ifdef ", "ifndef ")
# The lines before which an opening conditional moves out one level.
DEDENT_BEFORE = re.compile(r" +(} else |case )")
LEVEL = 4


class FormatError(Exception):
    """uncrustify failed, or its output has an unbalanced conditional."""


@dataclass(frozen=True)
class Result:
    """A file and its text as MicroPython's style has it."""

    path: Path
    text: str
    formatted: str

    @property
    def differs(self) -> bool:
        return self.text != self.formatted

    def diff(self) -> list[str]:
        name = shown_path(self.path)
        return list(
            difflib.unified_diff(
                self.text.splitlines(keepends=True),
                self.formatted.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
                n=1,
            )
        )


def shown_path(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def source_files() -> list[Path]:
    """The C files the check covers, hand-written and generated."""
    files: set[Path] = set()
    for pattern in (*SOURCES, GENERATED):
        files.update(p for p in ROOT.glob(pattern) if p.is_file() and not p.match(NOT_C))
    return sorted(files)


def is_generated(path: Path) -> bool:
    return path.resolve().match(str(ROOT / GENERATED))


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def fix_conditionals(text: str, name: str) -> str:
    """MicroPython's pass after uncrustify, in our words.

    uncrustify indents a preprocessor conditional like the line before it;
    MicroPython wants an #if/#ifdef/#ifndef that sits right before a
    `} else ...` or `case ...` line one level out (the indentation of that
    line), and its #elif/#else/#endif at the same column as the opener.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    # Per open conditional: the column its lines move to, or None to stay.
    open_columns: list[int | None] = []
    for i, line in enumerate(lines):
        m = CONDITIONAL.match(line)
        if m:
            indent = len(m.group(1))
            if m.group(2) in OPENERS:
                following = lines[i + 1] if i + 1 < len(lines) else ""
                if indent_of(following) == indent - LEVEL and DEDENT_BEFORE.match(following):
                    open_columns.append(indent - LEVEL)
                    line = line[LEVEL:]
                else:
                    open_columns.append(None)
            else:
                if not open_columns:
                    raise FormatError(f"{name}:{i + 1}: #{m.group(2).strip()} without its #if")
                column = open_columns[-1]
                if column is not None:
                    line = line[indent - column :]
                if m.group(2) == "endif":
                    open_columns.pop()
        out.append(line)
    if open_columns:
        raise FormatError(f"{name}: an indented #if has no #endif")
    return "".join(out)


def find_micropython(given: Path | None) -> Path:
    if given is not None:
        return given
    if os.environ.get("MICROPY_DIR"):
        return Path(os.environ["MICROPY_DIR"])
    return ROOT.parent / "modules" / "lib" / "micropython"


def check_uncrustify() -> str | None:
    """Why uncrustify cannot be used, or None."""
    exe = shutil.which("uncrustify")
    if exe is None:
        return "uncrustify is not installed (scripts/lib/setup.sh installs it: source it, ue_setup)"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    version = out.stdout.strip()
    if not any(f"-{v}" in version for v in UNCRUSTIFY_VERSIONS):
        print(
            f"warning: {version}: MicroPython's configuration is for uncrustify "
            f"{' or '.join(UNCRUSTIFY_VERSIONS)}; newer versions format differently",
            file=sys.stderr,
        )
    return None


def format_files(files: list[Path], config: Path) -> list[Result]:
    """Each file's text and its text formatted (files are not touched)."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="c-format-") as tmp:
        copies = [Path(tmp) / f"{n:04d}{path.suffix}" for n, path in enumerate(files)]
        for path, copy in zip(files, copies, strict=True):
            shutil.copyfile(path, copy)
        for start in range(0, len(copies), 100):
            batch = [str(c) for c in copies[start : start + 100]]
            run = subprocess.run(
                ["uncrustify", "-c", str(config), "-lC", "--no-backup", "-q", *batch],
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode != 0:
                raise FormatError(f"uncrustify failed ({run.returncode}): {run.stderr.strip()}")
        for path, copy in zip(files, copies, strict=True):
            formatted = fix_conditionals(copy.read_text(encoding="utf-8"), str(path))
            results.append(Result(path, path.read_text(encoding="utf-8"), formatted))
    return results


def template_of(path: Path) -> str:
    return f"{TEMPLATES}/{path.name}.j2"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fix", action="store_true", help="rewrite the files that differ")
    ap.add_argument("--micropy-dir", type=Path, help="MicroPython (default: $MICROPY_DIR)")
    ap.add_argument("--diff-lines", type=int, default=12, help="diff lines shown per file")
    ap.add_argument("files", nargs="*", type=Path, help="default: all of the project's C")
    args = ap.parse_args(argv)

    config = find_micropython(args.micropy_dir) / "tools" / "uncrustify.cfg"
    if not config.is_file():
        print(f"error: no {config} (give --micropy-dir or set MICROPY_DIR)", file=sys.stderr)
        return 2
    why = check_uncrustify()
    if why is not None:
        print(f"error: {why}", file=sys.stderr)
        return 2

    files = [p.resolve() for p in args.files] or source_files()
    try:
        results = format_files(files, config)
    except (FormatError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    differing = [r for r in results if r.differs]
    lines = 0
    for result in differing:
        diff = result.diff()
        changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
        lines += changed
        note = ""
        if is_generated(result.path):
            note = f" (generated: fix {template_of(result.path)})"
        elif args.fix:
            result.path.write_text(result.formatted, encoding="utf-8")
            note = " (fixed)"
        print(f"{shown_path(result.path)}: {changed} lines differ{note}")
        shown = diff[: args.diff_lines]
        sys.stdout.writelines(f"    {d}" if d.endswith("\n") else f"    {d}\n" for d in shown)
        if len(diff) > len(shown):
            print(f"    ... {len(diff) - len(shown)} more diff lines")
    print(
        f"c-format: {len(results)} files, {len(differing)} differ from MicroPython's style"
        f" ({lines} diff lines), uncrustify with {config}"
    )
    if not differing:
        return 0
    if args.fix:
        generated = [r for r in differing if is_generated(r.path)]
        if generated:
            print(
                "generated files differ: change their templates, then run "
                "`pytest tests/codegen --update-golden`",
                file=sys.stderr,
            )
            return 1
        return 0
    print("to format them: scripts/lib/check_c_format.py --fix", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
