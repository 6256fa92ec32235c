/*
 * uevent.poll(): the poller and its entries (Python side).
 *
 * poll_ms() sleeps in k_poll on the poller's signal and the calling thread's
 * waker (port_wait.c: soft callbacks, exceptions) until an armed event is
 * pending, notify() is called, or the timeout expires. Delivered bits are
 * one-shot: they are disarmed and must be re-armed with register(). See
 * docs/uevent.md.
 *
 * A MemoryError never leaves C state behind: every allocation comes before
 * the core step it backs (a poller slot, a subscription, a delivery).
 */
#include <string.h>
#include <zephyr/sys/__assert.h>

#include "py/gc.h"
#include "py/mphal.h"
#include "py/objlist.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "port_hard_irq.h"
#include "port_test_hooks.h"
#include "port_wait.h"
#include "uevent_obj.h"

#if defined(CONFIG_UEVENT_TEST_HOOKS)
// Tests: an ISR's raise right after a pop (moduevent_test.c).
#define AFTER_POP_TEST_HOOK() uevent_test_after_pop()
#else
#define AFTER_POP_TEST_HOOK()
#endif

// Every registration allocates an entry: two GC blocks on 32-bit builds.
MP_STATIC_ASSERT(sizeof(void *) != 4 || sizeof(uevent_entry_obj_t) <= 2 * MICROPY_BYTES_PER_GC_BLOCK);

// Every poller call but notify() changes or walks lists that poll_ms may be
// using on the thread the interrupt stopped, and may allocate: refused in a
// hard IRQ handler, as blocking calls are (docs/uevent.md, "What is safe
// where").
void uevent_check_not_hard_irq(void) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("uevent: only Flag.set/clear and notify() may run in a hard IRQ handler"));
    }
}

static uevent_poller_obj_t *poller_check_open(mp_obj_t self_in) {
    uevent_poller_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->core == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("poller is closed"));
    }
    return self;
}

// The entry's core slot, or NULL if it was unregistered or its poller closed.
uevent_entry_t *uevent_entry_core(uevent_entry_obj_t *self) {
    uevent_entry_t *core = self->core;
    if (core == NULL || !core->in_use || core->generation != self->generation || core->user != self) {
        self->core = NULL;
        return NULL;
    }
    __ASSERT(core->poller == self->poller->core, "uevent: entry's core slot is another poller's");
    return core;
}

static uint16_t mask_from_obj(mp_obj_t mask_in) {
    mp_int_t mask = mp_obj_get_int(mask_in);
    if (mask == 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("mask is 0: give READ, WRITE and/or EVENT"));
    }
    if (mask & ~UEVENT_ALL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("mask %d has unknown bits (READ=1, WRITE=2, EVENT=4)"), (int)mask);
    }
    return (uint16_t)mask;
}

static mp_obj_t uevent_poller_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    // The object first: a MemoryError here takes no slot.
    uevent_poller_obj_t *self = mp_obj_malloc_with_finaliser(uevent_poller_obj_t, type);
    self->core = NULL;
    self->tasks_parked = 0;
    self->registry = MP_OBJ_TO_PTR(mp_obj_new_dict(0));
    uevent_poller_core_t *core = uevent_core_poller_alloc();
    if (core == NULL && !gc_is_locked()) {
        // Pollers dropped without close() hold their slot until the GC
        // runs their finaliser: collect once before giving up.
        gc_collect();
        core = uevent_core_poller_alloc();
    }
    #if MICROPY_PY_THREAD
    // A poller closed while another thread slept in it keeps its slot until
    // that thread is back from k_poll (it was woken, and waits for the GIL):
    // give it up to 100 ms (ticks, not calls: a tick may be 10 ms).
    int64_t give_up = k_uptime_get() + 100;
    while (core == NULL && uevent_core_poller_slot_pinned() && k_uptime_get() < give_up) {
        MP_THREAD_GIL_EXIT();
        k_msleep(1);
        MP_THREAD_GIL_ENTER();
        core = uevent_core_poller_alloc();
    }
    #endif
    if (core == NULL) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("too many pollers (CONFIG_UEVENT_MAX_POLLERS=%d)"), CONFIG_UEVENT_MAX_POLLERS);
    }
    self->core = core;
    return MP_OBJ_FROM_PTR(self);
}

