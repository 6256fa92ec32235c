"""module_drivers: Zephyr drivers needing a module west.yml leaves out stay off."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import GOLDEN
from uevent_codegen.errors import UsageError
from uevent_codegen.module_drivers import (
    ModuleDriver,
    drivers_on_without_module,
    find_module_drivers,
    main,
    render_kconfig,
    selecting_symbols,
)

SENSOR_KCONFIG = """\
menuconfig LIS2MDL
	bool "LIS2MDL Magnetometer"
	default y
	depends on DT_HAS_ST_LIS2MDL_ENABLED
	select I2C if $(dt_compat_on_bus,$(DT_COMPAT_ST_LIS2MDL),i2c)
	select HAS_STMEMSC
	select USE_STDC_LIS2MDL

if LIS2MDL

config LIS2MDL_TRIGGER
	bool "Trigger"
	select HAS_STMEMSC_EXTRA

endif # LIS2MDL
"""

# Zephyr's own shape of a driver that needs no module, and one whose select
# sits after an `if` block that belongs to the entry before it.
OTHER_KCONFIG = """\
config BME280
	bool "BME280"
	default y
	select I2C

if BME280
config BME280_MODE
	int "mode"
endif
	select HAS_STMEMSC

config VL53L0X
	bool "VL53L0X"
	default y
	select HAS_STLIB if I2C
"""


def fake_zephyr(root: Path) -> Path:
    (root / "drivers" / "sensor" / "lis2mdl").mkdir(parents=True)
    (root / "drivers" / "sensor" / "lis2mdl" / "Kconfig").write_text(SENSOR_KCONFIG)
    (root / "drivers" / "sensor" / "Kconfig.other").write_text(OTHER_KCONFIG)
    return root


def test_the_entry_that_selects_a_marker_is_found() -> None:
    assert selecting_symbols(SENSOR_KCONFIG, ["HAS_STMEMSC"]) == ["LIS2MDL"]
    assert selecting_symbols(OTHER_KCONFIG, ["HAS_STMEMSC"]) == []
    assert selecting_symbols(OTHER_KCONFIG, ["HAS_STLIB"]) == ["VL53L0X"]


def test_drivers_of_a_tree_sorted_with_their_files(tmp_path: Path) -> None:
    drivers = find_module_drivers(fake_zephyr(tmp_path))
    assert drivers == [
        ModuleDriver("LIS2MDL", "hal_st", "drivers/sensor/lis2mdl/Kconfig"),
        ModuleDriver("VL53L0X", "hal_st", "drivers/sensor/Kconfig.other"),
    ]
    assert drivers[0].module_symbol == "ZEPHYR_HAL_ST_MODULE"


def test_a_folder_that_is_no_zephyr_tree_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="has no drivers/ folder"):
        find_module_drivers(tmp_path)


def test_rendered_kconfig_matches_golden(tmp_path: Path, update_golden: bool) -> None:
    text = render_kconfig(find_module_drivers(fake_zephyr(tmp_path)), "drivers/ of a fake tree")
    golden = GOLDEN / "module_drivers" / "Kconfig.module_drivers"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run pytest --update-golden if intended"


def test_only_drivers_on_without_their_module_are_reported() -> None:
    lis = ModuleDriver("LIS2MDL", "hal_st", "k")
    assert drivers_on_without_module([lis], {"CONFIG_LIS2MDL": "y"}) == [lis]
    assert drivers_on_without_module([lis], {}) == []
    on_with_module = {"CONFIG_LIS2MDL": "y", "CONFIG_ZEPHYR_HAL_ST_MODULE": "y"}
    assert drivers_on_without_module([lis], on_with_module) == []


def kconfiglib(zephyr_base: Path) -> ModuleType:
    path = str(zephyr_base / "scripts" / "kconfig")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("kconfiglib")


@pytest.mark.parametrize(
    ("module_present", "assigned", "expected"),
    [(False, None, "n"), (True, None, "y"), (False, "y", "y")],
)
def test_kconfig_keeps_the_driver_off_unless_module_or_assignment(
    tmp_path: Path,
    zephyr_base: Path,
    module_present: bool,
    assigned: str | None,
    expected: str,
) -> None:
    """The generated defaults, sourced first, win over the driver's own ``default y``
    (evaluated with Zephyr's kconfiglib, as its build does)."""
    generated = tmp_path / "Kconfig.uevent_module_drivers"
    generated.write_text(
        render_kconfig([ModuleDriver("LIS2MDL", "hal_st", "k")], "test"), encoding="utf-8"
    )
    module = "config ZEPHYR_HAL_ST_MODULE\n\tbool\n\tdefault y\n" if module_present else ""
    top = tmp_path / "Kconfig"
    top.write_text(
        f'source "{generated}"\n{module}'
        "config DT_HAS_ST_LIS2MDL_ENABLED\n\tbool\n\tdefault y\n"
        'menuconfig LIS2MDL\n\tbool "LIS2MDL"\n\tdefault y\n'
        "\tdepends on DT_HAS_ST_LIS2MDL_ENABLED\n"
    )
    kconf = kconfiglib(zephyr_base).Kconfig(str(top), warn=False)
    if assigned is not None:
        kconf.syms["LIS2MDL"].set_value(assigned)
    assert kconf.syms["LIS2MDL"].str_value == expected


def test_zephyrs_st_drivers_are_found(zephyr_base: Path) -> None:
    symbols = {d.symbol for d in find_module_drivers(zephyr_base)}
    # The BBC micro:bit v2's magnetometer and the ST time-of-flight sensor.
    assert {"LIS2MDL", "VL53L0X"} <= symbols


def test_cli_writes_the_file_once(tmp_path: Path, zephyr_base: Path) -> None:
    out = tmp_path / "Kconfig.uevent_module_drivers"
    assert main(["--zephyr-base", str(zephyr_base), "--output", str(out)]) == 0
    assert "config LIS2MDL\n\tdefault n if !ZEPHYR_HAL_ST_MODULE\n" in out.read_text()
    stamp = out.stat().st_mtime_ns
    assert main(["--zephyr-base", str(zephyr_base), "--output", str(out)]) == 0
    assert out.stat().st_mtime_ns == stamp
