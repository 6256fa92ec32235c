// Python objects of the uevent module.
#ifndef UEVENT_OBJ_H
#define UEVENT_OBJ_H

#include "py/obj.h"
#include "uevent_core.h"

typedef struct _uevent_poller_obj_t {
    mp_obj_base_t base;
    uevent_poller_core_t *core;         // NULL once closed
    mp_obj_dict_t *registry;            // registered object -> entry
    uint32_t round;                     // collect_ready rounds, to list an entry once
    uint32_t tasks_parked;              // asyncio tasks in its entries (uevent_ioqueue.c)
} uevent_poller_obj_t;

typedef struct _uevent_entry_obj_t {
    mp_obj_base_t base;
    uevent_poller_obj_t *poller;
    uevent_entry_t *core;               // NULL once unregistered
    uint16_t generation;                // core->generation when allocated
    uint8_t flags;                      // delivered by the latest poll_ms round
    uint8_t orphans;                    // IO queue: task slots an earlier run left (bit per slot)
    uint32_t round;                     // the poller's round that listed it last
    mp_obj_t obj;
    mp_obj_t data;                      // the user's (entry.data); nothing else uses it
    // asyncio's IO queue only (uevent_ioqueue.c, uevent_asyncio.h): its
    // tasks, awaitable and chain link; allocated at the first wait, NULL
    // otherwise. Keeps the entry at 32 bytes, two GC blocks.
    struct _uevent_ioq_slots_t *ioq;
} uevent_entry_obj_t;

typedef struct _uevent_flag_obj_t {
    mp_obj_base_t base;
    volatile bool is_set;
    uevent_source_t source;
    mp_obj_t awaitable;                 // of its last wait(), for reuse (uevent_await.c)
} uevent_flag_obj_t;

// flag.set() and flag.clear() (which also drops an EVENT not delivered yet).
// Context: any (ISR-safe).
void uevent_flag_set_now(uevent_flag_obj_t *self);
void uevent_flag_clear_now(uevent_flag_obj_t *self);
// At a soft reset: what the uevent module counts for the session ends.
// Context: boot or soft reset only.
void uevent_module_soft_reset(void);

extern const mp_obj_type_t uevent_poller_type;
extern const mp_obj_type_t uevent_entry_type;
extern const mp_obj_type_t uevent_flag_type;
extern const mp_obj_type_t uevent_ioqueue_type;

// The poller's parts asyncio's IO queue (uevent_ioqueue.c) builds on:
// register, end a registration (or some of its bits), wait.
// Context: Python thread, GIL held; may raise.
uevent_entry_obj_t *uevent_poller_add(uevent_poller_obj_t *self, mp_obj_t obj, uint16_t mask);
// Context: Python thread, GIL held; may raise.
void uevent_entry_end(uevent_entry_obj_t *entry, uint16_t mask);
// Arms `mask` of a registered entry as a new registration would: what was
// raised for those bits while they were disarmed is dropped, a set Flag is
// ready at once.
// Context: Python thread, GIL held; never raises.
void uevent_entry_rearm(uevent_entry_obj_t *entry, uint16_t mask);
// The live registration of obj, or NULL.
// Context: Python thread, GIL held; may raise.
uevent_entry_obj_t *uevent_poller_find(uevent_poller_obj_t *self, mp_obj_t obj);
// What a caller of uevent_poller_wait may add to it: after soft callbacks
// ran in a round, ready(ctx) returning true ends the wait as a notify()
// would (asyncio's loop: a callback made a task runnable).
typedef struct {
    bool (*ready)(void *ctx);
    void *ctx;
} uevent_wait_hook_t;
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_poller_wait(uevent_poller_obj_t *self, mp_int_t timeout_ms, mp_obj_t results,
    const uevent_wait_hook_t *hook);
// RuntimeError in a hard IRQ handler: every poller call but notify().
// Context: Python code anywhere, a hard IRQ handler too; may raise (it is the check).
void uevent_check_not_hard_irq(void);
// entry.remove(task): what Task.cancel() calls on the entry a task waits on.
// Context: Python thread, GIL held; may raise.
MP_DECLARE_CONST_FUN_OBJ_2(uevent_entry_remove_task_obj);
// The entry's core slot, or NULL once its registration ended.
// Context: Python thread, GIL held; never raises.
uevent_entry_t *uevent_entry_core(uevent_entry_obj_t *self);

// The event source behind `obj`: NULL for a stream that must be polled
// explicitly; raises TypeError/ValueError for anything else.
// Context: Python thread, GIL held; may raise.
uevent_source_t *uevent_source_of(mp_obj_t obj, bool *polled_stream);
// The events already true for a new registration (a set Flag). Read it after
// the entry is subscribed, so that a set() in between is not missed.
// Context: Python thread, GIL held; never raises.
uint16_t uevent_initial_events(mp_obj_t obj);
// An edge source (its type's protocol says so): registered by identity.
// Context: Python thread, GIL held; never raises.
bool uevent_is_edge_source(mp_obj_t obj);

#endif // UEVENT_OBJ_H
