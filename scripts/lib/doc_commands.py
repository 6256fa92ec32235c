"""Run the QEMU commands the documentation shows, and check what they print.

Usage: doc_commands.py check [--root DIR]
       doc_commands.py run --workspace WS [--root DIR] [--results DIR] [--counts FILE]
                       [--file README.md ...]

A code block in a Markdown file of the repository is exercised when an HTML
comment right before it says so (docs/README.md, "Commands in the docs"):

    <!-- doc-test: run from=workspace -->     run the block's commands from the
                                              west workspace folder (the
                                              repository is main/ there),
                                              from=repo (its root) or
                                              from=empty (an empty folder
                                              outside any west workspace,
                                              as on a new laptop)
    <!-- doc-test: output -->                 what the last command before it
                                              prints: every line, in order
                                              ("..." in a line: any text); in
                                              an interactive command's output,
                                              ">>> x" lines are typed at the
                                              prompt and "^C" is Ctrl-C
    <!-- doc-test: not-run because ... -->    a QEMU command or a Python
                                              block left out, and why
    <!-- doc-test: excerpt of=FILE -->        a Python block whose lines are
                                              FILE's, in order
    <!-- doc-test: snippet ... -->            a Python block run on the
                                              QEMU test firmware
                                              (tests/firmware/repl/pytest/
                                              test_doc_snippets.py)

Options of `run`: skip=PREFIX (leave out commands starting with PREFIX),
subst=OLD=>NEW (placeholder in the commands; repeatable; $UE_DOC_REPO in NEW
is the repository's path), timeout=SECONDS (per command).

The from=empty blocks of a file run one after another in one reader's
terminal: `cd`, `export` and `source` carry over to the next command, and
the shell starts with none of the project's set-up (no .venv, no Zephyr or
toolchain variables). On a machine with offline snapshots (--offline-west),
the command `west update` runs as `offline-west --update`.
Interactive commands (`west build ... -t run`, `scripts/run-qemu` with no
script) run until their output block is seen, then are stopped.

`check` fails when a block with a QEMU command (-b qemu_*, -b mps2_*,
-p qemu_*, scripts/run-qemu, west build -t run) or a ```python block has no
marker, so a command or a snippet added to the docs cannot go untested, and
when an excerpt is not its file's.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"^<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
QEMU_COMMAND = re.compile(r"(-[bp]\s+(qemu_|mps2_)|scripts/run-qemu|west build\b.*\s-t\s+run\b)")
COMMAND_START = (
    "west ",
    "scripts/",
    "python3 ",
    "cp ",
    "mkdir ",
    "cd ",
    "echo ",
    "git ",
    "source ",
    "pip ",
    "export ",
    "ls ",
)
# What a reader's new terminal does not have: the project's set-up.
SETUP_VARIABLES = (
    "ZEPHYR_BASE",
    "ZEPHYR_MODULES",
    "ZEPHYR_TOOLCHAIN_VARIANT",
    "GNUARMEMB_TOOLCHAIN_PATH",
    "VIRTUAL_ENV",
    "MICROPY_DIR",
)
INLINE_CODE = re.compile(r"`([^`]+)`")
EXCLUDED_DIRS = {"build", ".venv", ".git", "node_modules"}


@dataclass
class Block:
    path: Path  # relative to the repository
    line: int  # 1-based line of the block's first text line
    text: list[str]
    marker: str | None = None  # the marker's text, e.g. "run from=workspace"
    lang: str = ""  # a fenced block's info string ("python")

    @property
    def kind(self) -> str | None:
        return self.marker.split()[0] if self.marker else None

    def commands(self) -> list[str]:
        """Shell commands of the block: continuation lines joined; prompts,
        comments and output lines left out."""
        cmds: list[str] = []
        pending = ""
        for raw in self.text:
            line = raw.strip()
            line = "" if line.startswith("#") else line.split(" #", 1)[0].rstrip()
            if pending:
                pending += " " + line.rstrip("\\").strip()
                if not line.endswith("\\"):
                    cmds.append(pending)
                    pending = ""
                continue
            if not line.startswith(COMMAND_START):
                continue
            if line.endswith("\\"):
                pending = line.rstrip("\\").strip()
            else:
                cmds.append(line)
        if pending:
            cmds.append(pending)
        return cmds

    def options(self) -> dict[str, str]:
        words = shlex.split(self.marker or "")[1:]
        return dict(w.split("=", 1) for w in words if "=" in w)

    def substitutions(self) -> list[tuple[str, str]]:
        """The subst=OLD=>NEW options, in order."""
        words = shlex.split(self.marker or "")[1:]
        found = [w.split("=", 1)[1] for w in words if w.startswith("subst=")]
        return [(old, new) for old, _, new in (f.partition("=>") for f in found)]

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def markdown_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if not EXCLUDED_DIRS.intersection(rel.parts[:-1]):
            found.append(rel)
    return found


def parse(root: Path, path: Path) -> list[Block]:
    """Fenced and indented code blocks of a Markdown file, with their markers."""
    lines = (root / path).read_text().splitlines()
    blocks: list[Block] = []
    marker: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line.strip())
        if m:
            marker = m.group(1)
            i += 1
            continue
        if line.lstrip().startswith("```"):
            fence_indent = len(line) - len(line.lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("```"):
                j += 1
            body = [t[fence_indent:] for t in lines[i + 1 : j]]
            lang = line.strip()[3:].strip()
            blocks.append(Block(path, i + 2, body, marker, lang))
            marker = None
            i = j + 1
            continue
        prev_blank = i == 0 or not lines[i - 1].strip() or MARKER.match(lines[i - 1].strip())
        if line.startswith("    ") and line.strip() and prev_blank and not _in_list(lines, i):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            while j > i and not lines[j - 1].strip():
                j -= 1
            blocks.append(Block(path, i + 1, [t[4:] for t in lines[i:j]], marker))
            marker = None
            i = j
            continue
        if line.strip():
            marker = None
        i += 1
    return blocks


def _in_list(lines: list[str], i: int) -> bool:
    """An indented paragraph that continues a list item is not code."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j >= 0 and bool(re.match(r"\s*([-*]|\d+\.)\s", lines[j]))


