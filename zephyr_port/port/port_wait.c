/*
 * How Python threads sleep, and who wakes them.
 *
 * Every Python thread (the main one and each _thread) has its own waker: a
 * k_poll signal plus the reasons raised for it and not yet taken. A wake
 * (port_wake) is a broadcast: it marks its reasons pending on every waker
 * and raises the signal of each thread whose current wait listens for one
 * of them. No wake is meant for one thread only, so no thread can take
 * (and reset) a wake another one needed: Zephyr 3.5's k_poll_signal_raise
 * wakes only the first thread polling a signal, so a signal shared by
 * several threads loses wakes.
 *
 * A wait arms its waker (port_waker_arm) after checking its condition: a
 * reason raised since the last wait is still pending then and the wait does
 * not sleep; one raised later raises the signal. Either way nothing raised
 * between the check and the k_poll is lost.
 *
 * A wait never sleeps while soft callbacks are runnable: MicroPython runs
 * one Python callback per mp_handle_pending(), so a wait that slept after
 * one would leave the others (and whatever they set) waiting for its
 * timeout.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/__assert.h>

#include "py/mphal.h"
#include "py/mpthread.h"
#include "py/runtime.h"
#include "port_hard_irq.h"
#include "port_wait.h"

#if MICROPY_PY_THREAD
#define PORT_WAKERS (1 + CONFIG_MICROPY_THREAD_MAX)
#else
#define PORT_WAKERS (1)
#endif

static port_waker_t port_wakers[PORT_WAKERS];
static struct k_spinlock port_wake_lock;
static k_tid_t port_main_thread;

void port_wait_init(void) {
    port_main_thread = k_current_get();
    for (size_t i = 0; i < PORT_WAKERS; i++) {
        port_waker_reset(i);
    }
}

void port_waker_reset(size_t index) {
    __ASSERT(index < PORT_WAKERS, "port_wait: waker index out of range");
    k_spinlock_key_t key = k_spin_lock(&port_wake_lock);
    port_waker_t *w = &port_wakers[index];
    k_poll_signal_init(&w->signal);
    w->pending = 0;
    w->listen = 0;
    w->runs_seen = 0;
    w->held_release = NULL;
    w->held = NULL;
    k_spin_unlock(&port_wake_lock, key);
}

void port_waker_hold(port_waker_t *w, void (*release)(void *held), void *held) {
    __ASSERT(w->held_release == NULL, "port_wait: a waker holds two things");
    w->held = held;
    w->held_release = release;
}

void port_waker_unhold(port_waker_t *w) {
    w->held_release = NULL;
    w->held = NULL;
}

void port_waker_abandon(size_t index) {
    __ASSERT(index < PORT_WAKERS, "port_wait: waker index out of range");
    port_waker_t *w = &port_wakers[index];
    void (*release)(void *held) = w->held_release;
    void *held = w->held;
    port_waker_unhold(w);
    if (release != NULL) {
        release(held);
    }
}

void port_wake(uint8_t reasons) {
    k_spinlock_key_t key = k_spin_lock(&port_wake_lock);
    for (size_t i = 0; i < PORT_WAKERS; i++) {
        port_waker_t *w = &port_wakers[i];
        w->pending |= reasons;
        if (w->listen & reasons) {
            k_poll_signal_raise(&w->signal, 0);
        }
    }
    k_spin_unlock(&port_wake_lock, key);
}

// The calling thread's waker, or NULL where there is none (ISR, hard IRQ,
// a thread that is not Python's).
static port_waker_t *port_waker_lookup(void) {
    if (port_in_hard_irq()) {
        return NULL;
    }
    #if MICROPY_PY_THREAD
    int index = mp_thread_port_waker_index();
    #else
    int index = k_current_get() == port_main_thread ? 0 : -1;
    #endif
    __ASSERT(index < PORT_WAKERS, "port_wait: waker index out of range");
    return index < 0 ? NULL : &port_wakers[index];
}

port_waker_t *port_waker_current(void) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("can't block in a hard IRQ handler (use a soft IRQ, or time.sleep_us)"));
    }
    port_waker_t *w = port_waker_lookup();
    if (w == NULL) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("can't block outside a Python thread"));
    }
    return w;
}

static volatile uint32_t port_sched_scheduled;

void port_sched_hook(void) {
    // In mp_sched_schedule's atomic section.
    port_sched_scheduled++;
    port_wake(PORT_WAKE_SCHED);
}

uint32_t port_sched_runs(void) {
    unsigned int key = irq_lock();
    uint32_t runs = port_sched_scheduled - MP_STATE_VM(sched_len);
    irq_unlock(key);
    return runs;
}

bool port_waker_arm(port_waker_t *w, uint8_t reasons) {
    __ASSERT(reasons != 0 && (reasons & ~PORT_WAKE_ALL) == 0, "port_wait: unknown wake reasons");
    k_spinlock_key_t key = k_spin_lock(&port_wake_lock);
    // One wait at a time per thread: the last one disarmed.
    __ASSERT(w->listen == 0, "port_wait: waker armed twice");
    bool sleep = (w->pending & reasons) == 0;
    if (sleep) {
        k_poll_signal_reset(&w->signal);
        w->listen = reasons;
    } else {
        w->pending &= ~reasons;
    }
    k_spin_unlock(&port_wake_lock, key);
    return sleep;
}

void port_waker_disarm(port_waker_t *w) {
    k_spinlock_key_t key = k_spin_lock(&port_wake_lock);
    w->pending &= ~w->listen;
    w->listen = 0;
    k_spin_unlock(&port_wake_lock, key);
}

bool port_pending_runnable(void) {
    return MP_STATE_VM(sched_state) == MP_SCHED_PENDING
           || MP_STATE_THREAD(mp_pending_exception) != MP_OBJ_NULL;
}

void port_run_pending(void) {
    // Bounded: a callback that schedules itself again runs once per round,
    // and the wait does not sleep while it is pending (port_wait_ms).
    for (int i = 0; i <= MICROPY_SCHEDULER_DEPTH; i++) {
        mp_handle_pending(MP_HANDLE_PENDING_CALLBACKS_AND_EXCEPTIONS);
        if (!port_pending_runnable()) {
            break;
        }
    }
}

void port_wait_ms(uint8_t reasons, int32_t timeout_ms) {
    port_waker_t *w = port_waker_current();
    uint32_t runs = port_sched_runs();
    bool callbacks_ran = runs != w->runs_seen;
    w->runs_seen = runs;
    if (timeout_ms == 0 || callbacks_ran || port_pending_runnable() || !port_waker_arm(w, reasons)) {
        return;
    }
    struct k_poll_event event = K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SIGNAL,
        K_POLL_MODE_NOTIFY_ONLY, &w->signal);
    MP_THREAD_GIL_EXIT();
    k_poll(&event, 1, timeout_ms < 0 ? K_FOREVER : K_MSEC(timeout_ms));
    MP_THREAD_GIL_ENTER();
    port_waker_disarm(w);
}

void mp_hal_delay_ms(mp_uint_t ms) {
    // Soft callbacks keep running while Python sleeps; only they (or an
    // exception such as KeyboardInterrupt) end a sleep's wait early.
    mp_uint_t start = mp_hal_ticks_ms();
    for (;;) {
        port_run_pending();
        mp_uint_t elapsed = mp_hal_ticks_ms() - start;
        if (elapsed >= ms) {
            break;
        }
        port_wait_ms(PORT_WAKE_SCHED, ms - elapsed);
    }
}
