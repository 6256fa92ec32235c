// Port part of the time module (included by extmod/modtime.c).
#include <zephyr/kernel.h>

#include "py/obj.h"

// No RTC is assumed: time.time() counts seconds since boot.
static mp_obj_t mp_time_time_get(void) {
    return mp_obj_new_int_from_ull(k_uptime_get() / 1000);
}
