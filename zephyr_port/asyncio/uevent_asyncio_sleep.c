/*
 * asyncio.sleep_ms(t) in C, installed with the uevent loop (asyncio.sleep(t)
 * is upstream's and calls it). As upstream's, the awaitable is one object
 * that every call re-arms, so a sleep allocates nothing: its first step
 * queues the current task at now + t ms (t < 0 counts as 0) and yields, its
 * second ends the await. Without a Python frame, a `sleep_ms(0)` (one trip
 * round the loop, the usual way to yield) costs about a third of upstream's.
 */
#include "py/runtime.h"
#include "py/smallint.h"
#include "py/mphal.h"
#include "uevent_asyncio.h"

typedef struct _uevent_sleeper_obj_t {
    mp_obj_base_t base;
    mp_obj_t due;                       // ticks to queue the task at; MP_OBJ_NULL: done
} uevent_sleeper_obj_t;

static const mp_obj_type_t uevent_sleeper_type;

// Holds a small int or nothing, so it may live outside the GC heap.
static uevent_sleeper_obj_t sleeper = { { &uevent_sleeper_type }, MP_OBJ_NULL };

static mp_obj_t sleeper_iternext(mp_obj_t self_in) {
    uevent_sleeper_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->due == MP_OBJ_NULL) {
        return MP_OBJ_STOP_ITERATION;
    }
    mp_obj_t task = uevent_asyncio_current_task();
    mp_obj_t push[4];
    mp_load_method(uevent_asyncio_global(MP_QSTR__task_queue), MP_QSTR_push, push);
    push[2] = task;
    push[3] = self->due;
    self->due = MP_OBJ_NULL;
    mp_call_method_n_kw(2, 0, push);
    uevent_asyncio_task_parked();
    return mp_const_none;
}

static MP_DEFINE_CONST_OBJ_TYPE(
    uevent_sleeper_type,
    MP_QSTR_sleeper,
    MP_TYPE_FLAG_ITER_IS_ITERNEXT,
    iter, sleeper_iternext
    );

static mp_obj_t asyncio_sleep_ms(mp_obj_t t_in) {
    mp_int_t t = MAX(0, mp_obj_get_int(t_in));
    const mp_uint_t period = MICROPY_PY_TIME_TICKS_PERIOD;
    if ((mp_uint_t)t >= period / 2) {
        // As time.ticks_add(), which upstream's uses: beyond what the task
        // queue's ticks can order.
        mp_raise_msg(&mp_type_OverflowError, MP_ERROR_TEXT("ticks interval overflow"));
    }
    mp_uint_t now = mp_hal_ticks_ms() & (period - 1);
    sleeper.due = MP_OBJ_NEW_SMALL_INT((now + (mp_uint_t)t) & (period - 1));
    return MP_OBJ_FROM_PTR(&sleeper);
}
MP_DEFINE_CONST_FUN_OBJ_1(uevent_asyncio_sleep_ms_obj, asyncio_sleep_ms);
