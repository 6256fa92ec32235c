/* Host stand-in for the hand-written "uevent_core.h": what the rendered
 * backend (uevent_backend.c) assumes of it. */
#ifndef STUB_UEVENT_CORE_H
#define STUB_UEVENT_CORE_H

#include <stddef.h>
#include <stdint.h>

// A complete type: the backend allocates CONFIG_UEVENT_MAX_ENTRIES of them.
typedef struct uevent_entry {
    struct uevent_entry *next_subscriber;
    uint16_t armed;
    uint16_t pending;
} uevent_entry_t;

// Hands the entry pool to the core.
void uevent_core_init(uevent_entry_t *storage, size_t count);

#endif
