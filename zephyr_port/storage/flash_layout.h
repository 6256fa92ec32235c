// The erase pages of a flash partition as zephyr.FlashArea's blocks
// (flash_area.c). Plain C with no Zephyr or MicroPython header.
#ifndef UEVENT_PORT_FLASH_LAYOUT_H
#define UEVENT_PORT_FLASH_LAYOUT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

// The erase pages of a partition, as zephyr.FlashArea needs them: blocks
// of one size that erase nothing outside the partition. `page` gives the
// page holding a flash offset (its start and size; 0, or a negative errno).
// Plain C, so a host test can run it on any sector map
// (tests/storage/test_flash_layout.py).
typedef int (*port_flash_page_fn)(void *ctx, uint32_t offset, uint32_t *start, uint32_t *size);

enum {
    PORT_FLASH_LAYOUT_OK = 0,
    // The partition starts or ends inside an erase page.
    PORT_FLASH_LAYOUT_UNALIGNED = 1,
    // Its pages are not all of one size (NUCLEO-F401RE: 16, 64, 128 KB).
    PORT_FLASH_LAYOUT_MIXED = 2,
};

// PORT_FLASH_LAYOUT_OK and the page size in *page_size when every page of
// [start, start + size) lies inside it and has one size; else the problem
// (PORT_FLASH_LAYOUT_*), or the negative errno of a failed lookup.
// Context: any (ISR-safe) when `page` is.
static inline int port_flash_layout(port_flash_page_fn page, void *ctx, uint32_t start, uint32_t size,
    uint32_t *page_size) {
    uint32_t end = start + size;
    if (size == 0 || end < start) {
        return -EINVAL;
    }
    uint32_t first = 0;
    for (uint32_t at = start; at < end;) {
        uint32_t p_start, p_size;
        int ret = page(ctx, at, &p_start, &p_size);
        if (ret != 0) {
            return ret < 0 ? ret : -EIO;
        }
        if (p_start != at || p_size == 0 || p_size > end - at) {
            return PORT_FLASH_LAYOUT_UNALIGNED;
        }
        if (first == 0) {
            first = p_size;
        } else if (p_size != first) {
            return PORT_FLASH_LAYOUT_MIXED;
        }
        at += p_size;
    }
    *page_size = first;
    return PORT_FLASH_LAYOUT_OK;
}

#endif // UEVENT_PORT_FLASH_LAYOUT_H
