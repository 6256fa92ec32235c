/*
 * uevent.IOQueue: asyncio's IO queue in C (python/README.md).
 *
 * asyncio calls queue_read(s) / queue_write(s) (streams) and our awaitables
 * call uevent_ioqueue_park() to park the current task on s; wait_io_event(dt)
 * is the loop's only sleep; `map` says whether any task waits on IO.
 * (Upstream's IOQueue.remove(task) is only called by the Python Task, which
 * _asyncio replaces.) The waiting task sits in the uevent entry itself
 * (entry->ioq->task[slot of its bit]), the entry is the task's .data (so
 * Task.cancel() calls entry.remove(task)), and the wait pushes the task of
 * each delivered bit onto asyncio's task queue: no Python frame runs between
 * the event and the task. entry.data is not used: it stays the user's.
 *
 * A registration's life (docs/uevent.md, "asyncio's IO queue"):
 *   park   a task waits on a bit: the entry is made (its slots allocated
 *          once) or found, and the bit armed afresh;
 *   wake   the bit is delivered: its task goes to the task queue;
 *   keep   no task is left on it: it goes on the kept chain, still
 *          registered, so a task back before the loop sleeps parks on it
 *          again without allocating (it stays on the chain meanwhile);
 *   end    the loop is about to sleep (or the run returns, the chain is
 *          full, the entry pool is empty): each kept entry leaves the
 *          chain and, if no task parked on it again, its registration ends.
 *          A cancel that leaves no task on a registration ends it at once.
 */
#include <zephyr/sys/__assert.h>

#include "py/objlist.h"
#include "py/runtime.h"
#include "uevent_asyncio.h"

typedef struct _uevent_ioqueue_obj_t {
    mp_obj_base_t base;
    uevent_poller_obj_t *poller;
    mp_obj_t ready;                     // the list each wait fills, reused
    // Entries whose tasks were woken since the loop last went to sleep,
    // kept for them: a chain through entry->ioq->kept_next, NULL when
    // empty. An entry is on it at most once, exactly while ioq->kept.
    uevent_entry_obj_t *kept;
    uint16_t kept_count;                // entries on that chain
} uevent_ioqueue_obj_t;

// At most this many registrations are kept for woken tasks: a loop that
// never sleeps (a task always ready) while tasks wait on ever new objects
// must not use up the entry pool.
#define UEVENT_KEPT_MAX (8)

mp_obj_t uevent_asyncio_global(qstr name) {
    if (mp_asyncio_context == MP_OBJ_NULL) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("no running event loop"));
    }
    return mp_obj_dict_get(mp_asyncio_context, MP_OBJ_NEW_QSTR(name));
}

mp_obj_t uevent_asyncio_check_io_queue(mp_obj_t q) {
    if (!mp_obj_is_type(q, &uevent_ioqueue_type)) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("wait_event() and the C loop need asyncio.use_uevent()"));
    }
    return q;
}

mp_obj_t uevent_asyncio_io_queue(void) {
    return uevent_asyncio_check_io_queue(uevent_asyncio_global(MP_QSTR__io_queue));
}

static bool entry_has_waiters(uevent_entry_obj_t *entry) {
    uevent_ioq_slots_t *slots = entry->ioq;
    return slots != NULL && (slots->task[UEVENT_SLOT_OF_READ] != MP_OBJ_NULL
        || slots->task[UEVENT_SLOT_OF_WRITE] != MP_OBJ_NULL || slots->task[UEVENT_SLOT_OF_EVENT] != MP_OBJ_NULL);
}

static mp_obj_t ioqueue_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    uevent_ioqueue_obj_t *self = mp_obj_malloc(uevent_ioqueue_obj_t, type);
    self->poller = NULL;
    self->kept = NULL;
    self->kept_count = 0;
    self->ready = mp_obj_new_list(0, NULL);
    self->poller = MP_OBJ_TO_PTR(MP_OBJ_TYPE_GET_SLOT(&uevent_poller_type, make_new)(&uevent_poller_type, 0, 0, NULL));
    return MP_OBJ_FROM_PTR(self);
}

// The entry slots, allocated at the first wait: for an entry made here, a
// MemoryError ends the registration again, as if the wait had not been asked.
static void entry_alloc_slots(uevent_entry_obj_t *entry) {
    uevent_ioq_slots_t *slots = m_new_maybe(uevent_ioq_slots_t, 1);
    if (slots == NULL) {
        uevent_entry_end(entry, UEVENT_ALL);
        m_malloc_fail(sizeof(uevent_ioq_slots_t));
    }
    for (int i = 0; i < UEVENT_TASK_SLOTS; i++) {
        slots->task[i] = MP_OBJ_NULL;
    }
    slots->awaitable = MP_OBJ_NULL;
    slots->kept_next = NULL;
    slots->kept = false;
    entry->ioq = slots;
}

