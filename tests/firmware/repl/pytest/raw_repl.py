"""A MicroPython raw-REPL client over the twister harness device (``dut``).

The harness hands the serial output over line by line, each line stripped of
surrounding whitespace and empty lines dropped. The raw REPL's framing
(``OK``, output, ``\\x04``, error, ``\\x04>``) does not end in a newline, so
after each script the client runs a second, one-line script that prints an end
marker: its line closes the framing of the first. Outputs are therefore
compared line by line, stripped, without blank lines (``normalize``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Protocol

RAW_REPL_BANNER = "raw REPL; CTRL-B to exit"
# Built from two halves so the marker never appears in what is sent.
_END_HALVES = ("<<uevent-", "run-end>>")
END_MARKER = "".join(_END_HALVES)
_END_SCRIPT = f"print({_END_HALVES[0]!r} + {_END_HALVES[1]!r})".encode()
# Chunks written to the console, with a pause between: the port's RX ring
# buffer (1 KB) must never fill while the raw REPL reads a long script.
CHUNK = 256
CHUNK_PAUSE_S = 0.01


class Device(Protocol):
    """What the client needs of twister_harness' DeviceAdapter."""

    def write(self, data: bytes) -> None: ...

    def readlines_until(
        self,
        regex: str | None = None,
        num_of_lines: int | None = None,
        timeout: float | None = None,
        print_output: bool = True,
    ) -> list[str]: ...

    def clear_buffer(self) -> None: ...


class RawReplError(Exception):
    """The device did not answer as a raw REPL does."""


@dataclass
class Result:
    """What one script printed (``output``) and raised (``error``)."""

    output: str
    error: str

    @property
    def combined(self) -> str:
        """Output then traceback, as MicroPython's run-tests.py compares them."""
        return self.output + ("\n" + self.error if self.error else "")


def normalize(text: str) -> list[str]:
    """Lines stripped of surrounding whitespace, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class RawRepl:
    """Raw REPL on a device.

    ``muxed``: the console is a QEMU multiplexed chardev (Zephyr's QEMU run
    target: ``-chardev pipe,mux=on``), where Ctrl-A is QEMU's escape key and
    reaches the guest only doubled.
    """

    def __init__(self, device: Device, timeout: float = 30.0, muxed: bool = False) -> None:
        self.device = device
        self.timeout = timeout
        self.muxed = muxed
        # Every line read, soft resets included: checked as a whole for
        # sanitizer reports (native_sim sanitizer build).
        self.transcript: list[str] = []

    def _send(self, data: bytes) -> None:
        if self.muxed:
            data = data.replace(b"\x01", b"\x01\x01")
        self.device.write(data)

    def _write(self, data: bytes) -> None:
        for i in range(0, len(data), CHUNK):
            self._send(data[i : i + CHUNK])
            time.sleep(CHUNK_PAUSE_S)

    def _wait_for(self, regex: str, timeout: float) -> list[str]:
        lines = self.device.readlines_until(regex=regex, timeout=timeout)
        self.transcript += lines
        return lines

    def enter(self, timeout: float = 10.0) -> None:
        """From the friendly REPL (or a running script) into the raw REPL."""
        self._send(b"\r\x03\x03")
        time.sleep(0.1)
        self.device.clear_buffer()
        self._send(b"\x01")
        self._wait_for(re.escape(RAW_REPL_BANNER), timeout)

    def soft_reset(self, timeout: float = 10.0) -> None:
        """Ctrl-D at the empty raw prompt: a fresh interpreter, still raw."""
        self._send(b"\x04")
        self._wait_for(re.escape(RAW_REPL_BANNER), timeout)

    def interrupt(self) -> None:
        """Stop whatever runs (Ctrl-C) and forget the output so far."""
        self._send(b"\x03\x03")
        time.sleep(0.2)
        self.device.clear_buffer()

    def start(self, source: str) -> None:
        """Run source at the raw prompt and return at once: for a program
        that runs until stopped (``wait_for`` its output, then ``interrupt``)."""
        self._write(source.encode() + b"\x04")

    def wait_for(self, regex: str, timeout: float) -> list[str]:
        """The lines printed until one matches regex (raises on timeout)."""
        return self._wait_for(regex, timeout)

    def exec(self, source: str | bytes, timeout: float | None = None) -> Result:
        """Run source at the raw prompt; wait for it and the end marker."""
        if isinstance(source, str):
            source = source.encode()
        self._write(source + b"\x04")
        self._send(_END_SCRIPT + b"\x04")
        lines = self._wait_for(re.escape(END_MARKER), timeout or self.timeout)
        return self._parse("\n".join(lines))

    @staticmethod
    def _parse(text: str) -> Result:
        # text: [">"]"OK" output "\x04" error "\x04" [soft reboot] ">" "OK" END_MARKER
        # (a script ending in SystemExit makes the port soft-reboot, which
        # prints its banner before the end marker's prompt)
        start = text.find("OK")
        end = text.rfind(">OK" + END_MARKER)
        if start < 0 or end < 0:
            raise RawReplError(f"not a raw REPL answer: {text!r}")
        parts = text[start + 2 : end].split("\x04", 2)
        if len(parts) != 3:
            raise RawReplError(f"raw REPL framing not understood: {text!r}")
        return Result(output=parts[0].strip("\n"), error=parts[1].strip("\n"))
