/*
 * _uevent_bench: hooks for the benchmarks (CONFIG_UEVENT_BENCH_HOOKS).
 *
 * Everything is timed with k_cycle_get_32() (SysTick cycles on Cortex-M).
 *
 * edge(pin, delay_us)     one-shot k_timer; its ISR stamps the cycle counter
 *                         and toggles an emulated GPIO input (gpio_emul), so
 *                         the pin's GPIO callbacks run in ISR context exactly
 *                         as for a real edge interrupt.
 * since_edge()            cycles from the latest edge to now (small int).
 * edge_count()            edges made so far.
 * stamp(), since_stamp()  a cycle stamp taken from Python, and the cycles since.
 * cpu_to_sleep()          CPU cycles the calling thread ran from its latest
 *                         stamp() until it went to sleep, as seen by the next
 *                         edge's ISR; -1 if it was still running at the edge.
 * floor(pin, buf, delay_us)
 *                         the C floor: a Zephyr thread in k_poll on a
 *                         k_poll_signal raised by a GPIO callback on `pin` for
 *                         each edge (pin=None: raised by the k_timer ISR
 *                         itself); len(buf) samples of edge -> thread cycles
 *                         go to `buf` (array 'I'). The caller sleeps meanwhile.
 * spin(n)                 cycles a loop of 2*n instructions takes (subs, bne):
 *                         with QEMU -icount this measures the counter's rate.
 * runtime()               (this thread's cycles, its switch-ins, CPU non-idle
 *                         cycles, CPU idle cycles) from Zephyr's thread
 *                         runtime statistics; switch-ins need
 *                         CONFIG_SCHED_THREAD_USAGE_ANALYSIS (else -1).
 * ticker(target, period_us, hard=False)
 *                         a periodic k_timer ISR: raises `target` (a
 *                         uevent.Flag or a board source) directly, or calls
 *                         it (hard: in the ISR; soft: micropython.schedule).
 *                         ticker(None) stops it; stop it before a soft reset.
 * ticker_count()          (ISR expiries, schedule attempts that failed).
 */
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/gpio/gpio_emul.h>
#include <zephyr/kernel.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "uevent_board.h"
#include "uevent_obj.h"
#include "machine_pin.h"
#include "port_irq.h"

// --- edge generator -----------------------------------------------------

static struct k_poll_signal floor_signal;

static struct {
    struct k_timer timer;
    const struct device *port;      // NULL: raise floor_signal instead
    gpio_pin_t pin;
    int level;
    volatile uint32_t stamp;
    volatile uint32_t count;
} edge;

static uint32_t py_stamp;
static bool bench_ready;

// The thread that called stamp(), its CPU cycles then, and at the edge.
static struct {
    struct k_thread *thread;
    uint64_t usage_at_stamp;
    volatile uint64_t usage_at_edge;
    volatile bool asleep_at_edge;
} watch;

static void watch_edge(void) {
    if (watch.thread != NULL) {
        // Asleep: its usage total is complete (updated when switched out).
        watch.asleep_at_edge = k_current_get() != watch.thread;
        watch.usage_at_edge = watch.thread->base.usage.total;
    }
}

static void edge_expiry(struct k_timer *timer) {
    (void)timer;
    if (edge.port != NULL) {
        edge.level ^= 1;
        edge.count++;
        edge.stamp = k_cycle_get_32();
        watch_edge();
        // The GPIO callbacks of this pin run inside this call, in this ISR.
        gpio_emul_input_set(edge.port, edge.pin, edge.level);
    } else {
        edge.count++;
        edge.stamp = k_cycle_get_32();
        k_poll_signal_raise(&floor_signal, 0);
    }
}

static void bench_init(void) {
    if (!bench_ready) {
        k_timer_init(&edge.timer, edge_expiry, NULL);
        k_poll_signal_init(&floor_signal);
        bench_ready = true;
    }
}

// Points the generator at `pin_in` (a machine.Pin or its id), or None.
static void edge_target(mp_obj_t pin_in) {
    bench_init();
    if (pin_in == mp_const_none) {
        edge.port = NULL;
        return;
    }
    machine_pin_obj_t *pin = machine_pin_find(pin_in);
    int level = gpio_pin_get_raw(pin->port, pin->pin);
    if (level < 0) {
        mp_raise_OSError(-level);
    }
    edge.port = pin->port;
    edge.pin = pin->pin;
    edge.level = level;
}