// Registers `obj` for `mask` (ORed into an existing registration): the
// entry. Also asyncio's IO queue's (uevent_ioqueue.c).
uevent_entry_obj_t *uevent_poller_add(uevent_poller_obj_t *self, mp_obj_t obj, uint16_t mask) {
    uevent_check_not_hard_irq();
    // Check the object first: an unhashable non-source gets the clear error.
    bool polled_stream;
    uevent_source_t *source = uevent_source_of(obj, &polled_stream);

    mp_map_elem_t *elem = mp_map_lookup(&self->registry->map, obj, MP_MAP_LOOKUP);
    uevent_entry_obj_t *entry;
    if (elem != NULL) {
        entry = MP_OBJ_TO_PTR(elem->value);
        uevent_entry_t *core = uevent_entry_core(entry);
        if (core != NULL) {
            uevent_core_entry_arm(core, mask);
            return entry;
        }
        // Stale (source went away): register afresh below.
        mp_map_lookup(&self->registry->map, obj, MP_MAP_LOOKUP_REMOVE_IF_FOUND);
    }

    // Allocate (the entry, its registry slot) before subscribing: a
    // MemoryError leaves nothing subscribed that no object keeps.
    entry = mp_obj_malloc(uevent_entry_obj_t, &uevent_entry_type);
    entry->poller = self;
    entry->core = NULL;
    entry->obj = obj;
    entry->data = mp_const_none;
    entry->flags = 0;
    entry->round = 0;
    entry->orphans = 0;
    entry->ioq = NULL;
    mp_obj_dict_store(MP_OBJ_FROM_PTR(self->registry), obj, MP_OBJ_FROM_PTR(entry));
    uevent_entry_t *core = uevent_core_entry_alloc(self->core, source, entry);
    if (core == NULL && !gc_is_locked()) {
        // Entries of pollers dropped without close() come back when the GC
        // finalises those pollers: collect once before giving up.
        gc_collect();
        core = uevent_core_entry_alloc(self->core, source, entry);
    }
    if (core == NULL) {
        mp_map_lookup(&self->registry->map, obj, MP_MAP_LOOKUP_REMOVE_IF_FOUND);
        mp_raise_msg_varg(&mp_type_OSError,
            MP_ERROR_TEXT("uevent entries used up (CONFIG_UEVENT_MAX_ENTRIES=%d)"), CONFIG_UEVENT_MAX_ENTRIES);
    }
    __ASSERT(core->in_use && core->user == entry && core->poller == self->core, "uevent: new core entry not ours");
    entry->core = core;
    entry->generation = core->generation;
    // Subscribed now: a Flag set from here on raises the entry itself, so
    // its state read after this point misses no set().
    uint16_t initial = uevent_initial_events(obj);
    if (initial) {
        uevent_core_entry_set_pending(core, initial);
    }
    uevent_core_entry_arm(core, mask);
    return entry;
}

// poller.register(obj, mask=READ|WRITE|EVENT) -> entry
static mp_obj_t uevent_poller_register(size_t n_args, const mp_obj_t *args) {
    uevent_check_not_hard_irq();
    uevent_poller_obj_t *self = poller_check_open(args[0]);
    uint16_t mask = n_args > 2 ? mask_from_obj(args[2]) : UEVENT_ALL;
    return MP_OBJ_FROM_PTR(uevent_poller_add(self, args[1], mask));
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_poller_register_obj, 2, 3, uevent_poller_register);

// Removes `mask` from the entry; mask=ALL ends the registration.
// Idempotent.
void uevent_entry_end(uevent_entry_obj_t *entry, uint16_t mask) {
    uevent_check_not_hard_irq();
    uevent_entry_t *core = uevent_entry_core(entry);
    if (core == NULL) {
        return;
    }
    if (mask == UEVENT_ALL) {
        uevent_core_entry_free(core);
        entry->core = NULL;
        if (entry->poller->core != NULL) {
            mp_map_lookup(&entry->poller->registry->map, entry->obj, MP_MAP_LOOKUP_REMOVE_IF_FOUND);
        }
    } else {
        uevent_core_entry_disarm(core, mask);
    }
}