def problems(root: Path, path: Path) -> list[str]:
    """QEMU commands of a Markdown file that no doc-test marker covers."""
    errors = []
    blocks = parse(root, path)
    for block in blocks:
        if block.marker is None and any(QEMU_COMMAND.search(c) for c in block.commands()):
            errors.append(
                f"{block.where()}: a QEMU command with no doc-test marker "
                "(doc-test: run, or doc-test: not-run because ...)"
            )
        elif block.kind not in (None, "run", "output", "not-run", "snippet", "excerpt"):
            errors.append(f"{block.where()}: unknown doc-test marker '{block.marker}'")
        elif block.lang == "python" and block.kind not in ("snippet", "excerpt", "not-run"):
            errors.append(
                f"{block.where()}: a Python block with no doc-test marker "
                "(snippet, excerpt of=FILE, or not-run because ...)"
            )
        elif block.kind == "excerpt":
            errors += excerpt_problems(root, block)
        elif block.kind == "run" and block.options().get("from", "workspace") not in (
            "workspace",
            "repo",
            "empty",
        ):
            errors.append(f"{block.where()}: from= must be workspace, repo or empty")
        elif block.kind == "not-run" and len((block.marker or "").split()) < 3:
            errors.append(f"{block.where()}: doc-test: not-run needs a reason")
    # A command in running text must also be in a block that runs.
    ran = {c for b in blocks if b.kind == "run" for c in b.commands()}
    for number, line in enumerate((root / path).read_text().splitlines(), 1):
        for span in INLINE_CODE.findall(line):
            for cmd in (c.strip() for c in span.split("&&")):
                # (a bare name such as `scripts/run-qemu` names the tool)
                runs = " " in cmd and cmd.startswith(COMMAND_START)
                if runs and QEMU_COMMAND.search(cmd) and cmd not in ran:
                    errors.append(f"{path}:{number}: `{cmd}` is in no doc-test: run block")
    return errors


