"""The firmware boots to the MicroPython banner on the console UART."""

import os
import re
import select
import subprocess
import time
import tty

from twister_harness import DeviceAdapter

from conftest import build_board, wait_for_banner


def test_boot_banner(dut: DeviceAdapter) -> None:
    text = "\n".join(wait_for_banner(dut))
    assert "Booting Zephyr OS" in text
    m = re.search(r"MicroPython v(\d+\.\d+\.\d+)\S* on .*; zephyr-(\S+) with", text)
    assert m, text
    assert m.group(1) == "1.28.0"
    assert m.group(2) == build_board(dut)


# The QEMU machine of each board the suite runs on.
QEMU_MACHINES = {"qemu_cortex_m3": "lm3s6965evb", "mps2_an385": "mps2-an385"}


def test_input_during_boot(device_object: DeviceAdapter) -> None:
    """Input typed while the board boots leaves a working REPL.

    A terminal that types during a reset, or a host tool that sends Ctrl-C
    as soon as it opens the port: those bytes reach the console UART before
    the port reads it. On mps2_an385 (QEMU's CMSDK UART) they used to leave
    the REPL deaf for good. Runs its own QEMU on a pty (as a serial port on
    the host is), so the bytes go out the moment QEMU has started.
    """
    board = build_board(device_object)
    elf = device_object.device_config.build_dir / "zephyr" / "zephyr.elf"
    machine = ["-cpu", "cortex-m3", "-machine", QEMU_MACHINES[board]]
    io = ["-display", "none", "-monitor", "none", "-serial", "pty"]
    qemu = subprocess.Popen(
        ["qemu-system-arm", *machine, *io, "-kernel", str(elf)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert qemu.stdout is not None
        m = re.search(r"/dev/pts/\d+", qemu.stdout.readline())
        assert m, "QEMU did not say which pty it opened"
        fd = os.open(m.group(0), os.O_RDWR | os.O_NOCTTY)
        try:
            tty.setraw(fd)
            os.write(fd, b"\r\x03\x03")
            out = read_until(fd, b">>> ", 20)
            assert b"MicroPython" in out, out
            os.write(fd, b"print(6 * 7)\r\n")
            out = read_until(fd, b"\n42\r\n", 10)
            assert b"\n42\r\n" in out, out
        finally:
            os.close(fd)
    finally:
        qemu.kill()
        qemu.wait()


def read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    """What the pty gives until `marker` (or `timeout` seconds)."""
    out = b""
    end = time.monotonic() + timeout
    while marker not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            out += os.read(fd, 1024)
    return out
