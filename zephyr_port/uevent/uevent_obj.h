// Python objects of the uevent module.
#ifndef UEVENT_OBJ_H
#define UEVENT_OBJ_H

#include "py/obj.h"
#include "uevent_core.h"

typedef struct _uevent_poller_obj_t {
    mp_obj_base_t base;
    uevent_poller_core_t *core;         // NULL once closed
    mp_obj_dict_t *registry;            // registered object -> entry
    uint32_t round;                     // collect_ready rounds, to list an entry once
} uevent_poller_obj_t;

typedef struct _uevent_entry_obj_t {
    mp_obj_base_t base;
    uevent_poller_obj_t *poller;
    uevent_entry_t *core;               // NULL once unregistered
    uint16_t generation;                // core->generation when allocated
    uint16_t flags;                     // delivered by the latest poll_ms round
    uint32_t round;                     // the poller's round that listed it last
    bool polled_stream;                 // explicitly polled via MP_STREAM_POLL
    mp_obj_t obj;
    mp_obj_t data;
} uevent_entry_obj_t;

typedef struct _uevent_flag_obj_t {
    mp_obj_base_t base;
    volatile bool is_set;
    uevent_source_t source;
} uevent_flag_obj_t;

extern const mp_obj_type_t uevent_poller_type;
extern const mp_obj_type_t uevent_entry_type;
extern const mp_obj_type_t uevent_flag_type;

// The event source behind `obj`: NULL for a stream that must be polled
// explicitly; raises TypeError/ValueError for anything else.
uevent_source_t *uevent_source_of(mp_obj_t obj, bool *polled_stream);
// The events already true for a new registration (a set Flag). Read it after
// the entry is subscribed, so that a set() in between is not missed.
uint16_t uevent_initial_events(mp_obj_t obj);

#endif // UEVENT_OBJ_H