uevent_ioq_slots_t *uevent_ioqueue_park(mp_obj_t self_in, mp_obj_t obj, int slot) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    __ASSERT(slot >= 0 && slot < UEVENT_TASK_SLOTS, "uevent: task slot out of range");
    mp_obj_t task = uevent_asyncio_current_task();
    if (self->poller->core == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("poller is closed"));
    }
    uint16_t bit = 1 << slot;
    uevent_entry_obj_t *entry = uevent_poller_find(self->poller, obj);
    if (entry != NULL && entry->ioq != NULL) {
        // Still registered (its task was woken and is back before the loop
        // slept, or another bit waits): no allocation. Checked again as a
        // new registration is: a Pin may have lost its edges meanwhile.
        bool polled_stream;
        uevent_source_of(obj, &polled_stream);
        if (entry->ioq->task[slot] != MP_OBJ_NULL) {
            if (!(entry->orphans & bit)) {
                mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("another task waits for this event"));
            }
            // Left by an earlier run: this task takes its place (stock
            // asyncio's IO queue does the same), the other never wakes.
            entry->ioq->task[slot] = MP_OBJ_NULL;
            __ASSERT(self->poller->tasks_parked > 0, "uevent: tasks_parked underflow");
            self->poller->tasks_parked--;
        }
        entry->orphans &= ~bit;
        uevent_entry_rearm(entry, bit);
    } else {
        if (uevent_core_entry_pool_empty()) {
            // Registrations kept for woken tasks give way to a new wait.
            uevent_ioqueue_end_idle(self_in);
        }
        entry = uevent_poller_add(self->poller, obj, bit);
        if (entry->ioq == NULL) {
            entry_alloc_slots(entry);
        }
    }
    __ASSERT(entry->ioq->task[slot] == MP_OBJ_NULL, "uevent: parking over a parked task");
    entry->ioq->task[slot] = task;
    self->poller->tasks_parked++;
    uevent_asyncio_task_parked();
    // Task.cancel() (a wait_for timeout too) reaches the entry through this.
    mp_store_attr(task, MP_QSTR_data, MP_OBJ_FROM_PTR(entry));
    return entry->ioq;
}

mp_obj_t *uevent_ioqueue_await_slot(mp_obj_t src) {
    if (mp_asyncio_context == MP_OBJ_NULL || !uevent_is_edge_source(src)) {
        return NULL;
    }
    mp_obj_t q = mp_obj_dict_get(mp_asyncio_context, MP_OBJ_NEW_QSTR(MP_QSTR__io_queue));
    if (!mp_obj_is_type(q, &uevent_ioqueue_type)) {
        return NULL;
    }
    uevent_entry_obj_t *entry = uevent_poller_find(((uevent_ioqueue_obj_t *)MP_OBJ_TO_PTR(q))->poller, src);
    return entry != NULL && entry->ioq != NULL ? &entry->ioq->awaitable : NULL;
}

static mp_obj_t ioqueue_enqueue(mp_obj_t self_in, mp_obj_t obj, int slot) {
    uevent_ioqueue_park(self_in, obj, slot);
    return mp_const_none;
}

static mp_obj_t ioqueue_queue_read(mp_obj_t self_in, mp_obj_t obj) {
    return ioqueue_enqueue(self_in, obj, UEVENT_SLOT_OF_READ);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ioqueue_queue_read_obj, ioqueue_queue_read);

static mp_obj_t ioqueue_queue_write(mp_obj_t self_in, mp_obj_t obj) {
    return ioqueue_enqueue(self_in, obj, UEVENT_SLOT_OF_WRITE);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ioqueue_queue_write_obj, ioqueue_queue_write);

