"""The friendly REPL evaluates what is typed on the console."""

import pytest
from twister_harness import DeviceAdapter

from conftest import wait_for_banner


@pytest.fixture
def repl(dut: DeviceAdapter) -> DeviceAdapter:
    wait_for_banner(dut)
    return dut


def send(dut: DeviceAdapter, line: str) -> None:
    dut.write(line.encode() + b"\r")


def test_arithmetic(repl: DeviceAdapter) -> None:
    send(repl, "print(6*7)")
    lines = repl.readlines_until(regex=r"^42$", timeout=10)
    assert lines[-1] == "42"


def test_imports(repl: DeviceAdapter) -> None:
    send(repl, "import asyncio, select, machine, time, uevent")
    send(repl, "print('imports', 'ok')")
    lines = repl.readlines_until(regex=r"^imports ok$", timeout=10)
    assert not any("Error" in line for line in lines), lines


def test_error_is_reported(repl: DeviceAdapter) -> None:
    send(repl, "1/0")
    lines = repl.readlines_until(regex=r"ZeroDivisionError", timeout=10)
    assert "Traceback" in "\n".join(lines)
    # And the REPL is still alive.
    send(repl, "print('still', 6*7)")
    repl.readlines_until(regex=r"^still 42$", timeout=10)
