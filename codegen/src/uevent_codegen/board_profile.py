"""What a board gives the port: checks and the MicroPython heap size.

``python -m uevent_codegen.board_profile --edt-pickle P --dotconfig C
--board B --header H --json J``

Runs at configure time, after Kconfig (port.cmake). It checks that the
board can run the port at all and picks the heap size; the other sizes are
Kconfig defaults from the same RAM and flash figures (zephyr_port/Kconfig,
zephyr/Kconfig). docs/boards.md states the rules.

Requirements, each failing with one ``uevent: board <b> cannot run the
port: ...`` line:

- a console UART: the devicetree chooses ``zephyr,console``, status okay;
- a GPIO controller with status okay (``machine.Pin``, the board sources);
- RAM for the smallest useful heap (:data:`MIN_HEAP`) after what Zephyr
  and the port take (:func:`static_reserve`);
- no Zephyr driver turned on that needs a module west.yml leaves out (ST's sensor
  drivers need hal_st). module_drivers.py keeps them off by default, so
  only a configuration that sets one on gets here.

Heap: ``CONFIG_MICROPY_HEAP_SIZE`` when it is not 0 (a board or application
fragment set it); otherwise half of the RAM left after the static reserve,
rounded down to :data:`HEAP_STEP`. The other half stays free for the
application's own C code, Zephyr subsystems and growth.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from uevent_codegen.discovery.nodes import Edt, is_okay
from uevent_codegen.edt_loader import find_zephyr_base, load_edt_pickle
from uevent_codegen.errors import CodegenError, UsageError
from uevent_codegen.module_drivers import (
    ModuleDriver,
    drivers_on_without_module,
    find_module_drivers,
)
from uevent_codegen.render import write_if_changed

KB = 1024
# Zephyr's kernel, drivers and the port's static data (stacks, uevent pool
# of 64 entries, console buffers) without the heap: 15.7 KB on NUCLEO-F401RE
# (57,024 B of RAM with a 40 KB heap), 16.6 KB on the nRF52840 DK.
BASE_RESERVE = 16 * KB
# Each uevent entry past the first 64 (zephyr/Kconfig: about 40 bytes).
ENTRY_BYTES = 40
MIN_HEAP = 8 * KB
HEAP_STEP = 4 * KB


class BoardError(CodegenError):
    """The board lacks something the port needs."""

    def __init__(self, board: str, missing: str) -> None:
        super().__init__(f"uevent: board {board} cannot run the port: {' '.join(missing.split())}")


@dataclass(frozen=True)
class Profile:
    """The sizes chosen for one build, for the summary line and docs."""

    board: str
    ram_kb: int
    flash_kb: int
    heap: int
    heap_rule: str
    level: str
    thread: bool
    entries: int
    pollers: int
    console: str

    def summary(self) -> str:
        return (
            f"uevent: {self.board}: RAM {self.ram_kb} KB, flash {self.flash_kb} KB -> "
            f"heap {self.heap // KB} KB ({self.heap_rule}), level {self.level}, "
            f"_thread {'on' if self.thread else 'off'}, uevent entries {self.entries}, "
            f"pollers {self.pollers}, console {self.console}"
        )


def read_dotconfig(path: Path) -> dict[str, str]:
    """``CONFIG_X=value`` lines of a Zephyr ``.config`` (quotes kept off)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("CONFIG_") and "=" in line:
            name, _, value = line.partition("=")
            values[name] = value.strip('"')
    return values


def static_reserve(config: Mapping[str, str]) -> int:
    """RAM the build takes besides the heap, by the configuration."""
    reserve = BASE_RESERVE
    reserve += max(0, int(config.get("CONFIG_UEVENT_MAX_ENTRIES", "64")) - 64) * ENTRY_BYTES
    if config.get("CONFIG_MICROPY_THREAD") == "y":
        stacks = int(config.get("CONFIG_MICROPY_THREAD_MAX", "0"))
        reserve += stacks * int(config.get("CONFIG_MICROPY_THREAD_STACK_SIZE", "0"))
    return reserve


def choose_heap(board: str, ram_kb: int, config: Mapping[str, str]) -> tuple[int, str]:
    """The heap size in bytes and the rule that gave it."""
    explicit = int(config.get("CONFIG_MICROPY_HEAP_SIZE", "0"))
    if explicit > 0:
        return explicit, "CONFIG_MICROPY_HEAP_SIZE"
    if ram_kb <= 0:
        raise BoardError(
            board,
            "its RAM size is unknown (no CONFIG_SRAM_SIZE, no `zephyr,sram` chosen node): "
            "set CONFIG_MICROPY_HEAP_SIZE in boards/<board>.conf",
        )
    reserve = static_reserve(config)
    heap = (ram_kb * KB - reserve) // 2 // HEAP_STEP * HEAP_STEP
    if heap < MIN_HEAP:
        need_kb = (reserve + 2 * MIN_HEAP) // KB
        raise BoardError(
            board,
            f"too little RAM: {ram_kb} KB, and the port needs at least {need_kb} KB "
            f"({reserve // KB} KB for Zephyr and the port, twice the smallest useful "
            f"heap of {MIN_HEAP // KB} KB)",
        )
    return heap, f"half of RAM - {reserve // KB} KB"


