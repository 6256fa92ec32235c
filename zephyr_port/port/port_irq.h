// Calling Python from a hard IRQ (see port_irq.c).
#ifndef UEVENT_PORT_IRQ_H
#define UEVENT_PORT_IRQ_H

#include <stdbool.h>
#include "py/obj.h"
#include "shared/runtime/mpirq.h"
#include "port_hard_irq.h"

// mp_irq_handler(irq) with the port's hard IRQ context around a hard
// handler (port_irq.c): runs or schedules it; disables an irq whose hard
// handler raised.
// The source's ISR calls it (gpio-emul: the caller's thread).
// Context: any (ISR-safe).
void port_irq_handler(mp_irq_obj_t *irq);
// As mp_irq_dispatch(handler, parent, ishard): schedules a soft handler,
// calls a hard one now; -1 if that raised (printed).
// Context: any (ISR-safe).
int port_irq_dispatch(mp_obj_t handler, mp_obj_t parent, bool ishard);

// Calls handler(arg) as a hard IRQ handler, without printing: *result is
// what handler returned, or the exception it raised (then false). arg
// MP_OBJ_NULL calls handler() (the test hooks' in_isr()).
// Context: any (ISR-safe).
bool port_call_hard_irq_result(mp_obj_t handler, mp_obj_t arg, mp_obj_t *result);

#endif // UEVENT_PORT_IRQ_H
