/*
 * _uevent_test: hooks for test builds (CONFIG_UEVENT_TEST_HOOKS).
 *
 * set_input(pin, level) drives an input of a zephyr,gpio-emul controller,
 * which runs the same GPIO callbacks a real edge interrupt would.
 */
#include <zephyr/drivers/gpio/gpio_emul.h>

#include "py/runtime.h"
#include "../machine_pin.h"

static mp_obj_t uevent_test_set_input(mp_obj_t pin_in, mp_obj_t level_in) {
    machine_pin_obj_t *pin = machine_pin_find(pin_in);
    int ret = gpio_emul_input_set(pin->port, pin->pin, mp_obj_is_true(level_in));
    if (ret == -EINVAL || ret == -ENOTSUP) {
        mp_raise_ValueError(MP_ERROR_TEXT("pin is not an input of an emulated GPIO controller"));
    } else if (ret < 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(uevent_test_set_input_obj, uevent_test_set_input);

static const mp_rom_map_elem_t uevent_test_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__uevent_test) },
    { MP_ROM_QSTR(MP_QSTR_set_input), MP_ROM_PTR(&uevent_test_set_input_obj) },
};
static MP_DEFINE_CONST_DICT(uevent_test_module_globals, uevent_test_module_globals_table);

const mp_obj_module_t mp_module_uevent_test = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&uevent_test_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__uevent_test, mp_module_uevent_test);
