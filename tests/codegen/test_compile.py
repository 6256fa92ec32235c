"""The rendered C compiles, links and runs on the host.

Devicetree macros are Zephyr's real ones (zephyr/devicetree.h) fed with the
devicetree_generated.h that gen_defines.py writes for the fixture board; the
rest of Zephyr and MicroPython is stood in by tests/codegen/stubs. The
harness plays the hand-written side and runs the rendered init code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO_ROOT, STUBS

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs host gcc")

HARNESS = Path(__file__).parent / "harness" / "harness.c"
CONTRACT = REPO_ROOT / "zephyr_port" / "uevent"
MAX_POLLERS = 4
MAX_ENTRIES = 16


def _write_qstrs(c_files: list[Path], out_dir: Path) -> list[str]:
    """Like MicroPython's qstr scan: every MP_QSTR_x used becomes an enum value."""
    names: list[str] = []
    for c_file in c_files:
        for name in re.findall(r"\bMP_QSTR_(\w+)", c_file.read_text()):
            if name not in names:
                names.append(name)
    genhdr = out_dir / "genhdr"
    genhdr.mkdir()
    body = "".join(f"    MP_QSTR_{n},\n" for n in names)
    (genhdr / "qstrdefs.generated.h").write_text(
        f"enum {{\n    MP_QSTR_NULL,\n{body}    UEVENT_TEST_QSTR_COUNT\n}};\n"
    )
    return ["NULL", *names]