static mp_obj_t bench_edge(mp_obj_t pin_in, mp_obj_t delay_in) {
    mp_int_t delay_us = mp_obj_get_int(delay_in);
    if (delay_us < 1) {
        mp_raise_ValueError(MP_ERROR_TEXT("delay_us must be >= 1"));
    }
    if (edge.port == NULL || pin_in != mp_const_none) {
        edge_target(pin_in);
    }
    k_timer_start(&edge.timer, K_USEC(delay_us), K_NO_WAIT);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(bench_edge_obj, bench_edge);

static mp_obj_t bench_since_edge(void) {
    uint32_t now = k_cycle_get_32();
    return MP_OBJ_NEW_SMALL_INT((now - edge.stamp) & 0x3fffffff);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_since_edge_obj, bench_since_edge);

static mp_obj_t bench_edge_count(void) {
    return mp_obj_new_int_from_uint(edge.count);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_edge_count_obj, bench_edge_count);

static mp_obj_t bench_stamp(void) {
    k_thread_runtime_stats_t stats;
    k_thread_runtime_stats_get(k_current_get(), &stats);
    watch.thread = k_current_get();
    watch.usage_at_stamp = stats.execution_cycles;
    watch.asleep_at_edge = false;
    py_stamp = k_cycle_get_32();
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_stamp_obj, bench_stamp);

static mp_obj_t bench_since_stamp(void) {
    uint32_t now = k_cycle_get_32();
    return MP_OBJ_NEW_SMALL_INT((now - py_stamp) & 0x3fffffff);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_since_stamp_obj, bench_since_stamp);

static mp_obj_t bench_cpu_to_sleep(void) {
    if (!watch.asleep_at_edge || watch.thread != k_current_get()) {
        return MP_OBJ_NEW_SMALL_INT(-1);
    }
    return mp_obj_new_int_from_ull(watch.usage_at_edge - watch.usage_at_stamp);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_cpu_to_sleep_obj, bench_cpu_to_sleep);

static mp_obj_t bench_spin(mp_obj_t n_in) {
    uint32_t n = mp_obj_get_int(n_in);
    if (n < 1) {
        mp_raise_ValueError(MP_ERROR_TEXT("n must be >= 1"));
    }
    // Interrupts stay enabled (the counter must see its own wraps): take
    // the least of several runs.
    uint32_t t0 = k_cycle_get_32();
    __asm__ volatile ("1: subs %0, %0, #1\n\tbne 1b" : "+r" (n) : : "cc");
    uint32_t t1 = k_cycle_get_32();
    return mp_obj_new_int_from_uint(t1 - t0);
}
static MP_DEFINE_CONST_FUN_OBJ_1(bench_spin_obj, bench_spin);

static mp_obj_t bench_cycles_per_sec(void) {
    return mp_obj_new_int_from_uint(sys_clock_hw_cycles_per_sec());
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_cycles_per_sec_obj, bench_cycles_per_sec);

// --- C floor --------------------------------------------------------------

#define FLOOR_STACK_SIZE (1024)
K_THREAD_STACK_DEFINE(floor_stack, FLOOR_STACK_SIZE);
static struct k_thread floor_thread;
static bool floor_thread_started;
static K_SEM_DEFINE(floor_go, 0, 1);
static K_SEM_DEFINE(floor_done, 0, 1);
static struct gpio_callback floor_gpio_cb;
static uint32_t *floor_out;
static size_t floor_n;
static uint32_t floor_delay_us;

static void floor_gpio_isr(const struct device *port, struct gpio_callback *cb, gpio_port_pins_t pins) {
    (void)port;
    (void)cb;
    (void)pins;
    k_poll_signal_raise(&floor_signal, 0);
}

static void floor_main(void *a, void *b, void *c) {
    (void)a;
    (void)b;
    (void)c;
    struct k_poll_event event = K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SIGNAL,
        K_POLL_MODE_NOTIFY_ONLY, &floor_signal);
    for (;;) {
        k_sem_take(&floor_go, K_FOREVER);
        for (size_t i = 0; i < floor_n; i++) {
            k_poll_signal_reset(&floor_signal);
            event.state = K_POLL_STATE_NOT_READY;
            k_timer_start(&edge.timer, K_USEC(floor_delay_us), K_NO_WAIT);
            k_poll(&event, 1, K_FOREVER);
            uint32_t now = k_cycle_get_32();
            floor_out[i] = now - edge.stamp;
        }
        k_sem_give(&floor_done);
    }
}

