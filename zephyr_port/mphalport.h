// Hardware abstraction for MicroPython on Zephyr: time, delays, console.
#ifndef UEVENT_PORT_MPHALPORT_H
#define UEVENT_PORT_MPHALPORT_H

#include <zephyr/kernel.h>
#include "shared/runtime/interrupt_char.h"

void mp_hal_init(void);

static inline mp_uint_t mp_hal_ticks_ms(void) {
    return (mp_uint_t)k_uptime_get();
}

static inline mp_uint_t mp_hal_ticks_us(void) {
    return (mp_uint_t)k_ticks_to_us_floor64(k_uptime_ticks());
}

static inline mp_uint_t mp_hal_ticks_cpu(void) {
    return k_cycle_get_32();
}

static inline uint64_t mp_hal_time_ns(void) {
    return k_ticks_to_ns_floor64(k_uptime_ticks());
}

static inline void mp_hal_delay_us(mp_uint_t us) {
    k_busy_wait(us);
}

void mp_hal_delay_ms(mp_uint_t ms);

#define mp_hal_delay_us_fast(us) mp_hal_delay_us(us)

#endif // UEVENT_PORT_MPHALPORT_H
