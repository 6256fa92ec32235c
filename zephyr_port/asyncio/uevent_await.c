/*
 * The awaitable of one uevent event: what `await asyncio.wait_event(src)`
 * and `await flag.wait()` (asyncio.ThreadSafeFlag) await. A C iterator, so
 * the task's `await` resumes it without a Python frame: its first step parks
 * the task in the IO queue (or, for a flag already set, queues the task to
 * run again at once) and yields; its second step, when the loop resumes the
 * woken task, finishes the await. A cancel is thrown through it (throw()):
 * the IO queue's entry.remove(task) has already unparked the task, and a
 * flag's set() it had taken is given back (also when the coroutine is
 * closed: close()).
 *
 * It has send() too, so asyncio.create_task(), wait_for() and gather() take
 * it as a coroutine.
 */
#include "py/runtime.h"
#include "uevent_asyncio.h"

typedef enum {
    AWAIT_START,
    AWAIT_PARKED,       // waits in the IO queue
    AWAIT_TAKEN,        // a Flag set already: taken (cleared), yielded once
    AWAIT_DONE,
} await_step_t;

typedef struct _uevent_await_obj_t {
    mp_obj_base_t base;
    mp_obj_t src;
    uint8_t step;
    bool flag_wait;
} uevent_await_obj_t;

static const mp_obj_type_t uevent_await_type;

mp_obj_t uevent_await_new(mp_obj_t src, bool flag_wait) {
    // The awaitable of src's last wait, done: the usual `while True: await
    // ...` loop allocates nothing (an awaitable is for one await).
    // A Flag keeps the one of its wait() itself (a set flag is not parked),
    // other sources in their registration, while it lasts.
    mp_obj_t *kept = flag_wait ? &((uevent_flag_obj_t *)MP_OBJ_TO_PTR(src))->awaitable
        : uevent_ioqueue_await_slot(src);
    if (kept != NULL && *kept != MP_OBJ_NULL) {
        uevent_await_obj_t *self = MP_OBJ_TO_PTR(*kept);
        if (self->step == AWAIT_DONE && self->src == src && self->flag_wait == flag_wait) {
            self->step = AWAIT_START;
            return *kept;
        }
    }
    uevent_await_obj_t *self = mp_obj_malloc(uevent_await_obj_t, &uevent_await_type);
    self->src = src;
    self->step = AWAIT_START;
    self->flag_wait = flag_wait;
    if (kept != NULL) {
        // In place of one still in use (another task's) or left unfinished
        // by a cancel: that one is not reused.
        *kept = MP_OBJ_FROM_PTR(self);
    }
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t wait_event(mp_obj_t src) {
    if (mp_obj_is_str(src)) {
        src = uevent_source(src);
    }
    return uevent_await_new(src, false);
}
MP_DEFINE_CONST_FUN_OBJ_1(uevent_asyncio_wait_event_obj, wait_event);

// Queues the current task to run again after the tasks already due.
static void requeue_current_task(mp_obj_t task) {
    mp_obj_t push[3];
    mp_load_method(uevent_asyncio_global(MP_QSTR__task_queue), MP_QSTR_push, push);
    push[2] = task;
    mp_call_method_n_kw(1, 0, push);
}

static mp_obj_t await_iternext(mp_obj_t self_in) {
    uevent_await_obj_t *self = MP_OBJ_TO_PTR(self_in);
    switch (self->step) {
        case AWAIT_START: {
            mp_obj_t io_queue = uevent_asyncio_io_queue();
            uevent_flag_obj_t *flag = MP_OBJ_TO_PTR(self->src);
            if (self->flag_wait && flag->is_set) {
                mp_obj_t task = uevent_asyncio_current_task();
                // Set already: taken now, as stock asyncio's wait() does (so
                // one set() wakes one wait, and a set() during the yield
                // below is kept for the next), and still yield once, so a
                // consumer slower than its ISR lets the other tasks run
                // between its waits.
                requeue_current_task(task);
                uevent_asyncio_task_parked();
                uevent_flag_clear_now(flag);
                self->step = AWAIT_TAKEN;
            } else {
                uevent_ioq_slots_t *slots = uevent_ioqueue_park(io_queue, self->src, UEVENT_SLOT_OF_EVENT);
                if (!self->flag_wait) {
                    slots->awaitable = self_in;
                }
                self->step = AWAIT_PARKED;
            }
            return mp_const_none;
        }
        case AWAIT_PARKED:
            // Resumed by the loop: the event came (the flag was set).
            self->step = AWAIT_DONE;
            if (self->flag_wait) {
                uevent_flag_clear_now(MP_OBJ_TO_PTR(self->src));
            }
            return MP_OBJ_STOP_ITERATION;
        case AWAIT_TAKEN:
            self->step = AWAIT_DONE;
            return MP_OBJ_STOP_ITERATION;
        default:
            return MP_OBJ_STOP_ITERATION;
    }
}

// send(value): one step, as a coroutine's (the value is not used);
// StopIteration when done.
static mp_obj_t await_send(mp_obj_t self_in, mp_obj_t value) {
    (void)value;
    mp_obj_t ret = await_iternext(self_in);
    if (ret == MP_OBJ_STOP_ITERATION) {
        mp_raise_StopIteration(MP_OBJ_NULL);
    }
    return ret;
}
static MP_DEFINE_CONST_FUN_OBJ_2(await_send_obj, await_send);

// throw(exc): what the loop's cancel (or a wait_for timeout) throws into
// the task reaches the await here. A flag's set() taken by this wait, which
// has not returned yet, is given back: the cancelled wait consumed nothing.
static void await_abandon(uevent_await_obj_t *self) {
    if (self->step == AWAIT_TAKEN) {
        uevent_flag_set_now(MP_OBJ_TO_PTR(self->src));
    }
    self->step = AWAIT_DONE;
}

static mp_obj_t await_throw(size_t n_args, const mp_obj_t *args) {
    // throw(type[, value[, traceback]]), as a generator's.
    mp_obj_t exc = n_args > 2 && args[2] != mp_const_none ? args[2] : args[1];
    if (!mp_obj_is_exception_instance(exc)
        && !(mp_obj_is_type(exc, &mp_type_type) && mp_obj_is_subclass_fast(exc, MP_OBJ_FROM_PTR(&mp_type_BaseException)))) {
        mp_raise_TypeError(MP_ERROR_TEXT("exceptions must derive from BaseException"));
    }
    await_abandon(MP_OBJ_TO_PTR(args[0]));
    nlr_raise(mp_make_raise_obj(exc));
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(await_throw_obj, 2, 4, await_throw);

// close(): the coroutine awaiting it was closed (GeneratorExit).
static mp_obj_t await_close(mp_obj_t self_in) {
    await_abandon(MP_OBJ_TO_PTR(self_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(await_close_obj, await_close);

static const mp_rom_map_elem_t await_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_send), MP_ROM_PTR(&await_send_obj) },
    { MP_ROM_QSTR(MP_QSTR_throw), MP_ROM_PTR(&await_throw_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&await_close_obj) },
};
static MP_DEFINE_CONST_DICT(await_locals_dict, await_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    uevent_await_type,
    MP_QSTR_event_wait,
    MP_TYPE_FLAG_ITER_IS_ITERNEXT,
    iter, await_iternext,
    locals_dict, &await_locals_dict
    );
