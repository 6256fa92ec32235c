/*
 * _uevent_test: hooks for test builds (CONFIG_UEVENT_TEST_HOOKS).
 *
 * set_input(pin, level) drives an input of a zephyr,gpio-emul controller,
 * which runs the same GPIO callbacks a real edge interrupt would. The level
 * is the pin's (raw), also for an active-low named Pin: 0 presses "sw0".
 *
 * Storms (docs/reliability.md): storm_start(sources, period_us=0, burst=1)
 * starts a k_timer whose ISR, on every expiry, raises each source `burst`
 * times: a uevent.Flag is set as Flag.set() does (is_set, then EVENT), a
 * machine.Pin on an emulated GPIO controller has its input toggled, which
 * runs the real GPIO callback (so give the pin both edges). The ISR counts
 * what it did per source in C; storm_stop() stops the timer and returns
 * those counts. The sources stay reachable from a root pointer while the
 * storm runs, so the GC never frees an object the ISR touches.
 *
 * console_input(data, delay_ms): `delay_ms` from now, a timer ISR stores
 * `data` as console input, as the console's RX interrupt does (the wake
 * matrix's "console input" row); console_unread(data) puts bytes a script
 * read back in front of the console input. raise_during_collect(obj,
 * events): the next poll_ms raises obj's source right after it pops an
 * entry, as an ISR there would. collect_pausing(ms): a collection that
 * pauses in its root scan, for an interrupt to land inside it.
 * fail_allocs(): test_alloc_faults.c.
 */
#include <zephyr/drivers/gpio/gpio_emul.h>
#if defined(CONFIG_IRQ_OFFLOAD)
#include <zephyr/irq_offload.h>
#endif

#include <string.h>

#include "py/gc.h"
#include "py/runtime.h"
#include "py/smallint.h"
#include "console_uart.h"
#include "machine_pin.h"
#include "machine_uart_port.h"
#include "extmod/modmachine.h"
#include "modmachine_port.h"
#include "port_irq.h"
#include "uevent_obj.h"
#include "port_test_hooks.h"
#include "test_alloc_faults.h"

#define STORM_MAX_SOURCES (64)

