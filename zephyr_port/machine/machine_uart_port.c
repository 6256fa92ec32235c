/*
 * machine.UART: the type is ours (not extmod/machine_uart.c's) so that it
 * can carry the uevent source protocol beside its stream protocol.
 *
 * UART(id, baudrate=..., timeout=ms): id is a devicetree node label
 * from the board table ("uart1") or a Zephyr device name. RX is interrupt
 * driven into a ring buffer; TX uses polled output, so the UART can always
 * take bytes. Each RX interrupt raises READ on the UART's uevent source
 * and wakes blocking reads and select.poll (PORT_WAKE_IO); an overrun or a
 * line error raises EVENT. READ always means "bytes are buffered": it is
 * re-read from the buffer when armed and when delivered.
 */
#include <zephyr/device.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>

#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "machine_uart_port.h"
#include "port_wait.h"
#include "modmachine_port.h"
#include "uevent_board.h"
#include "uevent_protocol.h"

MP_REGISTER_ROOT_POINTER(struct _machine_uart_obj_t *machine_uart_list);

static void uart_rx_isr(const struct device *dev, void *user_data) {
    machine_uart_obj_t *self = user_data;
    uint16_t events = 0;
    while (uart_irq_update(dev) && uart_irq_rx_ready(dev)) {
        uint8_t c;
        if (uart_fifo_read(dev, &c, 1) != 1) {
            break;
        }
        uint32_t next = (self->rx_head + 1) % self->rx_size;
        if (next == self->rx_tail) {
            self->rx_overruns++;
            events |= UEVENT_EVENT;
            continue;
        }
        self->rx_buf[self->rx_head] = c;
        self->rx_head = next;
        events |= UEVENT_READ;
        #ifdef CONFIG_UEVENT_TEST_HOOKS
        self->last_rx_ms = k_uptime_get_32();
        #endif
    }
    int err = uart_err_check(dev);
    if (err > 0) {
        self->line_errors++;
        events |= UEVENT_EVENT;
    }
    if (events & UEVENT_READ) {
        port_wake(PORT_WAKE_IO);
    }
    if (events) {
        uevent_source_raise(&self->source, events);
    }
}

static mp_int_t uart_rx_count(machine_uart_obj_t *self) {
    return (self->rx_head + self->rx_size - self->rx_tail) % self->rx_size;
}

// Stream readiness is a level, checked when READ/WRITE is armed or delivered:
// READ while bytes are buffered, WRITE always (output is polled).
static uint16_t uart_level(uevent_source_t *src) {
    machine_uart_obj_t *self = CONTAINER_OF(src, machine_uart_obj_t, source);
    return (uart_rx_count(self) > 0 ? UEVENT_READ : 0) | UEVENT_WRITE;
}

// RX and error interrupts on: at UART() and init(), also after deinit().
static void uart_rx_on(machine_uart_obj_t *self) {
    if (!self->rx_on) {
        uart_irq_rx_enable(self->dev);
        uart_irq_err_enable(self->dev);
        self->rx_on = true;
    }
}

static void machine_uart_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    machine_uart_obj_t *self = MP_OBJ_TO_PTR(self_in);
    struct uart_config config = {0};
    uart_config_get(self->dev, &config);
    // Only what the constructor takes: the repr evaluates to the same UART.
    mp_printf(print, "UART(\"%s\", baudrate=%u, timeout=%u)",
        self->dev->name, config.baudrate, (unsigned)self->timeout_ms);
}

static void machine_uart_init_helper(machine_uart_obj_t *self, size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    uart_rx_on(self);
    enum { ARG_baudrate, ARG_timeout };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_baudrate, MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_timeout, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = -1} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    if (args[ARG_baudrate].u_int > 0) {
        struct uart_config config;
        int ret = uart_config_get(self->dev, &config);
        if (ret == 0) {
            config.baudrate = args[ARG_baudrate].u_int;
            ret = uart_configure(self->dev, &config);
        }
        if (ret != 0 && ret != -ENOSYS) {
            mp_raise_OSError(-ret);
        }
    }
    if (args[ARG_timeout].u_int >= 0) {
        self->timeout_ms = args[ARG_timeout].u_int;
    }
}

