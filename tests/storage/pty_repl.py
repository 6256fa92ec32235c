"""MicroPython's raw REPL over a pty, small enough to kill the board mid-line.

mpremote waits for a command to finish; the power-loss test needs the
output while a script still runs, and a board that may vanish at any time.
"""

from __future__ import annotations

import os
import select
import termios
import time
import tty


class ReplTimeoutError(AssertionError):
    pass


class PtyRepl:
    """The console of a board on the pty `device`, opened raw."""

    def __init__(self, device: str) -> None:
        self.fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
        # At once, not after a flush (setraw's default), which would drop
        # what the board wrote before we opened it (its banner).
        tty.setraw(self.fd, termios.TCSANOW)
        self.pending = b""

    def close(self) -> None:
        os.close(self.fd)

    def read_until(self, marker: bytes, timeout: float) -> bytes:
        """Everything up to and including `marker`; ReplTimeoutError otherwise."""
        end = time.monotonic() + timeout
        while marker not in self.pending:
            left = end - time.monotonic()
            if left <= 0 or not self._fill(left):
                raise ReplTimeoutError(f"no {marker!r} within {timeout} s: {self.pending[-300:]!r}")
        out, _, self.pending = self.pending.partition(marker)
        return out + marker

    def read_lines(self, timeout: float) -> list[bytes]:
        """The complete lines that arrive within `timeout` s (or none)."""
        self._fill(timeout)
        *lines, self.pending = self.pending.split(b"\n")
        return lines

    def _fill(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # the other end is gone
            return False
        self.pending += chunk
        return bool(chunk)

    def enter_raw(self, timeout: float = 20) -> None:
        """Interrupt whatever runs and enter the raw REPL."""
        os.write(self.fd, b"\r\x03\x03\x01")
        self.read_until(b"raw REPL; CTRL-B to exit\r\n>", timeout)

    def soft_reset(self, timeout: float = 20) -> str:
        """Ctrl-D at the raw REPL's prompt: a soft reset that stays in the raw
        REPL (what mpremote does); what the board printed on the way."""
        os.write(self.fd, b"\x04")
        return self.read_until(b"raw REPL; CTRL-B to exit\r\n>", timeout).decode(errors="replace")

    def friendly_soft_reset(self, timeout: float = 20) -> str:
        """Leave the raw REPL, then Ctrl-D at the friendly prompt: a soft
        reset as a user at a terminal does it, boot.py and main.py
        included; what the board printed up to its next prompt."""
        os.write(self.fd, b"\x02")
        self.read_until(b">>> ", timeout)
        os.write(self.fd, b"\x04")
        return self.read_until(b"\n>>> ", timeout).decode(errors="replace")

    def start(self, code: str) -> None:
        """Send `code` to the raw REPL and let it run (its output follows)."""
        os.write(self.fd, code.encode() + b"\x04")
        self.read_until(b"OK", 5)

    def run(self, code: str, timeout: float = 20) -> str:
        """Run `code` to its end; its output, or AssertionError with its traceback."""
        self.start(code)
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", timeout)[:-1]
        self.read_until(b">", timeout)
        assert not err, err.decode(errors="replace")
        return out.decode(errors="replace")
