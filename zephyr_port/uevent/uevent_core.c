/*
 * uevent core: O(1) registration, raise and delivery.
 *
 * A source keeps a short list of its subscribers (one entry per poller that
 * registered it). Raising walks that list only, marks the event pending and,
 * if it is armed, appends the entry to its poller's ready queue and raises
 * the poller's k_poll signal. poll_ms takes the whole ready queue at once;
 * it never scans all entries. The race analysis is in docs/uevent.md.
 */
#include <string.h>
#include <zephyr/sys/__assert.h>

#include "uevent_backend.h"
#include "uevent_core.h"

struct k_spinlock uevent_lock;
uevent_stats_t uevent_stats;

static uevent_entry_t *entry_free_list;     // linked through sub_next
static uevent_poller_core_t poller_cores[CONFIG_UEVENT_MAX_POLLERS];


void uevent_core_init(uevent_entry_t *entries, size_t n_entries) {
    memset(entries, 0, n_entries * sizeof(*entries));
    entry_free_list = NULL;
    for (size_t i = n_entries; i-- > 0;) {
        entries[i].sub_next = entry_free_list;
        entry_free_list = &entries[i];
    }
    memset(poller_cores, 0, sizeof(poller_cores));
    for (size_t i = 0; i < CONFIG_UEVENT_MAX_POLLERS; i++) {
        poller_cores[i].signal = uevent_backend_poller_signal(i);
    }
    memset(&uevent_stats, 0, sizeof(uevent_stats));
    uevent_stats.entries_max = n_entries;
    uevent_stats.pollers_max = CONFIG_UEVENT_MAX_POLLERS;
}

void uevent_source_init_level(uevent_source_t *src, uevent_level_fn_t level) {
    src->subscribers = NULL;
    src->level = level;
    src->raised = 0;
}

void uevent_source_init(uevent_source_t *src) {
    uevent_source_init_level(src, NULL);
}

static void ready_push(uevent_entry_t *e) {
    uevent_poller_core_t *p = e->poller;
    __ASSERT(e->in_use && !e->queued, "uevent: queueing a free or already queued entry");
    __ASSERT((p->ready_head == NULL) == (p->ready_count == 0), "uevent: ready_count out of step");
    e->ready_next = NULL;
    e->ready_prev = p->ready_tail;
    if (p->ready_tail != NULL) {
        p->ready_tail->ready_next = e;
    } else {
        p->ready_head = e;
    }
    p->ready_tail = e;
    p->ready_count++;
    e->queued = true;
}

static void ready_remove(uevent_entry_t *e) {
    uevent_poller_core_t *p = e->poller;
    // Queued on exactly its own poller's ready queue.
    __ASSERT(e->queued && p->ready_count > 0, "uevent: removing an entry that is not queued");
    __ASSERT(e->ready_prev != NULL || p->ready_head == e, "uevent: queued entry is not on its poller's queue");
    __ASSERT(e->ready_next != NULL || p->ready_tail == e, "uevent: queued entry is not on its poller's queue");
    if (e->ready_prev != NULL) {
        e->ready_prev->ready_next = e->ready_next;
    } else {
        p->ready_head = e->ready_next;
    }
    if (e->ready_next != NULL) {
        e->ready_next->ready_prev = e->ready_prev;
    } else {
        p->ready_tail = e->ready_prev;
    }
    e->ready_next = e->ready_prev = NULL;
    p->ready_count--;
    e->queued = false;
    __ASSERT((p->ready_head == NULL) == (p->ready_count == 0), "uevent: ready_count out of step");
}

static void armed_count_update(uint16_t before, uint16_t after) {
    __ASSERT(((before | after) & ~UEVENT_ALL) == 0, "uevent: armed bits outside UEVENT_ALL");
    if (before == 0 && after != 0) {
        uevent_stats.entries_armed++;
    } else if (before != 0 && after == 0) {
        __ASSERT(uevent_stats.entries_armed > 0, "uevent: entries_armed underflow");
        uevent_stats.entries_armed--;
    }
}

// With uevent_lock held: queue the entry if an armed event is pending.
static void entry_check_ready(uevent_entry_t *e) {
    if ((e->pending & e->armed) && !e->queued && e->poller != NULL) {
        ready_push(e);
        k_poll_signal_raise(e->poller->signal, 0);
    }
}

static void entry_raise_locked(uevent_entry_t *e, uint16_t events) {
    __ASSERT((events & ~UEVENT_ALL) == 0, "uevent: raised bits outside UEVENT_ALL");
    if ((e->pending & events) == events) {
        uevent_stats.coalesced++;
    }
    e->pending |= events;
    entry_check_ready(e);
}

