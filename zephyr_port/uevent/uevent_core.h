/*
 * uevent core: entries, pollers and the ready queue (see docs/uevent.md).
 *
 * Storage for entries and poller signals is static and sized per board by
 * the rendered backend (uevent_backend.c); this file holds the logic.
 * Every list is changed with uevent_lock held, so ISRs, other threads and
 * the Python thread can all raise sources at any time.
 */
#ifndef UEVENT_CORE_H
#define UEVENT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>

#include "uevent_source.h"

struct uevent_poller_core;

typedef struct uevent_entry {
    struct uevent_entry *ready_next;    // poller ready queue (doubly linked)
    struct uevent_entry *ready_prev;
    struct uevent_entry *sub_next;      // source subscribers, or poller's polled list
    uevent_source_t *source;            // NULL: explicitly polled stream
    struct uevent_poller_core *poller;
    struct uevent_entry *poller_next;   // all entries of the poller (doubly linked)
    struct uevent_entry *poller_prev;
    void *user;                         // the Python entry object
    uint16_t armed;                     // events still armed
    uint16_t pending;                   // raised, not yet delivered
    uint16_t generation;                // bumped on free: stale handles see it
    bool queued;
    bool in_use;
} uevent_entry_t;

typedef struct uevent_poller_core {
    struct k_poll_signal *signal;       // raised by sources and notify()
    uevent_entry_t *ready_head;
    uevent_entry_t *ready_tail;
    uevent_entry_t *polled;             // explicitly polled entries
    uevent_entry_t *entries;            // every entry of this poller
    size_t ready_count;                 // entries in the ready queue
    bool notified;
    bool in_use;
    bool waiting;                       // inside poll_ms (re-entrancy guard)
    // Threads between releasing the GIL and leaving k_poll on this slot's
    // signal: the slot is not reused until they are gone, or a thread still
    // on its way into k_poll would take the next poller's wakes.
    uint8_t sleepers;
} uevent_poller_core_t;

typedef struct uevent_stats {
    uint32_t polls;             // poll_ms calls
    uint32_t wakeups;           // k_poll returns inside poll_ms
    uint32_t delivered;         // entries returned ready by poll_ms
    uint32_t raised;            // uevent_source_raise() calls on subscribed sources
    uint32_t coalesced;         // raises that found the event already pending
    uint32_t notifies;          // poller.notify() calls
    uint32_t explicit_polls;    // ioctl(MP_STREAM_POLL) calls for polled entries
    uint32_t entries_in_use;    // registered entries now
    uint32_t entries_armed;     // of those, with events still armed
    uint32_t entries_max;       // capacity (CONFIG_UEVENT_MAX_ENTRIES)
    uint32_t pollers_in_use;
    uint32_t pollers_max;
} uevent_stats_t;

// Set up by the rendered backend at boot.
// Context: boot or soft reset only.
void uevent_core_init(uevent_entry_t *entries, size_t n_entries);
// Lock guarding every uevent list.
extern struct k_spinlock uevent_lock;
extern uevent_stats_t uevent_stats;

// Context: Python thread, GIL held; never raises.
uevent_poller_core_t *uevent_core_poller_alloc(void);
// True while a closed poller's slot waits for a thread to leave k_poll on it.
// Context: Python thread, GIL held; never raises.
bool uevent_core_poller_slot_pinned(void);
// Frees the poller and every entry it still has.
// Context: Python thread, GIL held; never raises.
void uevent_core_poller_free(uevent_poller_core_t *poller);

// Entry pool: NULL when the board's capacity is used up.
// Context: Python thread, GIL held; never raises.
uevent_entry_t *uevent_core_entry_alloc(uevent_poller_core_t *poller, uevent_source_t *source, void *user);
// True when every entry of the pool is in use.
// Context: Python thread, GIL held; never raises.
bool uevent_core_entry_pool_empty(void);
// Context: Python thread, GIL held; never raises.
void uevent_core_entry_free(uevent_entry_t *entry);

// Arms `mask` (OR-ed in). For a source with a level function, READ/WRITE
// pending bits are re-read from it (stream readiness is a level).
// Context: Python thread, GIL held; never raises.
void uevent_core_entry_arm(uevent_entry_t *entry, uint16_t mask);
// Context: Python thread, GIL held; never raises.
void uevent_core_entry_disarm(uevent_entry_t *entry, uint16_t mask);
// Marks `events` pending on one entry (explicit polling).
// Context: Python thread, GIL held; never raises.
void uevent_core_entry_raise(uevent_entry_t *entry, uint16_t events);
// The same for a source's state at registration (a set Flag): not a raise,
// so neither counted nor coalesced.
// Context: Python thread, GIL held; never raises.
void uevent_core_entry_set_pending(uevent_entry_t *entry, uint16_t events);

// Starts a poll_ms round: resets the poller signal, then returns (and
// clears) whether notify() happened. Any raise after the reset raises the
// signal again, so the next k_poll cannot miss it.
// Context: Python thread, GIL held; never raises.
bool uevent_core_poller_begin(uevent_poller_core_t *poller);
// Pops one ready entry and takes delivery: *flags = pending & armed (READ and
// WRITE re-validated by the level), which are disarmed. NULL when empty.
// Context: Python thread, GIL held; never raises.
uevent_entry_t *uevent_core_poller_pop(uevent_poller_core_t *poller, uint16_t *flags);
// Entries queued now (an ISR may queue more right after).
// Context: Python thread, GIL held; never raises.
size_t uevent_core_poller_ready_count(uevent_poller_core_t *poller);
// poller.notify(): counted in stats, then uevent_core_poller_wake.
// Context: any (ISR-safe).
void uevent_core_poller_notify(uevent_poller_core_t *poller);
// Ends the poller's current or next poll_ms round (close, a notify given
// back after an exception); not counted as a notify.
// Context: any (ISR-safe).
void uevent_core_poller_wake(uevent_poller_core_t *poller);
// poll_ms returns: notify()s up to now are taken by this return.
// Context: Python thread, GIL held; never raises.
void uevent_core_poller_take_notify(uevent_poller_core_t *poller);
// A thread is about to sleep on the poller's signal (GIL held), and has
// left k_poll (GIL held again): the slot is not reused in between.
// Context: Python thread, GIL held; never raises.
void uevent_core_poller_sleep_begin(uevent_poller_core_t *poller);
void uevent_core_poller_sleep_end(uevent_poller_core_t *poller);

#endif // UEVENT_CORE_H
