/*
 * sys.stdin, sys.stdout, sys.stderr and the raw `.buffer` beside them: the
 * console as streams (console_uart.c is the UART under them).
 *
 * The port's own, in place of shared/runtime/sys_stdio_mphal.c, so that
 * their types carry the uevent source protocol: registering sys.stdin or
 * sys.stdin.buffer waits on the console's RX interrupt (READ while input is
 * buffered). sys.stdout and sys.stderr are polled streams, always writable.
 * As in MicroPython's other ports, text input turns CR into LF, text output
 * LF into CR LF, and one `.buffer` object (bytes as they are) reads the
 * console and writes to it.
 */
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "console_uart.h"
#include "uevent_protocol.h"

typedef struct _console_stream_obj_t {
    mp_obj_base_t base;
    uint8_t fd;                 // 0 input, 1 output, 2 error output
} console_stream_obj_t;

static bool console_stream_is_input(mp_obj_t self_in) {
    const console_stream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return self->fd == 0;
}

// Blocks until `size` bytes came (mp_hal_stdin_rx_chr waits as any wait).
static mp_uint_t console_read_bytes(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode, bool text) {
    if (!console_stream_is_input(self_in)) {
        *errcode = MP_EPERM;
        return MP_STREAM_ERROR;
    }
    uint8_t *out = buf;
    for (mp_uint_t n = 0; n < size; n++) {
        int c = mp_hal_stdin_rx_chr();
        out[n] = (text && c == '\r') ? '\n' : c;
    }
    return size;
}

static mp_uint_t console_text_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    return console_read_bytes(self_in, buf, size, errcode, true);
}

static mp_uint_t console_binary_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    return console_read_bytes(self_in, buf, size, errcode, false);
}

static mp_uint_t console_text_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    if (console_stream_is_input(self_in)) {
        *errcode = MP_EPERM;
        return MP_STREAM_ERROR;
    }
    mp_hal_stdout_tx_strn_cooked(buf, size);
    return size;
}

static mp_uint_t console_binary_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    mp_hal_stdout_tx_strn(buf, size);
    return size;
}

static mp_uint_t console_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    if (request == MP_STREAM_POLL) {
        // As MicroPython's other ports: the console's state, whichever of
        // the three streams asks.
        return mp_hal_stdio_poll(arg);
    }
    if (request == MP_STREAM_CLOSE) {
        // The end of a with-block: the console stays open.
        return 0;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

// The input objects are the console's event source; the output ones are
// polled through console_ioctl (NULL).
static uevent_source_t *console_source(mp_obj_t self_in) {
    return console_stream_is_input(self_in) ? console_uart_source() : NULL;
}

static void console_stream_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    const console_stream_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<io.%q %d>", mp_obj_get_type(self_in)->name, self->fd);
}

static const console_stream_obj_t console_buffer_obj;

static const mp_rom_map_elem_t console_stream_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_buffer), MP_ROM_PTR(&console_buffer_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_readlines), MP_ROM_PTR(&mp_stream_unbuffered_readlines_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    // The console stays open: close() and a with-block leave it as it is.
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(console_stream_locals_dict, console_stream_locals_dict_table);

static const uevent_source_p_t console_text_source_p = {
    .base.stream = {
        .read = console_text_read,
        .write = console_text_write,
        .ioctl = console_ioctl,
        .is_text = true,
    },
    .source = console_source,
};

static const uevent_source_p_t console_binary_source_p = {
    .base.stream = {
        .read = console_binary_read,
        .write = console_binary_write,
        .ioctl = console_ioctl,
    },
    .source = console_source,
};

static MP_DEFINE_CONST_OBJ_TYPE(
    console_text_type,
    MP_QSTR_TextIOWrapper,
    MP_TYPE_FLAG_ITER_IS_STREAM | UEVENT_TYPE_FLAG_SOURCE,
    print, console_stream_print,
    protocol, &console_text_source_p,
    locals_dict, &console_stream_locals_dict
    );

static MP_DEFINE_CONST_OBJ_TYPE(
    console_binary_type,
    MP_QSTR_FileIO,
    MP_TYPE_FLAG_ITER_IS_STREAM | UEVENT_TYPE_FLAG_SOURCE,
    print, console_stream_print,
    protocol, &console_binary_source_p,
    locals_dict, &console_stream_locals_dict
    );

// The names py/modsys.c and print() refer to.
const console_stream_obj_t mp_sys_stdin_obj = { { &console_text_type }, 0 };
const console_stream_obj_t mp_sys_stdout_obj = { { &console_text_type }, 1 };
const console_stream_obj_t mp_sys_stderr_obj = { { &console_text_type }, 2 };
static const console_stream_obj_t console_buffer_obj = { { &console_binary_type }, 0 };
