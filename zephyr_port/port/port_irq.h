// Calling Python from a hard IRQ (see port_irq.c).
#ifndef UEVENT_PORT_IRQ_H
#define UEVENT_PORT_IRQ_H

#include <stdbool.h>
#include "py/obj.h"

// Calls handler(arg) with the heap and the scheduler locked; an exception is
// printed, not propagated. Returns false if the handler raised.
bool port_call_hard_irq(mp_obj_t handler, mp_obj_t arg);
// The same, without printing: *result is what handler returned, or the
// exception it raised (then false). arg MP_OBJ_NULL calls handler().
bool port_call_hard_irq_result(mp_obj_t handler, mp_obj_t arg, mp_obj_t *result);

// True in an ISR or while a hard IRQ handler runs (gpio-emul runs those in
// the caller's thread): nothing may block or take the GIL there.
bool port_in_hard_irq(void);

#endif // UEVENT_PORT_IRQ_H
