/*
 * machine.I2C on a Zephyr I2C controller (controller mode).
 *
 * I2C(id, *, freq=None): id is a devicetree node label or alias of an okay
 * I2C bus from the board table ("i2c0", "arduino_i2c"), an index into that
 * table (I2C(0)), or a Zephyr device name. freq picks one of Zephyr's bus
 * speeds; without it the bus keeps its devicetree clock-frequency.
 *
 * scan(), readfrom(), writeto(), writevto() and the *_mem() methods are
 * MicroPython's extmod machine_i2c on top of i2c_bus_transfer() below: one
 * i2c_transfer() per call. The GIL is released while the bus works, so other
 * threads run and interrupts keep raising uevent events meanwhile.
 */
#include <zephyr/drivers/i2c.h>

#include "py/mperrno.h"
#include "py/runtime.h"
#include "extmod/modmachine.h"
#include "machine_bus.h"

#if MICROPY_PY_MACHINE_I2C

#define I2C_STACK_MSGS (4) // messages kept on the C stack; more are allocated

typedef struct _machine_hw_i2c_obj_t {
    mp_obj_base_t base;
    const struct device *dev;
    qstr name; // how it was asked for, for repr()
    uint32_t freq; // set by freq=, 0 if the devicetree's
} machine_hw_i2c_obj_t;

static uint32_t i2c_speed_for_freq(mp_int_t freq) {
    switch (freq) {
        case 100000:
            return I2C_SPEED_STANDARD;
        case 400000:
            return I2C_SPEED_FAST;
        case 1000000:
            return I2C_SPEED_FAST_PLUS;
        case 3400000:
            return I2C_SPEED_HIGH;
        case 5000000:
            return I2C_SPEED_ULTRA;
        default:
            mp_raise_msg_varg(&mp_type_ValueError,
                MP_ERROR_TEXT("freq=%d: Zephyr's I2C speeds are 100000, 400000, 1000000, 3400000 and 5000000"),
                (int)freq);
    }
}

static const machine_bus_kind_t i2c_kind = {
    .name = "I2C",
    .kconfig = "CONFIG_I2C",
    .buses = uevent_board_i2c_buses,
    .count = &uevent_board_i2c_bus_count,
    .index_of = uevent_board_i2c_bus,
};

static void machine_hw_i2c_configure(machine_hw_i2c_obj_t *self, mp_int_t freq) {
    int ret = i2c_configure(self->dev, I2C_MODE_CONTROLLER | I2C_SPEED_SET(i2c_speed_for_freq(freq)));
    if (ret == -ENOTSUP || ret == -EINVAL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("I2C bus '%q' cannot run at freq=%d"),
            self->name, (int)freq);
    } else if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    self->freq = freq;
}

static void machine_hw_i2c_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    machine_hw_i2c_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "I2C(\"%q\"", self->name);
    if (self->freq) {
        mp_printf(print, ", freq=%u", (unsigned)self->freq);
    }
    mp_print_str(print, ")");
}

static mp_obj_t machine_hw_i2c_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *all_args) {
    enum { ARG_id, ARG_freq };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_id, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL} },
        { MP_QSTR_freq, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    qstr name = MP_QSTRnull;
    const struct device *dev = machine_bus_find(&i2c_kind, args[ARG_id].u_obj, &name);
    machine_hw_i2c_obj_t *self = mp_obj_malloc(machine_hw_i2c_obj_t, &machine_i2c_type);
    self->dev = dev;
    self->name = name;
    self->freq = 0;
    if (args[ARG_freq].u_obj != mp_const_none) {
        machine_hw_i2c_configure(self, mp_obj_get_int(args[ARG_freq].u_obj));
    }
    return MP_OBJ_FROM_PTR(self);
}

// The primitive extmod's methods use: n buffers, all read or all written
// (WRITE1: the first is written, the rest read), STOP after the last one.
// Returns the bytes moved or a negative errno (a NACK or bus error: EIO).
static int i2c_bus_transfer(mp_obj_base_t *self_in, uint16_t addr, size_t n, mp_machine_i2c_buf_t *bufs, unsigned int flags) {
    machine_hw_i2c_obj_t *self = (machine_hw_i2c_obj_t *)self_in;
    if (n > UINT8_MAX) {
        return -MP_EINVAL;
    }
    struct i2c_msg stack_msgs[I2C_STACK_MSGS];
    struct i2c_msg *msgs = n <= I2C_STACK_MSGS ? stack_msgs : m_new(struct i2c_msg, n);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        bool read = (flags & MP_MACHINE_I2C_FLAG_READ) && !(i == 0 && (flags & MP_MACHINE_I2C_FLAG_WRITE1));
        msgs[i].buf = bufs[i].buf;
        msgs[i].len = bufs[i].len;
        msgs[i].flags = read ? I2C_MSG_READ : I2C_MSG_WRITE;
        if (i > 0 && read && !(msgs[i - 1].flags & I2C_MSG_READ)) {
            msgs[i].flags |= I2C_MSG_RESTART; // write then read: a repeated start
        }
        total += bufs[i].len;
    }
    if ((flags & MP_MACHINE_I2C_FLAG_STOP) && n > 0) {
        msgs[n - 1].flags |= I2C_MSG_STOP;
    }
    MP_THREAD_GIL_EXIT();
    int ret = i2c_transfer(self->dev, msgs, (uint8_t)n, addr);
    MP_THREAD_GIL_ENTER();
    if (msgs != stack_msgs) {
        m_del(struct i2c_msg, msgs, n);
    }
    return ret < 0 ? ret : (int)total;
}

static const mp_machine_i2c_p_t machine_hw_i2c_p = {
    #if MICROPY_PY_MACHINE_I2C_TRANSFER_WRITE1
    .transfer_supports_write1 = true,
    #endif
    .transfer = i2c_bus_transfer,
};

MP_DEFINE_CONST_OBJ_TYPE(
    machine_i2c_type,
    MP_QSTR_I2C,
    MP_TYPE_FLAG_NONE,
    make_new, machine_hw_i2c_make_new,
    print, machine_hw_i2c_print,
    protocol, &machine_hw_i2c_p,
    locals_dict, &mp_machine_i2c_locals_dict
    );

#endif // MICROPY_PY_MACHINE_I2C
