// Hardware abstraction for MicroPython on Zephyr: time, delays, console.
#ifndef UEVENT_PORT_MPHALPORT_H
#define UEVENT_PORT_MPHALPORT_H

#include <zephyr/kernel.h>
#include "py/obj.h"
#include "shared/runtime/interrupt_char.h"

// Context: boot or soft reset only.
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

// os.urandom (port_random.c, CONFIG_MICROPY_OS_URANDOM).
void mp_hal_get_random(size_t n, void *buf);

#define mp_hal_delay_us_fast(us) mp_hal_delay_us(us)

// Pins for MicroPython's bit-banged buses (SoftI2C, SoftSPI): raw levels,
// any Pin machine.Pin accepts (machine_pin.c).
struct _machine_pin_obj_t;
#define mp_hal_pin_obj_t struct _machine_pin_obj_t *
#define MP_HAL_PIN_FMT "%q"
mp_hal_pin_obj_t mp_hal_get_pin_obj(mp_obj_t pin_in);
qstr mp_hal_pin_name(mp_hal_pin_obj_t pin);
void mp_hal_pin_input(mp_hal_pin_obj_t pin);
void mp_hal_pin_output(mp_hal_pin_obj_t pin);
void mp_hal_pin_open_drain(mp_hal_pin_obj_t pin);
int mp_hal_pin_read(mp_hal_pin_obj_t pin);
void mp_hal_pin_write(mp_hal_pin_obj_t pin, int value);
// Open drain by direction: low drives 0, high lets go (input with pull-up),
// which every GPIO driver can do.
#define mp_hal_pin_od_low(pin) mp_hal_pin_write_od(pin, 0)
#define mp_hal_pin_od_high(pin) mp_hal_pin_write_od(pin, 1)
void mp_hal_pin_write_od(mp_hal_pin_obj_t pin, int value);

#endif // UEVENT_PORT_MPHALPORT_H
