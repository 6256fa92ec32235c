"""docs/filesystem.md's "When /flash does not mount", run as written: the
three command blocks marked ``<!-- storage-test: NAME -->`` there, with
the real mpremote against mps2_an385 in QEMU (issue 31, point 1).

On a /flash whose folder's metadata block is damaged (the boot then
mounts nothing): "save" copies the partition to the host, and the image
holds the data of the root's file; the image, its damaged block repaired
on the host, written back by "restore", gives every file back; "start
again" leaves an empty /flash.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_boot_storage import CHECK, DAMAGE, SETUP

from boards import REPO, Board, build


def doc_blocks() -> dict[str, list[str]]:
    """The commands of each marked block of docs/filesystem.md."""
    lines = (REPO / "docs" / "filesystem.md").read_text().splitlines()
    blocks: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        m = re.match(r"\s*<!-- storage-test: (\S+) -->", line)
        if not m:
            continue
        j = i + 1
        while not lines[j].strip():
            j += 1
        commands = []
        while j < len(lines) and lines[j].startswith("       "):
            commands.append(lines[j].strip())
            j += 1
        blocks[m.group(1)] = commands
    return blocks


@pytest.fixture
def qemu() -> Iterator[str]:
    """The plain port on mps2_an385, blank /flash; its console's pty."""
    board = Board("mps2_an385", build("mps2_an385"), connect=False)
    try:
        yield board.device
    finally:
        board.kill()


def mpremote(device: str, *args: str, cwd: Path | None = None) -> str:
    cmd = [sys.executable, "-m", "mpremote", "connect", device, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


def run_block(device: str, commands: list[str], cwd: Path) -> None:
    for line in commands:
        args = shlex.split(line)
        assert args[0] == "mpremote", line
        mpremote(device, *args[1:], cwd=cwd)


def damage(device: str) -> dict[int, bytes]:
    """The folder's metadata blocks damaged; their contents before."""
    blocks: dict[int, str] = {}
    current = -1
    for line in mpremote(device, "exec", DAMAGE).splitlines():
        if line.startswith("block "):
            current = int(line.split()[1])
            blocks[current] = ""
        elif line.startswith("hex "):
            blocks[current] += line.split()[1]
    assert blocks
    return {b: bytes.fromhex(text) for b, text in blocks.items()}


def test_recovery_steps(qemu: str, tmp_path: Path) -> None:
    blocks = doc_blocks()
    assert set(blocks) == {"save", "restore", "start-again"}, blocks
    assert "setup ['keep.bin', 'sub']" in mpremote(qemu, "exec", SETUP)
    good = damage(qemu)
    mpremote(qemu, "soft-reset")
    assert "mounted False" in mpremote(qemu, "exec", CHECK)

    # Save: the whole partition, the root file's data in it.
    run_block(qemu, blocks["save"], tmp_path)
    image = bytearray((tmp_path / "storage.bin").read_bytes())
    assert len(image) == 256 * 1024
    keep = bytes((i * 7 + 3) & 0xFF for i in range(8192))
    assert keep[:4096] in image and keep[4096:] in image
    # Repaired on the host, written back: every file is there again.
    for block, data in good.items():
        image[block * 4096 : (block + 1) * 4096] = data
    (tmp_path / "storage.bin").write_bytes(image)
    run_block(qemu, blocks["restore"], tmp_path)
    out = mpremote(qemu, "exec", CHECK)
    assert "mounted True" in out and "keep True" in out and "sub FOLDER-31-METADATA" in out, out

    # Start again: an empty /flash.
    damage(qemu)
    mpremote(qemu, "soft-reset")
    assert "mounted False" in mpremote(qemu, "exec", CHECK)
    run_block(qemu, blocks["start-again"], tmp_path)
    out = mpremote(qemu, "exec", "import os; print('mounted', os.listdir('/flash'))")
    assert "mounted []" in out, out
