"""The firmware boots to the MicroPython banner on the console UART."""

import re

from twister_harness import DeviceAdapter

from conftest import build_board, wait_for_banner


def test_boot_banner(dut: DeviceAdapter) -> None:
    text = "\n".join(wait_for_banner(dut))
    assert "Booting Zephyr OS" in text
    m = re.search(r"MicroPython v(\d+\.\d+\.\d+)\S* on .*; zephyr-(\S+) with", text)
    assert m, text
    assert m.group(1) == "1.28.0"
    assert m.group(2) == build_board(dut)


def test_input_during_boot(device_object: DeviceAdapter) -> None:
    """Input typed while the board boots leaves a working REPL.

    mpremote sends Ctrl-C as soon as it connects, and a terminal may type
    during a reset: those bytes reach the console UART before the port reads
    it. On mps2_an385 (QEMU's CMSDK UART) they used to leave the REPL deaf
    for good.
    """
    device_object.initialize_log_files("input-during-boot")
    device_object.launch()
    try:
        device_object.write(b"\r\x03\x03")
        wait_for_banner(device_object)
        device_object.write(b"print(6 * 7)\r\n")
        lines = device_object.readlines_until(regex=r"^42$", timeout=20)
        assert "42" in lines
    finally:
        device_object.close()