void uevent_entry_rearm(uevent_entry_obj_t *entry, uint16_t mask) {
    uevent_entry_t *core = uevent_entry_core(entry);
    if (core == NULL) {
        return;
    }
    uevent_core_entry_disarm(core, mask);
    // Read after the disarm: a set() from here on is pending, not dropped.
    uint16_t initial = uevent_initial_events(entry->obj) & mask;
    if (initial) {
        uevent_core_entry_set_pending(core, initial);
    }
    uevent_core_entry_arm(core, mask);
}

uevent_entry_obj_t *uevent_poller_find(uevent_poller_obj_t *self, mp_obj_t obj) {
    if (self->core == NULL) {
        return NULL;
    }
    mp_map_elem_t *elem = mp_map_lookup(&self->registry->map, obj, MP_MAP_LOOKUP);
    if (elem == NULL) {
        return NULL;
    }
    uevent_entry_obj_t *entry = MP_OBJ_TO_PTR(elem->value);
    return uevent_entry_core(entry) != NULL ? entry : NULL;
}

// poller.unregister(obj): ends obj's registration; idempotent.
static mp_obj_t uevent_poller_unregister(mp_obj_t self_in, mp_obj_t obj) {
    uevent_check_not_hard_irq();
    uevent_poller_obj_t *self = poller_check_open(self_in);
    mp_map_elem_t *elem = mp_map_lookup(&self->registry->map, obj, MP_MAP_LOOKUP);
    if (elem != NULL) {
        uevent_entry_end(MP_OBJ_TO_PTR(elem->value), UEVENT_ALL);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(uevent_poller_unregister_obj, uevent_poller_unregister);

// Asks each explicitly polled stream that has READ/WRITE armed. Returns
// whether any such stream exists (then poll_ms must wake to ask again).
// The ioctl may be Python code that unregisters entries or closes the
// poller: then this pass stops, and the next round asks again.
static bool poll_streams(uevent_poller_obj_t *self) {
    bool any = false;
    for (uevent_entry_t *e = self->core->polled; e != NULL; e = e->sub_next) {
        uevent_entry_obj_t *entry = e->user;
        uint16_t want = e->armed & (UEVENT_READ | UEVENT_WRITE);
        if (want == 0) {
            continue;
        }
        any = true;
        uint16_t generation = e->generation;
        uintptr_t flags = ((want & UEVENT_READ) ? MP_STREAM_POLL_RD : 0) | ((want & UEVENT_WRITE) ? MP_STREAM_POLL_WR : 0);
        const mp_stream_p_t *stream = mp_get_stream(entry->obj);
        int errcode;
        mp_uint_t ret = stream->ioctl(entry->obj, MP_STREAM_POLL, flags, &errcode);
        uevent_stats.explicit_polls++;
        if (self->core == NULL || !e->in_use || e->generation != generation || e->user != entry) {
            // The entry (or the poller) went away inside the ioctl.
            break;
        }
        uint16_t events = 0;
        if (ret == MP_STREAM_ERROR || (ret & (MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP))) {
            events = UEVENT_READ | UEVENT_WRITE;
        } else {
            events = ((ret & MP_STREAM_POLL_RD) ? UEVENT_READ : 0) | ((ret & MP_STREAM_POLL_WR) ? UEVENT_WRITE : 0);
        }
        if (events) {
            uevent_core_entry_raise(e, events);
        }
    }
    return any;
}

// Makes room for `n` more items, so that appending them cannot allocate.
static void results_reserve(mp_obj_t list_in, size_t n) {
    mp_obj_list_t *list = MP_OBJ_TO_PTR(list_in);
    if (list->alloc - list->len < n) {
        size_t alloc = list->len + n;
        list->items = m_renew(mp_obj_t, list->items, list->alloc, alloc);
        memset(list->items + list->alloc, 0, (alloc - list->alloc) * sizeof(mp_obj_t));
        list->alloc = alloc;
    }
}

// Appends every ready entry to `result` (a new list if MP_OBJ_NULL);
// returns it, or MP_OBJ_NULL when nothing was ready. Room for the entries
// queued now is allocated before any is popped, so a MemoryError loses no
// delivery; entries an ISR queues meanwhile beyond that room stay queued
// for the next call. Entries are popped one lock hold at a time, so an ISR
// may queue a popped entry again for another bit: such an entry is listed
// once, with both deliveries' flags.
static mp_obj_t collect_ready(uevent_poller_obj_t *self, mp_obj_t result) {
    size_t queued = uevent_core_poller_ready_count(self->core);
    if (queued == 0) {
        return MP_OBJ_NULL;
    }
    if (result == MP_OBJ_NULL) {
        result = mp_obj_new_list(0, NULL);
    }
    results_reserve(result, queued);
    mp_obj_list_t *list = MP_OBJ_TO_PTR(result);
    uint32_t round = ++self->round;
    bool any = false;
    while (list->len < list->alloc) {
        uint16_t flags;
        uevent_entry_t *e = uevent_core_poller_pop(self->core, &flags);
        if (e == NULL) {
            break;
        }
        AFTER_POP_TEST_HOOK();
        __ASSERT(flags != 0 && (flags & ~UEVENT_ALL) == 0, "uevent: popped entry with no valid flags");
        uevent_entry_obj_t *entry = e->user;
        __ASSERT(entry->poller == self, "uevent: popped another poller's entry");
        if (entry->round == round) {
            entry->flags |= flags;
            continue;
        }
        entry->round = round;
        entry->flags = flags;
        mp_obj_list_append(result, MP_OBJ_FROM_PTR(entry));
        any = true;
    }
    return any ? result : MP_OBJ_NULL;
}

// Empties a caller's list for reuse; the items go too, so the GC frees them.
static mp_obj_t results_list_reset(mp_obj_t list_in) {
    if (!mp_obj_is_exact_type(list_in, &mp_type_list)) {
        mp_raise_TypeError(MP_ERROR_TEXT("results must be a list"));
    }
    mp_obj_list_t *list = MP_OBJ_TO_PTR(list_in);
    memset(list->items, 0, list->len * sizeof(mp_obj_t));
    list->len = 0;
    return list_in;
}

// The sleeper's hold on its poller's slot, for a thread that never came
// back (aborted, or ended itself at a soft reset).
static void poller_sleep_abandoned(void *core) {
    uevent_core_poller_sleep_end(core);
}

// poll_ms's sleep until the poller's signal, a soft callback (or pending
// exception) for this thread, or `wait`. Returns without sleeping when a
// callback is already pending: the caller's next round runs it.
static void poller_sleep(uevent_poller_obj_t *self, k_timeout_t wait) {
    if (port_pending_runnable()) {
        return;
    }
    port_waker_t *waker = port_waker_current();
    if (!port_waker_arm(waker, PORT_WAKE_SCHED)) {
        return;
    }
    // Another thread may close the poller while this one has no GIL: the
    // core slot stays ours (not reused) until this thread is back.
    uevent_poller_core_t *core = self->core;
    __ASSERT(core != NULL && core->waiting, "uevent: sleeping outside poll_ms");
    struct k_poll_event events[2];
    k_poll_event_init(&events[0], K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, core->signal);
    k_poll_event_init(&events[1], K_POLL_TYPE_SIGNAL, K_POLL_MODE_NOTIFY_ONLY, &waker->signal);
    uevent_core_poller_sleep_begin(core);
    port_waker_hold(waker, poller_sleep_abandoned, core);
    MP_THREAD_GIL_EXIT();
    k_poll(events, 2, wait);
    MP_THREAD_GIL_ENTER();
    port_waker_unhold(waker);
    uevent_core_poller_sleep_end(core);
    port_waker_disarm(waker);
    uevent_stats.wakeups++;
}

// Waits up to timeout_ms (-1: no limit) for ready entries: the list of them
// (`results`, emptied first, if not MP_OBJ_NULL). poll_ms(), and asyncio's
// IO queue's wait (uevent_ioqueue.c).
mp_obj_t uevent_poller_wait(uevent_poller_obj_t *self, mp_int_t timeout_ms, mp_obj_t results,
    const uevent_wait_hook_t *hook) {
    uevent_check_not_hard_irq();
    if (results != MP_OBJ_NULL) {
        results = results_list_reset(results);
    }
    if (self->core->waiting) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("poll_ms re-entered on the same poller (from a scheduled callback?)"));
    }
    uevent_stats.polls++;
    int64_t deadline = timeout_ms < 0 ? -1 : k_uptime_ticks() + k_ms_to_ticks_ceil64(timeout_ms);

    self->core->waiting = true;
    mp_obj_t result = MP_OBJ_NULL;
    uint32_t runs = port_sched_runs();
    // A notify() taken by this round; given back if the round raises.
    volatile bool notified = false;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        for (;;) {
            // Soft callbacks run here, on whichever thread waits; one may
            // raise a registered source.
            port_run_pending();
            if (self->core == NULL) {
                // Closed by a callback or another thread meanwhile.
                mp_raise_ValueError(MP_ERROR_TEXT("poller was closed while waiting"));
            }
            notified = uevent_core_poller_begin(self->core);
            bool streams = poll_streams(self);
            if (self->core == NULL) {
                // Closed by a polled stream's ioctl (Python code).
                mp_raise_ValueError(MP_ERROR_TEXT("poller was closed while waiting"));
            }
            result = collect_ready(self, results);
            if (result != MP_OBJ_NULL || notified) {
                break;
            }
            if (hook != NULL && port_sched_runs() != runs) {
                // Soft callbacks ran: the caller may have work now (a task
                // they made runnable).
                runs = port_sched_runs();
                if (hook->ready(hook->ctx)) {
                    break;
                }
            }
            k_timeout_t wait = K_FOREVER;
            if (deadline >= 0) {
                int64_t left = deadline - k_uptime_ticks();
                if (left <= 0) {
                    break;
                }
                wait = K_TICKS(left);
            }
            if (streams && (K_TIMEOUT_EQ(wait, K_FOREVER) || wait.ticks > k_ms_to_ticks_ceil64(CONFIG_UEVENT_STREAM_POLL_MS))) {
                wait = K_MSEC(CONFIG_UEVENT_STREAM_POLL_MS);
            }
            poller_sleep(self, wait);
        }
        if (result == MP_OBJ_NULL) {
            // Allocated before a notify() taken is gone for good.
            result = results != MP_OBJ_NULL ? results : mp_obj_new_list(0, NULL);
        }
        nlr_pop();
    } else {
        if (self->core != NULL) {
            self->core->waiting = false;
            if (notified) {
                uevent_core_poller_wake(self->core);
            }
        }
        nlr_jump(nlr.ret_val);
    }
    self->core->waiting = false;
    // A notify() that came while this call ran is taken by its return.
    uevent_core_poller_take_notify(self->core);
    return result;
}