def console_name(board: str, edt: Edt) -> str:
    """The console UART's node name; raises when there is none."""
    node = edt.chosen_nodes.get("zephyr,console")
    if node is None:
        raise BoardError(
            board,
            "no console UART: the devicetree has no `zephyr,console` chosen node "
            "(add `chosen { zephyr,console = &uartN; };` in boards/<board>.overlay)",
        )
    if not is_okay(node):
        raise BoardError(
            board, f"the console UART {node.path} (`zephyr,console`) is not status okay"
        )
    return node.labels[0] if node.labels else node.name


def check_gpio(board: str, edt: Edt) -> None:
    """Raises when no GPIO controller has status okay."""
    for node in edt.nodes:
        if is_okay(node) and "gpio-controller" in node.props:
            return
    raise BoardError(board, "no GPIO controller with status okay in the devicetree")


def check_modules(board: str, config: Mapping[str, str], drivers: Sequence[ModuleDriver]) -> None:
    """Raises when the configuration turns on a driver whose module is missing."""
    missing = drivers_on_without_module(drivers, config)
    if not missing:
        return
    modules = sorted({d.module for d in missing})
    names = ", ".join(d.symbol for d in missing)
    raise BoardError(
        board,
        f"the configuration turns on Zephyr drivers that need {' and '.join(modules)}, "
        f"which west.yml leaves out ({names}). The port keeps them off by default and does "
        f"not use them (read the chip with machine.I2C): remove "
        f"{' '.join(f'CONFIG_{d.symbol}=y' for d in missing)} from the configuration, "
        f"or add {' and '.join(modules)} to the workspace's manifest",
    )


def _level(config: Mapping[str, str]) -> str:
    for level in ("EXTRA", "BASIC", "CORE"):
        if config.get(f"CONFIG_MICROPY_ROM_LEVEL_{level}") == "y":
            return level
    return "BASIC"


def profile(
    board: str,
    edt: Edt,
    config: Mapping[str, str],
    module_drivers: Sequence[ModuleDriver] = (),
) -> Profile:
    """Checks the board and picks its sizes; ``module_drivers``: see module_drivers.py."""
    console = console_name(board, edt)
    check_gpio(board, edt)
    check_modules(board, config, module_drivers)
    ram_kb = int(config.get("CONFIG_SRAM_SIZE", "0"))
    heap, rule = choose_heap(board, ram_kb, config)
    return Profile(
        board=board,
        ram_kb=ram_kb,
        flash_kb=int(config.get("CONFIG_FLASH_SIZE", "0")),
        heap=heap,
        heap_rule=rule,
        level=_level(config),
        thread=config.get("CONFIG_MICROPY_THREAD") == "y",
        entries=int(config.get("CONFIG_UEVENT_MAX_ENTRIES", "0")),
        pollers=int(config.get("CONFIG_UEVENT_MAX_POLLERS", "0")),
        console=console,
    )


def header_text(chosen: Profile) -> str:
    return (
        "/* Generated by uevent_codegen.board_profile: do not edit. */\n"
        "#ifndef UEVENT_BOARD_PROFILE_H\n#define UEVENT_BOARD_PROFILE_H\n"
        f"#define UEVENT_HEAP_SIZE ({chosen.heap})\n"
        "#endif\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uevent-codegen-board-profile",
        description="Check that a board can run the port and pick its heap size.",
    )
    parser.add_argument("--edt-pickle", type=Path, required=True)
    parser.add_argument("--dotconfig", type=Path, required=True, help="the build's .config")
    parser.add_argument("--board", required=True)
    parser.add_argument("--zephyr-base", help="Zephyr tree (default: $ZEPHYR_BASE)")
    parser.add_argument("--header", type=Path, help="write UEVENT_HEAP_SIZE here")
    parser.add_argument("--json", type=Path, help="write the profile as JSON here")
    args = parser.parse_args(argv)
    try:
        if not args.dotconfig.is_file():
            raise UsageError(f"no such file: {args.dotconfig}")
        zephyr_base = find_zephyr_base(args.zephyr_base)
        edt: Any = load_edt_pickle(args.edt_pickle, zephyr_base)
        config = read_dotconfig(args.dotconfig)
        chosen = profile(args.board, edt, config, find_module_drivers(zephyr_base))
    except CodegenError as e:
        print(e, file=sys.stderr)
        return 1
    if args.header is not None:
        write_if_changed(args.header, header_text(chosen))
    if args.json is not None:
        write_if_changed(args.json, json.dumps(asdict(chosen), indent=2) + "\n")
    print(chosen.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