// entry.remove(task): the task stops waiting (Task.cancel()); its bit is
// disarmed, and the registration ends when no task is left on it.
static mp_obj_t entry_remove_task(mp_obj_t entry_in, mp_obj_t task) {
    // Refused before anything changes: the task stays parked, and wakes.
    uevent_check_not_hard_irq();
    uevent_entry_obj_t *entry = MP_OBJ_TO_PTR(entry_in);
    for (int slot = 0; entry->ioq != NULL && slot < UEVENT_TASK_SLOTS; slot++) {
        if (entry->ioq->task[slot] == task) {
            entry->ioq->task[slot] = MP_OBJ_NULL;
            entry->orphans &= ~(1 << slot);
            __ASSERT(entry->poller->tasks_parked > 0, "uevent: tasks_parked underflow");
            entry->poller->tasks_parked--;
            uevent_entry_end(entry, 1 << slot);
        }
    }
    if (!entry_has_waiters(entry)) {
        uevent_entry_end(entry, UEVENT_ALL);
    }
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(uevent_entry_remove_task_obj, entry_remove_task);

// Moves the task waiting for `slot` onto asyncio's task queue.
static void wake_slot(uevent_entry_obj_t *entry, int slot, mp_obj_t *push) {
    mp_obj_t task = entry->ioq == NULL ? MP_OBJ_NULL : entry->ioq->task[slot];
    if (task == MP_OBJ_NULL) {
        return;
    }
    entry->ioq->task[slot] = MP_OBJ_NULL;
    entry->orphans &= ~(1 << slot);
    __ASSERT(entry->poller->tasks_parked > 0, "uevent: tasks_parked underflow");
    entry->poller->tasks_parked--;
    push[2] = task;
    mp_call_method_n_kw(1, 0, push);
}

// An entry whose tasks were all woken stays registered until the loop next
// sleeps: a task that waits on it again before then (the usual event loop)
// re-arms it without allocating.
static void keep_until_sleep(uevent_ioqueue_obj_t *self, uevent_entry_obj_t *entry) {
    uevent_ioq_slots_t *slots = entry->ioq;
    if (slots->kept) {
        return;     // on the chain already
    }
    if (self->kept_count >= UEVENT_KEPT_MAX) {
        uevent_ioqueue_end_idle(MP_OBJ_FROM_PTR(self));
    }
    __ASSERT(self->kept_count < UEVENT_KEPT_MAX, "uevent: kept chain over its limit");
    slots->kept_next = self->kept;
    slots->kept = true;
    self->kept = entry;
    self->kept_count++;
}

void uevent_ioqueue_end_idle(mp_obj_t self_in) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    // One entry off the chain at a time: if an end raises, the rest is
    // still a chain.
    while (self->kept != NULL) {
        uevent_entry_obj_t *entry = self->kept;
        uevent_ioq_slots_t *slots = entry->ioq;
        __ASSERT(slots->kept && self->kept_count > 0, "uevent: kept chain out of step");
        self->kept = slots->kept_next;
        self->kept_count--;
        slots->kept_next = NULL;
        slots->kept = false;
        if (!entry_has_waiters(entry)) {
            uevent_entry_end(entry, UEVENT_ALL);
        }
    }
    __ASSERT(self->kept_count == 0, "uevent: kept_count out of step with the chain");
}

void uevent_ioqueue_end_run(mp_obj_t self_in) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    uevent_ioqueue_end_idle(self_in);
    if (self->poller->core == NULL || self->poller->tasks_parked == 0) {
        return;
    }
    // Once per run, O(registrations): mark every parked task as left.
    for (uevent_entry_t *e = self->poller->core->entries; e != NULL; e = e->poller_next) {
        uevent_entry_obj_t *entry = e->user;
        for (int slot = 0; entry->ioq != NULL && slot < UEVENT_TASK_SLOTS; slot++) {
            if (entry->ioq->task[slot] != MP_OBJ_NULL) {
                entry->orphans |= 1 << slot;
            }
        }
    }
}

// asyncio's loop sleeps in poll_ms until its next task is due; a soft
// callback that runs meanwhile (micropython.schedule, a soft IRQ) may push
// a task due sooner (create_task, Event.set): that ends the sleep.
// A cancel re-queues the same first task due sooner (a new ph_key): that
// ends it too.
typedef struct {
    mp_obj_t task_queue;
    mp_obj_t head;                      // its first task when the sleep began
    mp_obj_t head_due;                  // and that task's ph_key then
} task_queue_watch_t;

static mp_obj_t task_queue_head(mp_obj_t task_queue) {
    mp_obj_t peek[2];
    mp_load_method(task_queue, MP_QSTR_peek, peek);
    return mp_call_method_n_kw(0, 0, peek);
}

static mp_obj_t task_due(mp_obj_t task) {
    return task == mp_const_none ? MP_OBJ_NULL : mp_load_attr(task, MP_QSTR_ph_key);
}

static bool task_queue_head_moved(void *ctx) {
    task_queue_watch_t *watch = ctx;
    mp_obj_t head = task_queue_head(watch->task_queue);
    return head != watch->head || task_due(head) != watch->head_due;
}

