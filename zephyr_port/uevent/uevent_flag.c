/*
 * uevent.Flag: a software event source.
 *
 * set() is safe from hard ISRs and other threads: it only stores a bool and
 * raises EVENT, with no allocation. Sets before delivery coalesce into one
 * EVENT per entry. clear() drops an undelivered EVENT.
 */
#include "py/runtime.h"
#include "uevent_await.h"
#include "uevent_obj.h"
#include "uevent_protocol.h"

static mp_obj_t uevent_flag_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    uevent_flag_obj_t *self = mp_obj_malloc(uevent_flag_obj_t, type);
    self->is_set = false;
    self->awaitable = MP_OBJ_NULL;
    uevent_source_init(&self->source);
    return MP_OBJ_FROM_PTR(self);
}

void uevent_flag_set_now(uevent_flag_obj_t *self) {
    self->is_set = true;
    uevent_source_raise(&self->source, UEVENT_EVENT);
}

static mp_obj_t uevent_flag_set(mp_obj_t self_in) {
    uevent_flag_set_now(MP_OBJ_TO_PTR(self_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_flag_set_obj, uevent_flag_set);

void uevent_flag_clear_now(uevent_flag_obj_t *self) {
    k_spinlock_key_t key = k_spin_lock(&uevent_lock);
    self->is_set = false;
    for (uevent_entry_t *e = self->source.subscribers; e != NULL; e = e->sub_next) {
        e->pending &= ~UEVENT_EVENT;
    }
    k_spin_unlock(&uevent_lock, key);
}

static mp_obj_t uevent_flag_clear(mp_obj_t self_in) {
    uevent_flag_clear_now(MP_OBJ_TO_PTR(self_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_flag_clear_obj, uevent_flag_clear);

static mp_obj_t uevent_flag_is_set(mp_obj_t self_in) {
    uevent_flag_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return mp_obj_new_bool(self->is_set);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_flag_is_set_obj, uevent_flag_is_set);

// `await flag.wait()` in asyncio (asyncio.ThreadSafeFlag is this type):
// until the flag is set, then clears it; yields once if set already.
static mp_obj_t uevent_flag_wait(mp_obj_t self_in) {
    return uevent_await_new(self_in, true);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uevent_flag_wait_obj, uevent_flag_wait);

static const mp_rom_map_elem_t uevent_flag_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_set), MP_ROM_PTR(&uevent_flag_set_obj) },
    { MP_ROM_QSTR(MP_QSTR_clear), MP_ROM_PTR(&uevent_flag_clear_obj) },
    { MP_ROM_QSTR(MP_QSTR_is_set), MP_ROM_PTR(&uevent_flag_is_set_obj) },
    { MP_ROM_QSTR(MP_QSTR_wait), MP_ROM_PTR(&uevent_flag_wait_obj) },
};
static MP_DEFINE_CONST_DICT(uevent_flag_locals_dict, uevent_flag_locals_dict_table);

static uevent_source_t *uevent_flag_source(mp_obj_t self_in) {
    uevent_flag_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return &self->source;
}

// A set flag is pending EVENT for a new registration.
static uint16_t uevent_flag_initial_events(mp_obj_t self_in) {
    uevent_flag_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return self->is_set ? UEVENT_EVENT : 0;
}

static const uevent_source_p_t uevent_flag_source_p = {
    .source = uevent_flag_source,
    .initial_events = uevent_flag_initial_events,
    .edge = false,
};

MP_DEFINE_CONST_OBJ_TYPE(
    uevent_flag_type,
    MP_QSTR_Flag,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, uevent_flag_make_new,
    protocol, &uevent_flag_source_p,
    locals_dict, &uevent_flag_locals_dict
    );
