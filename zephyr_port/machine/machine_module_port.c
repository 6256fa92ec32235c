// Port part of the machine module (included by extmod/modmachine.c).
#include <zephyr/kernel.h>
#include <zephyr/sys/reboot.h>

#include "modmachine_port.h"

#define MICROPY_PY_MACHINE_EXTRA_GLOBALS \
    { MP_ROM_QSTR(MP_QSTR_Pin), MP_ROM_PTR(&machine_pin_type) }, \
    { MP_ROM_QSTR(MP_QSTR_Timer), MP_ROM_PTR(&machine_timer_type) }, \
    { MP_ROM_QSTR(MP_QSTR_UART), MP_ROM_PTR(&machine_uart_type) }, \

static void mp_machine_idle(void) {
    k_yield();
}

MP_NORETURN static void mp_machine_reset(void) {
    sys_reboot(SYS_REBOOT_COLD);
    for (;;) {
    }
}

static mp_int_t mp_machine_reset_cause(void) {
    return 0;
}
