"""The footprint report on a small ELF compiled on the host."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CODEGEN_SRC

pytest.importorskip("elftools")
pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs host gcc")

from uevent_codegen.footprint import measure, section_class, symbol_group  # noqa: E402

SOURCE = r"""
#define KEEP __attribute__((used))
/* generated tables */
const int uevent_board_source_info[4] = {1, 2, 3, 4};          /* rodata 16 */
int uevent_board_sources[3] = {1, 2, 3};                        /* data 12 */
const unsigned long uevent_board_source_count = 3;              /* rodata 8 */
KEEP static void uevent_board_sources_isr_sw0(void) {}          /* text */
/* backend storage */
KEEP static int uevent_entry_storage[8];                        /* bss 32 */
int uevent_backend_signals[5];                                  /* bss 20 */
int uevent_backend_init_done = 1;                               /* data 4 */
/* core */
const char uevent_core_names[10] = "abc";                       /* rodata 10 */
int uevent_core_state = 7;                                      /* data 4 */
int uevent_poll(int x) { return x * 3 + 1; }                    /* text */
/* not uevent */
int other_table[100];
int not_uevent(void) { return 2; }
"""


@pytest.fixture(scope="module")
def elf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("footprint")
    (out / "f.c").write_text(SOURCE)
    subprocess.run(
        ["gcc", "-c", "-O0", "-fno-common", str(out / "f.c"), "-o", str(out / "f.o")],
        check=True,
    )
    return out / "f.o"


def _nm_text_sizes(elf: Path) -> dict[str, int]:
    """Function sizes as binutils' nm reports them: an independent oracle."""
    out = subprocess.run(["nm", "-S", str(elf)], capture_output=True, text=True, check=True)
    sizes = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "Tt":
            sizes[parts[3]] = int(parts[1], 16)
    return sizes


def test_section_classification():
    alloc, write, exe = 0x2, 0x1, 0x4
    assert section_class(alloc | exe, "SHT_PROGBITS") == "text"
    assert section_class(alloc, "SHT_PROGBITS") == "rodata"
    assert section_class(alloc | write, "SHT_PROGBITS") == "data"
    assert section_class(alloc | write, "SHT_NOBITS") == "bss"
    assert section_class(0, "SHT_PROGBITS") is None  # .comment, debug info


def test_symbol_groups():
    assert symbol_group("uevent_board_sources") == "generated"
    assert symbol_group("uevent_board_sources_isr_sw0") == "generated"
    assert symbol_group("uevent_board_source_info") == "generated"
    assert symbol_group("uevent_board_source_count") == "generated"
    assert symbol_group("uevent_backend_init") == "backend"
    assert symbol_group("uevent_entry_storage") == "backend"
    assert symbol_group("uevent_board_source_type") == "core"  # hand-written
    assert symbol_group("uevent_poll") == "core"
    assert symbol_group("mp_uevent_x") is None


def test_groups_of_a_host_elf(elf):
    fp = measure(elf)
    text = _nm_text_sizes(elf)
    gen, backend, core = fp.groups["generated"], fp.groups["backend"], fp.groups["core"]
    assert (gen.rodata, gen.data, gen.bss) == (16 + 8, 12, 0)
    assert gen.text == text["uevent_board_sources_isr_sw0"] > 0
    assert (backend.text, backend.rodata, backend.data, backend.bss) == (
        0,
        0,
        4,
        32 + 20,
    )
    assert (core.rodata, core.data, core.bss) == (10, 4, 0)
    assert core.text == text["uevent_poll"] > 0
    assert gen.flash == gen.text + gen.rodata + gen.data and gen.ram == gen.data + gen.bss
    total = fp.uevent_total
    assert total.bss == 52 and total.data == 20
    assert fp.image.bss >= 400 + 52  # other_table counts in the image, not in uevent
    assert "other_table" not in json.dumps([s for g in fp.symbols.values() for s in g])


def test_cli_json_and_table(elf):
    env_cmd = [sys.executable, "-m", "uevent_codegen.footprint", str(elf)]
    env = dict(os.environ, PYTHONPATH=str(CODEGEN_SRC))
    as_json = subprocess.run([*env_cmd, "--json"], capture_output=True, text=True, env=env)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["groups"]["backend"]["ram"] == 4 + 52
    assert {s["name"] for s in report["symbols"]["generated"]} == {
        "uevent_board_source_info", "uevent_board_sources",
        "uevent_board_source_count", "uevent_board_sources_isr_sw0",
    }  # fmt: skip
    table = subprocess.run(env_cmd, capture_output=True, text=True, env=env)
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "group",
        "text",
        "rodata",
        "data",
        "bss",
        "flash",
        "ram",
    ]
    assert [line.split()[0] for line in lines[1:]] == [
        "generated",
        "backend",
        "core",
        "uevent",
        "image",
    ]


def test_cli_rejects_a_non_elf(tmp_path):
    bogus = tmp_path / "zephyr.elf"
    bogus.write_text("not an elf")
    env = dict(os.environ, PYTHONPATH=str(CODEGEN_SRC))
    result = subprocess.run(
        [sys.executable, "-m", "uevent_codegen.footprint", str(bogus)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("uevent-codegen-footprint: error: ")
    assert "Traceback" not in result.stderr
