// The port's machine classes.
#ifndef UEVENT_PORT_MODMACHINE_PORT_H
#define UEVENT_PORT_MODMACHINE_PORT_H

#include "py/obj.h"

extern const mp_obj_type_t machine_pin_type;
extern const mp_obj_type_t machine_timer_type;
extern const mp_obj_type_t machine_uart_type;

// Context: Python thread, GIL held; may raise.
mp_obj_t mp_pin_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args);

// Context: boot or soft reset only.
void machine_pin_deinit_all(void);
void machine_timer_deinit_all(void);
void machine_uart_deinit_all(void);

#endif // UEVENT_PORT_MODMACHINE_PORT_H