// poller.poll_ms(timeout_ms=-1, results=None) -> list of ready entries
// results: a list to empty and fill instead of allocating a new one.
static mp_obj_t uevent_poller_poll_ms(size_t n_args, const mp_obj_t *args) {
    uevent_check_not_hard_irq();
    uevent_poller_obj_t *self = poller_check_open(args[0]);
    mp_int_t timeout_ms = -1;
    if (n_args > 1 && args[1] != mp_const_none) {
        timeout_ms = mp_obj_get_int(args[1]);
        if (timeout_ms < -1) {
            mp_raise_ValueError(MP_ERROR_TEXT("timeout_ms must be >= 0, or -1 for no timeout"));
        }
    }
    mp_obj_t results = n_args > 2 && args[2] != mp_const_none ? args[2] : MP_OBJ_NULL;
    return uevent_poller_wait(self, timeout_ms, results, NULL);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_poller_poll_ms_obj, 1, 3, uevent_poller_poll_ms);

// poller.notify(): wakes poll_ms from any context; never lost.
static mp_obj_t uevent_poller_notify_py(mp_obj_t self_in) {
    uevent_poller_obj_t *self = poller_check_open(self_in);
    uevent_core_poller_notify(self->core);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_poller_notify_obj, uevent_poller_notify_py);

