/*
 * The source protocol: what makes an object an event source.
 *
 * A type is a source type when UEVENT_TYPE_FLAG_SOURCE is in its flags and
 * its protocol slot points at a uevent_source_p_t. The registry
 * (uevent_sources.c) asks the type, never a list of types, so a new source
 * (a socket, an ADC) plugs in by implementing this on its type, with no
 * edit in uevent/ (docs/uevent.md, "Writing a source").
 */
#ifndef UEVENT_PROTOCOL_H
#define UEVENT_PROTOCOL_H

#include "py/obj.h"
#include "py/stream.h"
#include "extmod/virtpin.h"
#include "uevent_source.h"

// A type flag of our own, above the MP_TYPE_FLAG_* bits MicroPython uses
// (checked in uevent_sources.c). A Python subclass does not inherit it.
#define UEVENT_TYPE_FLAG_SOURCE (0x8000)

typedef struct _uevent_source_p_t {
    // First: what the rest of MicroPython reads in the protocol slot. A
    // source that is a stream (a UART, stdin) puts its stream protocol here,
    // a Pin its pin protocol (machine.Signal); others leave it zero.
    union {
        mp_stream_p_t stream;
        mp_pin_p_t pin;
    } base;
    // The source to subscribe for `obj`. Raises (ValueError, OSError) with
    // the reason when obj cannot be registered now, such as a Pin with no
    // IRQ edges or a board source whose device is not ready. NULL: this
    // object is polled through base.stream's ioctl instead (sys.stdout).
    // Context: Python thread, GIL held; may raise (must not block).
    uevent_source_t *(*source)(mp_obj_t obj);
    // Optional (NULL: none): the events already true for a new
    // registration, such as a set Flag's EVENT. Read after the entry is
    // subscribed, so a raise in between is not missed.
    // Context: Python thread, GIL held; never raises (nor allocates).
    uint16_t (*initial_events)(mp_obj_t obj);
    // An edge source (a Pin, a Timer, a board source): EVENT only, raised
    // from an ISR, registered by identity; asyncio's IO queue keeps its
    // registration between waits (uevent_ioqueue.c).
    bool edge;
} uevent_source_p_t;

// The source protocol of obj's type, or NULL if it is not a source type.
// O(1).
// Context: any (ISR-safe).
static inline const uevent_source_p_t *uevent_source_protocol(mp_obj_t obj) {
    const mp_obj_type_t *type = mp_obj_get_type(obj);
    if (!(type->flags & UEVENT_TYPE_FLAG_SOURCE)) {
        return NULL;
    }
    return MP_OBJ_TYPE_GET_SLOT(type, protocol);
}

#endif // UEVENT_PROTOCOL_H
