"""MicroPython's raw REPL on a QEMU serial port, with deterministic -icount timing."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path
from types import TracebackType

# QEMU machine per Zephyr board.
MACHINES = {"qemu_cortex_m3": "lm3s6965evb", "mps2_an385": "mps2-an385"}

# One instruction = 2**shift ns of virtual time; align=off and sleep=off make
# the run independent of the host (idle time is skipped, not waited for).
ICOUNT_SHIFT = 6


class ReplError(RuntimeError):
    """The device did not answer as the raw REPL should."""


class ScriptError(RuntimeError):
    """A benchmark script raised on the device."""

    def __init__(self, script: str, output: str, error: str) -> None:
        super().__init__(f"{script} raised on the device:\n{error.strip()}")
        self.output = output


class Qemu:
    """A QEMU instance running the firmware, driven through the raw REPL."""

    def __init__(self, elf: Path, board: str, icount_shift: int = ICOUNT_SHIFT) -> None:
        machine = MACHINES.get(board)
        if machine is None:
            raise ValueError(f"{board} is not emulated by QEMU here")
        self.command = [
            "qemu-system-arm",
            "-cpu",
            "cortex-m3",
            "-machine",
            machine,
            "-display",
            "none",
            "-vga",
            "none",
            "-monitor",
            "none",
            # mps2_an385's image has networking: QEMU's user network,
            # restricted to this host (QEMU's default is unrestricted).
            # Elsewhere none: a NIC the image does not drive makes slirp
            # print on the console.
            *(["-nic", "user,restrict=on"] if machine == "mps2-an385" else ["-net", "none"]),
            "-serial",
            "stdio",
            "-icount",
            f"shift={icount_shift},align=off,sleep=off",
            "-kernel",
            str(elf),
        ]
        self._proc: subprocess.Popen[bytes] | None = None
        self._buf = b""

    def __enter__(self) -> Qemu:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self._proc = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._read_until(b">>> ", 60)
        self._write(b"\r\x01")
        self._read_until(b"raw REPL; CTRL-B to exit\r\n>", 10)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def _write(self, data: bytes) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(data)
        self._proc.stdin.flush()

    def _read_until(self, token: bytes, timeout: float) -> bytes:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + timeout
        while token not in self._buf:
            left = end - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            if not ready:
                raise ReplError(
                    f"timed out waiting for {token!r}; last output: {self._buf[-400:]!r}"
                )
            data = os.read(fd, 65536)
            if not data:
                raise ReplError(f"QEMU exited; last output: {self._buf[-400:]!r}")
            self._buf += data
        i = self._buf.index(token) + len(token)
        out, self._buf = self._buf[:i], self._buf[i:]
        return out

    def soft_reset(self) -> None:
        """A fresh interpreter and heap (Ctrl-D at the raw REPL prompt)."""
        self._write(b"\x04")
        self._read_until(b"raw REPL; CTRL-B to exit\r\n>", 30)

    def run(self, code: str, name: str = "<script>", timeout: float = 600) -> str:
        """Runs `code` in the raw REPL and returns what it printed."""
        data = code.encode()
        # The console UART has a small RX buffer: send in chunks.
        for i in range(0, len(data), 256):
            self._write(data[i : i + 256])
            time.sleep(0.002)
        self._write(b"\x04")
        self._read_until(b"OK", 30)
        out = self._read_until(b"\x04", timeout)[:-1].decode(errors="replace")
        err = self._read_until(b"\x04", 30)[:-1].decode(errors="replace")
        self._read_until(b">", 30)
        out = out.replace("\r\n", "\n")
        if err:
            raise ScriptError(name, out, err.replace("\r\n", "\n"))
        return out
