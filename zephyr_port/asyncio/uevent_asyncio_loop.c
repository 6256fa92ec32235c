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
 *
 * To check it against upstream (extmod/asyncio/core.py), each block quotes
 * the Python line it renders, in a comment just above it, and the names
 * are upstream's: core.py's locals (t, dt, exc, er, awaited), its ticks()
 * and ticks_diff(), and the task states of upstream's C Task
 * (extmod/modasyncio.c: TASK_STATE_*).
 */
#include "py/runtime.h"
#include "py/smallint.h"
#include "py/mphal.h"
#include "py/objgenerator.h"
#include "uevent_asyncio.h"
#include "port_hard_irq.h"

// A task's .state, by upstream's meanings (task.py: "None, False, True, a
// callable, or a TaskQueue instance"), with the names of upstream's C Task
// (extmod/modasyncio.c). A callable state is a callback registered to be
// called on completion; a TaskQueue holds the tasks waiting on it.
#define TASK_STATE_RUNNING_NOT_WAITED_ON (mp_const_true)
#define TASK_STATE_DONE_NOT_WAITED_ON (mp_const_none)
#define TASK_STATE_DONE_WAS_WAITED_ON (mp_const_false)

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

// Ticks for the task queue's order, as upstream's _asyncio reckons them
// (extmod/modasyncio.c: ticks() and ticks_diff()): core.py's
// `from time import ticks_ms as ticks, ticks_diff`, ticks_ms() modulo
// MICROPY_PY_TIME_TICKS_PERIOD and the signed difference of two of them.
static mp_obj_t ticks(void) {
    return MP_OBJ_NEW_SMALL_INT(mp_hal_ticks_ms() & (MICROPY_PY_TIME_TICKS_PERIOD - 1));
}

static mp_int_t ticks_diff(mp_obj_t t1_in, mp_obj_t t0_in) {
    mp_uint_t t0 = MP_OBJ_SMALL_INT_VALUE(t0_in);
    mp_uint_t t1 = MP_OBJ_SMALL_INT_VALUE(t1_in);
    mp_int_t diff = ((t1 - t0 + MICROPY_PY_TIME_TICKS_PERIOD / 2) & (MICROPY_PY_TIME_TICKS_PERIOD - 1))
        - MICROPY_PY_TIME_TICKS_PERIOD / 2;
    return diff;
}

