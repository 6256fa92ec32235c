// Finding an I2C or SPI controller for machine.I2C / machine.SPI.
#ifndef UEVENT_PORT_MACHINE_BUS_H
#define UEVENT_PORT_MACHINE_BUS_H

#include <zephyr/device.h>

#include "py/obj.h"
#include "uevent_board.h"

// One kind of bus in the board table (uevent_board.h).
typedef struct _machine_bus_kind_t {
    const char *name;                   // "I2C", "SPI"
    const char *kconfig;                // the option that builds its drivers
    const uevent_board_bus_t *buses;
    const size_t *count;
    int (*index_of)(qstr name);
} machine_bus_kind_t;

// The ready device that `id` names: a node label or alias from the board
// table, an index into it, or a Zephyr device name. Sets *name to the name
// to show. Raises ValueError, TypeError or OSError with a message.
// Context: Python thread, GIL held; may raise.
const struct device *machine_bus_find(const machine_bus_kind_t *kind, mp_obj_t id, qstr *name);

#endif // UEVENT_PORT_MACHINE_BUS_H
