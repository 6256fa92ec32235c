/*
 * Board sources (uevent.source(name)): the Python type and the ISR work
 * shared by the per-source callbacks that codegen renders.
 */
#include <string.h>

#include <zephyr/drivers/gpio.h>

#include "py/runtime.h"
#include "uevent_board.h"
#include "uevent_protocol.h"

static void board_debounce_done(struct k_work *work) {
    struct k_work_delayable *dwork = k_work_delayable_from_work(work);
    uevent_board_source_t *bs = CONTAINER_OF(dwork, uevent_board_source_t, debounce);
    uevent_source_raise(&bs->source, UEVENT_EVENT);
}

int uevent_board_pin_setup(uevent_board_source_t *bs, gpio_callback_handler_t isr) {
    const uevent_board_source_info_t *info = bs->info;
    uevent_source_init(&bs->source);
    k_work_init_delayable(&bs->debounce, board_debounce_done);
    if (info->dev == NULL || !device_is_ready(info->dev)) {
        return -ENODEV;
    }
    int ret = gpio_pin_configure(info->dev, info->pin, GPIO_INPUT | info->dt_flags);
    if (ret != 0) {
        return ret;
    }
    gpio_init_callback(&bs->gpio_cb, isr, BIT(info->pin));
    ret = gpio_add_callback(info->dev, &bs->gpio_cb);
    if (ret != 0) {
        return ret;
    }
    ret = gpio_pin_interrupt_configure(info->dev, info->pin, info->edges);
    if (ret != 0) {
        gpio_remove_callback(info->dev, &bs->gpio_cb);
        return ret;
    }
    bs->ready = true;
    return 0;
}

gpio_flags_t uevent_board_pin_edges(const struct device *dev, gpio_pin_t pin) {
    for (size_t i = 0; i < uevent_board_source_count; i++) {
        const uevent_board_source_t *bs = &uevent_board_sources[i];
        const uevent_board_source_info_t *info = bs->info;
        if (bs->ready && info->dev == dev && info->pin == pin
            && (info->kind == UEVENT_BOARD_KIND_BUTTON || info->kind == UEVENT_BOARD_KIND_PIN)) {
            return info->edges;
        }
    }
    return 0;
}

void uevent_board_pin_fired(uevent_board_source_t *bs) {
    if (bs->info->debounce_ms == 0) {
        uevent_source_raise(&bs->source, UEVENT_EVENT);
    } else {
        // Each edge restarts the wait: one EVENT once the pin is quiet.
        k_work_reschedule(&bs->debounce, K_MSEC(bs->info->debounce_ms));
    }
}

int uevent_board_uart_setup(uevent_board_source_t *bs) {
    // A UART source is reached as machine.UART (or sys.stdin for the
    // console), which owns the interrupt; here it only has to be ready.
    return device_is_ready(bs->info->dev) ? 0 : -ENODEV;
}

#if defined(CONFIG_COUNTER)
#include <zephyr/drivers/counter.h>

static void board_counter_top(const struct device *dev, void *user_data) {
    uevent_board_source_t *bs = user_data;
    uevent_source_raise(&bs->source, UEVENT_EVENT);
}

int uevent_board_counter_setup(uevent_board_source_t *bs) {
    if (!device_is_ready(bs->info->dev)) {
        return -ENODEV;
    }
    struct counter_top_cfg top = {
        .ticks = counter_get_top_value(bs->info->dev),
        .callback = board_counter_top,
        .user_data = bs,
        .flags = 0,
    };
    int ret = counter_set_top_value(bs->info->dev, &top);
    if (ret == 0) {
        ret = counter_start(bs->info->dev);
    }
    return ret;
}
#else
int uevent_board_counter_setup(uevent_board_source_t *bs) {
    // Counter sources need CONFIG_COUNTER; without it they stay not ready.
    return -ENOTSUP;
}
#endif

static void uevent_board_source_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    uevent_board_source_t *self = MP_OBJ_TO_PTR(self_in);
    static const char *const kinds[] = {"button", "pin", "uart", "counter"};
    mp_printf(print, "<BoardSource %q %s %s%s>", self->info->name, kinds[self->info->kind],
        self->info->node_path, self->ready ? "" : " (not ready)");
}

static mp_obj_t board_source_value(mp_obj_t self_in) {
    uevent_board_source_t *self = MP_OBJ_TO_PTR(self_in);
    if (!self->ready || (self->info->kind != UEVENT_BOARD_KIND_BUTTON && self->info->kind != UEVENT_BOARD_KIND_PIN)) {
        mp_raise_ValueError(MP_ERROR_TEXT("source has no pin value"));
    }
    // Logical value (1 = pressed for an active-low button), from the raw
    // level and the source's own flags, as machine.Pin does.
    int v = gpio_pin_get_raw(self->info->dev, self->info->pin);
    if (v < 0) {
        mp_raise_OSError(-v);
    }
    return MP_OBJ_NEW_SMALL_INT(v ^ ((self->info->dt_flags & GPIO_ACTIVE_LOW) != 0));
}
static MP_DEFINE_CONST_FUN_OBJ_1(board_source_value_obj, board_source_value);

static void uevent_board_source_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    uevent_board_source_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    if (attr == MP_QSTR_name) {
        dest[0] = MP_OBJ_NEW_QSTR(self->info->name);
    } else if (attr == MP_QSTR_path) {
        dest[0] = mp_obj_new_str(self->info->node_path, strlen(self->info->node_path));
    } else if (attr == MP_QSTR_ready) {
        dest[0] = mp_obj_new_bool(self->ready);
    } else if (attr == MP_QSTR_raised) {
        dest[0] = mp_obj_new_int_from_uint(self->source.raised);
    } else if (attr == MP_QSTR_value) {
        dest[0] = MP_OBJ_FROM_PTR(&board_source_value_obj);
        dest[1] = self_in;
    }
}

static uevent_source_t *uevent_board_source_of(mp_obj_t self_in) {
    uevent_board_source_t *self = MP_OBJ_TO_PTR(self_in);
    if (!self->ready) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("board source '%q' is not available (device not ready)"), self->info->name);
    }
    return &self->source;
}

static const uevent_source_p_t uevent_board_source_p = {
    .source = uevent_board_source_of,
    .edge = true,
};

MP_DEFINE_CONST_OBJ_TYPE(
    uevent_board_source_type,
    MP_QSTR_BoardSource,
    UEVENT_TYPE_FLAG_SOURCE,
    print, uevent_board_source_print,
    protocol, &uevent_board_source_p,
    attr, uevent_board_source_attr
    );
