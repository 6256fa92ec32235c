/*
 * machine.Timer on a Zephyr k_timer.
 *
 * Timer(-1, mode=Timer.PERIODIC, period=ms | freq=Hz, callback=f, hard=False)
 * A hard callback runs in the k_timer ISR (no allocation allowed), through
 * MicroPython's mp_irq_dispatch, and one that raises stops its timer as on
 * the rp2 and zephyr ports; a soft one is scheduled. Each expiry also
 * raises EVENT on the timer's uevent source, before the callback. Running
 * timers stay reachable from a root pointer, so the GC never frees a timer
 * the kernel still holds; a one-shot timer with a soft callback stays on
 * that list until its callback runs (an expiry during a collection must not
 * leave it reachable only from the scheduler's queue, which the collection
 * may have marked already).
 */
#include <zephyr/kernel.h>

#include "py/runtime.h"
#include "modmachine_port.h"
#include "port_irq.h"
#include "uevent_protocol.h"

#define TIMER_MODE_ONE_SHOT (0)
#define TIMER_MODE_PERIODIC (1)

typedef struct _machine_timer_obj_t {
    mp_obj_base_t base;
    struct _machine_timer_obj_t *next_running;
    struct k_timer timer;
    mp_obj_t callback;
    uint32_t period_us;
    uint8_t mode;
    bool hard;
    bool running;
    bool soft_fire_due;         // one-shot expired, its soft callback scheduled
    mp_obj_t fired_callback;    // the callback of that expiry
    uevent_source_t source;
} machine_timer_obj_t;

MP_REGISTER_ROOT_POINTER(struct _machine_timer_obj_t *machine_timer_running);

// The running list changes in threads (init, deinit) and in the expiry ISR
// (a one-shot timer that fired leaves it, so a dropped one is freed).
static struct k_spinlock timer_list_lock;

static void timer_list_add(machine_timer_obj_t *self) {
    k_spinlock_key_t key = k_spin_lock(&timer_list_lock);
    if (!self->running) {
        self->running = true;
        self->next_running = MP_STATE_PORT(machine_timer_running);
        MP_STATE_PORT(machine_timer_running) = self;
    }
    k_spin_unlock(&timer_list_lock, key);
}

// self->next_running is left as it is: a collection marking the list when
// an ISR takes a timer out may be past the one before it, and still reach
// the rest through this one.
static void timer_list_remove_locked(machine_timer_obj_t *self) {
    self->soft_fire_due = false;
    if (self->running) {
        self->running = false;
        machine_timer_obj_t **p = &MP_STATE_PORT(machine_timer_running);
        while (*p != NULL && *p != self) {
            p = &(*p)->next_running;
        }
        if (*p == self) {
            *p = self->next_running;
        }
    }
}

static void timer_list_remove(machine_timer_obj_t *self) {
    k_spinlock_key_t key = k_spin_lock(&timer_list_lock);
    timer_list_remove_locked(self);
    k_spin_unlock(&timer_list_lock, key);
}

// A one-shot timer's soft callback, in a thread: the timer leaves the
// running list now, after its expiry, unless init() or deinit() came first.
static mp_obj_t machine_timer_soft_fire(mp_obj_t self_in) {
    machine_timer_obj_t *self = MP_OBJ_TO_PTR(self_in);
    // One critical section: a hard IRQ handler may init() it again.
    k_spinlock_key_t key = k_spin_lock(&timer_list_lock);
    if (self->soft_fire_due) {
        timer_list_remove_locked(self);
    }
    mp_obj_t callback = self->fired_callback;
    self->fired_callback = mp_const_none;
    k_spin_unlock(&timer_list_lock, key);
    if (callback != mp_const_none) {
        mp_call_function_1(callback, self_in);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_timer_soft_fire_obj, machine_timer_soft_fire);

static void machine_timer_expiry(struct k_timer *timer) {
    machine_timer_obj_t *self = CONTAINER_OF(timer, machine_timer_obj_t, timer);
    bool one_shot = self->mode == TIMER_MODE_ONE_SHOT;
    bool soft = self->callback != mp_const_none && !self->hard;
    if (one_shot && soft) {
        // Kept on the list until the callback runs (machine_timer_soft_fire).
        self->fired_callback = self->callback;
        self->soft_fire_due = true;
        if (!mp_sched_schedule(MP_OBJ_FROM_PTR(&machine_timer_soft_fire_obj), MP_OBJ_FROM_PTR(self))) {
            timer_list_remove(self);    // the scheduler's queue is full: lost
        }
    } else if (one_shot) {
        // Done: not running, and no longer kept alive by the list (a hard
        // callback that calls init() again puts it back).
        timer_list_remove(self);
    }
    uevent_source_raise(&self->source, UEVENT_EVENT);
    if (soft && !one_shot) {
        mp_sched_schedule(self->callback, MP_OBJ_FROM_PTR(self));
    } else if (self->callback != mp_const_none && self->hard) {
        if (port_irq_dispatch(self->callback, MP_OBJ_FROM_PTR(self), true) < 0) {
            // Uncaught exception (printed): don't run the callback again.
            k_timer_stop(&self->timer);
            timer_list_remove(self);
        }
    }
}

static void machine_timer_stop(machine_timer_obj_t *self) {
    k_timer_stop(&self->timer);
    timer_list_remove(self);
}

static mp_obj_t machine_timer_init_helper(machine_timer_obj_t *self, size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_mode, ARG_callback, ARG_period, ARG_freq, ARG_hard };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_mode, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = TIMER_MODE_PERIODIC} },
        { MP_QSTR_callback, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_period, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_freq, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_hard, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = false} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    if (args[ARG_mode].u_int != TIMER_MODE_ONE_SHOT && args[ARG_mode].u_int != TIMER_MODE_PERIODIC) {
        mp_raise_ValueError(MP_ERROR_TEXT("mode must be Timer.ONE_SHOT or Timer.PERIODIC"));
    }
    mp_obj_t callback = args[ARG_callback].u_obj;
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        mp_raise_TypeError(MP_ERROR_TEXT("callback must be callable or None"));
    }
    uint64_t period_us;
    if (args[ARG_freq].u_obj != mp_const_none) {
        mp_float_t freq = mp_obj_get_float(args[ARG_freq].u_obj);
        if (freq <= 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("freq must be positive"));
        }
        period_us = (uint64_t)(1000000 / freq);
    } else if (args[ARG_period].u_obj != mp_const_none) {
        mp_int_t period_ms = mp_obj_get_int(args[ARG_period].u_obj);
        if (period_ms < 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("period must not be negative"));
        }
        period_us = (uint64_t)period_ms * 1000;
    } else {
        mp_raise_TypeError(MP_ERROR_TEXT("give period= or freq="));
    }
    if (period_us > UINT32_MAX) {
        mp_raise_ValueError(MP_ERROR_TEXT("period too long"));
    }
    if (period_us == 0) {
        period_us = 1;
    }

    machine_timer_stop(self);
    self->mode = args[ARG_mode].u_int;
    self->callback = callback;
    self->hard = args[ARG_hard].u_bool;
    self->period_us = (uint32_t)period_us;
    timer_list_add(self);
    k_timeout_t period = K_USEC(self->period_us);
    k_timer_start(&self->timer, period, self->mode == TIMER_MODE_PERIODIC ? period : K_NO_WAIT);
    return mp_const_none;
}

