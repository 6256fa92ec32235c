/*
 * uevent event sources: the C side every event source embeds.
 *
 * A source (a Pin, a UART, a Flag, a board source) embeds one uevent_source_t
 * and calls uevent_source_raise() from its ISR or callback when something
 * happens. Raising costs O(subscribers of that source), never O(all entries).
 */
#ifndef UEVENT_SOURCE_H
#define UEVENT_SOURCE_H

#include <stdint.h>

#define UEVENT_READ  (0x0001)
#define UEVENT_WRITE (0x0002)
#define UEVENT_EVENT (0x0004)
#define UEVENT_ALL   (UEVENT_READ | UEVENT_WRITE | UEVENT_EVENT)

struct uevent_entry;

struct uevent_source;

// Optional: what a stream source reports now (READ/WRITE bits). Stream
// readiness is a level, so it is checked again when READ or WRITE is armed
// or delivered; EVENT is always an edge.
// Context: any (ISR-safe), with uevent_lock held.
typedef uint16_t (*uevent_level_fn_t)(struct uevent_source *src);

typedef struct uevent_source {
    // Entries (one per poller that registered this source), linked through
    // uevent_entry.next_subscriber. Changed only with interrupts locked.
    struct uevent_entry *subscribers;
    uevent_level_fn_t level;            // NULL for pure edge sources
    // Counts every raise, delivered or coalesced; tests account with it.
    uint32_t raised;
} uevent_source_t;

// Sets up a source; `level` may be NULL.
// Context: Python thread, GIL held; never raises.
void uevent_source_init(uevent_source_t *src);
void uevent_source_init_level(uevent_source_t *src, uevent_level_fn_t level);
// Detaches every entry (the source object is going away).
// Context: Python thread, GIL held; never raises.
void uevent_source_detach_all(uevent_source_t *src);

// Marks `events` pending on every entry armed for them and wakes their
// pollers. Safe from ISRs, other threads and soft callbacks; never allocates.
// Context: any (ISR-safe).
void uevent_source_raise(uevent_source_t *src, uint16_t events);

#endif // UEVENT_SOURCE_H
