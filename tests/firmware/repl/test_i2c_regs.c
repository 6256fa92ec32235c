/*
 * An I2C device for the tests: 256 byte registers behind Zephyr's emulated
 * I2C controller (zephyr,i2c-emul-controller), answering any transfer the
 * way most register-file chips (EEPROMs, sensors) do: the first byte
 * written after a start sets the register pointer, later written bytes
 * are stored from it, reads return bytes from it; the pointer wraps. A
 * transfer with nothing in it (an address probe, as scan() sends) is
 * acknowledged. Addresses with no emulator get -EIO from the controller.
 */
#define DT_DRV_COMPAT uevent_test_i2c_regs

#include <zephyr/device.h>
#include <zephyr/drivers/emul.h>
#include <zephyr/drivers/i2c.h>
#include <zephyr/drivers/i2c_emul.h>

struct test_i2c_regs_data {
    uint8_t regs[256];
    uint8_t pointer;
};

static int test_i2c_regs_transfer(const struct emul *target, struct i2c_msg *msgs, int num_msgs, int addr) {
    struct test_i2c_regs_data *data = target->data;
    bool pointer_next = true; // the next written byte is the register pointer
    ARG_UNUSED(addr);
    for (int i = 0; i < num_msgs; i++) {
        struct i2c_msg *msg = &msgs[i];
        if (msg->flags & I2C_MSG_RESTART) {
            pointer_next = true;
        }
        for (uint32_t k = 0; k < msg->len; k++) {
            if (msg->flags & I2C_MSG_READ) {
                msg->buf[k] = data->regs[data->pointer++];
            } else if (pointer_next) {
                data->pointer = msg->buf[k];
                pointer_next = false;
            } else {
                data->regs[data->pointer++] = msg->buf[k];
            }
        }
    }
    return 0;
}

static const struct i2c_emul_api test_i2c_regs_api = {
    .transfer = test_i2c_regs_transfer,
};

static int test_i2c_regs_emul_init(const struct emul *target, const struct device *parent) {
    struct test_i2c_regs_data *data = target->data;
    ARG_UNUSED(parent);
    // A recognisable power-on state: register r holds r.
    for (int r = 0; r < 256; r++) {
        data->regs[r] = (uint8_t)r;
    }
    data->pointer = 0;
    return 0;
}

// The emulator needs a device for its node; it does nothing itself.
static int test_i2c_regs_dev_init(const struct device *dev) {
    ARG_UNUSED(dev);
    return 0;
}

#define TEST_I2C_REGS(n) \
    static struct test_i2c_regs_data test_i2c_regs_data_##n; \
    EMUL_DT_INST_DEFINE(n, test_i2c_regs_emul_init, &test_i2c_regs_data_##n, NULL, &test_i2c_regs_api, NULL); \
    DEVICE_DT_INST_DEFINE(n, test_i2c_regs_dev_init, NULL, NULL, NULL, POST_KERNEL, \
    CONFIG_I2C_INIT_PRIORITY, NULL);

DT_INST_FOREACH_STATUS_OKAY(TEST_I2C_REGS)