static mp_obj_t uevent_test_set_input(mp_obj_t pin_in, mp_obj_t level_in) {
    machine_pin_obj_t *pin = machine_pin_find(pin_in);
    int ret = gpio_emul_input_set(pin->port, pin->pin, mp_obj_is_true(level_in));
    if (ret == -EINVAL || ret == -ENOTSUP) {
        mp_raise_ValueError(MP_ERROR_TEXT("pin is not an input of an emulated GPIO controller"));
    } else if (ret < 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(uevent_test_set_input_obj, uevent_test_set_input);

// raised(obj): the raise count of obj's uevent source (uevent_source_t.raised).
static mp_obj_t uevent_test_raised(mp_obj_t obj) {
    bool polled_stream;
    uevent_source_t *src = uevent_source_of(obj, &polled_stream);
    if (src == NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("an explicitly polled stream has no raise count"));
    }
    return mp_obj_new_int_from_uint(src->raised);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_test_raised_obj, uevent_test_raised);

#if defined(CONFIG_IRQ_OFFLOAD)
// in_isr(fn, ctrl_c=False) -> (True, result) or (False, exception): fn()
// called in a real ISR (Zephyr's irq_offload) as a hard IRQ handler is, so
// a test can call any API from hard-IRQ context at a point of its choosing.
// ctrl_c: Ctrl-C arrives on the console in the same ISR, just before fn
// runs (as when the console's and a timer's interrupts come together).
typedef struct {
    mp_obj_t fn;
    mp_obj_t result;
    bool ok;
    bool ctrl_c;
} isr_call_t;

static void uevent_test_isr_call(const void *arg) {
    isr_call_t *call = (isr_call_t *)arg;
    if (call->ctrl_c) {
        console_uart_rx_inject((const uint8_t *)"\x03", 1);
    }
    call->ok = port_call_hard_irq_result(call->fn, MP_OBJ_NULL, &call->result);
}

static mp_obj_t uevent_test_in_isr(size_t n_args, const mp_obj_t *args) {
    isr_call_t call = { args[0], mp_const_none, false, n_args > 1 && mp_obj_is_true(args[1]) };
    irq_offload(uevent_test_isr_call, &call);
    mp_obj_t items[2] = { mp_obj_new_bool(call.ok), call.result };
    return mp_obj_new_tuple(2, items);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_test_in_isr_obj, 1, 2, uevent_test_in_isr);
#endif

// ---- storms ----

MP_REGISTER_ROOT_POINTER(mp_obj_t uevent_test_storm_sources);

typedef struct {
    uevent_flag_obj_t *flag;            // a Flag, or NULL for a pin
    const struct device *port;          // a pin on an emulated controller
    gpio_pin_t pin;
    uint8_t level;
} storm_target_t;

static struct {
    struct k_timer timer;
    storm_target_t target[STORM_MAX_SOURCES];
    volatile uint32_t count[STORM_MAX_SOURCES]; // raises (Flag) or edges driven (Pin)
    volatile uint32_t fires;            // timer expiries
    volatile uint32_t errors;           // gpio_emul_input_set failures in the ISR
    size_t n;
    uint16_t burst;
    bool running;
    bool timer_ready;
    int64_t start_ticks;
    int64_t stop_ticks;
} storm;

static void storm_isr(struct k_timer *timer) {
    (void)timer;
    storm.fires++;
    for (uint16_t b = 0; b < storm.burst; b++) {
        for (size_t i = 0; i < storm.n; i++) {
            storm_target_t *t = &storm.target[i];
            if (t->flag != NULL) {
                t->flag->is_set = true;
                uevent_source_raise(&t->flag->source, UEVENT_EVENT);
                storm.count[i]++;
            } else {
                t->level ^= 1;
                if (gpio_emul_input_set(t->port, t->pin, t->level) == 0) {
                    storm.count[i]++;
                } else {
                    storm.errors++;
                }
            }
        }
    }
}

static void storm_halt(void) {
    if (storm.running) {
        k_timer_stop(&storm.timer);
        storm.running = false;
        storm.stop_ticks = k_uptime_ticks();
    }
}

// storm_start(sources, period_us=0, burst=1): period_us 0 = every tick.
static mp_obj_t uevent_test_storm_start(size_t n_args, const mp_obj_t *args) {
    if (storm.running) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("a storm is already running"));
    }
    size_t n;
    mp_obj_t *items;
    // Keep our own tuple: the caller's list may change under us.
    mp_obj_get_array(args[0], &n, &items);
    mp_obj_t sources = mp_obj_new_tuple(n, items);
    mp_obj_tuple_get(sources, &n, &items);
    if (n == 0 || n > STORM_MAX_SOURCES) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("a storm needs 1 to %d sources"), STORM_MAX_SOURCES);
    }
    mp_int_t period_us = n_args > 1 ? mp_obj_get_int(args[1]) : 0;
    mp_int_t burst = n_args > 2 ? mp_obj_get_int(args[2]) : 1;
    if (period_us < 0 || burst < 1 || burst > 1000) {
        mp_raise_ValueError(MP_ERROR_TEXT("period_us must be >= 0 and burst 1..1000"));
    }
    storm_target_t targets[STORM_MAX_SOURCES];
    for (size_t i = 0; i < n; i++) {
        storm_target_t *t = &targets[i];
        if (mp_obj_is_type(items[i], &uevent_flag_type)) {
            t->flag = MP_OBJ_TO_PTR(items[i]);
            t->port = NULL;
            t->pin = 0;
            t->level = 0;
        } else if (mp_obj_is_type(items[i], &machine_pin_type)) {
            machine_pin_obj_t *pin = MP_OBJ_TO_PTR(items[i]);
            t->flag = NULL;
            t->port = pin->port;
            t->pin = pin->pin;
            // Start from the pin's present input level; setting it again to
            // that level checks it is an emulated input without an edge.
            int level = gpio_pin_get_raw(pin->port, pin->pin);
            if (level < 0 || gpio_emul_input_set(pin->port, pin->pin, level) != 0) {
                mp_raise_ValueError(MP_ERROR_TEXT("storm pins must be inputs of an emulated GPIO controller"));
            }
            t->level = (uint8_t)level;
        } else {
            mp_raise_TypeError(MP_ERROR_TEXT("storm sources are uevent.Flag or machine.Pin"));
        }
    }
    if (!storm.timer_ready) {
        k_timer_init(&storm.timer, storm_isr, NULL);
        storm.timer_ready = true;
    }
    memcpy(storm.target, targets, n * sizeof(targets[0]));
    for (size_t i = 0; i < STORM_MAX_SOURCES; i++) {
        storm.count[i] = 0;
    }
    storm.n = n;
    storm.burst = (uint16_t)burst;
    storm.fires = 0;
    storm.errors = 0;
    MP_STATE_PORT(uevent_test_storm_sources) = sources;
    storm.running = true;
    storm.start_ticks = k_uptime_ticks();
    storm.stop_ticks = storm.start_ticks;
    k_timeout_t period = period_us == 0 ? K_TICKS(1) : K_USEC(period_us);
    k_timer_start(&storm.timer, period, period);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_test_storm_start_obj, 1, 3, uevent_test_storm_start);

