/*
 * Which objects can be registered, and the uevent source behind each.
 *
 * Event-driven: any object whose type implements the source protocol
 * (uevent_protocol.h): Flag, board sources, machine.Pin, Timer and UART,
 * sys.stdin, and whatever type implements it next. Explicitly polled: any
 * other object whose type has the stream ioctl (MP_STREAM_POLL).
 */
#include "py/runtime.h"
#include "py/stream.h"
#include "uevent_obj.h"
#include "uevent_protocol.h"

_Static_assert((UEVENT_TYPE_FLAG_SOURCE & (MP_TYPE_FLAG_IS_SUBCLASSED | MP_TYPE_FLAG_HAS_SPECIAL_ACCESSORS
    | MP_TYPE_FLAG_EQ_NOT_REFLEXIVE | MP_TYPE_FLAG_EQ_CHECKS_OTHER_TYPE | MP_TYPE_FLAG_EQ_HAS_NEQ_TEST
    | MP_TYPE_FLAG_BINDS_SELF | MP_TYPE_FLAG_BUILTIN_FUN | MP_TYPE_FLAG_ITER_IS_STREAM
    | MP_TYPE_FLAG_INSTANCE_TYPE | MP_TYPE_FLAG_SUBSCR_ALLOWS_STACK_SLICE)) == 0,
    "UEVENT_TYPE_FLAG_SOURCE collides with a MicroPython type flag");

uevent_source_t *uevent_source_of(mp_obj_t obj, bool *polled_stream) {
    *polled_stream = false;
    const uevent_source_p_t *proto = uevent_source_protocol(obj);
    if (proto != NULL) {
        uevent_source_t *source = proto->source(obj);
        if (source != NULL) {
            return source;
        }
        // This object of a source type is a polled stream (sys.stdout).
    }
    const mp_obj_type_t *type = mp_obj_get_type(obj);
    if (MP_OBJ_TYPE_HAS_SLOT(type, protocol)) {
        const mp_stream_p_t *stream = MP_OBJ_TYPE_GET_SLOT(type, protocol);
        if (stream->ioctl != NULL) {
            *polled_stream = true;
            return NULL;
        }
    }
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("object of type '%q' cannot be an event source"), type->name);
}

uint16_t uevent_initial_events(mp_obj_t obj) {
    const uevent_source_p_t *proto = uevent_source_protocol(obj);
    if (proto == NULL || proto->initial_events == NULL) {
        return 0;
    }
    return proto->initial_events(obj);
}

bool uevent_is_edge_source(mp_obj_t obj) {
    const uevent_source_p_t *proto = uevent_source_protocol(obj);
    return proto != NULL && proto->edge;
}
