/*
 * The uevent module: waiting efficiently on events (see docs/uevent.md).
 */
#include "py/objmodule.h"
#include "py/runtime.h"
#include "port_wait.h"
#include "uevent_board.h"
#include "uevent_obj.h"

// uevent.scheduler_lock(): a context manager that defers soft callbacks
// while held (and, as MicroPython's VM does while the scheduler is locked,
// keeps other threads from running Python until it is released or this
// thread waits). Each call makes a lock object; it nests. Releasing it wakes
// the waits of every thread, so callbacks queued meanwhile run at once.
typedef struct _scheduler_lock_obj_t {
    mp_obj_base_t base;
    uint16_t depth;                     // __enter__ calls not yet exited
} scheduler_lock_obj_t;

// Held scheduler_locks of every object and thread together: MicroPython
// counts the scheduler's lock depth in 16 bits, which must never wrap.
#define SCHEDULER_LOCK_MAX (1000)
static uint16_t scheduler_locks_held;

void uevent_module_soft_reset(void) {
    // Locks of the last session, gone with it (MicroPython's lock depth
    // starts again at 0).
    scheduler_locks_held = 0;
}

static mp_obj_t scheduler_lock_enter(mp_obj_t self_in) {
    scheduler_lock_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (scheduler_locks_held >= SCHEDULER_LOCK_MAX) {
        mp_raise_msg_varg(&mp_type_RuntimeError, MP_ERROR_TEXT("scheduler_lock nested more than %d deep"), SCHEDULER_LOCK_MAX);
    }
    mp_sched_lock();
    self->depth++;
    scheduler_locks_held++;
    return self_in;
}
static MP_DEFINE_CONST_FUN_OBJ_1(scheduler_lock_enter_obj, scheduler_lock_enter);

static mp_obj_t scheduler_lock_exit(size_t n_args, const mp_obj_t *args) {
    scheduler_lock_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    if (self->depth == 0) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("scheduler_lock released without being held"));
    }
    self->depth--;
    scheduler_locks_held--;
    mp_sched_unlock();
    if (MP_STATE_VM(sched_state) == MP_SCHED_PENDING) {
        // Callbacks queued while it was held: a thread sleeping (this one
        // is not) may run them now.
        port_wake(PORT_WAKE_SCHED);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(scheduler_lock_exit_obj, 4, 4, scheduler_lock_exit);

static const mp_rom_map_elem_t scheduler_lock_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&scheduler_lock_enter_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&scheduler_lock_exit_obj) },
};
static MP_DEFINE_CONST_DICT(scheduler_lock_locals_dict, scheduler_lock_locals_dict_table);

static mp_obj_t scheduler_lock_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    scheduler_lock_obj_t *self = mp_obj_malloc(scheduler_lock_obj_t, type);
    self->depth = 0;
    return MP_OBJ_FROM_PTR(self);
}

static MP_DEFINE_CONST_OBJ_TYPE(
    uevent_scheduler_lock_type,
    MP_QSTR_scheduler_lock,
    MP_TYPE_FLAG_NONE,
    make_new, scheduler_lock_make_new,
    locals_dict, &scheduler_lock_locals_dict
    );

// uevent.stats() -> dict of counters since boot
static mp_obj_t uevent_stats_py(void) {
    uevent_stats_t s;
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    s = uevent_stats;
    k_spin_unlock(&uevent_lock, key);
    mp_obj_t d = mp_obj_new_dict(12);
    #define STAT(name) mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_##name), mp_obj_new_int_from_uint(s.name))
    STAT(polls);
    STAT(wakeups);
    STAT(delivered);
    STAT(raised);
    STAT(coalesced);
    STAT(notifies);
    STAT(explicit_polls);
    STAT(entries_in_use);
    STAT(entries_armed);
    STAT(entries_max);
    STAT(pollers_in_use);
    STAT(pollers_max);
#undef STAT
    return d;
}
static MP_DEFINE_CONST_FUN_OBJ_0(uevent_stats_obj, uevent_stats_py);

