/*
 * _uevent_testsource: an event source type that lives outside uevent/,
 * built into test images only (CONFIG_UEVENT_TEST_HOOKS). It exists to
 * show that a source plugs in through its type's protocol alone
 * (docs/uevent.md, "Writing a source"): nothing in uevent/ names it.
 *
 * Source() has READ and WRITE levels that Python sets (set_level(mask))
 * and an EVENT edge that fire() raises: from Python, or from a hard IRQ
 * (a machine.Timer callback with hard=True), where it only raises.
 * set_initial(mask) sets what a new registration finds true.
 */
#include "py/runtime.h"
#include "uevent_protocol.h"

typedef struct _test_source_obj_t {
    mp_obj_base_t base;
    uevent_source_t source;
    volatile uint16_t levels;           // READ/WRITE now true
    uint16_t initial;                   // what a new registration gets (set_initial)
} test_source_obj_t;

// READ/WRITE as they are now: read when armed and when delivered.
static uint16_t test_source_level(uevent_source_t *src) {
    test_source_obj_t *self = CONTAINER_OF(src, test_source_obj_t, source);
    return self->levels;
}

static mp_obj_t test_source_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    test_source_obj_t *self = mp_obj_malloc(test_source_obj_t, type);
    self->levels = 0;
    self->initial = 0;
    uevent_source_init_level(&self->source, test_source_level);
    return MP_OBJ_FROM_PTR(self);
}

static uint16_t test_source_mask(mp_obj_t mask_in) {
    mp_int_t mask = mp_obj_get_int(mask_in);
    if (mask & ~UEVENT_ALL) {
        mp_raise_ValueError(MP_ERROR_TEXT("mask must be READ, WRITE, EVENT or a sum"));
    }
    return mask;
}

// set_level(mask): READ/WRITE true from now on (0: neither). A level that
// becomes true is raised, as a stream's driver does when data comes.
static mp_obj_t test_source_set_level(mp_obj_t self_in, mp_obj_t mask_in) {
    test_source_obj_t *self = MP_OBJ_TO_PTR(self_in);
    uint16_t levels = test_source_mask(mask_in) & (UEVENT_READ | UEVENT_WRITE);
    uint16_t rising = levels & ~self->levels;
    self->levels = levels;
    if (rising) {
        uevent_source_raise(&self->source, rising);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(test_source_set_level_obj, test_source_set_level);

// fire(events=EVENT): raises `events` now. Safe in a hard IRQ: the mask is
// a small int and the raise neither allocates nor blocks.
static mp_obj_t test_source_fire(size_t n_args, const mp_obj_t *args) {
    test_source_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    uint16_t events = n_args > 1 ? test_source_mask(args[1]) : UEVENT_EVENT;
    uevent_source_raise(&self->source, events);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(test_source_fire_obj, 1, 2, test_source_fire);

// set_initial(mask): the events a new registration finds true (the
// protocol's initial_events), as a set Flag reports EVENT.
static mp_obj_t test_source_set_initial(mp_obj_t self_in, mp_obj_t mask_in) {
    test_source_obj_t *self = MP_OBJ_TO_PTR(self_in);
    self->initial = test_source_mask(mask_in);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(test_source_set_initial_obj, test_source_set_initial);

static const mp_rom_map_elem_t test_source_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_set_level), MP_ROM_PTR(&test_source_set_level_obj) },
    { MP_ROM_QSTR(MP_QSTR_fire), MP_ROM_PTR(&test_source_fire_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_initial), MP_ROM_PTR(&test_source_set_initial_obj) },
};
static MP_DEFINE_CONST_DICT(test_source_locals_dict, test_source_locals_dict_table);

// The protocol: the source behind the object, what set_initial() said is
// true at registration (beyond its levels, which the core reads itself),
// not an edge source.
static uevent_source_t *test_source_of(mp_obj_t self_in) {
    test_source_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return &self->source;
}

static uint16_t test_source_initial_events(mp_obj_t self_in) {
    test_source_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return self->initial;
}

static const uevent_source_p_t test_source_p = {
    .source = test_source_of,
    .initial_events = test_source_initial_events,
    .edge = false,
};

static MP_DEFINE_CONST_OBJ_TYPE(
    test_source_type,
    MP_QSTR_Source,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, test_source_make_new,
    protocol, &test_source_p,
    locals_dict, &test_source_locals_dict
    );

static const mp_rom_map_elem_t test_source_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__uevent_testsource) },
    { MP_ROM_QSTR(MP_QSTR_Source), MP_ROM_PTR(&test_source_type) },
};
static MP_DEFINE_CONST_DICT(test_source_module_globals, test_source_module_globals_table);

const mp_obj_module_t test_source_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&test_source_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__uevent_testsource, test_source_module);