// "Wait until the head of _task_queue is ready to run": polls IO, sleeping
// until the first task is due; false where upstream's loop returns (no
// task, no IO wait, and the main task is done or absent).
static bool wait_until_a_task_is_due(mp_obj_t main_task, step_globals_t *g) {
    // dt = 1
    mp_int_t dt = 1;
    // while dt > 0:
    while (dt > 0) {
        // dt = -1
        dt = -1;
        // t = _task_queue.peek()
        mp_obj_t task_queue = step_globals(g)->task_queue->value;
        mp_obj_t t = call_method(task_queue, MP_QSTR_peek, 0, MP_OBJ_NULL);
        mp_obj_t io_queue = uevent_asyncio_check_io_queue(g->io_queue->value);
        // if t:
        if (t != mp_const_none) {
            // dt = max(0, ticks_diff(t.ph_key, ticks()))
            // (0 when due now or late: a poll that does not sleep; -1
            // would sleep for ever.)
            dt = ticks_diff(mp_load_attr(t, MP_QSTR_ph_key), ticks());
            if (dt < 0) {
                dt = 0;
            }
        } else if (!uevent_ioqueue_has_waiters(io_queue)) {
            // elif not _io_queue.map:
            // cur_task = None
            set_global(MP_QSTR_cur_task, mp_const_none);
            // if not main_task or not main_task.state:
            //     return
            if (main_task == mp_const_none || !mp_obj_is_true(mp_load_attr(main_task, MP_QSTR_state))) {
                uevent_ioqueue_end_idle(io_queue);
                return false;
            }
            // dt = 3
            // (Nothing can wake the loop, but the main task is not done:
            // keep going, as upstream does, so a debugger can still look in.)
            dt = 3;
        }
        // _io_queue.wait_io_event(dt)
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

// "Continue running the coroutine": resumes t.coro with None, or throws
// into it the exception t.data holds (a cancel, or an error kept for the
// exception handler). Returns how the coroutine stopped; *result is its
// return value, the exception it raised, or what it yielded.
static mp_vm_return_kind_t resume_task(mp_obj_t t, mp_obj_t exc, mp_obj_t *result) {
    mp_obj_t coro = mp_load_attr(t, MP_QSTR_coro);
    nlr_buf_t nlr;
    step.stepping = true;
    step.parked = false;
    step.sched_floor = sched_lock_level();
    // try:
    if (nlr_push(&nlr) == 0) {
        mp_vm_return_kind_t kind;
        // if not exc:
        if (!mp_obj_is_true(exc)) {
            // t.coro.send(None)
            kind = mp_resume(coro, mp_const_none, MP_OBJ_NULL, result);
        } else {
            // t.data = None
            mp_store_attr(t, MP_QSTR_data, mp_const_none);
            // t.coro.throw(exc)
            if (mp_obj_is_type(coro, &mp_type_gen_instance)) {
                // As coro.throw(): a generator not started yet takes it too.
                kind = mp_obj_gen_resume(coro, mp_const_none, exc, result);
            } else {
                kind = mp_resume(coro, MP_OBJ_NULL, exc, result);
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

// isinstance(er, excs_all), excs_all = (CancelledError, Exception).
static bool is_excs_all(mp_obj_t er) {
    return is_instance(er, uevent_asyncio_global(MP_QSTR_CancelledError))
           || is_instance(er, MP_OBJ_FROM_PTR(&mp_type_Exception));
}

// isinstance(er, excs_stop), excs_stop = (CancelledError, StopIteration).
static bool is_excs_stop(mp_obj_t er) {
    return is_instance(er, uevent_asyncio_global(MP_QSTR_CancelledError))
           || is_instance(er, MP_OBJ_FROM_PTR(&mp_type_StopIteration));
}

// "except excs_all as er:" up to "if t is main_task": t's coroutine has
// ended with er (StopIteration or the exception it raised; exc is what
// t.data held when it was resumed): wake the tasks awaiting it, or call its
// done callback, or keep an unhandled exception for the exception handler.
// The main task's error is raised from here.
static void finish_task(mp_obj_t t, mp_obj_t main_task, mp_obj_t er, mp_obj_t exc) {
    // awaited = t is main_task
    bool awaited = t == main_task;
    // if awaited:
    if (awaited) {
        // cur_task = None
        set_global(MP_QSTR_cur_task, mp_const_none);
        // if not isinstance(er, StopIteration):
        if (!is_instance(er, MP_OBJ_FROM_PTR(&mp_type_StopIteration))) {
            // t.state = False
            // raise er
            mp_store_attr(t, MP_QSTR_state, TASK_STATE_DONE_WAS_WAITED_ON);
            nlr_raise(er);
        }
    }
    // `state` is t.state, stored back once below.
    mp_obj_t state = mp_load_attr(t, MP_QSTR_state);
    // if t.state is None:
    //     t.state = False
    if (awaited && state == TASK_STATE_DONE_NOT_WAITED_ON) {
        state = TASK_STATE_DONE_WAS_WAITED_ON;
        mp_store_attr(t, MP_QSTR_state, state);
    }
    // if t.state:
    if (mp_obj_is_true(state)) {
        // Task was running but is now finished.
        // if t.state is True:
        if (state == TASK_STATE_RUNNING_NOT_WAITED_ON) {
            // t.state = False if awaited else None
            // ("None" indicates that the task is complete and not await'ed on (yet).)
            state = awaited ? TASK_STATE_DONE_WAS_WAITED_ON : TASK_STATE_DONE_NOT_WAITED_ON;
        } else if (mp_obj_is_callable(state)) {
            // elif callable(t.state):
            // The task has a callback registered to be called on completion.
            // t.state(t, er)
            mp_obj_t args[2] = { t, er };
            mp_call_function_n_kw(state, 2, 0, args);
            // t.state = False
            state = TASK_STATE_DONE_WAS_WAITED_ON;
            // awaited = True
            awaited = true;
        } else {
            // else:
            // Schedule any other tasks waiting on the completion of this task
            // (t.state is a TaskQueue of them).
            mp_obj_t task_queue = uevent_asyncio_global(MP_QSTR__task_queue);
            // while t.state.peek():
            //     _task_queue.push(t.state.pop())
            //     awaited = True
            while (call_method(state, MP_QSTR_peek, 0, MP_OBJ_NULL) != mp_const_none) {
                call_method(task_queue, MP_QSTR_push, 1, call_method(state, MP_QSTR_pop, 0, MP_OBJ_NULL));
                awaited = true;
            }
            // t.state = False
            // ("False" indicates that the task is complete and has been await'ed on.)
            state = TASK_STATE_DONE_WAS_WAITED_ON;
        }
        mp_store_attr(t, MP_QSTR_state, state);
        // if not awaited and not isinstance(er, excs_stop):
        //     _task_queue.push(t)
        if (!awaited && !is_excs_stop(er)) {
            // An exception ended this detached task: run it once more, so
            // that the exception handler sees it unless another task
            // retrieves it first (Task.throw).
            call_method(uevent_asyncio_global(MP_QSTR__task_queue), MP_QSTR_push, 1, t);
        }
        // t.data = er
        mp_store_attr(t, MP_QSTR_data, er);
    } else if (state == TASK_STATE_DONE_NOT_WAITED_ON) {
        // elif t.state is None:
        // Task is already finished and nothing await'ed on the task,
        // so call the exception handler.
        // t.data = exc
        mp_store_attr(t, MP_QSTR_data, exc);
        // _exc_context["exception"] = exc
        // _exc_context["future"] = t
        // Loop.call_exception_handler(_exc_context)
        mp_obj_t context = uevent_asyncio_global(MP_QSTR__exc_context);
        mp_obj_dict_store(context, MP_OBJ_NEW_QSTR(MP_QSTR_exception), exc);
        mp_obj_dict_store(context, MP_OBJ_NEW_QSTR(MP_QSTR_future), t);
        call_method(uevent_asyncio_global(MP_QSTR_Loop), MP_QSTR_call_exception_handler, 1, context);
    }
}

// The loop's steps (`while True:`) until main_task is done (its result) or,
// without one, until no task is left (None).
static mp_obj_t run_steps(mp_obj_t main_task) {
    step_globals_t g = { NULL, NULL, NULL, NULL, NULL };
    // while True:
    //     # Wait until the head of _task_queue is ready to run
    while (wait_until_a_task_is_due(main_task, &g)) {
        // t = _task_queue.pop()
        mp_obj_t t = call_method(step_globals(&g)->task_queue->value, MP_QSTR_pop, 0, MP_OBJ_NULL);
        // cur_task = t
        g.cur_task->value = t;
        // exc = t.data
        mp_obj_t exc = mp_load_attr(t, MP_QSTR_data);
        // try:
        //     t.coro.send(None), or t.data = None; t.coro.throw(exc)
        mp_obj_t result;
        mp_vm_return_kind_t kind = resume_task(t, exc, &result);
        if (kind == MP_VM_RETURN_YIELD) {
            // It's responsible for rescheduling itself (an IO queue, a
            // sleep, another task's queue).
            continue;
        }
        // except excs_all as er:
        // (a return is StopIteration(value); any other exception leaves
        // the loop)
        mp_obj_t er;
        if (kind == MP_VM_RETURN_NORMAL) {
            er = result == mp_const_none
                ? mp_obj_new_exception(&mp_type_StopIteration)
                : mp_obj_new_exception_arg1(&mp_type_StopIteration, result);
        } else {
            er = result;
            if (!is_excs_all(er)) {
                nlr_raise(er);
            }
        }
        finish_task(t, main_task, er, exc);
        // if t is main_task:
        //     return er.value
        if (t == main_task) {
            return kind == MP_VM_RETURN_NORMAL ? result : mp_load_attr(er, MP_QSTR_value);
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
