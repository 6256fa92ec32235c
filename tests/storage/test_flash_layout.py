"""zephyr.FlashArea's check of a partition's erase pages, on the host.

``port_flash_layout()`` (zephyr_port/storage/flash_layout.h) is plain C: this
test compiles it with the host's C compiler against sector maps of the
boards we ship, mixed sector sizes included, which neither QEMU board's
simulated flash (one page size) can show. A partition is accepted only when
it starts and ends on erase page boundaries and its pages have one size;
then no erase of one of its blocks reaches outside it (issue 31, point 5).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

KB = 1024
# Sector maps as (size, count) runs. STM32F401RE (RM0368): sectors 0-3 of
# 16 KB, 4 of 64 KB, 5-7 of 128 KB.
F401 = [(16 * KB, 4), (64 * KB, 1), (128 * KB, 3)]
# nRF52840: 256 pages of 4 KB.
NRF52840 = [(4 * KB, 256)]

HARNESS = r"""
#include <stdio.h>
#include <stdlib.h>
#include "flash_layout.h"

static uint32_t sectors[1024];
static int n_sectors;

static int page(void *ctx, uint32_t offset, uint32_t *start, uint32_t *size) {
    (void)ctx;
    uint32_t at = 0;
    for (int i = 0; i < n_sectors; i++) {
        if (offset < at + sectors[i]) {
            *start = at;
            *size = sectors[i];
            return 0;
        }
        at += sectors[i];
    }
    return -EINVAL;
}

// argv: start size then SIZE*COUNT for each run of sectors of one size
int main(int argc, char **argv) {
    uint32_t start = strtoul(argv[1], NULL, 0), size = strtoul(argv[2], NULL, 0);
    for (int i = 3; i < argc; i++) {
        char *count;
        uint32_t sector = strtoul(argv[i], &count, 0);
        for (unsigned long n = strtoul(count + 1, NULL, 0); n > 0 && n_sectors < 1024; n--) {
            sectors[n_sectors++] = sector;
        }
    }
    uint32_t page_size = 0;
    int ret = port_flash_layout(page, NULL, start, size, &page_size);
    printf("%d %u\n", ret, (unsigned)page_size);
    return 0;
}
"""

OK, UNALIGNED, MIXED, EINVAL = 0, 1, 2, -22


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "no host C compiler"
    work = tmp_path_factory.mktemp("layout")
    (work / "harness.c").write_text(HARNESS)
    exe = work / "harness"
    subprocess.run(
        [
            cc,
            "-std=c99",
            "-Wall",
            "-Werror",
            "-I",
            str(REPO / "zephyr_port" / "storage"),
            "-o",
            str(exe),
            str(work / "harness.c"),
        ],
        check=True,
    )
    return exe


def check(exe: Path, start: int, size: int, sectors: list[tuple[int, int]]) -> tuple[int, int]:
    out = subprocess.run(
        [str(exe), str(start), str(size), *(f"{s}*{n}" for s, n in sectors)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


@pytest.mark.parametrize(
    ("start", "size", "sectors", "want"),
    [
        # The NUCLEO-F401RE's /flash: sectors 1-3 (boards/nucleo_f401re.overlay).
        (0x4000, 48 * KB, F401, (OK, 16 * KB)),
        # Its image partition, sectors 4-7: 64 KB then 128 KB pages.
        (0x10000, 448 * KB, F401, (MIXED, 0)),
        # Sectors 3 and 4: 16 KB then 64 KB.
        (0xC000, 80 * KB, F401, (MIXED, 0)),
        # Ending inside sector 4 (its first 16 KB): an erase of that block
        # would erase all of sector 4.
        (0x4000, 64 * KB, F401, (UNALIGNED, 0)),
        # Starting inside sector 1.
        (0x4100, 16 * KB, F401, (UNALIGNED, 0)),
        # Sectors 5-7: three 128 KB pages.
        (0x20000, 384 * KB, F401, (OK, 128 * KB)),
        # The nRF52840 DK's storage_partition, and one off by 1 KB.
        (0xF8000, 32 * KB, NRF52840, (OK, 4 * KB)),
        (0xF8400, 32 * KB, NRF52840, (UNALIGNED, 0)),
        (0xF8000, 31 * KB, NRF52840, (UNALIGNED, 0)),
        # Past the end of the flash, and an empty partition.
        (0xFC000, 32 * KB, NRF52840, (EINVAL, 0)),
        (0xF8000, 0, NRF52840, (EINVAL, 0)),
    ],
)
def test_flash_layout(
    layout: Path, start: int, size: int, sectors: list[tuple[int, int]], want: tuple
) -> None:
    assert check(layout, start, size, sectors) == want