#if CONFIG_SCHED_THREAD_USAGE_ALL
// uevent.cpu_stats() -> dict: CPU cycles since boot spent in threads ("busy")
// and in Zephyr's idle thread ("idle"), and the cycle rate ("hz"), from
// Zephyr's thread runtime statistics (CONFIG_THREAD_RUNTIME_STATS).
static mp_obj_t uevent_cpu_stats(void) {
    k_thread_runtime_stats_t s;
    k_thread_runtime_stats_all_get(&s);
    mp_obj_t d = mp_obj_new_dict(3);
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_busy), mp_obj_new_int_from_ull(s.total_cycles));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_idle), mp_obj_new_int_from_ull(s.idle_cycles));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_hz), mp_obj_new_int_from_uint(sys_clock_hw_cycles_per_sec()));
    return d;
}
static MP_DEFINE_CONST_FUN_OBJ_0(uevent_cpu_stats_obj, uevent_cpu_stats);
#endif

// uevent.source(name) -> the board source with that devicetree name
mp_obj_t uevent_source(mp_obj_t name_in) {
    qstr name = mp_obj_str_get_qstr(name_in);
    mp_map_elem_t *elem = mp_map_lookup((mp_map_t *)&uevent_board_sources_dict.map, name_in, MP_MAP_LOOKUP);
    if (elem != NULL) {
        uevent_board_source_t *bs = MP_OBJ_TO_PTR(elem->value);
        if (bs->info->kind == UEVENT_BOARD_KIND_UART) {
            // UARTs are event sources as machine.UART, or sys.stdin for the
            // console: found by name, so uevent/ needs neither's header.
            if (bs->info->dev == DEVICE_DT_GET(DT_CHOSEN(zephyr_console))) {
                return mp_load_attr(mp_import_name(MP_QSTR_sys, mp_const_none, MP_OBJ_NEW_SMALL_INT(0)), MP_QSTR_stdin);
            }
            // The built-in module itself, never a machine.py on sys.path.
            mp_obj_t uart = mp_load_attr(mp_module_get_builtin(MP_QSTR_machine, true), MP_QSTR_UART);
            return mp_call_function_1(uart, MP_OBJ_NEW_QSTR(bs->info->name));
        }
        return elem->value;
    }
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("no board source '%q' (see uevent.sources())"), name);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_source_obj, uevent_source);

// uevent.sources() -> tuple of board source names
static mp_obj_t uevent_sources(void) {
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(mp_obj_new_tuple(uevent_board_source_count, NULL));
    for (size_t i = 0; i < uevent_board_source_count; i++) {
        t->items[i] = MP_OBJ_NEW_QSTR(uevent_board_sources[i].info->name);
    }
    return MP_OBJ_FROM_PTR(t);
}
static MP_DEFINE_CONST_FUN_OBJ_0(uevent_sources_obj, uevent_sources);

static const mp_rom_map_elem_t uevent_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_uevent) },
    { MP_ROM_QSTR(MP_QSTR_poll), MP_ROM_PTR(&uevent_poller_type) },
    { MP_ROM_QSTR(MP_QSTR_Flag), MP_ROM_PTR(&uevent_flag_type) },
    { MP_ROM_QSTR(MP_QSTR_IOQueue), MP_ROM_PTR(&uevent_ioqueue_type) },
    { MP_ROM_QSTR(MP_QSTR_BoardSource), MP_ROM_PTR(&uevent_board_source_type) },
    { MP_ROM_QSTR(MP_QSTR_scheduler_lock), MP_ROM_PTR(&uevent_scheduler_lock_type) },
    { MP_ROM_QSTR(MP_QSTR_stats), MP_ROM_PTR(&uevent_stats_obj) },
    { MP_ROM_QSTR(MP_QSTR_source), MP_ROM_PTR(&uevent_source_obj) },
    #if CONFIG_SCHED_THREAD_USAGE_ALL
    { MP_ROM_QSTR(MP_QSTR_cpu_stats), MP_ROM_PTR(&uevent_cpu_stats_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_sources), MP_ROM_PTR(&uevent_sources_obj) },
    { MP_ROM_QSTR(MP_QSTR_READ), MP_ROM_INT(UEVENT_READ) },
    { MP_ROM_QSTR(MP_QSTR_WRITE), MP_ROM_INT(UEVENT_WRITE) },
    { MP_ROM_QSTR(MP_QSTR_EVENT), MP_ROM_INT(UEVENT_EVENT) },
};
static MP_DEFINE_CONST_DICT(uevent_module_globals, uevent_module_globals_table);

const mp_obj_module_t mp_module_uevent = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&uevent_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_uevent, mp_module_uevent);