static mp_obj_t storm_report(void) {
    mp_obj_t counts = mp_obj_new_tuple(storm.n, NULL);
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(counts);
    unsigned int key = irq_lock();
    uint32_t fires = storm.fires;
    uint32_t errors = storm.errors;
    uint32_t snapshot[STORM_MAX_SOURCES];
    for (size_t i = 0; i < storm.n; i++) {
        snapshot[i] = storm.count[i];
    }
    int64_t end = storm.running ? k_uptime_ticks() : storm.stop_ticks;
    irq_unlock(key);
    for (size_t i = 0; i < storm.n; i++) {
        t->items[i] = mp_obj_new_int_from_uint(snapshot[i]);
    }
    mp_obj_t d = mp_obj_new_dict(5);
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_counts), counts);
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_fires), mp_obj_new_int_from_uint(fires));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_errors), mp_obj_new_int_from_uint(errors));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_ms), mp_obj_new_int_from_ll(k_ticks_to_ms_floor64(end - storm.start_ticks)));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_running), mp_obj_new_bool(storm.running));
    return d;
}

// storm_stop() -> {"counts": (per source), "fires", "errors", "ms", "running"}
static mp_obj_t uevent_test_storm_stop(void) {
    storm_halt();
    mp_obj_t d = storm_report();
    MP_STATE_PORT(uevent_test_storm_sources) = MP_OBJ_NULL;
    return d;
}
static MP_DEFINE_CONST_FUN_OBJ_0(uevent_test_storm_stop_obj, uevent_test_storm_stop);

// storm_info(): the same report while the storm runs (or after it stopped).
static mp_obj_t uevent_test_storm_info(void) {
    return storm_report();
}
static MP_DEFINE_CONST_FUN_OBJ_0(uevent_test_storm_info_obj, uevent_test_storm_info);

// ---- console input from an ISR ----

#define CONSOLE_INPUT_MAX (64)

static struct {
    struct k_timer timer;
    uint8_t data[CONSOLE_INPUT_MAX];
    size_t len;
    bool timer_ready;
} console_input;

static void console_input_isr(struct k_timer *timer) {
    (void)timer;
    console_uart_rx_inject(console_input.data, console_input.len);
}

// console_input(data, delay_ms=0)
static mp_obj_t uevent_test_console_input(size_t n_args, const mp_obj_t *args) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(args[0], &buf, MP_BUFFER_READ);
    mp_int_t delay_ms = n_args > 1 ? mp_obj_get_int(args[1]) : 0;
    if (buf.len > CONSOLE_INPUT_MAX || delay_ms < 0) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("at most %d bytes, delay_ms >= 0"), CONSOLE_INPUT_MAX);
    }
    if (!console_input.timer_ready) {
        k_timer_init(&console_input.timer, console_input_isr, NULL);
        console_input.timer_ready = true;
    }
    k_timer_stop(&console_input.timer);
    memcpy(console_input.data, buf.buf, buf.len);
    console_input.len = buf.len;
    k_timer_start(&console_input.timer, K_MSEC(delay_ms), K_NO_WAIT);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_test_console_input_obj, 1, 2, uevent_test_console_input);

