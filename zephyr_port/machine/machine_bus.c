// Finding an I2C or SPI controller by devicetree name, index or device name.
#include "py/runtime.h"
#include "machine_bus.h"

const struct device *machine_bus_find(const machine_bus_kind_t *kind, mp_obj_t id, qstr *name) {
    int index;
    const struct device *dev;
    if (mp_obj_is_int(id)) {
        mp_int_t n = mp_obj_get_int(id);
        if (n < 0 || (size_t)n >= *kind->count) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s(%d): the board has %d %s buses"),
                kind->name, (int)n, (int)*kind->count, kind->name);
        }
        index = (int)n;
    } else if (mp_obj_is_str(id)) {
        *name = mp_obj_str_get_qstr(id);
        index = kind->index_of(*name);
    } else {
        mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("%s id must be a bus name or an index"), kind->name);
    }
    if (index >= 0) {
        *name = kind->buses[index].name;
        dev = kind->buses[index].dev;
        if (dev == NULL) {
            mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("%s bus '%q' has no driver in this build (%s)"),
                kind->name, *name, kind->kconfig);
        }
    } else {
        dev = device_get_binding(qstr_str(*name));
        if (dev == NULL) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown %s bus '%q'"), kind->name, *name);
        }
    }
    if (!device_is_ready(dev)) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("%s bus '%q' not ready"), kind->name, *name);
    }
    return dev;
}
