// machine.Pin: one object per (controller, pin, polarity), an event source for uevent.
#ifndef UEVENT_PORT_MACHINE_PIN_H
#define UEVENT_PORT_MACHINE_PIN_H

#include <zephyr/drivers/gpio.h>

#include "py/obj.h"
#include "shared/runtime/mpirq.h"
#include "uevent_source.h"

typedef struct _machine_pin_obj_t {
    mp_obj_base_t base;
    struct _machine_pin_obj_t *next;    // list of all pins (root pointer)
    const struct device *port;
    gpio_pin_t pin;
    gpio_dt_flags_t dt_flags;           // active-low, pulls: a named pin's devicetree flags
    qstr name;                          // the devicetree name it was made from, or MP_QSTRnull
    struct gpio_callback callback;
    mp_irq_obj_t *irq;                  // pin.irq()'s object (mpirq), made by its first call
    gpio_flags_t irq_trigger;           // physical GPIO_INT_EDGE_* or 0
    gpio_flags_t irq_flags;             // irq_trigger when the handler last ran (irq.flags())
    bool callback_added;
    uevent_source_t source;             // EVENT on the configured edges
} machine_pin_obj_t;

// Looks a pin up or creates it; raises ValueError for an unknown one.
// Context: Python thread, GIL held; may raise.
machine_pin_obj_t *machine_pin_find(mp_obj_t id);
// Python trigger bits (IRQ_RISING|IRQ_FALLING, logical for a named
// active-low pin) to Zephyr's physical edge flags.
// Context: Python thread, GIL held; may raise.
gpio_flags_t machine_pin_trigger_to_flags(const machine_pin_obj_t *self, mp_int_t trigger);
// Sets up interrupts on `trigger` edges (0 disables) for Python and uevent.
// Context: Python thread, GIL held; may raise.
void machine_pin_set_irq(machine_pin_obj_t *self, gpio_flags_t trigger);

// Whether Python set up any GPIO pin (Pin.init, the soft buses) since the
// last call, which clears it: the boot sets its safe-mode button up again
// only after a session that may have changed it.
// Context: Python thread, GIL held; never raises.
bool machine_pin_configured_take(void);

#endif // UEVENT_PORT_MACHINE_PIN_H