def excerpt_problems(root: Path, block: Block) -> list[str]:
    """An excerpt's lines must be the file's, in order (indentation aside; a
    line "..." skips any number of the file's lines)."""
    source = block.options().get("of")
    if not source or not (root / source).is_file():
        return [f"{block.where()}: excerpt of=FILE names no file of the repository"]
    lines = [line.strip() for line in (root / source).read_text().splitlines()]
    at = 0
    for want in (t.strip() for t in block.text):
        if not want or want == "...":
            continue
        try:
            at = lines.index(want, at) + 1
        except ValueError:
            return [f"{block.where()}: {want!r} is not in {source} (after line {at})"]
    return []


# --- running -------------------------------------------------------------------


def line_pattern(expected: str) -> re.Pattern[str]:
    """An expected output line; "..." in it stands for any text."""
    return re.compile(".*".join(re.escape(part) for part in expected.rstrip().split("...")))


def expected_lines(text: list[str]) -> list[str]:
    """The lines an output block requires (a line of just "..." is a gap)."""
    return [t.rstrip() for t in text if t.strip() and t.strip() != "..."]


def is_interactive(cmd: str) -> bool:
    words = shlex.split(cmd)
    if words[:2] == ["west", "build"]:
        return "-t" in words and words[words.index("-t") + 1] == "run"
    if words and words[0] == "scripts/run-qemu":
        return not any(w.endswith(".py") for w in words[1:])
    return False


@dataclass
class Session:
    """One interactive command: its output so far, input typed into it."""

    proc: subprocess.Popen[bytes]
    log: Path
    output: bytearray = field(default_factory=bytearray)
    ended: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def start(cls, argv: list[str], log: Path, **popen: object) -> Session:
        """Starts `argv` in a process group of its own, stdin and stdout piped."""
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **popen,  # type: ignore[call-overload]
        )
        session = cls(proc, log)
        session.start_reader()
        return session

    def start_reader(self) -> None:
        def pump() -> None:
            assert self.proc.stdout is not None
            while chunk := self.proc.stdout.read1(4096):
                self.output += chunk
            self.ended.set()

        threading.Thread(target=pump, daemon=True).start()

    def lines(self) -> list[str]:
        text = self.output.decode(errors="replace").replace("\r", "")
        return [line.rstrip() for line in text.split("\n")]

    def expect(self, expected: list[str], timeout: float) -> str | None:
        """Waits until the expected lines appear in order; types '>>> x'
        lines at the next prompt. Returns an error or None."""
        deadline = time.monotonic() + timeout
        cursor = 0  # expected lines match at or after this output line
        for want in expected_lines(expected):
            if want == "^C":  # Ctrl-C, typed once the lines before it showed
                self.type("\x03", end="")
                continue
            typing = want.startswith(">>> ")
            prompt = want == ">>>"  # a bare prompt: the REPL is waiting
            pattern = line_pattern(want)
            while True:
                lines = self.lines()
                last = len(lines) - 1  # the line being printed (no newline yet)
                if prompt and ">>>" in lines[cursor:]:
                    cursor += lines[cursor:].index(">>>") + 1
                    break
                if typing and lines[last] == ">>>" and last >= cursor:
                    self.type(want[4:])
                    cursor = last + 1
                    break
                hit = next((k for k in range(cursor, last) if pattern.fullmatch(lines[k])), None)
                if not typing and hit is not None:
                    cursor = hit + 1
                    break
                if self.ended.is_set():
                    return f"the command ended before printing {want!r}"
                if time.monotonic() > deadline:
                    return f"no line {want!r} within {timeout:.0f} s"
                time.sleep(0.1)
        return None

    def type(self, text: str, end: str = "\r") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((text + end).encode())
        self.proc.stdin.flush()

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.write_bytes(bytes(self.output))