// console_unread(data): puts bytes a script read back in front of the
// console input (the raw REPL's next command may have been among them).
static mp_obj_t uevent_test_console_unread(mp_obj_t data) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(data, &buf, MP_BUFFER_READ);
    if (!console_uart_rx_unread(buf.buf, buf.len)) {
        mp_raise_ValueError(MP_ERROR_TEXT("no room in the console buffer"));
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_test_console_unread_obj, uevent_test_console_unread);

// uart_rx_ms(uart): time.ticks_ms() of the last byte the UART's RX
// interrupt took in, so a test can time a wake from the byte's arrival
// (under QEMU -icount the host decides when a byte over UDP arrives).
static mp_obj_t uevent_test_uart_rx_ms(mp_obj_t uart_in) {
    if (!mp_obj_is_type(uart_in, &machine_uart_type)) {
        mp_raise_TypeError(MP_ERROR_TEXT("uart_rx_ms needs a machine.UART"));
    }
    machine_uart_obj_t *uart = MP_OBJ_TO_PTR(uart_in);
    return MP_OBJ_NEW_SMALL_INT(uart->last_rx_ms & (MICROPY_PY_TIME_TICKS_PERIOD - 1));
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_test_uart_rx_ms_obj, uevent_test_uart_rx_ms);

// ---- a raise while poll_ms builds its result list ----

MP_REGISTER_ROOT_POINTER(mp_obj_t uevent_test_collect_obj);
static uevent_source_t *collect_source;
static bool collect_notify;     // notify() the poller uevent_test_collect_obj
static uint16_t collect_events;

void uevent_test_after_pop(void) {
    uevent_source_t *src = collect_source;
    mp_obj_t obj = MP_STATE_PORT(uevent_test_collect_obj);
    if (src != NULL) {
        uevent_source_raise(src, collect_events);
    } else if (collect_notify) {
        uevent_poller_obj_t *poller = MP_OBJ_TO_PTR(obj);
        if (poller->core != NULL) {
            uevent_core_poller_notify(poller->core);
        }
    }
    collect_source = NULL;
    collect_notify = false;
    MP_STATE_PORT(uevent_test_collect_obj) = MP_OBJ_NULL;
}

// raise_during_collect(obj, events): the next poll_ms round that takes an
// entry raises obj's events right after taking it (obj a poller: notify()
// it); obj None disarms.
static mp_obj_t uevent_test_raise_during_collect(mp_obj_t obj, mp_obj_t events_in) {
    collect_source = NULL;
    collect_notify = false;
    MP_STATE_PORT(uevent_test_collect_obj) = MP_OBJ_NULL;
    if (obj == mp_const_none) {
        return mp_const_none;
    }
    if (mp_obj_is_type(obj, &uevent_poller_type)) {
        uevent_poller_obj_t *poller = MP_OBJ_TO_PTR(obj);
        if (poller->core == NULL) {
            mp_raise_ValueError(MP_ERROR_TEXT("poller is closed"));
        }
        MP_STATE_PORT(uevent_test_collect_obj) = obj;     // kept alive until raised
        collect_notify = true;
        return mp_const_none;
    }
    bool polled_stream;
    uevent_source_t *src = uevent_source_of(obj, &polled_stream);
    if (src == NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("an explicitly polled stream has no source to raise"));
    }
    MP_STATE_PORT(uevent_test_collect_obj) = obj;     // kept alive until raised
    collect_events = (uint16_t)mp_obj_get_int(events_in);
    collect_source = src;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(uevent_test_raise_during_collect_obj, uevent_test_raise_during_collect);

MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_test_fail_allocs_obj);

