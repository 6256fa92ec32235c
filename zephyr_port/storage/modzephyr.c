// The zephyr module: Zephyr things that are not machine's (docs/filesystem.md).
#include "py/runtime.h"
#include "flash_area.h"

#if MICROPY_VFS


static const mp_rom_map_elem_t zephyr_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_zephyr) },
    { MP_ROM_QSTR(MP_QSTR_FlashArea), MP_ROM_PTR(&zephyr_flash_area_type) },
};
static MP_DEFINE_CONST_DICT(zephyr_module_globals, zephyr_module_globals_table);

const mp_obj_module_t mp_module_zephyr = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&zephyr_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_zephyr, mp_module_zephyr);

#endif // MICROPY_VFS