static mp_obj_t bench_floor(mp_obj_t pin_in, mp_obj_t buf_in, mp_obj_t delay_in) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_WRITE);
    if (buf.typecode != 'I' && buf.typecode != 'L') {
        mp_raise_TypeError(MP_ERROR_TEXT("buf must be array('I')"));
    }
    mp_int_t delay_us = mp_obj_get_int(delay_in);
    if (delay_us < 1) {
        mp_raise_ValueError(MP_ERROR_TEXT("delay_us must be >= 1"));
    }
    edge_target(pin_in);
    machine_pin_obj_t *pin = NULL;
    if (pin_in != mp_const_none) {
        pin = machine_pin_find(pin_in);
        gpio_init_callback(&floor_gpio_cb, floor_gpio_isr, BIT(pin->pin));
        int ret = gpio_add_callback(pin->port, &floor_gpio_cb);
        if (ret == 0) {
            ret = gpio_pin_interrupt_configure(pin->port, pin->pin, GPIO_INT_EDGE_BOTH);
        }
        if (ret != 0) {
            gpio_remove_callback(pin->port, &floor_gpio_cb);
            mp_raise_OSError(-ret);
        }
    }
    floor_out = buf.buf;
    floor_n = buf.len / sizeof(uint32_t);
    floor_delay_us = (uint32_t)delay_us;
    if (!floor_thread_started) {
        k_thread_create(&floor_thread, floor_stack, K_THREAD_STACK_SIZEOF(floor_stack),
            floor_main, NULL, NULL, NULL, k_thread_priority_get(k_current_get()), 0, K_NO_WAIT);
        k_thread_name_set(&floor_thread, "bench_floor");
        floor_thread_started = true;
    }
    k_sem_give(&floor_go);
    MP_THREAD_GIL_EXIT();
    k_sem_take(&floor_done, K_FOREVER);
    MP_THREAD_GIL_ENTER();
    if (pin != NULL) {
        gpio_remove_callback(pin->port, &floor_gpio_cb);
        gpio_pin_interrupt_configure(pin->port, pin->pin,
            pin->irq_trigger ? pin->irq_trigger : GPIO_INT_DISABLE);
    }
    edge.port = NULL;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(bench_floor_obj, bench_floor);

// --- thread runtime statistics -----------------------------------------------