// poller.close(): frees every entry and the poller; also run by the GC.
static mp_obj_t uevent_poller_close(mp_obj_t self_in) {
    uevent_check_not_hard_irq();
    uevent_poller_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->core != NULL) {
        // A poll_ms sleeping on this poller sees the close when it wakes.
        uevent_core_poller_wake(self->core);
        uevent_core_poller_free(self->core);
        self->core = NULL;
        // Its registrations kept their objects alive: not any more (no
        // allocation here, the GC may be running this as a finaliser).
        self->registry = NULL;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_poller_close_obj, uevent_poller_close);

static mp_obj_t uevent_poller_len(mp_obj_t self_in) {
    uevent_poller_obj_t *self = poller_check_open(self_in);
    return MP_OBJ_NEW_SMALL_INT(self->registry->map.used);
}

static mp_obj_t uevent_poller_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
    if (op == MP_UNARY_OP_LEN) {
        return uevent_poller_len(self_in);
    }
    return MP_OBJ_NULL;
}

static const mp_rom_map_elem_t uevent_poller_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&uevent_poller_close_obj) },
    { MP_ROM_QSTR(MP_QSTR_register), MP_ROM_PTR(&uevent_poller_register_obj) },
    { MP_ROM_QSTR(MP_QSTR_unregister), MP_ROM_PTR(&uevent_poller_unregister_obj) },
    { MP_ROM_QSTR(MP_QSTR_poll_ms), MP_ROM_PTR(&uevent_poller_poll_ms_obj) },
    { MP_ROM_QSTR(MP_QSTR_notify), MP_ROM_PTR(&uevent_poller_notify_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&uevent_poller_close_obj) },
};
static MP_DEFINE_CONST_DICT(uevent_poller_locals_dict, uevent_poller_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    uevent_poller_type,
    MP_QSTR_poll,
    MP_TYPE_FLAG_NONE,
    make_new, uevent_poller_make_new,
    unary_op, uevent_poller_unary_op,
    locals_dict, &uevent_poller_locals_dict
    );