def _build(tmp_path: Path, zephyr_base: Path, include_dir: Path, devices: list[str]) -> Path:
    """Compiles the rendered C with the harness and ``devices`` (node labels whose
    driver 'is built'); returns the executable."""
    devices_c = tmp_path / "devices.c"
    devices_c.write_text(
        "#include <zephyr/device.h>\n"
        + "".join(
            f'const struct device DEVICE_DT_NAME_GET(DT_NODELABEL({d})) = {{"{d}"}};\n'
            for d in devices
        )
    )
    sources = [
        tmp_path / "uevent_board_sources.c",
        tmp_path / "uevent_backend.c",
        HARNESS,
        devices_c,
    ]
    cmd = [
        "gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1",
        "-DCONFIG_X86", "-DCONFIG_64BIT",  # lets Zephyr's toolchain.h accept the host
        f"-DCONFIG_UEVENT_MAX_POLLERS={MAX_POLLERS}",
        f"-DCONFIG_UEVENT_MAX_ENTRIES={MAX_ENTRIES}",
        "-I", str(tmp_path), "-I", str(STUBS), "-I", str(CONTRACT),
        "-I", str(include_dir), "-I", str(zephyr_base / "include"),
        *map(str, sources), "-o", str(tmp_path / "harness"),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return tmp_path / "harness"


def _render_and_run(run_cli, gen_defines, tmp_path, zephyr_base, board, devices):
    dts_build = gen_defines(FIXTURES / f"{board}.dts")
    result = run_cli("--edt-pickle", dts_build.edt_pickle, "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    qstrs = _write_qstrs([tmp_path / "uevent_board_sources.c"], tmp_path)
    exe = _build(tmp_path, zephyr_base, dts_build.include_dir, devices)
    output = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    sources = {
        m["path"]: m.groupdict()
        for m in re.finditer(
            r"^source (?P<path>\S+) kind=(?P<kind>\d+) events=(?P<events>\d+) dev=(?P<dev>\S+) "
            r"ready=(?P<ready>\d) raised=(?P<raised>\d+) pin=(?P<pin>\d+) edges=(?P<edges>\S+) "
            r"debounce=(?P<debounce>\d+) idle=(?P<idle>\d+)$",
            output,
            re.M,
        )
    }
    names = {qstrs[int(m[1])]: m[2] for m in re.finditer(r"^name (\d+) -> (\S+)$", output, re.M)}
    backend = re.search(r"^backend .*$", output, re.M)
    assert backend is not None
    lookups = {
        (m[1], qstrs[int(m[2])]): m[3]
        for m in re.finditer(r"^(gpio|pin|uart) (\d+) -> (.+)$", output, re.M)
    }
    # A bus: its index, its device and its first name (as a qstr).
    for m in re.finditer(r"^(i2c|spi) (\d+) -> (\d+) (\S+) (\d+)$", output, re.M):
        lookups[(m[1], qstrs[int(m[2])])] = f"{m[3]} {m[4]} {qstrs[int(m[5])]}"
    counts = re.search(r"^buses i2c=(\d+) spi=(\d+)$", output, re.M)
    assert counts is not None
    lookups[("buses", "count")] = f"i2c={counts[1]} spi={counts[2]}"
    return sources, names, backend[0], lookups


def test_all_kinds_compiles_links_and_runs(run_cli, gen_defines, tmp_path, zephyr_base):
    # gpio_emul's and uart1's drivers are 'not built': their sources must still
    # link, with no device, and stay not ready.
    sources, names, backend, lookups = _render_and_run(
        run_cli,
        gen_defines,
        tmp_path,
        zephyr_base,
        "board_all_kinds",
        ["gpio0", "uart0", "timer0"],
    )
    assert list(sources) == [
        "/buttons/button_0", "/buttons/button_1", "/uevent-sources/door",
        "/uevent-sources/emul-pin", "/serial@40001000", "/uevent-sources/modem",
        "/uevent-sources/tick",
    ]  # fmt: skip
    button = sources["/buttons/button_0"]
    assert button["dev"] == "gpio0" and button["ready"] == "1"
    assert button["raised"] == "1", "the button's ISR must raise the button's own source"
    assert (button["pin"], button["debounce"], button["kind"], button["events"]) == (
        "11",
        "25",
        "0",
        "4",
    )
    assert sources["/uevent-sources/door"]["raised"] == "1"
    probe = sources["/uevent-sources/emul-pin"]
    assert (probe["dev"], probe["ready"], probe["raised"]) == ("NULL", "0", "0")
    modem = sources["/uevent-sources/modem"]
    assert (modem["dev"], modem["ready"], modem["idle"], modem["events"]) == (
        "NULL",
        "0",
        "500",
        "7",
    )
    uart0 = sources["/serial@40001000"]
    assert (uart0["dev"], uart0["ready"], uart0["kind"], uart0["events"]) == (
        "uart0",
        "1",
        "2",
        "3",
    )
    tick = sources["/uevent-sources/tick"]
    assert (tick["dev"], tick["ready"], tick["kind"]) == ("timer0", "1", "3")
    assert names == {
        "button0": "/buttons/button_0", "sw0": "/buttons/button_0",
        "mcuboot_button0": "/buttons/button_0", "knob": "/buttons/button_1",
        "door": "/uevent-sources/door", "probe": "/uevent-sources/emul-pin",
        "uart0": "/serial@40001000", "console_uart": "/serial@40001000",
        "modem": "/uevent-sources/modem", "tick": "/uevent-sources/tick",
    }  # fmt: skip
    assert backend == f"backend pollers_ok=1 beyond=NULL entries={MAX_ENTRIES}"
    assert lookups == {
        ("gpio", "gpio0"): "gpio0",
        ("pin", "button0"): "gpio0 11 0x11", ("pin", "sw0"): "gpio0 11 0x11",
        ("pin", "mcuboot_button0"): "gpio0 11 0x11",
        ("pin", "door"): "gpio0 3 0x10", ("pin", "emul_pin"): "NULL 2 0x0",
        ("uart", "uart0"): "uart0",
        # I2C / SPI: by label and alias; i2c_off is disabled; no driver built.
        ("i2c", "i2c_a"): "0 NULL i2c_a", ("i2c", "sensor_bus"): "0 NULL i2c_a",
        ("spi", "spi_a"): "0 NULL spi_a",
        ("buses", "count"): "i2c=1 spi=1",
    }  # fmt: skip
    # gpio_emul and uart1 are enabled, but their drivers are not built.


def test_gpio_edges_are_zephyr_flags(run_cli, gen_defines, tmp_path, zephyr_base):
    sources, _, _, _ = _render_and_run(
        run_cli, gen_defines, tmp_path, zephyr_base, "board_all_kinds", ["gpio0"]
    )
    enable, logical, edge, low0, high1 = (
        (1 << 22),
        (1 << 23),
        (1 << 24),
        (1 << 25),
        (1 << 26),
    )
    # Pin levels, never Zephyr's logical form: button_0 is active low, so
    # its press is a falling edge at the pin.
    assert int(sources["/buttons/button_0"]["edges"], 16) == enable | edge | low0
    assert int(sources["/uevent-sources/door"]["edges"], 16) == enable | edge | low0
    assert int(sources["/uevent-sources/emul-pin"]["edges"], 16) == enable | edge | high1
    assert not any(int(s["edges"], 16) & logical for s in sources.values() if "edges" in s)


def test_empty_board_compiles_links_and_runs(run_cli, gen_defines, tmp_path, zephyr_base):
    sources, names, backend, lookups = _render_and_run(
        run_cli, gen_defines, tmp_path, zephyr_base, "board_empty", []
    )
    assert sources == {} and names == {}
    assert lookups == {("buses", "count"): "i2c=0 spi=0"}
    assert backend.startswith("backend pollers_ok=1 beyond")


def test_minimal_board_without_any_driver_links(run_cli, gen_defines, tmp_path, zephyr_base):
    sources, names, _, lookups = _render_and_run(
        run_cli, gen_defines, tmp_path, zephyr_base, "board_minimal", []
    )
    assert all(s["dev"] == "NULL" and s["ready"] == "0" for s in sources.values())
    assert set(names) == {"user_button", "usart2"}
    assert lookups == {
        ("pin", "user_button"): "NULL 13 0x1",
        ("pin", "green_led"): "NULL 5 0x0",
        ("pin", "led0"): "NULL 5 0x0",
        ("buses", "count"): "i2c=0 spi=0",
    }
