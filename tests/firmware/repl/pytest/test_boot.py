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