class Terminal:
    """A reader's terminal for from=empty blocks: it starts in an empty folder
    with none of the project's set-up, and each command starts where the one
    before it left (its folder and its environment, so `cd`, `export` and
    `source .venv/bin/activate` carry over)."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.cwd = folder
        env = {k: v for k, v in os.environ.items() if k not in SETUP_VARIABLES}
        venv_bin = str(root / ".venv" / "bin")
        path = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(p for p in path if p != venv_bin)
        env["UE_DOC_REPO"] = str(root)
        # Not a reader's step, and it changes no build product: ccache hashes
        # paths relative to this folder, so the next run's builds hit.
        env["CCACHE_BASEDIR"] = str(folder)
        env["CCACHE_NOHASHDIR"] = "true"
        self.env = env
        self.state = folder.parent / f"{folder.name}.state"

    def script(self, cmd: str) -> str:
        """`cmd`, then the folder and environment it leaves, saved."""
        pwd, env = self.state.with_suffix(".pwd"), self.state.with_suffix(".env")
        save = f"pwd >{shlex.quote(str(pwd))}\nenv -0 >{shlex.quote(str(env))}"
        return f"{cmd}\n__rc=$?\n{save}\nexit $__rc\n"

    def carry_over(self) -> None:
        pwd, env = self.state.with_suffix(".pwd"), self.state.with_suffix(".env")
        if pwd.exists() and env.exists():
            self.cwd = Path(pwd.read_text().strip())
            pairs = (e.split("=", 1) for e in env.read_text().split("\0") if "=" in e)
            self.env = {k: v for k, v in pairs if k not in ("PWD", "OLDPWD", "SHLVL", "_")}
            pwd.unlink()
            env.unlink()


def workspace_above(folder: Path) -> Path | None:
    """The west workspace `folder` lies in (a .west folder above it), if any."""
    for parent in (folder, *folder.parents):
        if (parent / ".west").is_dir():
            return parent
    return None


class Runner:
    """Runs the marked blocks of one Markdown file, as a reader would: from a
    folder of their own in the west workspace (the repository is main/ in it),
    from the repository's root (a folder of links to it, so files the
    commands write stay out of the checkout), or from an empty folder outside
    any workspace (a Terminal)."""

    def __init__(
        self,
        root: Path,
        folder: Path,
        log_dir: Path,
        empty: Path | None = None,
        offline_west: str | None = None,
    ) -> None:
        self.terminal = Terminal(empty, root) if empty is not None else None
        self.offline_west = offline_west
        self.log_dir = log_dir
        self.home = folder / "home"
        self.cwd = {"workspace": folder / "workspace", "repo": folder / "repo"}
        for path in (self.home, *self.cwd.values(), log_dir):
            path.mkdir(parents=True, exist_ok=True)
        (self.cwd["workspace"] / "main").symlink_to(root)
        for entry in root.iterdir():
            if entry.name not in ("build", ".git"):
                (self.cwd["repo"] / entry.name).symlink_to(entry)
        # From the workspace, as a reader's shell: west finds Zephyr itself.
        workspace_env = {k: v for k, v in os.environ.items() if k != "ZEPHYR_BASE"}
        self.env = {"workspace": workspace_env, "repo": dict(os.environ)}
        self.count = 0
        self.passed = 0
        self.failed: list[str] = []
        self.session: Session | None = None
        self.last = ""  # the last command, for messages
        self.last_output: list[str] = []

    def command(self, block: Block, cmd: str, options: dict[str, str]) -> None:
        where = options.get("from", "workspace")
        for old, new in block.substitutions():
            cmd = cmd.replace(old, new)
        cmd = re.sub(r"(^|\s)~/", rf"\g<1>{self.home}/", cmd)
        if cmd == "west update" and self.offline_west:
            cmd = f"{self.offline_west} --update"  # this machine has no network
        self.finish_session()
        self.count += 1
        log = self.log_dir / f"{self.count:02d}.log"
        self.last = f"{block.where()}: {cmd} (log: {log})"
        self.last_output = []
        print(f"doc-test: {block.where()}: ({where}) {cmd}", flush=True)
        argv = ["bash", "-c", cmd]
        cwd, env = self.cwd.get(where), self.env.get(where)
        if where == "empty":
            if self.terminal is None:
                self.record(False, f"{self.last}: from=empty needs doc_commands.py --empty")
                return
            argv = ["bash", "-c", self.terminal.script(cmd)]
            cwd, env = self.terminal.cwd, self.terminal.env
        if is_interactive(cmd):
            self.session = Session.start(argv, log, cwd=cwd, env=env)
            return
        try:
            proc = subprocess.run(
                argv,
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=float(options.get("timeout", 900)),
                check=False,
            )
            rc, out = proc.returncode, proc.stdout
        except subprocess.TimeoutExpired as e:
            rc, out = "a timeout", e.stdout or b""
        if where == "empty" and self.terminal is not None:
            self.terminal.carry_over()
        log.write_bytes(out)
        self.last_output = [line.rstrip() for line in out.decode(errors="replace").splitlines()]
        self.record(rc == 0, f"{self.last}: exited with {rc}")

    def output(self, block: Block) -> None:
        timeout = float(block.options().get("timeout", 900))
        if self.session is not None:
            error = self.session.expect(block.text, timeout)
            self.finish_session()
        elif self.last:
            lines = iter(self.last_output)
            missing = [
                want
                for want in expected_lines(block.text)
                if not any(line_pattern(want).fullmatch(line) for line in lines)
            ]
            error = f"it did not print {missing[0]!r}" if missing else None
        else:
            error = "an output block with no command before it"
        self.record(error is None, f"{self.last or block.where()}: {error}")

    def finish_session(self) -> None:
        if self.session is not None:
            self.session.stop()
            self.session = None

    def record(self, ok: bool, failure: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed.append(failure)
            print(f"doc-test: FAILED {failure}", flush=True)


def run(
    root: Path,
    workspace: Path,
    log_dir: Path,
    only: list[Path],
    empty: Path | None = None,
    offline_west: str | None = None,
) -> tuple[int, list[str]]:
    """Runs the marked blocks of every Markdown file (or of those in `only`);
    each file gets its own folders under `workspace` (which must lie inside
    the west workspace) and under `empty` (which must not)."""
    passed, failed = 0, []
    for path in markdown_files(root):
        if only and path not in only:
            continue
        blocks = [b for b in parse(root, path) if b.kind in ("run", "output")]
        if not blocks:
            continue
        slug = str(path.with_suffix("")).replace("/", "-")
        folder = None
        if empty is not None and any(b.options().get("from") == "empty" for b in blocks):
            folder = empty / slug
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        runner = Runner(root, workspace / slug, log_dir / slug, folder, offline_west)
        try:
            for block in blocks:
                if block.kind == "output":
                    runner.output(block)
                    continue
                options = block.options()
                for cmd in block.commands():
                    if not ("skip" in options and re.search(options["skip"], cmd)):
                        runner.command(block, cmd, options)
        finally:
            # Also when this script is stopped: no QEMU left running.
            runner.finish_session()
        passed += runner.passed
        failed += runner.failed
    return passed, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["check", "run"])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--workspace", type=Path, help="a folder inside the west workspace")
    ap.add_argument("--results", type=Path, default=Path("build/doc-test"))
    ap.add_argument("--counts", type=Path, help="write 'passed failed skipped' here")
    ap.add_argument("--file", type=Path, action="append", default=[], help="only this file")
    ap.add_argument("--empty", type=Path, help="a folder outside any west workspace (from=empty)")
    ap.add_argument("--offline-west", help="run `west update` as this offline-west --update")
    args = ap.parse_args()
    # A SIGTERM (a timeout around this script) unwinds like Ctrl-C, so the
    # interactive command being checked is stopped with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = args.root.resolve()
    errors = [e for p in markdown_files(root) for e in problems(root, p)]
    for error in errors:
        print(f"doc-test: {error}")
    if args.action == "check":
        return 1 if errors else 0
    if args.workspace is None:
        ap.error("run needs --workspace")
    empty = args.empty.resolve() if args.empty else None
    if empty is not None and (above := workspace_above(empty)) is not None:
        ap.error(f"--empty {empty} lies in the west workspace {above}")
    passed, failures = run(
        root,
        args.workspace.resolve(),
        args.results.resolve(),
        args.file,
        empty,
        args.offline_west,
    )
    failed = len(failures) + len(errors)
    for failure in failures:
        print(f"doc-test: FAILED {failure}")
    print(f"doc-test: {passed} passed, {failed} failed")
    if args.counts:
        args.counts.write_text(f"{passed} {failed} 0\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
