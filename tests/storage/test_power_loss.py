"""Power loss: littlefs on native_sim's file-backed flash, killed mid-write.

A script rewrites one file in a loop, each version a different length and
content; the process gets SIGKILL at a chosen moment (the flash file is
memory-mapped, so it keeps exactly what was written up to then, as a flash
chip keeps what was programmed when the power went). After each restart on
the same flash file:

- /flash mounts without being formatted again;
- the file holds one complete version: the last one the script reported
  written, or a later one (never a mix, never an older one);
- os.statvfs is sane and the filesystem still takes a new file.

The kill points spread over the write cycle: after 0 to 3 reported writes,
plus a delay drawn from the time one write takes (seeded: the same run
every time). docs/filesystem.md reports the number.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import time
from pathlib import Path

from pty_repl import PtyRepl

KILL_POINTS = 400
SEED = 14

# One version of the file: 3 to 9 KB, so the versions span one to three
# 4 KB blocks.
BODY = """
def body(i):
    return '%d:' % i + ('%07d,' % i) * (400 + 700 * (i % 3))
"""

WRITER = (
    BODY
    + """
i = {start}
while True:
    i += 1
    with open('data.txt', 'w') as f:
        f.write(body(i))
    print('wrote', i)
"""
)

# Versions 1 to TIMED_WRITES, timed by the host: native_sim's own clock
# stands still while its CPU is busy.
TIMED_WRITES = 200
TIMING = (
    BODY
    + f"""
for i in range(1, {TIMED_WRITES + 1}):
    with open('data.txt', 'w') as f:
        f.write(body(i))
"""
)

CHECK = (
    BODY
    + """
import os
try:
    text = open('data.txt').read()
except OSError as e:
    text = 'missing %d' % e.errno
head = text.split(':', 1)[0]
ok = head.isdigit() and text == body(int(head))
print('version', head if ok else 'TORN', len(text))
s = os.statvfs('/flash')
print('statvfs', s[0], s[2], s[3])
with open('probe.txt', 'w') as f:
    f.write('after %s' % head)
print('probe', open('probe.txt').read() == 'after %s' % head)
print('files', sorted(os.listdir()))
"""
)


class Board:
    """native_sim's port on a flash file; its console on a pty."""

    def __init__(self, exe: Path, flash: Path) -> None:
        self.proc = subprocess.Popen(
            [str(exe), f"--flash={flash}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            self.repl, self.banner = self._connect()
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise

    def _connect(self) -> tuple[PtyRepl, str]:
        assert self.proc.stdout is not None
        boot = b""
        while b"pseudotty" not in boot:
            line = self.proc.stdout.readline()
            assert line, f"native_sim exited: {boot!r}"
            boot += line
        device = re.search(rb"(/dev/pts/\d+)", boot)
        assert device, boot
        repl = PtyRepl(device.group(1).decode())
        # What the firmware says before the REPL (formatting, mount errors).
        banner = repl.read_until(b">>> ", 20).decode(errors="replace")
        repl.enter_raw()
        return repl, banner

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.repl.close()


def check(board: Board) -> tuple[int, str]:
    """The version in data.txt and the check's output; AssertionError when the
    file is missing or torn, or the filesystem is not sane."""
    out = board.repl.run(CHECK)
    m = re.search(r"^version (\d+) ", out, re.MULTILINE)
    assert m, f"data.txt holds no complete version:\n{out}"
    assert "probe True" in out, out
    bsize, blocks, free = (int(x) for x in re.search(r"statvfs (\d+) (\d+) (\d+)", out).groups())  # type: ignore[union-attr]
    assert bsize == 4096 and blocks == 128 and 0 < free < blocks, out
    assert re.search(r"files \['data.txt', 'probe.txt'\]", out), out
    return int(m.group(1)), out


def start_writes(exe: Path, flash: Path) -> tuple[Board, float]:
    """A fresh flash file with version TIMED_WRITES in data.txt, the board
    restarted on it, and how long one write takes (by the host's clock)."""
    board = Board(exe, flash)
    assert "formatting" in board.banner, board.banner  # a blank flash file
    start = time.monotonic()
    board.repl.run(TIMING)
    period = (time.monotonic() - start) / TIMED_WRITES
    board.kill()
    return Board(exe, flash), period


def kill_while_writing(
    board: Board, writer: str, start: int, rng: random.Random, period: float
) -> int:
    """Start `writer` from version `start`, kill the board after 0 to 3
    reported writes plus a delay up to one write; the last version reported."""
    board.repl.start(writer.format(start=start))
    writes, last = rng.randrange(4), start
    while last < start + writes:
        for line in board.repl.read_lines(5):
            if line.startswith(b"wrote"):
                last = int(line.split()[1])
    time.sleep(rng.uniform(0, period))
    for line in board.repl.read_lines(0):
        if line.startswith(b"wrote"):
            last = int(line.split()[1])
    board.kill()
    return last


def test_power_loss(native_sim_exe: Path, tmp_path: Path) -> None:
    flash = tmp_path / "flash.bin"
    rng = random.Random(SEED)
    board, period = start_writes(native_sim_exe, flash)
    version, _ = check(board)
    assert version == TIMED_WRITES
    outcomes = {"old": 0, "new": 0}
    try:
        for point in range(KILL_POINTS):
            assert "formatting" not in board.banner and "not mounted" not in board.banner, (
                board.banner
            )
            last = kill_while_writing(board, WRITER, version, rng, period)
            board = Board(native_sim_exe, flash)
            version, out = check(board)
            # Later versions than the last one reported: their lines were
            # still on the way through the pty when the process died.
            assert version >= last, f"kill point {point}: last reported {last}\n{out}"
            outcomes["old" if version == last else "new"] += 1
    finally:
        board.kill()
    print(
        f"power loss: {KILL_POINTS} kill points, one write {period * 1000:.2f} ms, the file was "
        f"the last reported version {outcomes['old']} times, a later one {outcomes['new']} times"
    )


# The same kills on a writer that commits each version in two halves (a
# flush in the middle): the check must see torn files, or it could not
# see them above either.
TWO_STEP_WRITER = WRITER.replace(
    "        f.write(body(i))",
    "        b = body(i)\n        f.write(b[:1000])\n        f.flush()\n        f.write(b[1000:])",
)
CONTROL_KILL_POINTS = 40


def test_power_loss_check_sees_torn_files(native_sim_exe: Path, tmp_path: Path) -> None:
    flash = tmp_path / "flash.bin"
    rng = random.Random(SEED)
    board, period = start_writes(native_sim_exe, flash)
    version, torn = TIMED_WRITES, 0
    try:
        for _ in range(CONTROL_KILL_POINTS):
            kill_while_writing(board, TWO_STEP_WRITER, version, rng, period)
            board = Board(native_sim_exe, flash)
            try:
                version, _ = check(board)
            except AssertionError:
                torn += 1
                board.repl.run("import os; os.remove('data.txt')")
                version = 0
    finally:
        board.kill()
    assert torn > 0, (
        f"no torn file in {CONTROL_KILL_POINTS} kills of a writer that commits half versions"
    )
    print(
        f"control: {torn} torn files in {CONTROL_KILL_POINTS} kills "
        "of a writer that commits half versions"
    )