void uevent_source_raise(uevent_source_t *src, uint16_t events) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    src->raised++;
    for (uevent_entry_t *e = src->subscribers; e != NULL; e = e->sub_next) {
        __ASSERT(e->in_use && e->source == src, "uevent: a subscriber is not this source's entry");
        uevent_stats.raised++;
        entry_raise_locked(e, events);
    }
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_entry_raise(uevent_entry_t *entry, uint16_t events) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    entry_raise_locked(entry, events);
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_entry_set_pending(uevent_entry_t *entry, uint16_t events) {
    __ASSERT((events & ~UEVENT_ALL) == 0, "uevent: pending bits outside UEVENT_ALL");
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    entry->pending |= events;
    entry_check_ready(entry);
    k_spin_unlock(&uevent_lock, key);
}

uevent_poller_core_t *uevent_core_poller_alloc(void) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    uevent_poller_core_t *found = NULL;
    for (size_t i = 0; i < CONFIG_UEVENT_MAX_POLLERS; i++) {
        if (!poller_cores[i].in_use && poller_cores[i].sleepers == 0) {
            found = &poller_cores[i];
            // Freed with all its entries, and no thread left in k_poll on it.
            __ASSERT(found->entries == NULL && found->ready_head == NULL, "uevent: a free poller slot still has entries");
            struct k_poll_signal *signal = found->signal;
            memset(found, 0, sizeof(*found));
            found->signal = signal;
            found->in_use = true;
            k_poll_signal_reset(signal);
            uevent_stats.pollers_in_use++;
            break;
        }
    }
    k_spin_unlock(&uevent_lock, key);
    return found;
}

bool uevent_core_poller_slot_pinned(void) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    bool pinned = false;
    for (size_t i = 0; i < CONFIG_UEVENT_MAX_POLLERS; i++) {
        pinned = pinned || (!poller_cores[i].in_use && poller_cores[i].sleepers > 0);
    }
    k_spin_unlock(&uevent_lock, key);
    return pinned;
}

static void entry_free_locked(uevent_entry_t *e);

void uevent_core_poller_free(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    while (poller->entries != NULL) {
        __ASSERT(poller->entries->in_use && poller->entries->poller == poller, "uevent: poller's entry list is corrupt");
        entry_free_locked(poller->entries);
    }
    if (poller->in_use) {
        poller->in_use = false;
        poller->ready_head = poller->ready_tail = NULL;
        poller->ready_count = 0;
        poller->polled = NULL;
        __ASSERT(uevent_stats.pollers_in_use > 0, "uevent: pollers_in_use underflow");
        uevent_stats.pollers_in_use--;
    }
    k_spin_unlock(&uevent_lock, key);
}

bool uevent_core_entry_pool_empty(void) {
    return entry_free_list == NULL;
}

uevent_entry_t *uevent_core_entry_alloc(uevent_poller_core_t *poller, uevent_source_t *source, void *user) {
    __ASSERT(poller != NULL && poller->in_use, "uevent: entry for a poller not in use");
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    uevent_entry_t *e = entry_free_list;
    if (e != NULL) {
        __ASSERT(!e->in_use && !e->queued && e->poller == NULL, "uevent: an entry on the free list is in use");
        entry_free_list = e->sub_next;
        uint16_t generation = e->generation;
        memset(e, 0, sizeof(*e));
        e->generation = generation;
        e->poller = poller;
        e->poller_next = poller->entries;
        if (poller->entries != NULL) {
            poller->entries->poller_prev = e;
        }
        poller->entries = e;
        e->source = source;
        e->user = user;
        e->in_use = true;
        if (source != NULL) {
            e->sub_next = source->subscribers;
            source->subscribers = e;
        } else {
            e->sub_next = poller->polled;
            poller->polled = e;
        }
        uevent_stats.entries_in_use++;
    }
    k_spin_unlock(&uevent_lock, key);
    return e;
}

static void unlink_from(uevent_entry_t **head, uevent_entry_t *e) {
    for (uevent_entry_t **p = head; *p != NULL; p = &(*p)->sub_next) {
        if (*p == e) {
            *p = e->sub_next;
            return;
        }
    }
}

static void entry_free_locked(uevent_entry_t *e) {
    if (!e->in_use) {
        return;
    }
    // Still on its poller's list of entries.
    __ASSERT(e->poller != NULL && (e->poller_prev != NULL || e->poller->entries == e),
        "uevent: freeing an entry its poller does not have");
    if (e->queued) {
        ready_remove(e);
    }
    if (e->source != NULL) {
        unlink_from(&e->source->subscribers, e);
    } else if (e->poller != NULL) {
        unlink_from(&e->poller->polled, e);
    }
    if (e->poller_prev != NULL) {
        e->poller_prev->poller_next = e->poller_next;
    } else if (e->poller != NULL) {
        e->poller->entries = e->poller_next;
    }
    if (e->poller_next != NULL) {
        e->poller_next->poller_prev = e->poller_prev;
    }
    armed_count_update(e->armed, 0);
    __ASSERT(uevent_stats.entries_in_use > 0, "uevent: entries_in_use underflow");
    uevent_stats.entries_in_use--;
    // Bumped: a Python entry still holding this slot sees it is stale.
    uint16_t generation = e->generation + 1;
    memset(e, 0, sizeof(*e));
    e->generation = generation;
    __ASSERT(!e->in_use && !e->queued, "uevent: a freed entry still in use");
    e->sub_next = entry_free_list;
    entry_free_list = e;
}

