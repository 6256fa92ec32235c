"""The devices programs run on: the test firmware in QEMU or on native_sim.

Both are driven through MicroPython's raw REPL on the console, a pipe to the
process's stdin/stdout, with raw-paste mode (the device's flow control) for
the code. Timing is the guest's own: QEMU runs with -icount (sleep=off), and
native_sim's clock only moves when the CPU idles, so a program's waits and
timers give the same result on a loaded host as on an idle one.
"""

from __future__ import annotations

import os
import select
import struct
import subprocess
import time
from pathlib import Path

QEMU_MACHINES = {"qemu_cortex_m3": "lm3s6965evb", "mps2_an385": "mps2-an385"}
ICOUNT_SHIFT = 6
PROMPT = b"raw REPL; CTRL-B to exit\r\n>"


class DeviceError(RuntimeError):
    """The device stopped answering as a raw REPL does (a crash or a hang)."""

    def __init__(self, message: str, output: bytes = b"") -> None:
        super().__init__(message)
        self.output = output.decode(errors="replace")


def command(board: str, image: Path, uart_port: int | None = None) -> list[str]:
    """The command that runs `image` with its console on stdin/stdout."""
    if board == "native_sim":
        # Its flash file beside the image, not in the current folder.
        return [str(image), "--no-rt", f"--flash={image.parent / 'model-flash.bin'}"]
    machine = QEMU_MACHINES[board]
    cmd = ["qemu-system-arm", "-cpu", "cortex-m3", "-machine", machine]
    # mps2_an385's image has networking: QEMU's user network, restricted to
    # this host (QEMU's default is unrestricted). Elsewhere none: a NIC the
    # image does not drive makes slirp print on the console.
    nic = ["-nic", "user,restrict=on"] if machine == "mps2-an385" else ["-net", "none"]
    cmd += ["-display", "none", "-vga", "none", "-monitor", "none", *nic]
    cmd += ["-serial", "stdio"]
    if uart_port is not None:
        # The test firmware's uart1, looped back to itself on localhost.
        cmd += ["-serial", f"udp:127.0.0.1:{uart_port}@127.0.0.1:{uart_port}"]
    cmd += ["-icount", f"shift={ICOUNT_SHIFT},align=off,sleep=off", "-kernel", str(image)]
    return cmd


class Device:
    """One running image, in the raw REPL between programs."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        self.cmd = cmd
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.buf = b""
        self.log = bytearray()  # everything the device printed, for reports

    def start(self) -> None:
        self.buf = b""
        self.proc = subprocess.Popen(
            self.cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(self.env or {})},
        )
        self.read_until(b">>> ", 60)
        self.write(b"\r\x01")
        self.read_until(PROMPT, 10)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def write(self, data: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError as e:
            raise DeviceError("the device exited", self.buf) from e

    def read_some(self, timeout: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        data = os.read(fd, 65536)
        if not data:
            raise DeviceError("the device exited", self.buf)
        self.log += data
        return data

    def read_until(self, token: bytes, timeout: float) -> bytes:
        end = time.monotonic() + timeout
        while token not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise DeviceError(f"no {token!r} within {timeout} s", self.buf)
            self.buf += self.read_some(left)
        i = self.buf.index(token) + len(token)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def soft_reset(self) -> None:
        """A fresh interpreter and heap (Ctrl-D at the raw REPL prompt)."""
        self.write(b"\x04")
        self.read_until(b"soft reboot", 30)
        self.read_until(PROMPT, 30)

    def paste(self, data: bytes) -> None:
        """Sends code in raw-paste mode: the device asks for each window."""
        self.write(b"\x05A\x01")
        head = self.read_until(b"R", 10)
        del head
        while len(self.buf) < 1:
            self.buf += self.read_some(10)
        if self.buf[:1] != b"\x01":
            raise DeviceError("the raw REPL has no raw-paste mode", self.buf)
        while len(self.buf) < 3:
            self.buf += self.read_some(10)
        window = struct.unpack("<H", self.buf[1:3])[0]
        self.buf = self.buf[3:]
        remain, i = window, 0
        while i < len(data):
            while remain == 0 or self.buf:
                if not self.buf:
                    self.buf += self.read_some(10)
                    if not self.buf:
                        raise DeviceError("no flow control from the raw REPL", self.buf)
                c, self.buf = self.buf[:1], self.buf[1:]
                if c == b"\x01":
                    remain += window
                elif c == b"\x04":
                    self.write(b"\x04")
                    raise DeviceError("the raw REPL ended the paste", self.buf)
                else:
                    raise DeviceError(f"unexpected {c!r} during raw paste", self.buf)
            chunk = data[i : i + remain]
            self.write(chunk)
            remain -= len(chunk)
            i += len(chunk)
        self.write(b"\x04")
        self.read_until(b"\x04", 10)

    def run_segment(self, code: str, timeout: float) -> tuple[str, str]:
        """A fresh interpreter (soft reset), then `code`."""
        if not self.alive():
            self.start()
        self.soft_reset()
        return self.exec(code, timeout)

    def exec(self, code: str, timeout: float = 60) -> tuple[str, str]:
        """Runs `code`; returns what it printed and the traceback, if any."""
        self.paste(code.encode())
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", 30)[:-1]
        self.read_until(b">", 30)
        return (
            out.decode(errors="replace").replace("\r\n", "\n"),
            err.decode(errors="replace").replace("\r\n", "\n"),
        )


class UnixPort:
    """MicroPython's unix port (stock asyncio) running one segment per
    process: a new process is the soft reset. The device side is loaded
    from `modules` (tests/firmware/repl) on the host."""

    def __init__(self, exe: Path, modules: Path) -> None:
        self.exe = exe
        self.modules = modules

    def run_segment(self, code: str, timeout: float) -> tuple[str, str]:
        prelude = f"import sys\nsys.path.insert(0, {str(self.modules)!r})\n"
        try:
            done = subprocess.run(
                [str(self.exe), "-c", prelude + code],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as e:
            raise DeviceError(f"no end within {timeout} s", e.stdout or b"") from e
        return done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")

    def stop(self) -> None:
        pass
