/* Host stand-in for MicroPython's "py/obj.h": the object model subset the
 * rendered table uses. MP_QSTR_* come from genhdr/qstrdefs.generated.h, which
 * the test writes by scanning the rendered C like MicroPython's qstr scan. */
#ifndef STUB_PY_OBJ_H
#define STUB_PY_OBJ_H

#include <stddef.h>
#include <stdint.h>
#include "genhdr/qstrdefs.generated.h"

typedef size_t qstr;
#define MP_QSTRnull ((qstr)0)
typedef void *mp_obj_t;
typedef const void *mp_rom_obj_t;

typedef struct _mp_obj_type_t {
    qstr name;
} mp_obj_type_t;

typedef struct _mp_obj_base_t {
    const mp_obj_type_t *type;
} mp_obj_base_t;

typedef struct _mp_rom_map_elem_t {
    mp_rom_obj_t key;
    mp_rom_obj_t value;
} mp_rom_map_elem_t;

typedef struct _mp_map_t {
    size_t used;
    size_t alloc;
    const mp_rom_map_elem_t *table;
} mp_map_t;

typedef struct _mp_obj_dict_t {
    mp_obj_base_t base;
    mp_map_t map;
} mp_obj_dict_t;

#define MP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MP_OBJ_NEW_QSTR(q) ((mp_rom_obj_t)((((uintptr_t)(q)) << 3) | 2))
#define MP_OBJ_QSTR_VALUE(o) (((uintptr_t)(o)) >> 3)
#define MP_ROM_QSTR(q) MP_OBJ_NEW_QSTR(q)
#define MP_ROM_PTR(p) ((mp_rom_obj_t)(p))
#define MP_DEFINE_CONST_DICT(dict_name, table_name) \
    const mp_obj_dict_t dict_name = { \
        .base = {NULL}, \
        .map = {MP_ARRAY_SIZE(table_name), MP_ARRAY_SIZE(table_name), table_name}, \
    }

#endif