void uevent_core_entry_free(uevent_entry_t *entry) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    __ASSERT(entry->in_use, "uevent: freeing an entry not in use");
    entry_free_locked(entry);
    k_spin_unlock(&uevent_lock, key);
}

void uevent_source_detach_all(uevent_source_t *src) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    while (src->subscribers != NULL) {
        // The Python entry stays, but no longer hears this source.
        uevent_entry_t *e = src->subscribers;
        src->subscribers = e->sub_next;
        e->source = NULL;
        e->sub_next = NULL;
        e->armed = 0;
    }
    k_spin_unlock(&uevent_lock, key);
}

static uint16_t entry_level(uevent_entry_t *e) {
    if (e->source != NULL && e->source->level != NULL) {
        return e->source->level(e->source);
    }
    return 0;
}

void uevent_core_entry_arm(uevent_entry_t *entry, uint16_t mask) {
    __ASSERT((mask & ~UEVENT_ALL) == 0, "uevent: arming bits outside UEVENT_ALL");
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    __ASSERT(entry->in_use, "uevent: arming an entry not in use");
    uint16_t before = entry->armed;
    entry->armed |= mask;
    if (entry->source != NULL && entry->source->level != NULL) {
        uint16_t stream_bits = UEVENT_READ | UEVENT_WRITE;
        entry->pending = (entry->pending & ~stream_bits) | (entry_level(entry) & stream_bits);
    }
    armed_count_update(before, entry->armed);
    entry_check_ready(entry);
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_entry_disarm(uevent_entry_t *entry, uint16_t mask) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    uint16_t before = entry->armed;
    entry->armed &= ~mask;
    entry->pending &= ~mask;
    armed_count_update(before, entry->armed);
    if (entry->queued && !(entry->pending & entry->armed)) {
        ready_remove(entry);
    }
    k_spin_unlock(&uevent_lock, key);
}

bool uevent_core_poller_begin(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    // Reset before looking at the queue: a raise after this point raises the
    // signal again, so the k_poll that follows returns at once.
    k_poll_signal_reset(poller->signal);
    bool notified = poller->notified;
    poller->notified = false;
    k_spin_unlock(&uevent_lock, key);
    return notified;
}

static uint16_t entry_deliver_locked(uevent_entry_t *entry) {
    if (entry->source != NULL && entry->source->level != NULL) {
        // A stream emptied since the raise is no longer readable.
        uint16_t stream_bits = UEVENT_READ | UEVENT_WRITE;
        entry->pending = (entry->pending & ~stream_bits) | (entry_level(entry) & stream_bits);
    }
    __ASSERT(((entry->pending | entry->armed) & ~UEVENT_ALL) == 0, "uevent: pending or armed bits outside UEVENT_ALL");
    uint16_t flags = entry->pending & entry->armed;
    uint16_t before = entry->armed;
    entry->pending &= ~flags;
    entry->armed &= ~flags;
    armed_count_update(before, entry->armed);
    if (flags) {
        uevent_stats.delivered++;
    }
    return flags;
}

uevent_entry_t *uevent_core_poller_pop(uevent_poller_core_t *poller, uint16_t *flags) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    uevent_entry_t *e;
    *flags = 0;
    while ((e = poller->ready_head) != NULL) {
        __ASSERT(e->poller == poller, "uevent: another poller's entry on this ready queue");
        ready_remove(e);
        *flags = entry_deliver_locked(e);
        if (*flags) {
            break;
        }
    }
    k_spin_unlock(&uevent_lock, key);
    return e;
}

size_t uevent_core_poller_ready_count(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    size_t n = poller->ready_count;
    k_spin_unlock(&uevent_lock, key);
    return n;
}

void uevent_core_poller_wake(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    poller->notified = true;
    k_poll_signal_raise(poller->signal, 0);
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_poller_take_notify(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    poller->notified = false;
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_poller_sleep_begin(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    __ASSERT(poller->in_use, "uevent: sleeping on a poller not in use");
    __ASSERT(poller->sleepers < UINT8_MAX, "uevent: too many threads sleep on one poller");
    poller->sleepers++;
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_poller_sleep_end(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    __ASSERT(poller->sleepers > 0, "uevent: poller sleepers underflow");
    poller->sleepers--;
    k_spin_unlock(&uevent_lock, key);
}

void uevent_core_poller_notify(uevent_poller_core_t *poller) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    uevent_stats.notifies++;
    k_spin_unlock(&uevent_lock, key);
    uevent_core_poller_wake(poller);
}