// Soft reset: stops a storm or input left running by a test that failed,
// and disarms allocation faults.
// collect_pausing(ms): a garbage collection that busy-waits ms in its scan
// of the root pointers, after the scheduler's queue and before the port's
// lists of live objects (pins, running timers), so an interrupt due then
// lands where a real one may: its soft callback queued behind the scan.
uint32_t uevent_test_gc_pause_us;     // armed: only a load in GC loops

void uevent_test_gc_root_hook(size_t i) {
    // i counts the pointers from the first root (gc_collect_start).
    const size_t after_sched_queue = (offsetof(mp_state_ctx_t, vm.sched_queue)
        + sizeof(MP_STATE_VM(sched_queue)) - offsetof(mp_state_ctx_t, thread.dict_locals)) / sizeof(void *);
    if (uevent_test_gc_pause_us != 0 && i == after_sched_queue) {
        uint32_t us = uevent_test_gc_pause_us;
        uevent_test_gc_pause_us = 0;
        k_busy_wait(us);
    }
}

static mp_obj_t uevent_test_collect_pausing(mp_obj_t ms_in) {
    mp_int_t ms = mp_obj_get_int(ms_in);
    if (ms < 1 || ms > 1000) {
        mp_raise_ValueError(MP_ERROR_TEXT("ms must be 1..1000"));
    }
    uevent_test_gc_pause_us = (uint32_t)ms * 1000;
    gc_collect();
    uevent_test_gc_pause_us = 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_test_collect_pausing_obj, uevent_test_collect_pausing);

void uevent_test_deinit(void) {
    storm_halt();
    if (console_input.timer_ready) {
        k_timer_stop(&console_input.timer);
    }
    uevent_test_alloc_faults_reset();
    collect_source = NULL;
    collect_notify = false;
    // Objects of the session's heap, about to go.
    MP_STATE_PORT(uevent_test_storm_sources) = MP_OBJ_NULL;
    MP_STATE_PORT(uevent_test_collect_obj) = MP_OBJ_NULL;
}

static const mp_rom_map_elem_t uevent_test_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__uevent_test) },
    { MP_ROM_QSTR(MP_QSTR_set_input), MP_ROM_PTR(&uevent_test_set_input_obj) },
    { MP_ROM_QSTR(MP_QSTR_raised), MP_ROM_PTR(&uevent_test_raised_obj) },
    #if defined(CONFIG_IRQ_OFFLOAD)
    { MP_ROM_QSTR(MP_QSTR_in_isr), MP_ROM_PTR(&uevent_test_in_isr_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_storm_start), MP_ROM_PTR(&uevent_test_storm_start_obj) },
    { MP_ROM_QSTR(MP_QSTR_storm_stop), MP_ROM_PTR(&uevent_test_storm_stop_obj) },
    { MP_ROM_QSTR(MP_QSTR_storm_info), MP_ROM_PTR(&uevent_test_storm_info_obj) },
    { MP_ROM_QSTR(MP_QSTR_STORM_MAX_SOURCES), MP_ROM_INT(STORM_MAX_SOURCES) },
    { MP_ROM_QSTR(MP_QSTR_console_input), MP_ROM_PTR(&uevent_test_console_input_obj) },
    { MP_ROM_QSTR(MP_QSTR_console_unread), MP_ROM_PTR(&uevent_test_console_unread_obj) },
    { MP_ROM_QSTR(MP_QSTR_uart_rx_ms), MP_ROM_PTR(&uevent_test_uart_rx_ms_obj) },
    { MP_ROM_QSTR(MP_QSTR_raise_during_collect), MP_ROM_PTR(&uevent_test_raise_during_collect_obj) },
    { MP_ROM_QSTR(MP_QSTR_collect_pausing), MP_ROM_PTR(&uevent_test_collect_pausing_obj) },
    { MP_ROM_QSTR(MP_QSTR_fail_allocs), MP_ROM_PTR(&uevent_test_fail_allocs_obj) },
};
static MP_DEFINE_CONST_DICT(uevent_test_module_globals, uevent_test_module_globals_table);

const mp_obj_module_t mp_module_uevent_test = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&uevent_test_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__uevent_test, mp_module_uevent_test);
