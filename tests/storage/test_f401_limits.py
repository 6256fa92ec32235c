"""What the NUCLEO-F401RE's /flash holds, with the real mpremote, on its
geometry in QEMU (issue 31, point 6; docs/filesystem.md, "NUCLEO-F401RE").

The Nucleo's /flash is three 16 KB sectors (the only small ones the chip
has besides sector 0, which holds the boot vectors). littlefs keeps its
root folder in two of them, so the third is the only block for file data:
a file up to 1,022 bytes lives inline in the root and can be rewritten any
number of times; a larger one needs the third block, so it can be written
once but not updated in place (the new version needs a block of its own
before the old one is freed). This board's settings
(``tests/storage/f401_geometry.overlay`` and ``.conf``: 16 KB erase blocks
written a byte at a time, readsize=progsize=256, the Nucleo's heap) on
mps2_an385's simulated flash:

- a 1,022-byte main.py is copied over itself again and again;
- a 2 KB main.py is copied once; copying a new version over it fails
  (mpremote exits 1, ``ENOSPC``) and the board keeps the old one, byte for
  byte: nothing is lost; removed first, the new one copies;
- a folder (``/flash/lib``) does not fit: ``mkdir`` fails with ENOSPC;
- docs/filesystem.md states these limits (before the fix it promised a
  ``main.py`` of up to 16 KB, which could never be updated).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from boards import REPO, Board, build

INLINE_MAX = 1022


@pytest.fixture(scope="module")
def f401() -> Iterator[str]:
    """mps2_an385 with the Nucleo's /flash; the pty of its console."""
    storage = REPO / "tests" / "storage"
    image = build(
        "mps2_an385",
        False,
        "f401-geometry",
        f"-DEXTRA_DTC_OVERLAY_FILE={storage / 'f401_geometry.overlay'}",
        f"-DEXTRA_CONF_FILE={storage / 'f401_geometry.conf'}",
    )
    board = Board("mps2_an385", image, connect=False)
    try:
        yield board.device
    finally:
        board.kill()


def mpremote(device: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mpremote", "connect", device, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main_py(version: int, size: int) -> bytes:
    """A main.py of exactly `size` bytes that prints its version."""
    head = f"print('version {version}')\n".encode()
    return head + b"#" * (size - len(head) - 1) + b"\n"


def test_geometry(f401: str) -> None:
    out = mpremote(f401, "exec", "import os; print(os.statvfs('/flash')[:4])").stdout
    assert "(16384, 16384, 3, 1)" in out, out


def test_small_main_py_is_rewritten(f401: str, tmp_path: Path) -> None:
    src = tmp_path / "main.py"
    for version in range(1, 5):
        src.write_bytes(main_py(version, INLINE_MAX))
        done = mpremote(f401, "fs", "cp", str(src), ":main.py")
        assert done.returncode == 0, done.stdout + done.stderr
        back = mpremote(f401, "exec", "print(len(open('main.py').read()))", "run", str(src))
        assert f"{INLINE_MAX}\nversion {version}" in back.stdout, back.stdout
    assert mpremote(f401, "fs", "rm", ":main.py").returncode == 0


def test_too_large_update_fails_and_keeps_the_old_file(f401: str, tmp_path: Path) -> None:
    old, new = main_py(1, 2048), main_py(2, 2048)
    src, back = tmp_path / "main.py", tmp_path / "back.py"
    src.write_bytes(old)
    done = mpremote(f401, "fs", "cp", str(src), ":main.py")
    assert done.returncode == 0, done.stdout + done.stderr
    src.write_bytes(new)
    done = mpremote(f401, "fs", "cp", str(src), ":main.py")
    assert done.returncode != 0 and "No space left" in done.stdout + done.stderr, done
    # A soft reset (the collection runs the abandoned file's finaliser),
    # then the file as it was.
    assert mpremote(f401, "soft-reset").returncode == 0
    assert mpremote(f401, "fs", "cp", ":main.py", str(back)).returncode == 0
    assert back.read_bytes() == old
    # Removed first, the new version fits.
    done = mpremote(f401, "fs", "rm", ":main.py", "+", "fs", "cp", str(src), ":main.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert mpremote(f401, "fs", "cp", ":main.py", str(back)).returncode == 0
    assert back.read_bytes() == new
    assert mpremote(f401, "fs", "rm", ":main.py").returncode == 0


def test_no_folders(f401: str) -> None:
    done = mpremote(f401, "fs", "mkdir", ":lib")
    assert done.returncode != 0 and "No space left" in done.stdout + done.stderr, done


def test_docs_state_the_limits() -> None:
    docs = (REPO / "docs" / "filesystem.md").read_text()
    readme = (REPO / "README.md").read_text()
    assert "1,022 bytes" in docs and "1,022 bytes" in readme
    assert "main.py` of up to 16 KB" not in docs + readme