static mp_obj_t bench_runtime(void) {
    k_thread_runtime_stats_t thread_stats;
    k_thread_runtime_stats_t all_stats;
    k_thread_runtime_stats_get(k_current_get(), &thread_stats);
    k_thread_runtime_stats_all_get(&all_stats);
    mp_int_t windows = -1;
    #ifdef CONFIG_SCHED_THREAD_USAGE_ANALYSIS
    windows = k_current_get()->base.usage.num_windows;
    #endif
    mp_obj_t items[4] = {
        mp_obj_new_int_from_ull(thread_stats.execution_cycles),
        mp_obj_new_int(windows),
        mp_obj_new_int_from_ull(all_stats.total_cycles),
        mp_obj_new_int_from_ull(all_stats.idle_cycles),
    };
    return mp_obj_new_tuple(4, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_runtime_obj, bench_runtime);

// --- fast ISR source ----------------------------------------------------------

MP_REGISTER_ROOT_POINTER(mp_obj_t uevent_bench_ticker_target);

enum { TICK_NONE, TICK_FLAG, TICK_SOURCE, TICK_HARD, TICK_SOFT };

static struct {
    struct k_timer timer;
    bool timer_ready;
    volatile uint8_t kind;
    mp_obj_t target;
    uevent_source_t *source;
    volatile uint32_t fired;
    volatile uint32_t sched_failed;
} ticker;

static void ticker_expiry(struct k_timer *timer) {
    (void)timer;
    ticker.fired++;
    switch (ticker.kind) {
        case TICK_FLAG:
            ((uevent_flag_obj_t *)MP_OBJ_TO_PTR(ticker.target))->is_set = true;
            uevent_source_raise(ticker.source, UEVENT_EVENT);
            break;
        case TICK_SOURCE:
            uevent_source_raise(ticker.source, UEVENT_EVENT);
            break;
        case TICK_HARD:
            port_irq_dispatch(ticker.target, mp_const_none, true);
            break;
        case TICK_SOFT:
            if (!mp_sched_schedule(ticker.target, mp_const_none)) {
                ticker.sched_failed++;
            }
            break;
        default:
            break;
    }
}

static mp_obj_t bench_ticker(size_t n_args, const mp_obj_t *args) {
    if (!ticker.timer_ready) {
        k_timer_init(&ticker.timer, ticker_expiry, NULL);
        ticker.timer_ready = true;
    }
    k_timer_stop(&ticker.timer);
    ticker.kind = TICK_NONE;
    MP_STATE_PORT(uevent_bench_ticker_target) = MP_OBJ_NULL;
    mp_obj_t target = args[0];
    if (target == mp_const_none) {
        return mp_const_none;
    }
    if (n_args < 2) {
        mp_raise_TypeError(MP_ERROR_TEXT("ticker(target, period_us, hard=False)"));
    }
    mp_int_t period_us = mp_obj_get_int(args[1]);
    if (period_us < 1) {
        mp_raise_ValueError(MP_ERROR_TEXT("period_us must be >= 1"));
    }
    bool hard = n_args > 2 && mp_obj_is_true(args[2]);
    uint8_t kind;
    if (mp_obj_is_type(target, &uevent_flag_type)) {
        kind = TICK_FLAG;
        ticker.source = &((uevent_flag_obj_t *)MP_OBJ_TO_PTR(target))->source;
    } else if (mp_obj_is_type(target, &uevent_board_source_type)) {
        kind = TICK_SOURCE;
        ticker.source = &((uevent_board_source_t *)MP_OBJ_TO_PTR(target))->source;
    } else if (mp_obj_is_callable(target)) {
        kind = hard ? TICK_HARD : TICK_SOFT;
        ticker.source = NULL;
    } else {
        mp_raise_TypeError(MP_ERROR_TEXT("target must be a uevent.Flag, a board source or a callable"));
    }
    MP_STATE_PORT(uevent_bench_ticker_target) = target;
    ticker.target = target;
    ticker.fired = 0;
    ticker.sched_failed = 0;
    ticker.kind = kind;
    k_timer_start(&ticker.timer, K_USEC(period_us), K_USEC(period_us));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(bench_ticker_obj, 1, 3, bench_ticker);

static mp_obj_t bench_ticker_count(void) {
    mp_obj_t items[2] = {
        mp_obj_new_int_from_uint(ticker.fired),
        mp_obj_new_int_from_uint(ticker.sched_failed),
    };
    return mp_obj_new_tuple(2, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(bench_ticker_count_obj, bench_ticker_count);

static const mp_rom_map_elem_t uevent_bench_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__uevent_bench) },
    { MP_ROM_QSTR(MP_QSTR_edge), MP_ROM_PTR(&bench_edge_obj) },
    { MP_ROM_QSTR(MP_QSTR_since_edge), MP_ROM_PTR(&bench_since_edge_obj) },
    { MP_ROM_QSTR(MP_QSTR_edge_count), MP_ROM_PTR(&bench_edge_count_obj) },
    { MP_ROM_QSTR(MP_QSTR_stamp), MP_ROM_PTR(&bench_stamp_obj) },
    { MP_ROM_QSTR(MP_QSTR_since_stamp), MP_ROM_PTR(&bench_since_stamp_obj) },
    { MP_ROM_QSTR(MP_QSTR_cpu_to_sleep), MP_ROM_PTR(&bench_cpu_to_sleep_obj) },
    { MP_ROM_QSTR(MP_QSTR_spin), MP_ROM_PTR(&bench_spin_obj) },
    { MP_ROM_QSTR(MP_QSTR_cycles_per_sec), MP_ROM_PTR(&bench_cycles_per_sec_obj) },
    { MP_ROM_QSTR(MP_QSTR_floor), MP_ROM_PTR(&bench_floor_obj) },
    { MP_ROM_QSTR(MP_QSTR_runtime), MP_ROM_PTR(&bench_runtime_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticker), MP_ROM_PTR(&bench_ticker_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticker_count), MP_ROM_PTR(&bench_ticker_count_obj) },
};
static MP_DEFINE_CONST_DICT(uevent_bench_module_globals, uevent_bench_module_globals_table);

const mp_obj_module_t mp_module_uevent_bench = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&uevent_bench_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__uevent_bench, mp_module_uevent_bench);