static mp_obj_t machine_timer_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 1, true);
    if (n_args == 1 && mp_obj_get_int(args[0]) != -1) {
        mp_raise_ValueError(MP_ERROR_TEXT("only virtual timers (id -1) are available"));
    }
    machine_timer_obj_t *self = mp_obj_malloc_with_finaliser(machine_timer_obj_t, &machine_timer_type);
    self->next_running = NULL;
    self->callback = mp_const_none;
    self->running = false;
    self->soft_fire_due = false;
    self->fired_callback = mp_const_none;
    self->hard = false;
    self->mode = TIMER_MODE_PERIODIC;
    self->period_us = 0;
    uevent_source_init(&self->source);
    k_timer_init(&self->timer, machine_timer_expiry, NULL);
    if (n_kw > 0) {
        mp_map_t kw_args;
        mp_map_init_fixed_table(&kw_args, n_kw, args + n_args);
        machine_timer_init_helper(self, 0, NULL, &kw_args);
    }
    return MP_OBJ_FROM_PTR(self);
}

static void machine_timer_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    machine_timer_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "Timer(mode=%s, period_us=%u, running=%s)",
        self->mode == TIMER_MODE_PERIODIC ? "PERIODIC" : "ONE_SHOT",
        (unsigned)self->period_us, self->running && !self->soft_fire_due ? "True" : "False");
}

static mp_obj_t machine_timer_init(size_t n_args, const mp_obj_t *args, mp_map_t *kw_args) {
    return machine_timer_init_helper(MP_OBJ_TO_PTR(args[0]), n_args - 1, args + 1, kw_args);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(machine_timer_init_obj, 1, machine_timer_init);

static mp_obj_t machine_timer_deinit(mp_obj_t self_in) {
    machine_timer_stop(MP_OBJ_TO_PTR(self_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_timer_deinit_obj, machine_timer_deinit);

void machine_timer_deinit_all(void) {
    while (MP_STATE_PORT(machine_timer_running) != NULL) {
        machine_timer_stop(MP_STATE_PORT(machine_timer_running));
    }
}

static const mp_rom_map_elem_t machine_timer_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&machine_timer_deinit_obj) },
    { MP_ROM_QSTR(MP_QSTR_init), MP_ROM_PTR(&machine_timer_init_obj) },
    { MP_ROM_QSTR(MP_QSTR_deinit), MP_ROM_PTR(&machine_timer_deinit_obj) },
    { MP_ROM_QSTR(MP_QSTR_ONE_SHOT), MP_ROM_INT(TIMER_MODE_ONE_SHOT) },
    { MP_ROM_QSTR(MP_QSTR_PERIODIC), MP_ROM_INT(TIMER_MODE_PERIODIC) },
};
static MP_DEFINE_CONST_DICT(machine_timer_locals_dict, machine_timer_locals_dict_table);

// Every expiry raises EVENT from the k_timer ISR (machine_timer_expiry).
static uevent_source_t *machine_timer_source(mp_obj_t self_in) {
    machine_timer_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return &self->source;
}

static const uevent_source_p_t machine_timer_source_p = {
    .source = machine_timer_source,
    .edge = true,
};

MP_DEFINE_CONST_OBJ_TYPE(
    machine_timer_type,
    MP_QSTR_Timer,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, machine_timer_make_new,
    print, machine_timer_print,
    protocol, &machine_timer_source_p,
    locals_dict, &machine_timer_locals_dict
    );
