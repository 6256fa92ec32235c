/*
 * The port's one way to sleep: k_poll on a wake signal with a timeout.
 *
 * Anything that may end a wait (console RX, a scheduled callback, a Pin or
 * Timer IRQ) calls uevent_port_wake(). Waiters reset the signal after they
 * wake and before they re-check their condition, so a wake raised between a
 * check and the next k_poll is never lost: the signal stays raised and the
 * next k_poll returns at once.
 */
#include <zephyr/kernel.h>

#include "py/mphal.h"
#include "py/runtime.h"
#include "port_wait.h"

static struct k_poll_signal port_wake_signal = K_POLL_SIGNAL_INITIALIZER(port_wake_signal);

struct k_poll_signal *uevent_backend_sched_signal(void);

void uevent_port_wake(void) {
    k_poll_signal_raise(&port_wake_signal, 0);
    // uevent's poll_ms waits on this one to run soft callbacks promptly.
    k_poll_signal_raise(uevent_backend_sched_signal(), 0);
}

struct k_poll_signal *uevent_port_wake_signal(void) {
    return &port_wake_signal;
}

void uevent_port_wait_ms(int32_t timeout_ms) {
    struct k_poll_event event = K_POLL_EVENT_INITIALIZER(K_POLL_TYPE_SIGNAL,
        K_POLL_MODE_NOTIFY_ONLY, &port_wake_signal);
    k_timeout_t timeout = timeout_ms < 0 ? K_FOREVER : K_MSEC(timeout_ms);
    MP_THREAD_GIL_EXIT();
    k_poll(&event, 1, timeout);
    k_poll_signal_reset(&port_wake_signal);
    MP_THREAD_GIL_ENTER();
}

void mp_hal_delay_ms(mp_uint_t ms) {
    // Soft callbacks keep running while Python sleeps.
    mp_uint_t start = mp_hal_ticks_ms();
    for (;;) {
        mp_handle_pending(MP_HANDLE_PENDING_CALLBACKS_AND_EXCEPTIONS);
        mp_uint_t elapsed = mp_hal_ticks_ms() - start;
        if (elapsed >= ms) {
            break;
        }
        uevent_port_wait_ms(ms - elapsed);
    }
}