// wait_io_event(dt): sleeps until an event or dt ms (-1: no limit), then
// queues the task of each delivered bit. Delivered bits are one-shot, so a
// woken task's bit is already disarmed.
void uevent_ioqueue_wait(mp_obj_t self_in, mp_int_t dt, mp_obj_t task_queue) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->poller->core == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("poller is closed"));
    }
    if (task_queue == MP_OBJ_NULL) {
        task_queue = uevent_asyncio_global(MP_QSTR__task_queue);
    }
    task_queue_watch_t watch = { task_queue, MP_OBJ_NULL, MP_OBJ_NULL };
    uevent_wait_hook_t hook = { task_queue_head_moved, &watch };
    if (dt != 0) {
        // About to sleep: no woken task came back for these.
        uevent_ioqueue_end_idle(self_in);
        watch.head = task_queue_head(task_queue);
        watch.head_due = task_due(watch.head);
    }
    mp_obj_t ready = uevent_poller_wait(self->poller, dt, self->ready, dt != 0 ? &hook : NULL);
    mp_obj_list_t *list = MP_OBJ_TO_PTR(ready);
    if (list->len == 0) {
        return;
    }
    mp_obj_t push[3];
    mp_load_method(task_queue, MP_QSTR_push, push);
    for (size_t i = 0; i < list->len; i++) {
        uevent_entry_obj_t *entry = MP_OBJ_TO_PTR(list->items[i]);
        uint16_t flags = entry->flags;
        if (flags & UEVENT_EVENT) {
            wake_slot(entry, UEVENT_SLOT_OF_EVENT, push);
        }
        if (flags & UEVENT_READ) {
            wake_slot(entry, UEVENT_SLOT_OF_READ, push);
        }
        if (flags & UEVENT_WRITE) {
            wake_slot(entry, UEVENT_SLOT_OF_WRITE, push);
        }
        if (entry->ioq != NULL && !entry_has_waiters(entry)) {
            keep_until_sleep(self, entry);
        }
    }
}

bool uevent_ioqueue_has_waiters(mp_obj_t self_in) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return self->poller->core != NULL && self->poller->tasks_parked > 0;
}

static mp_obj_t ioqueue_wait_io_event(mp_obj_t self_in, mp_obj_t dt_in) {
    uevent_ioqueue_wait(self_in, mp_obj_get_int(dt_in), MP_OBJ_NULL);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ioqueue_wait_io_event_obj, ioqueue_wait_io_event);

static void ioqueue_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    uevent_ioqueue_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] != MP_OBJ_NULL) {
        return; // no stores
    }
    if (attr == MP_QSTR_map) {
        // asyncio's "any task waiting on IO": how many wait.
        dest[0] = MP_OBJ_NEW_SMALL_INT(self->poller->core == NULL ? 0 : self->poller->tasks_parked);
    } else {
        dest[1] = MP_OBJ_SENTINEL; // continue lookup in locals_dict
    }
}

// The loop that sleeps in this IO queue, the awaitable of one event and
// sleep_ms, for python/asyncio (IOQueue.run_until_complete, .wait_event,
// .sleep_ms).
static MP_DEFINE_CONST_STATICMETHOD_OBJ(ioqueue_run_until_complete_obj, MP_ROM_PTR(&uevent_asyncio_run_until_complete_obj));
static MP_DEFINE_CONST_STATICMETHOD_OBJ(ioqueue_wait_event_obj, MP_ROM_PTR(&uevent_asyncio_wait_event_obj));
static MP_DEFINE_CONST_STATICMETHOD_OBJ(ioqueue_sleep_ms_obj, MP_ROM_PTR(&uevent_asyncio_sleep_ms_obj));

static const mp_rom_map_elem_t ioqueue_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_run_until_complete), MP_ROM_PTR(&ioqueue_run_until_complete_obj) },
    { MP_ROM_QSTR(MP_QSTR_wait_event), MP_ROM_PTR(&ioqueue_wait_event_obj) },
    { MP_ROM_QSTR(MP_QSTR_sleep_ms), MP_ROM_PTR(&ioqueue_sleep_ms_obj) },
    { MP_ROM_QSTR(MP_QSTR_queue_read), MP_ROM_PTR(&ioqueue_queue_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_queue_write), MP_ROM_PTR(&ioqueue_queue_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_wait_io_event), MP_ROM_PTR(&ioqueue_wait_io_event_obj) },
};
static MP_DEFINE_CONST_DICT(ioqueue_locals_dict, ioqueue_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    uevent_ioqueue_type,
    MP_QSTR_IOQueue,
    MP_TYPE_FLAG_NONE,
    make_new, ioqueue_make_new,
    attr, ioqueue_attr,
    locals_dict, &ioqueue_locals_dict
    );