// entry.unregister(mask=READ|WRITE|EVENT)
static mp_obj_t uevent_entry_unregister(size_t n_args, const mp_obj_t *args) {
    uevent_entry_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    uint16_t mask = n_args > 1 ? mask_from_obj(args[1]) : UEVENT_ALL;
    uevent_entry_end(self, mask);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_entry_unregister_obj, 1, 2, uevent_entry_unregister);

static void uevent_entry_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    uevent_entry_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL) {
        // Load.
        if (attr == MP_QSTR_obj) {
            dest[0] = self->obj;
        } else if (attr == MP_QSTR_mask) {
            uevent_entry_t *core = uevent_entry_core(self);
            dest[0] = MP_OBJ_NEW_SMALL_INT(core == NULL ? 0 : core->armed);
        } else if (attr == MP_QSTR_flags) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->flags);
        } else if (attr == MP_QSTR_data) {
            dest[0] = self->data;
        } else if (attr == MP_QSTR_unregister) {
            dest[0] = MP_OBJ_FROM_PTR(&uevent_entry_unregister_obj);
            dest[1] = self_in;
        } else if (attr == MP_QSTR_remove && self->ioq != NULL) {
            // Task.cancel() of a task waiting here (uevent_ioqueue.c); an
            // entry of a user's poller has no such method.
            dest[0] = MP_OBJ_FROM_PTR(&uevent_entry_remove_task_obj);
            dest[1] = self_in;
        }
    } else if (dest[1] != MP_OBJ_NULL && attr == MP_QSTR_data) {
        // Store to .data (the only writable attribute).
        self->data = dest[1];
        dest[0] = MP_OBJ_NULL;
    }
}

static void uevent_entry_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    uevent_entry_obj_t *self = MP_OBJ_TO_PTR(self_in);
    uevent_entry_t *core = uevent_entry_core(self);
    mp_printf(print, "<entry mask=%u flags=%u%s>", core == NULL ? 0 : core->armed, self->flags,
        core == NULL ? " unregistered" : "");
}

MP_DEFINE_CONST_OBJ_TYPE(
    uevent_entry_type,
    MP_QSTR_entry,
    MP_TYPE_FLAG_NONE,
    print, uevent_entry_print,
    attr, uevent_entry_attr
    );
