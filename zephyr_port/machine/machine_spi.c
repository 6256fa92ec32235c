/*
 * machine.SPI on a Zephyr SPI controller (controller mode).
 *
 * SPI(id, baudrate=1000000, *, polarity=0, phase=0, bits=8, firstbit=SPI.MSB):
 * id as for machine.I2C (machine_bus.c). Chip select is the caller's: a
 * Pin driven around the transfers, as in upstream MicroPython; the
 * controller's devicetree cs-gpios are not driven (docs/buses.md).
 *
 * read(), readinto(), write() and write_readinto() are MicroPython's extmod
 * machine_spi on top of spi_bus_transfer() below: one spi_transceive() per
 * call, with the GIL released while the bus works.
 */
#include <zephyr/drivers/spi.h>

#include "py/mperrno.h"
#include "py/runtime.h"
#include "extmod/modmachine.h"
#include "machine_bus.h"

#if MICROPY_PY_MACHINE_SPI

typedef struct _machine_hw_spi_obj_t {
    mp_obj_base_t base;
    const struct device *dev;
    qstr name;
    struct spi_config config;
    uint8_t polarity;
    uint8_t phase;
    uint8_t bits;
    uint8_t firstbit;
} machine_hw_spi_obj_t;

static const machine_bus_kind_t spi_kind = {
    .name = "SPI",
    .kconfig = "CONFIG_SPI",
    .buses = uevent_board_spi_buses,
    .count = &uevent_board_spi_bus_count,
    .index_of = uevent_board_spi_bus,
};

static void machine_hw_spi_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    machine_hw_spi_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "SPI(\"%q\", baudrate=%u, polarity=%u, phase=%u, bits=%u, firstbit=%u)",
        self->name, (unsigned)self->config.frequency, self->polarity, self->phase, self->bits, self->firstbit);
}

// Keyword arguments shared by the constructor and init(): None keeps a setting.
static void machine_hw_spi_configure(machine_hw_spi_obj_t *self, size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_baudrate, ARG_polarity, ARG_phase, ARG_bits, ARG_firstbit };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_baudrate, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_polarity, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_phase, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_bits, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_firstbit, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    if (args[ARG_baudrate].u_obj != mp_const_none) {
        mp_int_t baudrate = mp_obj_get_int(args[ARG_baudrate].u_obj);
        if (baudrate <= 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("baudrate must be > 0"));
        }
        self->config.frequency = (uint32_t)baudrate;
    }
    if (args[ARG_polarity].u_obj != mp_const_none) {
        self->polarity = mp_obj_get_int(args[ARG_polarity].u_obj) ? 1 : 0;
    }
    if (args[ARG_phase].u_obj != mp_const_none) {
        self->phase = mp_obj_get_int(args[ARG_phase].u_obj) ? 1 : 0;
    }
    if (args[ARG_bits].u_obj != mp_const_none) {
        mp_int_t bits = mp_obj_get_int(args[ARG_bits].u_obj);
        if (bits != 8) {
            // read()/write() move bytes: one frame per byte.
            mp_raise_ValueError(MP_ERROR_TEXT("bits must be 8"));
        }
        self->bits = (uint8_t)bits;
    }
    if (args[ARG_firstbit].u_obj != mp_const_none) {
        mp_int_t firstbit = mp_obj_get_int(args[ARG_firstbit].u_obj);
        if (firstbit != MICROPY_PY_MACHINE_SPI_MSB && firstbit != MICROPY_PY_MACHINE_SPI_LSB) {
            mp_raise_ValueError(MP_ERROR_TEXT("firstbit must be SPI.MSB or SPI.LSB"));
        }
        self->firstbit = (uint8_t)firstbit;
    }
    self->config.operation = SPI_OP_MODE_MASTER | SPI_WORD_SET(self->bits)
        | (self->polarity ? SPI_MODE_CPOL : 0)
        | (self->phase ? SPI_MODE_CPHA : 0)
        | (self->firstbit == MICROPY_PY_MACHINE_SPI_LSB ? SPI_TRANSFER_LSB : SPI_TRANSFER_MSB);
}

static mp_obj_t machine_hw_spi_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *all_args) {
    mp_arg_check_num(n_args, n_kw, 1, 2, true);
    qstr name = MP_QSTRnull;
    const struct device *dev = machine_bus_find(&spi_kind, all_args[0], &name);
    machine_hw_spi_obj_t *self = mp_obj_malloc(machine_hw_spi_obj_t, &machine_spi_type);
    self->dev = dev;
    self->name = name;
    self->config = (struct spi_config) { .frequency = 1000000, .slave = 0 };
    self->polarity = 0;
    self->phase = 0;
    self->bits = 8;
    self->firstbit = MICROPY_PY_MACHINE_SPI_MSB;
    mp_map_t kw_args;
    mp_map_init_fixed_table(&kw_args, n_kw, all_args + n_args);
    machine_hw_spi_configure(self, n_args - 1, all_args + 1, &kw_args);
    return MP_OBJ_FROM_PTR(self);
}

static void machine_hw_spi_init(mp_obj_base_t *self_in, size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    machine_hw_spi_configure((machine_hw_spi_obj_t *)self_in, n_args, pos_args, kw_args);
}

// len bytes out of src and, when dest is given, len bytes in (extmod's
// read() passes the same buffer as both).
static void spi_bus_transfer(mp_obj_base_t *self_in, size_t len, const uint8_t *src, uint8_t *dest) {
    machine_hw_spi_obj_t *self = (machine_hw_spi_obj_t *)self_in;
    if (len == 0) {
        return;
    }
    struct spi_buf tx_buf = { .buf = (void *)src, .len = len };
    struct spi_buf rx_buf = { .buf = dest, .len = len };
    const struct spi_buf_set tx = { .buffers = &tx_buf, .count = 1 };
    const struct spi_buf_set rx = { .buffers = &rx_buf, .count = 1 };
    MP_THREAD_GIL_EXIT();
    int ret = spi_transceive(self->dev, &self->config, &tx, dest != NULL ? &rx : NULL);
    MP_THREAD_GIL_ENTER();
    if (ret == -ENOTSUP || ret == -EINVAL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("SPI bus '%q' cannot run this configuration"), self->name);
    } else if (ret < 0) {
        mp_raise_OSError(-ret);
    }
}

static const mp_machine_spi_p_t machine_hw_spi_p = {
    .init = machine_hw_spi_init,
    .transfer = spi_bus_transfer,
};

MP_DEFINE_CONST_OBJ_TYPE(
    machine_spi_type,
    MP_QSTR_SPI,
    MP_TYPE_FLAG_NONE,
    make_new, machine_hw_spi_make_new,
    print, machine_hw_spi_print,
    protocol, &machine_hw_spi_p,
    locals_dict, &mp_machine_spi_locals_dict
    );

#endif // MICROPY_PY_MACHINE_SPI
