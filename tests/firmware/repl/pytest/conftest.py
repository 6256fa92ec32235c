"""Fixtures of the firmware suite.

``dut`` (twister_harness) boots a fresh QEMU per test: used by the boot and
REPL tests. ``raw_repl`` shares ONE booted image across all the scripts of
tests/micropython: it launches the session-scoped ``device_object`` once and
soft-resets MicroPython between scripts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from twister_harness import DeviceAdapter

from raw_repl import RawRepl

# The native_sim sanitizer build (sanitizers.conf) reports to the console
# and goes on: every report fails the script that was running.
os.environ.setdefault("ASAN_OPTIONS", "halt_on_error=0")
os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
SANITIZER_MARKERS = ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer")


def sanitizer_reports(lines: list[str]) -> list[str]:
    """The lines of a transcript that are sanitizer reports."""
    return [line for line in lines if any(m in line for m in SANITIZER_MARKERS)]


TESTS_DIR = Path(__file__).resolve().parents[3]
SCRIPTS_DIR = TESTS_DIR / "micropython"
BANNER = r"Type \"help\(\)\" for more information"


def boot(device: DeviceAdapter, name: str) -> list[str]:
    """Launch the device and return its boot output up to the REPL banner."""
    device.initialize_log_files(name)
    device.launch()
    return wait_for_banner(device)


def wait_for_banner(device: DeviceAdapter) -> list[str]:
    """The boot output of a launched device, up to the REPL banner."""
    return device.readlines_until(regex=BANNER, timeout=30)


def build_board(device: DeviceAdapter) -> str:
    """The board the firmware under test was built for (from CMakeCache)."""
    cache = (device.device_config.build_dir / "CMakeCache.txt").read_text()
    m = re.search(r"^BOARD:STRING=(\S+)$", cache, re.MULTILINE)
    return m.group(1) if m else ""


@pytest.fixture(scope="session")
def shared_device(device_object: DeviceAdapter) -> Iterator[DeviceAdapter]:
    yield device_object
    device_object.close()


@pytest.fixture
def raw_repl(shared_device: DeviceAdapter) -> RawRepl:
    """The shared device in the raw REPL, freshly soft-reset.

    Boots it on first use, or again when a test left it dead or deaf.
    """
    repl = RawRepl(shared_device, muxed=shared_device.device_config.type == "qemu")
    if shared_device.is_device_connected():
        try:
            repl.soft_reset()
            return repl
        except Exception:
            pass
    boot(shared_device, "micropython-scripts")
    repl.enter()
    return repl


def script_timeout(source: str, default: float = 30.0) -> float:
    """A script may ask for more time with a ``# timeout: <seconds>`` line."""
    m = re.search(r"^#\s*timeout:\s*([0-9.]+)\s*$", source, re.MULTILINE)
    return float(m.group(1)) if m else default
