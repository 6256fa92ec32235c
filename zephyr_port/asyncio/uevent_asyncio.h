// What asyncio on uevent is made of, in C (python/README.md): the IO queue
// (uevent_ioqueue.c), the awaitable of one event (uevent_await.c) and the
// run loop (uevent_asyncio_loop.c).
#ifndef UEVENT_ASYNCIO_H
#define UEVENT_ASYNCIO_H

#include "uevent_obj.h"

// asyncio.core's globals, set by _asyncio when the first Task is made.
extern mp_obj_t mp_asyncio_context;

// The task slot of each event bit: READ, WRITE, EVENT.
#define UEVENT_SLOT_OF_READ (0)
#define UEVENT_SLOT_OF_WRITE (1)
#define UEVENT_SLOT_OF_EVENT (2)
#define UEVENT_TASK_SLOTS (3)

// A registration's part in the IO queue (entry->ioq), allocated at its
// first wait and kept while the registration lasts (uevent_ioqueue.c).
typedef struct _uevent_ioq_slots_t {
    mp_obj_t task[UEVENT_TASK_SLOTS];   // the task waiting for each bit, or MP_OBJ_NULL
    mp_obj_t awaitable;                 // of the last EVENT wait, for the next one
    uevent_entry_obj_t *kept_next;      // on the chain of kept entries: the next, NULL at its end
    bool kept;                          // on that chain
} uevent_ioq_slots_t;

// A global of asyncio.core (cur_task, _task_queue, ...); RuntimeError
// "no running event loop" before the first Task.
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_asyncio_global(qstr name);
// The task the loop is stepping, which an await is about to park or
// queue; RuntimeError outside a task's step (the top level, a soft callback
// while the loop sleeps or inside the step, a hard IRQ), where asyncio's
// cur_task is not the code running, and for a second park in one step.
// The await calls uevent_asyncio_task_parked() once it has parked it.
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_asyncio_current_task(void);
// Context: Python thread, GIL held; never raises.
void uevent_asyncio_task_parked(void);
// At a soft reset: no asyncio.core of the last session, no task stepped.
// Context: boot or soft reset only.
void uevent_asyncio_soft_reset(void);
// The running loop's IO queue (or q) if it is the uevent one; RuntimeError
// naming asyncio.use_uevent() if not.
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_asyncio_io_queue(void);
mp_obj_t uevent_asyncio_check_io_queue(mp_obj_t q);

// The IO queue's duties: park the current task on obj's event of `slot`
// (returns the entry's IO queue slots); sleep until an event or dt ms
// (-1: no limit) and queue the woken tasks on task_queue (MP_OBJ_NULL: the loop's); whether any task waits on it; end the
// registrations kept since the last sleep that no task came back for.
// Context: Python thread, GIL held; may raise.
uevent_ioq_slots_t *uevent_ioqueue_park(mp_obj_t ioqueue, mp_obj_t obj, int slot);
void uevent_ioqueue_wait(mp_obj_t ioqueue, mp_int_t dt, mp_obj_t task_queue);
// Context: Python thread, GIL held; never raises.
bool uevent_ioqueue_has_waiters(mp_obj_t ioqueue);
// Context: Python thread, GIL held; may raise.
void uevent_ioqueue_end_idle(mp_obj_t ioqueue);
// The run loop returns (or raises): tasks still parked were left by that
// run; a task that waits for the same event in a later run takes their
// place, as in stock asyncio.
// Context: Python thread, GIL held; may raise.
void uevent_ioqueue_end_run(mp_obj_t ioqueue);
// Where the running uevent IO queue keeps the awaitable of src's last EVENT
// wait (src a Pin, Timer or board source still registered), or NULL.
// Context: Python thread, GIL held; may raise.
mp_obj_t *uevent_ioqueue_await_slot(mp_obj_t src);

#include "uevent_await.h"

// asyncio.wait_event(src): src's next EVENT, or a board source's by name.
// Context: Python thread, GIL held; may raise.
MP_DECLARE_CONST_FUN_OBJ_1(uevent_asyncio_wait_event_obj);
// uevent.source(name): the board source of that name.
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_source(mp_obj_t name);

// asyncio.sleep_ms(t): one awaitable, re-armed by every call.
// Context: Python thread, GIL held; may raise.
MP_DECLARE_CONST_FUN_OBJ_1(uevent_asyncio_sleep_ms_obj);

// asyncio's run loop: core.run_until_complete(main_task) in C.
// Context: Python thread, GIL held; may raise.
MP_DECLARE_CONST_FUN_OBJ_VAR(uevent_asyncio_run_until_complete_obj);

#endif // UEVENT_ASYNCIO_H
