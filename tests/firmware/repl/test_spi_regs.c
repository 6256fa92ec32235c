/*
 * An SPI device for the tests: 128 byte registers behind Zephyr's emulated
 * SPI controller (zephyr,spi-emul-controller), answering the way most SPI
 * register chips (sensors such as the BMI160) do: the first byte of a
 * transfer is the register, bit 7 set for a read; the bytes after it read
 * or write registers from there on, the register wrapping. The byte read
 * during the first one is 0.
 */
#define DT_DRV_COMPAT uevent_test_spi_regs

#include <zephyr/device.h>
#include <zephyr/drivers/emul.h>
#include <zephyr/drivers/spi.h>
#include <zephyr/drivers/spi_emul.h>

#define REG_READ BIT(7)
#define REG_MASK (0x7f)

struct test_spi_regs_data {
    uint8_t regs[128];
};

// The byte at `pos` of a buffer set, or NULL past its end.
static uint8_t *buf_set_byte(const struct spi_buf_set *set, size_t pos) {
    if (set == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < set->count; i++) {
        if (pos < set->buffers[i].len) {
            return set->buffers[i].buf == NULL ? NULL : (uint8_t *)set->buffers[i].buf + pos;
        }
        pos -= set->buffers[i].len;
    }
    return NULL;
}

static size_t buf_set_len(const struct spi_buf_set *set) {
    size_t len = 0;
    for (size_t i = 0; set != NULL && i < set->count; i++) {
        len += set->buffers[i].len;
    }
    return len;
}

static int test_spi_regs_io(const struct emul *target, const struct spi_config *config,
    const struct spi_buf_set *tx_bufs, const struct spi_buf_set *rx_bufs) {
    struct test_spi_regs_data *data = target->data;
    ARG_UNUSED(config);
    size_t len = MAX(buf_set_len(tx_bufs), buf_set_len(rx_bufs));
    uint8_t command = 0;
    for (size_t pos = 0; pos < len; pos++) {
        uint8_t *out = buf_set_byte(tx_bufs, pos);
        uint8_t *in = buf_set_byte(rx_bufs, pos);
        uint8_t reg = (command + pos - 1) & REG_MASK;
        if (pos == 0) {
            command = out != NULL ? *out : 0;
            if (in != NULL) {
                *in = 0;
            }
        } else if (command & REG_READ) {
            if (in != NULL) {
                *in = data->regs[reg];
            }
        } else {
            data->regs[reg] = out != NULL ? *out : 0;
            if (in != NULL) {
                *in = 0;
            }
        }
    }
    return 0;
}

static const struct spi_emul_api test_spi_regs_api = {
    .io = test_spi_regs_io,
};

static int test_spi_regs_emul_init(const struct emul *target, const struct device *parent) {
    struct test_spi_regs_data *data = target->data;
    ARG_UNUSED(parent);
    // A recognisable power-on state: register r holds 0x80 + r.
    for (int r = 0; r < 128; r++) {
        data->regs[r] = (uint8_t)(0x80 + r);
    }
    return 0;
}

// The emulator needs a device for its node; it does nothing itself.
static int test_spi_regs_dev_init(const struct device *dev) {
    ARG_UNUSED(dev);
    return 0;
}

#define TEST_SPI_REGS(n) \
    static struct test_spi_regs_data test_spi_regs_data_##n; \
    EMUL_DT_INST_DEFINE(n, test_spi_regs_emul_init, &test_spi_regs_data_##n, NULL, &test_spi_regs_api, NULL); \
    DEVICE_DT_INST_DEFINE(n, test_spi_regs_dev_init, NULL, NULL, NULL, POST_KERNEL, \
    CONFIG_SPI_INIT_PRIORITY, NULL);

DT_INST_FOREACH_STATUS_OKAY(TEST_SPI_REGS)
