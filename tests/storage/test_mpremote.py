"""The laptop loop with the real mpremote against the port in QEMU.

One QEMU (``scripts/run-qemu --pty mps2_an385``, the plain port with
littlefs on /flash) serves the session; each test works in a folder of its
own on /flash. The timings of ``fs cp`` go to docs/filesystem.md.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from conftest import Console, mpremote


def test_connect_while_booting(start_console) -> None:  # type: ignore[no-untyped-def]
    """mpremote right after QEMU starts: it interrupts the boot and gets a REPL."""
    fresh: Console = start_console()
    out = fresh.mpremote("exec", "print('up', 6 * 7)").stdout
    assert "up 42" in out
    os.killpg(fresh.process.pid, 15)
    fresh.process.wait(timeout=30)


@pytest.mark.parametrize("size", [16 * 1024, 64 * 1024])
def test_cp_round_trip(console: Console, tmp_path: Path, size: int) -> None:
    """A random file copied in and back is byte-identical; ls and cat see it."""
    data = os.urandom(size)
    src, back = tmp_path / "random.bin", tmp_path / "back.bin"
    src.write_bytes(data)
    console.mpremote("fs", "mkdir", f":cp{size}")
    start = time.monotonic()
    console.mpremote("fs", "cp", str(src), f":cp{size}/random.bin")
    copy_in = time.monotonic() - start
    start = time.monotonic()
    console.mpremote("fs", "cp", f":cp{size}/random.bin", str(back))
    copy_out = time.monotonic() - start
    assert back.read_bytes() == data
    listing = console.mpremote("fs", "ls", f":cp{size}").stdout
    assert f"{size} random.bin" in " ".join(listing.split())
    print(f"fs cp {size // 1024} KB: in {copy_in:.1f} s, out {copy_out:.1f} s")
    console.mpremote("fs", "rm", f":cp{size}/random.bin", "+", "fs", "rmdir", f":cp{size}")


def test_files_and_folders(console: Console) -> None:
    """mkdir, cat, rm, rmdir as mpremote does them; errors come back as errors."""
    console.mpremote("fs", "mkdir", ":tree", "+", "fs", "mkdir", ":tree/sub")
    console.mpremote("exec", "open('tree/sub/hello.txt', 'w').write('hello from /flash\\n')")
    assert console.mpremote("fs", "cat", ":tree/sub/hello.txt").stdout.endswith(
        "hello from /flash\n"
    )
    listing = console.mpremote("fs", "ls", ":tree").stdout
    assert "sub/" in listing
    # rmdir of a folder that is not empty fails, and mpremote says so.
    with pytest.raises(AssertionError, match="exit 1"):
        console.mpremote("fs", "rmdir", ":tree/sub")
    console.mpremote(
        "fs",
        "rm",
        ":tree/sub/hello.txt",
        "+",
        "fs",
        "rmdir",
        ":tree/sub",
        "+",
        "fs",
        "rmdir",
        ":tree",
    )
    assert "tree" not in console.mpremote("fs", "ls", ":").stdout


def test_df(console: Console) -> None:
    """df shows /flash with its size from the partition (256 KB on mps2_an385)."""
    out = console.mpremote("df").stdout
    row = next(line.split() for line in out.splitlines() if line.endswith("/flash"))
    size, used, avail = (int(x) for x in row[1:4])
    assert size == 256 * 1024
    assert used + avail == size and used > 0


def test_run_and_exec(console: Console, tmp_path: Path) -> None:
    """run sends a local script; exec a line; both see the same /flash."""
    script = tmp_path / "script.py"
    script.write_text("import os\nprint('cwd', os.getcwd())\nprint('sum', sum(range(10)))\n")
    out = console.mpremote("run", str(script)).stdout
    assert "cwd /flash" in out and "sum 45" in out
    out = console.mpremote("exec", "import sys; print('/flash/lib' in sys.path)").stdout
    assert out.strip().endswith("True")


def test_files_survive_soft_reset(console: Console) -> None:
    """A file written before a soft reset is there after it, and imports."""
    console.mpremote("exec", "open('kept.py', 'w').write('VALUE = 1234\\n')")
    out = console.mpremote("soft-reset", "exec", "import kept; print('kept', kept.VALUE)").stdout
    assert "kept 1234" in out
    console.mpremote("fs", "rm", ":kept.py")


def test_mount_and_import(console: Console, tmp_path: Path) -> None:
    """mount . then import a module that only the host folder has."""
    (tmp_path / "host_module.py").write_text("def answer():\n    return 'from the host folder'\n")
    done = mpremote(
        console.device,
        "mount",
        str(tmp_path),
        "exec",
        "import host_module; print(host_module.answer())",
    )
    assert "from the host folder" in done.stdout
    # The board's own /flash is back after the mount ends.
    assert "host_module" not in console.mpremote("fs", "ls", ":").stdout


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def package_index(tmp_path: Path) -> Iterator[str]:
    """A mip package index (micropython.org's layout) served on localhost.

    Package ``greeting`` depends on ``greeting-words``; mpremote resolves
    the dependency through the same index.
    """
    packages = {
        "greeting": (
            {
                "greeting/__init__.py": (
                    "from greeting.words import WORD\n\ndef hello():\n    return WORD + ', mip'\n"
                )
            },
            ["greeting-words"],
        ),
        "greeting-words": ({"greeting/words.py": "WORD = 'hello'\n"}, []),
    }
    root = tmp_path / "index"
    for name, (files, deps) in packages.items():
        hashes = []
        for path, text in files.items():
            digest = hashlib.sha256(text.encode()).hexdigest()[:8]
            blob = root / "file" / digest[:2] / digest
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_text(text)
            hashes.append([path, digest])
        meta = {"hashes": hashes, "deps": [[d, "latest"] for d in deps], "version": "1.0"}
        meta_file = root / "package" / "py" / name / "latest.json"
        meta_file.parent.mkdir(parents=True, exist_ok=True)
        meta_file.write_text(json.dumps(meta))
    handler = partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_mip_install_from_local_index(console: Console, package_index: str) -> None:
    """mip install puts a package and its dependency in /flash/lib."""
    out = console.mpremote(
        "mip", "install", "--index", package_index, "--no-mpy", "greeting"
    ).stdout
    assert "Installing: /flash/lib/greeting/words.py" in out
    out = console.mpremote("exec", "import greeting; print(greeting.hello())").stdout
    assert "hello, mip" in out
    console.mpremote(
        "fs",
        "rm",
        ":lib/greeting/__init__.py",
        "+",
        "fs",
        "rm",
        ":lib/greeting/words.py",
        "+",
        "fs",
        "rmdir",
        ":lib/greeting",
    )


def test_mip_install_from_local_folder(console: Console, tmp_path: Path) -> None:
    """mip install of a package.json on the host, its files beside it."""
    (tmp_path / "blink_helper.py").write_text("def period():\n    return 250\n")
    (tmp_path / "package.json").write_text(
        json.dumps({"urls": [["blink_helper.py", "blink_helper.py"]], "version": "0.1"})
    )
    console.mpremote("mip", "install", str(tmp_path / "package.json"))
    out = console.mpremote(
        "exec", "import blink_helper; print('period', blink_helper.period())"
    ).stdout
    assert "period 250" in out
    console.mpremote("fs", "rm", ":lib/blink_helper.py")
