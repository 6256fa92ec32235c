/*
 * asyncio's run loop in C: what asyncio.run() and Loop.run_until_complete()
 * call once the uevent IO queue is installed (python/asyncio/__init__.py;
 * use_select_poll() goes back to upstream's Python loop). It keeps the
 * semantics of upstream's core.run_until_complete, step for step: sleep
 * until the first task is due (the IO queue is polled before every step,
 * even when a task is due, so IO is never starved), resume that task's
 * coroutine, and when a coroutine ends, hand its result to whoever awaits
 * it, or to the exception handler. The difference is the cost: a step is a
 * few C calls and one mp_resume(), with no Python frame of the loop's own.
 */
#include "py/runtime.h"
#include "py/smallint.h"
#include "py/mphal.h"
#include "py/objgenerator.h"
#include "uevent_asyncio.h"
#include "port_hard_irq.h"

// The globals of asyncio.core that every step reads or writes, as their
// slots in its dict: found again whenever the dict's table moved (a global
// was added) instead of being hashed on every step.
typedef struct _step_globals_t {
    mp_map_t *map;
    mp_map_elem_t *table;
    mp_map_elem_t *task_queue;
    mp_map_elem_t *io_queue;
    mp_map_elem_t *cur_task;
} step_globals_t;

static mp_map_elem_t *global_slot(mp_map_t *map, qstr name) {
    mp_map_elem_t *elem = mp_map_lookup(map, MP_OBJ_NEW_QSTR(name), MP_MAP_LOOKUP);
    if (elem == NULL) {
        mp_raise_type_arg(&mp_type_KeyError, MP_OBJ_NEW_QSTR(name));
    }
    return elem;
}

static step_globals_t *step_globals(step_globals_t *g) {
    mp_map_t *map = &((mp_obj_dict_t *)MP_OBJ_TO_PTR(mp_asyncio_context))->map;
    if (g->map != map || g->table != map->table) {
        g->task_queue = global_slot(map, MP_QSTR__task_queue);
        g->io_queue = global_slot(map, MP_QSTR__io_queue);
        g->cur_task = global_slot(map, MP_QSTR_cur_task);
        g->map = map;
        g->table = map->table;
    }
    return g;
}

static void set_global(qstr name, mp_obj_t value) {
    mp_obj_dict_store(mp_asyncio_context, MP_OBJ_NEW_QSTR(name), value);
}

static mp_obj_t call_method(mp_obj_t obj, qstr name, size_t n_args, mp_obj_t arg) {
    mp_obj_t call[3];
    mp_load_method(obj, name, call);
    call[2] = arg;
    return mp_call_method_n_kw(n_args, 0, call);
}

static bool is_instance(mp_obj_t obj, mp_obj_t type) {
    return mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(obj)), type);
}

// ms from now until a task's ph_key, in asyncio's ticks (those of _asyncio's
// task queue: ticks_ms() modulo MICROPY_PY_TIME_TICKS_PERIOD).
static mp_int_t ms_until(mp_obj_t ph_key) {
    const mp_uint_t period = MICROPY_PY_TIME_TICKS_PERIOD;
    mp_uint_t now = mp_hal_ticks_ms() & (period - 1);
    mp_uint_t diff = ((mp_uint_t)MP_OBJ_SMALL_INT_VALUE(ph_key) - now) & (period - 1);
    return diff >= period / 2 ? (mp_int_t)diff - (mp_int_t)period : (mp_int_t)diff;
}

// Polls IO, sleeping until the first task is due; false when nothing can
// ever run again and the loop must return (no task, no IO wait, and the
// main task is done or absent).
static bool wait_until_a_task_is_due(mp_obj_t main_task, step_globals_t *g) {
    mp_int_t dt = 1;
    while (dt > 0) {
        dt = -1;
        mp_obj_t task_queue = step_globals(g)->task_queue->value;
        mp_obj_t head = call_method(task_queue, MP_QSTR_peek, 0, MP_OBJ_NULL);
        mp_obj_t io_queue = uevent_asyncio_check_io_queue(g->io_queue->value);
        if (head != mp_const_none) {
            // Due now or late: 0, a poll that does not sleep (-1 would
            // sleep for ever).
            dt = ms_until(mp_load_attr(head, MP_QSTR_ph_key));
            if (dt < 0) {
                dt = 0;
            }
        } else if (!uevent_ioqueue_has_waiters(io_queue)) {
            set_global(MP_QSTR_cur_task, mp_const_none);
            if (main_task == mp_const_none || !mp_obj_is_true(mp_load_attr(main_task, MP_QSTR_state))) {
                uevent_ioqueue_end_idle(io_queue);
                return false;
            }
            // Nothing can wake the loop, but the main task is not done: keep
            // going, as upstream does, so a debugger can still look in.
            dt = 3;
        }
        uevent_ioqueue_wait(io_queue, dt, task_queue);
    }
    return true;
}

