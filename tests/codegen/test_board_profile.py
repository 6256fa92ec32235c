"""board_profile: what a board must have, and the heap it gets from its RAM."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from uevent_codegen import board_profile
from uevent_codegen.board_profile import BoardError, choose_heap, profile, static_reserve
from uevent_codegen.module_drivers import ModuleDriver

KB = 1024

DTS = """/dts-v1/;
/ {{
	#address-cells = <1>;
	#size-cells = <1>;
	chosen {{ {chosen} }};
	intc: interrupt-controller@e000e100 {{
		compatible = "vnd,ue-intc";
		reg = <0xe000e100 0xc00>;
		interrupt-controller;
		#interrupt-cells = <1>;
	}};
	gpioa: gpio@48000000 {{
		compatible = "vnd,ue-gpio";
		reg = <0x48000000 0x400>;
		interrupts-extended = <&intc 9>;
		gpio-controller;
		#gpio-cells = <2>;
		status = "{gpio_status}";
	}};
	usart2: serial@40004400 {{
		compatible = "vnd,ue-uart";
		reg = <0x40004400 0x400>;
		status = "{uart_status}";
	}};
}};
"""


@pytest.fixture()
def board_edt(tmp_path: Path, load_edt: Callable[[Path], Any]) -> Callable[..., Any]:
    def make(
        chosen: str = "zephyr,console = &usart2;",
        gpio_status: str = "okay",
        uart_status: str = "okay",
    ) -> Any:
        dts = tmp_path / "board.dts"
        text = DTS.format(chosen=chosen, gpio_status=gpio_status, uart_status=uart_status)
        dts.write_text(text)
        return load_edt(dts)

    return make


def config(**values: str) -> dict[str, str]:
    base = {"CONFIG_MICROPY_HEAP_SIZE": "0", "CONFIG_UEVENT_MAX_ENTRIES": "64"}
    base.update({f"CONFIG_{k}": v for k, v in values.items()})
    return base


@pytest.mark.parametrize(
    ("ram_kb", "heap_kb"),
    [(32, 8), (64, 24), (96, 40), (128, 56), (256, 120), (512, 248)],
)
def test_heap_is_half_the_ram_left_after_the_reserve(ram_kb: int, heap_kb: int) -> None:
    heap, rule = choose_heap("b", ram_kb, config())
    assert heap == heap_kb * KB
    assert rule == "half of RAM - 16 KB"


def test_thread_stacks_and_extra_entries_come_off_the_ram_first() -> None:
    cfg = config(
        MICROPY_THREAD="y",
        MICROPY_THREAD_MAX="4",
        MICROPY_THREAD_STACK_SIZE="4096",
        UEVENT_MAX_ENTRIES="128",
    )
    assert static_reserve(cfg) == 16 * KB + 4 * 4096 + 64 * 40
    heap, _ = choose_heap("b", 128, cfg)
    assert heap == (128 * KB - static_reserve(cfg)) // 2 // (4 * KB) * (4 * KB)


def test_an_explicit_heap_wins() -> None:
    assert choose_heap("b", 64, config(MICROPY_HEAP_SIZE="28672")) == (
        28672,
        "CONFIG_MICROPY_HEAP_SIZE",
    )


def test_too_little_ram_names_what_it_needs() -> None:
    with pytest.raises(BoardError) as info:
        choose_heap("nucleo_f030r8", 8, config())
    assert str(info.value) == (
        "uevent: board nucleo_f030r8 cannot run the port: too little RAM: 8 KB, and the "
        "port needs at least 32 KB (16 KB for Zephyr and the port, twice the smallest "
        "useful heap of 8 KB)"
    )


def test_unknown_ram_asks_for_an_explicit_heap() -> None:
    with pytest.raises(BoardError, match="set CONFIG_MICROPY_HEAP_SIZE"):
        choose_heap("b", 0, config())


def test_profile_of_a_good_board(board_edt: Callable[..., Any]) -> None:
    chosen = profile(
        "b", board_edt(), config(SRAM_SIZE="96", FLASH_SIZE="512", MICROPY_ROM_LEVEL_EXTRA="y")
    )
    assert (chosen.heap, chosen.level, chosen.console) == (40 * KB, "EXTRA", "usart2")
    assert chosen.summary().startswith("uevent: b: RAM 96 KB, flash 512 KB -> heap 40 KB")


@pytest.mark.parametrize(
    ("edt_args", "message"),
    [
        ({"chosen": ""}, "no console UART: the devicetree has no `zephyr,console`"),
        ({"uart_status": "disabled"}, "is not status okay"),
        ({"gpio_status": "disabled"}, "no GPIO controller with status okay"),
    ],
)
def test_a_board_without_what_the_port_needs_is_refused(
    board_edt: Callable[..., Any], edt_args: dict[str, str], message: str
) -> None:
    with pytest.raises(BoardError, match=message) as info:
        profile("b", board_edt(**edt_args), config(SRAM_SIZE="96"))
    assert str(info.value).startswith("uevent: board b cannot run the port: ")


def test_a_driver_set_on_without_its_module_is_named(board_edt: Callable[..., Any]) -> None:
    drivers = [
        ModuleDriver("LIS2MDL", "hal_st", "drivers/sensor/lis2mdl/Kconfig"),
        ModuleDriver("HTS221", "hal_st", "drivers/sensor/hts221/Kconfig"),
    ]
    cfg = config(SRAM_SIZE="128", LIS2MDL="y")
    with pytest.raises(
        BoardError, match=re.escape("need hal_st, which west.yml leaves out (LIS2MDL)")
    ):
        profile("bbc_microbit_v2", board_edt(), cfg, drivers)
    with pytest.raises(
        BoardError, match=re.escape("remove CONFIG_LIS2MDL=y from the configuration")
    ):
        profile("bbc_microbit_v2", board_edt(), cfg, drivers)
    cfg["CONFIG_ZEPHYR_HAL_ST_MODULE"] = "y"
    assert profile("bbc_microbit_v2", board_edt(), cfg, drivers).heap > 0
    # Off, as the generated defaults keep it: nothing to say.
    assert profile("bbc_microbit_v2", board_edt(), config(SRAM_SIZE="128"), drivers).heap > 0


def test_cli_writes_header_and_json(
    tmp_path: Path,
    board_edt: Callable[..., Any],
    zephyr_base: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edt = board_edt()
    monkeypatch.setattr(board_profile, "load_edt_pickle", lambda path, base: edt)
    dotconfig = tmp_path / ".config"
    dotconfig.write_text('CONFIG_SRAM_SIZE=64\nCONFIG_FLASH_SIZE=256\nCONFIG_BOARD="b"\n')
    header, out_json = tmp_path / "p.h", tmp_path / "p.json"
    argv = ["--edt-pickle", "x", "--dotconfig", str(dotconfig), "--board", "b"]
    argv += ["--zephyr-base", str(zephyr_base), "--header", str(header), "--json", str(out_json)]
    assert board_profile.main(argv) == 0
    assert "#define UEVENT_HEAP_SIZE (24576)" in header.read_text()
    assert json.loads(out_json.read_text())["heap"] == 24576
    assert capsys.readouterr().out.startswith("uevent: b: RAM 64 KB, flash 256 KB -> heap 24 KB")
    dotconfig.write_text("CONFIG_SRAM_SIZE=8\n")
    assert board_profile.main(argv) == 1
    assert "too little RAM: 8 KB" in capsys.readouterr().err
