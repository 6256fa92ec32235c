"""An image linked after the start of flash boots through the boot vectors
(CONFIG_UEVENT_BOOT_VECTORS, as on the NUCLEO-F401RE): run by the
uevent.firmware.repl.split_image scenario, skipped in builds without them."""

import re

import pytest

from raw_repl import RawRepl, normalize

# Cortex-M's vector table offset register.
SCB_VTOR = 0xE000ED08


def kconfig(raw_repl: RawRepl) -> str:
    return (raw_repl.device.device_config.build_dir / "zephyr" / ".config").read_text()


def test_boots_through_the_boot_vectors(raw_repl: RawRepl) -> None:
    config = kconfig(raw_repl)
    if "CONFIG_UEVENT_BOOT_VECTORS=y" not in config:
        pytest.skip("this build has no boot vectors")
    m = re.search(r"^CONFIG_FLASH_LOAD_OFFSET=(0x[0-9a-fA-F]+)$", config, re.MULTILINE)
    assert m, "no CONFIG_FLASH_LOAD_OFFSET"
    offset = int(m.group(1), 16)
    assert offset > 0
    got = normalize(
        raw_repl.exec(
            "import machine\n"
            f"t = machine.mem32[{SCB_VTOR:#x}]\n"
            "print(hex(t))\n"
            "print([machine.mem32[i * 4] == machine.mem32[t + i * 4] for i in range(4)])\n"
        ).combined
    )
    # Zephyr moved the vector table to its image, and the words the CPU
    # read at reset (stack, reset, NMI, hard fault) are that table's.
    assert got == [hex(offset), "[True, True, True, True]"]