// The step the loop is making now. Only its task may be parked or queued
// by an await (asyncio's cur_task: between steps it is the last task run),
// only once (a second park in one step would queue the task twice), and
// not from a callback that runs inside the step (a soft callback runs with
// the scheduler locked deeper than when the step began; a hard IRQ).
typedef struct _task_step_t {
    bool stepping;
    bool parked;
    int16_t sched_floor;                // the scheduler's lock level at the start
} task_step_t;

static task_step_t step;

static int16_t sched_lock_level(void) {
    int16_t state = MP_STATE_VM(sched_state);
    return state < 0 ? state : 0;
}

mp_obj_t uevent_asyncio_current_task(void) {
    if (!step.stepping) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("no running task: await it in a task"));
    }
    if (port_in_hard_irq() || sched_lock_level() < step.sched_floor) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("can't await in a callback"));
    }
    if (step.parked) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("the task waits already: one await at a time"));
    }
    return uevent_asyncio_global(MP_QSTR_cur_task);
}

void uevent_asyncio_task_parked(void) {
    step.parked = true;
}

void uevent_asyncio_soft_reset(void) {
    // asyncio.core's globals of the last session were in its heap: none
    // until the new session makes its first Task.
    mp_asyncio_context = MP_OBJ_NULL;
    step.stepping = false;
}

// Resumes the task's coroutine: with None, or by throwing the exception its
// .data holds (a cancel, or an error kept for the exception handler).
// Returns how the coroutine stopped; *result is its return value, the
// exception it raised, or what it yielded.
static mp_vm_return_kind_t resume_task(mp_obj_t task, mp_obj_t pending, mp_obj_t *result) {
    mp_obj_t coro = mp_load_attr(task, MP_QSTR_coro);
    nlr_buf_t nlr;
    step.stepping = true;
    step.parked = false;
    step.sched_floor = sched_lock_level();
    if (nlr_push(&nlr) == 0) {
        mp_vm_return_kind_t kind;
        if (!mp_obj_is_true(pending)) {
            kind = mp_resume(coro, mp_const_none, MP_OBJ_NULL, result);
        } else {
            mp_store_attr(task, MP_QSTR_data, mp_const_none);
            if (mp_obj_is_type(coro, &mp_type_gen_instance)) {
                // As coro.throw(): a generator not started yet takes it too.
                kind = mp_obj_gen_resume(coro, mp_const_none, pending, result);
            } else {
                kind = mp_resume(coro, MP_OBJ_NULL, pending, result);
            }
        }
        nlr_pop();
        step.stepping = false;
        return kind;
    } else {
        step.stepping = false;
        *result = MP_OBJ_FROM_PTR(nlr.ret_val);
        return MP_VM_RETURN_EXCEPTION;
    }
}

// The task's coroutine has ended with `ended` (StopIteration or the
// exception it raised): wake the tasks awaiting it, or call its done
// callback, or keep an unhandled exception for the exception handler.
static void finish_task(mp_obj_t task, mp_obj_t main_task, mp_obj_t ended, mp_obj_t pending) {
    bool awaited = task == main_task;
    mp_obj_t state = mp_load_attr(task, MP_QSTR_state);
    if (awaited && state == mp_const_none) {
        state = mp_const_false;
        mp_store_attr(task, MP_QSTR_state, state);
    }
    if (mp_obj_is_true(state)) {
        if (state == mp_const_true) {
            // Nothing awaits it yet: None marks "done, not awaited".
            state = awaited ? mp_const_false : mp_const_none;
        } else if (mp_obj_is_callable(state)) {
            mp_obj_t args[2] = { task, ended };
            mp_call_function_n_kw(state, 2, 0, args);
            state = mp_const_false;
            awaited = true;
        } else {
            // A TaskQueue of the tasks that await this one.
            mp_obj_t task_queue = uevent_asyncio_global(MP_QSTR__task_queue);
            while (call_method(state, MP_QSTR_peek, 0, MP_OBJ_NULL) != mp_const_none) {
                call_method(task_queue, MP_QSTR_push, 1, call_method(state, MP_QSTR_pop, 0, MP_OBJ_NULL));
                awaited = true;
            }
            state = mp_const_false;
        }
        mp_store_attr(task, MP_QSTR_state, state);
        if (!awaited && !is_instance(ended, uevent_asyncio_global(MP_QSTR_CancelledError))
            && !is_instance(ended, MP_OBJ_FROM_PTR(&mp_type_StopIteration))) {
            // A detached task's error: run it once more, so that the
            // exception handler sees it unless someone awaits it first.
            call_method(uevent_asyncio_global(MP_QSTR__task_queue), MP_QSTR_push, 1, task);
        }
        mp_store_attr(task, MP_QSTR_data, ended);
    } else if (state == mp_const_none) {
        // Done and never awaited: the exception handler gets the error.
        mp_store_attr(task, MP_QSTR_data, pending);
        mp_obj_t context = uevent_asyncio_global(MP_QSTR__exc_context);
        mp_obj_dict_store(context, MP_OBJ_NEW_QSTR(MP_QSTR_exception), pending);
        mp_obj_dict_store(context, MP_OBJ_NEW_QSTR(MP_QSTR_future), task);
        call_method(uevent_asyncio_global(MP_QSTR_Loop), MP_QSTR_call_exception_handler, 1, context);
    }
}