static const struct device *uart_device_from_obj(mp_obj_t id) {
    const char *name = mp_obj_str_get_str(id);
    const struct device *dev = uevent_board_uart(mp_obj_str_get_qstr(id));
    if (dev == NULL) {
        dev = device_get_binding(name);
    }
    if (dev == NULL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown UART '%s'"), name);
    }
    if (!device_is_ready(dev)) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("UART '%s' not ready"), name);
    }
    if (dev == DEVICE_DT_GET(DT_CHOSEN(zephyr_console))) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("UART '%s' is the REPL console: use sys.stdin"), name);
    }
    return dev;
}

static mp_obj_t machine_uart_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, MP_OBJ_FUN_ARGS_MAX, true);
    if (!mp_obj_is_str(args[0])) {
        mp_raise_TypeError(MP_ERROR_TEXT("UART id must be a node label or device name"));
    }
    const struct device *dev = uart_device_from_obj(args[0]);

    // One object per UART, like Pin.
    machine_uart_obj_t *self = NULL;
    for (machine_uart_obj_t *u = MP_STATE_PORT(machine_uart_list); u != NULL; u = u->next) {
        if (u->dev == dev) {
            self = u;
            break;
        }
    }
    if (self == NULL) {
        self = mp_obj_malloc(machine_uart_obj_t, &machine_uart_type);
        self->dev = dev;
        self->rx_size = MACHINE_UART_RX_BUF_SIZE;
        self->rx_buf = m_new(uint8_t, self->rx_size);
        self->rx_head = 0;
        self->rx_tail = 0;
        self->rx_overruns = 0;
        self->line_errors = 0;
        self->timeout_ms = 0;
        self->rx_on = false;
        uevent_source_init_level(&self->source, uart_level);
        // The callback first: an object that never hears its UART is never
        // the one the next UART() returns.
        int ret = uart_irq_callback_user_data_set(dev, uart_rx_isr, self);
        if (ret != 0) {
            mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("UART has no interrupt-driven API"));
        }
        self->next = MP_STATE_PORT(machine_uart_list);
        MP_STATE_PORT(machine_uart_list) = self;
    }
    mp_map_t kw_args;
    mp_map_init_fixed_table(&kw_args, n_kw, args + n_args);
    machine_uart_init_helper(self, n_args - 1, args + 1, &kw_args);
    return MP_OBJ_FROM_PTR(self);
}

static void machine_uart_rx_off(machine_uart_obj_t *self) {
    uart_irq_rx_disable(self->dev);
    uart_irq_err_disable(self->dev);
    self->rx_on = false;
}

void machine_uart_deinit_all(void) {
    for (machine_uart_obj_t *u = MP_STATE_PORT(machine_uart_list); u != NULL; u = u->next) {
        machine_uart_rx_off(u);
        uart_irq_callback_user_data_set(u->dev, NULL, NULL);
    }
    MP_STATE_PORT(machine_uart_list) = NULL;
}

static mp_int_t machine_uart_any(machine_uart_obj_t *self) {
    return uart_rx_count(self);
}

static bool machine_uart_txdone(machine_uart_obj_t *self) {
    // Output is polled: every byte has left when write() returns.
    return true;
}

static mp_uint_t machine_uart_read(mp_obj_t self_in, void *buf_in, mp_uint_t size, int *errcode) {
    machine_uart_obj_t *self = MP_OBJ_TO_PTR(self_in);
    uint8_t *buf = buf_in;
    if (size == 0) {
        return 0;
    }
    mp_uint_t start = mp_hal_ticks_ms();
    while (uart_rx_count(self) == 0) {
        mp_uint_t elapsed = mp_hal_ticks_ms() - start;
        if (elapsed >= self->timeout_ms) {
            *errcode = MP_EAGAIN;
            return MP_STREAM_ERROR;
        }
        mp_event_wait_ms(self->timeout_ms - elapsed);
    }
    mp_uint_t n = 0;
    while (n < size && uart_rx_count(self) > 0) {
        buf[n++] = self->rx_buf[self->rx_tail];
        self->rx_tail = (self->rx_tail + 1) % self->rx_size;
    }
    return n;
}

