/*
 * Which objects can be registered, and the uevent source behind each.
 *
 * Event-driven: Flag, machine.Pin (with IRQ edges set), machine.Timer,
 * machine.UART, sys.stdin (the console) and board sources. Explicitly
 * polled: any other object whose type has the stream ioctl.
 */
#include "py/runtime.h"
#include "py/stream.h"
#include "uevent_asyncio.h"
#include "uevent_board.h"
#include "console_uart.h"
#include "machine_pin.h"
#include "machine_uart_port.h"
#include "modmachine_port.h"

uevent_source_t *machine_timer_uevent_source(mp_obj_t timer);
#if MICROPY_PY_SYS_STDFILES
// Defined in shared/runtime/sys_stdio_mphal.c; only its address is used.
extern const mp_obj_base_t mp_sys_stdin_obj;

// sys.stdin or sys.stdin.buffer: the console.
static bool is_console_input(mp_obj_t obj) {
    if (obj == MP_OBJ_FROM_PTR(&mp_sys_stdin_obj)) {
        return true;
    }
    #if MICROPY_PY_SYS_STDIO_BUFFER
    mp_obj_t buffer[2];
    mp_load_method_maybe(MP_OBJ_FROM_PTR(&mp_sys_stdin_obj), MP_QSTR_buffer, buffer);
    return obj == buffer[0];
    #else
    return false;
    #endif
}
#endif

uevent_source_t *uevent_source_of(mp_obj_t obj, bool *polled_stream) {
    *polled_stream = false;
    if (mp_obj_is_type(obj, &uevent_flag_type)) {
        uevent_flag_obj_t *flag = MP_OBJ_TO_PTR(obj);
        return &flag->source;
    }
    if (mp_obj_is_type(obj, &machine_pin_type)) {
        machine_pin_obj_t *pin = MP_OBJ_TO_PTR(obj);
        if (pin->irq_trigger == 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("Pin has no IRQ edges: call pin.irq(trigger=...) first"));
        }
        return &pin->source;
    }
    if (mp_obj_is_type(obj, &machine_timer_type)) {
        return machine_timer_uevent_source(obj);
    }
    if (mp_obj_is_type(obj, &machine_uart_type)) {
        machine_uart_obj_t *uart = MP_OBJ_TO_PTR(obj);
        return &uart->source;
    }
    if (mp_obj_is_type(obj, &uevent_board_source_type)) {
        uevent_board_source_t *bs = MP_OBJ_TO_PTR(obj);
        if (!bs->ready) {
            mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("board source '%q' is not available (device not ready)"), bs->info->name);
        }
        return &bs->source;
    }
    #if MICROPY_PY_SYS_STDFILES
    if (is_console_input(obj)) {
        return console_uart_source();
    }
    #endif
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
    if (mp_obj_is_type(obj, &uevent_flag_type)) {
        uevent_flag_obj_t *flag = MP_OBJ_TO_PTR(obj);
        return flag->is_set ? UEVENT_EVENT : 0;
    }
    return 0;
}

bool uevent_is_edge_source(mp_obj_t obj) {
    return mp_obj_is_type(obj, &machine_pin_type) || mp_obj_is_type(obj, &machine_timer_type)
           || mp_obj_is_type(obj, &uevent_board_source_type);
}