// The loop's steps until main_task is done (its result) or, without one,
// until no task is left (None).
static mp_obj_t run_steps(mp_obj_t main_task) {
    step_globals_t g = { NULL, NULL, NULL, NULL, NULL };
    while (wait_until_a_task_is_due(main_task, &g)) {
        mp_obj_t task = call_method(step_globals(&g)->task_queue->value, MP_QSTR_pop, 0, MP_OBJ_NULL);
        g.cur_task->value = task;
        mp_obj_t pending = mp_load_attr(task, MP_QSTR_data);
        mp_obj_t result;
        mp_vm_return_kind_t kind = resume_task(task, pending, &result);
        if (kind == MP_VM_RETURN_YIELD) {
            // Parked itself (an IO queue, a sleep, another task's queue).
            continue;
        }
        mp_obj_t ended;
        if (kind == MP_VM_RETURN_NORMAL) {
            ended = result == mp_const_none
                ? mp_obj_new_exception(&mp_type_StopIteration)
                : mp_obj_new_exception_arg1(&mp_type_StopIteration, result);
        } else {
            ended = result;
            if (!is_instance(ended, uevent_asyncio_global(MP_QSTR_CancelledError))
                && !is_instance(ended, MP_OBJ_FROM_PTR(&mp_type_Exception))) {
                nlr_raise(ended);
            }
        }
        if (task == main_task) {
            set_global(MP_QSTR_cur_task, mp_const_none);
            if (!is_instance(ended, MP_OBJ_FROM_PTR(&mp_type_StopIteration))) {
                mp_store_attr(task, MP_QSTR_state, mp_const_false);
                nlr_raise(ended);
            }
        }
        finish_task(task, main_task, ended, pending);
        if (task == main_task) {
            return kind == MP_VM_RETURN_NORMAL ? result : mp_load_attr(ended, MP_QSTR_value);
        }
    }
    return mp_const_none;
}

// What a run leaves behind, however it ended: no task is current (a task
// that calls new_event_loop() is not a reason to drop it, this is; after a
// nested run, the outer task that made it is current again), the
// registrations kept for woken tasks end, and tasks still parked were left
// by this run (uevent_ioqueue_end_run).
static void end_run(mp_obj_t outer_task) {
    set_global(MP_QSTR_cur_task, outer_task);
    mp_obj_t q = mp_obj_dict_get(mp_asyncio_context, MP_OBJ_NEW_QSTR(MP_QSTR__io_queue));
    if (mp_obj_is_type(q, &uevent_ioqueue_type)) {
        uevent_ioqueue_end_run(q);
    }
}

// run_until_complete(main_task=None): runs tasks until main_task is done
// (returning its result, raising its exception) or, without one, until no
// task is left. KeyboardInterrupt and other BaseExceptions that are not a
// CancelledError leave the loop at once, from wherever they are raised.
static mp_obj_t asyncio_run_until_complete(size_t n_args, const mp_obj_t *args) {
    mp_obj_t main_task = n_args > 0 ? args[0] : mp_const_none;
    if (mp_asyncio_context == MP_OBJ_NULL) {
        // No Task was ever made: nothing to run.
        return mp_const_none;
    }
    // A loop run from inside a task's step (a nested run) steps its own
    // tasks; once it returns, the outer task is the running one again.
    task_step_t outer = step;
    mp_obj_t outer_task = outer.stepping ? uevent_asyncio_global(MP_QSTR_cur_task) : mp_const_none;
    step.stepping = false;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t result = run_steps(main_task);
        nlr_pop();
        step = outer;
        end_run(outer_task);
        return result;
    }
    step = outer;
    end_run(outer_task);
    nlr_jump(nlr.ret_val);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_asyncio_run_until_complete_obj, 0, 1, asyncio_run_until_complete);