static mp_uint_t machine_uart_write(mp_obj_t self_in, const void *buf_in, mp_uint_t size, int *errcode) {
    machine_uart_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const uint8_t *buf = buf_in;
    for (mp_uint_t i = 0; i < size; i++) {
        uart_poll_out(self->dev, buf[i]);
    }
    return size;
}

static mp_uint_t machine_uart_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    machine_uart_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (request == MP_STREAM_POLL) {
        mp_uint_t ret = 0;
        if ((arg & MP_STREAM_POLL_RD) && uart_rx_count(self) > 0) {
            ret |= MP_STREAM_POLL_RD;
        }
        if (arg & MP_STREAM_POLL_WR) {
            ret |= MP_STREAM_POLL_WR;
        }
        return ret;
    } else if (request == MP_STREAM_FLUSH) {
        return 0;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

// ---- the type: methods, stream protocol, source protocol ----

static mp_obj_t machine_uart_init(size_t n_args, const mp_obj_t *args, mp_map_t *kw_args) {
    machine_uart_init_helper(MP_OBJ_TO_PTR(args[0]), n_args - 1, args + 1, kw_args);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(machine_uart_init_obj, 1, machine_uart_init);

static mp_obj_t machine_uart_deinit(mp_obj_t self_in) {
    machine_uart_rx_off(MP_OBJ_TO_PTR(self_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_uart_deinit_obj, machine_uart_deinit);

static mp_obj_t machine_uart_any_method(mp_obj_t self_in) {
    return MP_OBJ_NEW_SMALL_INT(machine_uart_any(MP_OBJ_TO_PTR(self_in)));
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_uart_any_obj, machine_uart_any_method);

static mp_obj_t machine_uart_txdone_method(mp_obj_t self_in) {
    return mp_obj_new_bool(machine_uart_txdone(MP_OBJ_TO_PTR(self_in)));
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_uart_txdone_obj, machine_uart_txdone_method);

// read/readinto/write return what is there (no waiting for `size` bytes
// beyond the timeout), as MicroPython's UART documents.
static const mp_rom_map_elem_t machine_uart_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_init), MP_ROM_PTR(&machine_uart_init_obj) },
    { MP_ROM_QSTR(MP_QSTR_deinit), MP_ROM_PTR(&machine_uart_deinit_obj) },
    { MP_ROM_QSTR(MP_QSTR_any), MP_ROM_PTR(&machine_uart_any_obj) },
    { MP_ROM_QSTR(MP_QSTR_txdone), MP_ROM_PTR(&machine_uart_txdone_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read1_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto1_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write1_obj) },
    { MP_ROM_QSTR(MP_QSTR_flush), MP_ROM_PTR(&mp_stream_flush_obj) },
};
static MP_DEFINE_CONST_DICT(machine_uart_locals_dict, machine_uart_locals_dict_table);

// READ while bytes are buffered (a level, uart_level), EVENT on a line
// error or an overrun, both raised from the RX interrupt (uart_rx_isr).
static uevent_source_t *machine_uart_source(mp_obj_t self_in) {
    machine_uart_obj_t *self = MP_OBJ_TO_PTR(self_in);
    return &self->source;
}

static const uevent_source_p_t machine_uart_source_p = {
    .base.stream = {
        .read = machine_uart_read,
        .write = machine_uart_write,
        .ioctl = machine_uart_ioctl,
    },
    .source = machine_uart_source,
    .edge = false,
};

MP_DEFINE_CONST_OBJ_TYPE(
    machine_uart_type,
    MP_QSTR_UART,
    MP_TYPE_FLAG_ITER_IS_STREAM | UEVENT_TYPE_FLAG_SOURCE,
    make_new, machine_uart_make_new,
    print, machine_uart_print,
    protocol, &machine_uart_source_p,
    locals_dict, &machine_uart_locals_dict
    );
