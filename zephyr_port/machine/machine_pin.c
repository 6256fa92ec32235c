/*
 * machine.Pin on Zephyr GPIO.
 *
 * A pin is named by a devicetree node label ("led0", "sw0": from the board's
 * generated pin table) or by (controller, number), where the controller is
 * a node label ("gpio0") or a Zephyr device name. A named pin follows its
 * node's flags: values and edges are logical (1 is "active", so an
 * active-low LED lights on 1, and a press of an active-low button reads 1
 * and is a rising edge), and its pulls apply unless pull= says otherwise.
 * A (controller, number) pin is raw: physical levels. There is one object
 * per pin and polarity, so identity (`is`) holds and uevent registrations
 * stay unique (docs/machine.md).
 *
 * Levels and edges are turned into physical ones here, from the object's
 * own polarity, never from the GPIO driver's per-pin invert state (which the
 * last gpio_pin_configure of any user of the pin sets).
 *
 * Edges interrupt through a Zephyr GPIO callback, which raises EVENT on the
 * pin's uevent source and then calls the Python handler through
 * MicroPython's mpirq (hard: in the callback; soft: scheduled). pin.irq()
 * returns that irq object; a hard handler that raises is disabled as on
 * other ports. Nothing is polled.
 */
#include <stdio.h>
#include <string.h>

#include <zephyr/drivers/gpio.h>

#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "modmachine_port.h"
#include "machine_pin.h"
#include "port_irq.h"
#include "uevent_board.h"
#include "uevent_protocol.h"

#define PIN_MODE_IN         (0)
#define PIN_MODE_OUT        (1)
#define PIN_MODE_OPEN_DRAIN (2)
#define PIN_PULL_UP         (1)
#define PIN_PULL_DOWN       (2)
#define PIN_IRQ_RISING      (1)
#define PIN_IRQ_FALLING     (2)

static bool pin_active_low(const machine_pin_obj_t *self) {
    return (self->dt_flags & GPIO_ACTIVE_LOW) != 0;
}

// Python trigger bits (logical edges of this pin) to Zephyr's physical edge flags.
gpio_flags_t machine_pin_trigger_to_flags(const machine_pin_obj_t *self, mp_int_t trigger) {
    if (trigger & ~(PIN_IRQ_RISING | PIN_IRQ_FALLING)) {
        mp_raise_ValueError(MP_ERROR_TEXT("trigger must be IRQ_RISING, IRQ_FALLING or both"));
    }
    if (trigger == 0) {
        return 0;
    }
    bool rising = trigger & PIN_IRQ_RISING;
    bool falling = trigger & PIN_IRQ_FALLING;
    if (pin_active_low(self)) {
        bool t = rising;
        rising = falling;
        falling = t;
    }
    return GPIO_INT_ENABLE | GPIO_INT_EDGE
           | (rising ? GPIO_INT_HIGH_1 : 0)
           | (falling ? GPIO_INT_LOW_0 : 0);
}

// Physical edge flags back to the Python trigger bits. ISR-safe.
static mp_uint_t pin_flags_to_trigger(const machine_pin_obj_t *self, gpio_flags_t flags) {
    if (flags == 0) {
        return 0;
    }
    bool rising = (flags & GPIO_INT_HIGH_1) != 0;
    bool falling = (flags & GPIO_INT_LOW_0) != 0;
    if (pin_active_low(self)) {
        bool t = rising;
        rising = falling;
        falling = t;
    }
    return (rising ? PIN_IRQ_RISING : 0) | (falling ? PIN_IRQ_FALLING : 0);
}

MP_REGISTER_ROOT_POINTER(struct _machine_pin_obj_t *machine_pin_list);

// Whether Python set up any pin since the last machine_pin_configured_take()
// (every set-up of this file goes through pin_configure).
static bool pins_configured;

// The edges the pin's one interrupt setting should have: those of the
// Python irq set last on the pin (machine_pin_set_irq keeps that object
// first in the list), else a board source's, else none.
static gpio_flags_t pin_edges_wanted(const struct device *port, gpio_pin_t pin) {
    for (machine_pin_obj_t *p = MP_STATE_PORT(machine_pin_list); p != NULL; p = p->next) {
        if (p->port == port && p->pin == pin && p->irq_trigger != 0) {
            return p->irq_trigger;
        }
    }
    return uevent_board_pin_edges(port, pin);
}

// gpio_pin_configure() may reset the pin's interrupt setting (the nRF and
// emulated GPIO drivers do, nRF's also when it then fails): an input gets
// its edges back, or a board source sharing the pin would hear nothing
// more until the next boot. An output is nobody's input: its writes are
// not edges for anyone.
static int pin_configure(const struct device *port, gpio_pin_t pin, gpio_flags_t flags) {
    pins_configured = true;
    int ret = gpio_pin_configure(port, pin, flags);
    if (!(flags & GPIO_OUTPUT)) {
        gpio_flags_t edges = pin_edges_wanted(port, pin);
        if (edges != 0) {
            int irq_ret = gpio_pin_interrupt_configure(port, pin, edges);
            ret = ret != 0 ? ret : irq_ret;
        }
    }
    return ret;
}

bool machine_pin_configured_take(void) {
    bool configured = pins_configured;
    pins_configured = false;
    return configured;
}

static void machine_pin_isr(const struct device *port, struct gpio_callback *cb, gpio_port_pins_t pins) {
    machine_pin_obj_t *self = CONTAINER_OF(cb, machine_pin_obj_t, callback);
    (void)port;
    (void)pins;
    if (self->irq_trigger == 0) {
        // pin.irq(trigger=0): no events, although the controller may still
        // call back (a board source on the same pin keeps its interrupt; the
        // emulator calls back when a pin is configured).
        return;
    }
    uevent_source_raise(&self->source, UEVENT_EVENT);
    mp_irq_obj_t *irq = self->irq;
    if (irq != NULL && irq->handler != mp_const_none) {
        // irq.flags(): the edges set, as the samd and mimxrt ports report
        // them (reading the level here would slow every edge).
        self->irq_flags = self->irq_trigger;
        port_irq_handler(irq);
    }
}

static const struct device *pin_controller_from_obj(mp_obj_t name_in) {
    const char *name = mp_obj_str_get_str(name_in);
    const struct device *dev = uevent_board_gpio_controller(mp_obj_str_get_qstr(name_in));
    if (dev == NULL) {
        dev = device_get_binding(name);
    }
    if (dev == NULL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown GPIO controller '%s'"), name);
    }
    if (!device_is_ready(dev)) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("GPIO controller '%s' not ready"), name);
    }
    return dev;
}

machine_pin_obj_t *machine_pin_find(mp_obj_t id) {
    const struct device *port;
    gpio_pin_t pin;
    gpio_dt_flags_t dt_flags = 0;
    qstr name = MP_QSTRnull;
    if (mp_obj_is_str(id)) {
        const struct gpio_dt_spec *spec = uevent_board_named_pin(mp_obj_str_get_qstr(id));
        if (spec == NULL) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown pin '%s'"), mp_obj_str_get_str(id));
        }
        if (spec->port == NULL || !device_is_ready(spec->port)) {
            mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("pin '%s': GPIO controller not ready"), mp_obj_str_get_str(id));
        }
        port = spec->port;
        pin = spec->pin;
        dt_flags = spec->dt_flags;
        name = mp_obj_str_get_qstr(id);
    } else if (mp_obj_is_type(id, &mp_type_tuple) || mp_obj_is_type(id, &mp_type_list)) {
        mp_obj_t *items;
        mp_obj_get_array_fixed_n(id, 2, &items);
        port = pin_controller_from_obj(items[0]);
        mp_int_t n = mp_obj_get_int(items[1]);
        if (n < 0 || n >= GPIO_MAX_PINS_PER_PORT) {
            mp_raise_ValueError(MP_ERROR_TEXT("pin number out of range"));
        }
        pin = (gpio_pin_t)n;
    } else if (mp_obj_is_type(id, &machine_pin_type)) {
        return MP_OBJ_TO_PTR(id);
    } else {
        mp_raise_TypeError(MP_ERROR_TEXT("pin id must be a name or (controller, number)"));
    }

    // The raw and the active-low view of one pin are two objects.
    for (machine_pin_obj_t *p = MP_STATE_PORT(machine_pin_list); p != NULL; p = p->next) {
        if (p->port == port && p->pin == pin
            && ((p->dt_flags ^ dt_flags) & GPIO_ACTIVE_LOW) == 0) {
            if (p->name == MP_QSTRnull) {
                p->name = name;
                p->dt_flags = dt_flags;
            }
            return p;
        }
    }
    machine_pin_obj_t *self = mp_obj_malloc(machine_pin_obj_t, &machine_pin_type);
    self->port = port;
    self->pin = pin;
    self->dt_flags = dt_flags;
    self->name = name;
    self->irq = NULL;
    self->irq_trigger = 0;
    self->irq_flags = 0;
    self->callback_added = false;
    uevent_source_init(&self->source);
    gpio_init_callback(&self->callback, machine_pin_isr, BIT(pin));
    self->next = MP_STATE_PORT(machine_pin_list);
    MP_STATE_PORT(machine_pin_list) = self;
    return self;
}

// Zephyr has one interrupt setting per pin: where another Pin object's irq
// or a board source (button, uevent,pin-source) shares the pin, its edges
// come back instead of none, or it would stay deaf until the next boot.
static void machine_pin_irq_off(machine_pin_obj_t *self) {
    self->irq_trigger = 0;
    gpio_flags_t edges = pin_edges_wanted(self->port, self->pin);
    gpio_pin_interrupt_configure(self->port, self->pin, edges ? edges : GPIO_INT_DISABLE);
}

// The object whose irq was set last goes first in the list, so that
// pin_edges_wanted() finds its edges: the ones the pin has. With
// interrupts locked: a hard handler that raises turns its irq off from the
// ISR, which walks the list.
static void pin_list_to_front(machine_pin_obj_t *self) {
    unsigned int key = irq_lock();
    machine_pin_obj_t **link = &MP_STATE_PORT(machine_pin_list);
    while (*link != NULL && *link != self) {
        link = &(*link)->next;
    }
    if (*link == self) {
        *link = self->next;
        self->next = MP_STATE_PORT(machine_pin_list);
        MP_STATE_PORT(machine_pin_list) = self;
    }
    irq_unlock(key);
}

void machine_pin_set_irq(machine_pin_obj_t *self, gpio_flags_t trigger) {
    if (trigger == 0) {
        machine_pin_irq_off(self);
        return;
    }
    if (!self->callback_added) {
        int ret = gpio_add_callback(self->port, &self->callback);
        if (ret != 0) {
            mp_raise_OSError(-ret);
        }
        self->callback_added = true;
    }
    int ret = gpio_pin_interrupt_configure(self->port, self->pin, trigger);
    if (ret == -ENOTSUP || ret == -ENOSYS) {
        mp_raise_ValueError(MP_ERROR_TEXT("pin has no interrupt for these edges"));
    } else if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    self->irq_trigger = trigger;
    pin_list_to_front(self);
}

static void machine_pin_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->name != MP_QSTRnull) {
        mp_printf(print, "Pin(\"%q\")", self->name);
    } else {
        mp_printf(print, "Pin((\"%s\", %u))", self->port->name, self->pin);
    }
}

static mp_obj_t machine_pin_obj_init_helper(machine_pin_obj_t *self, size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_mode, ARG_pull, ARG_value };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_mode, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_pull, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_value, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    if (args[ARG_mode].u_obj == mp_const_none) {
        return mp_const_none;
    }
    gpio_flags_t flags;
    mp_int_t mode = mp_obj_get_int(args[ARG_mode].u_obj);
    if (mode == PIN_MODE_IN) {
        flags = GPIO_INPUT;
    } else if (mode == PIN_MODE_OUT) {
        flags = GPIO_OUTPUT;
    } else if (mode == PIN_MODE_OPEN_DRAIN) {
        flags = GPIO_OUTPUT | GPIO_OPEN_DRAIN;
    } else {
        mp_raise_ValueError(MP_ERROR_TEXT("invalid pin mode"));
    }
    if (args[ARG_pull].u_obj != mp_const_none) {
        mp_int_t pull = mp_obj_get_int(args[ARG_pull].u_obj);
        if (pull == PIN_PULL_UP) {
            flags |= GPIO_PULL_UP;
        } else if (pull == PIN_PULL_DOWN) {
            flags |= GPIO_PULL_DOWN;
        } else if (pull != 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("invalid pull"));
        }
    } else {
        // Named pins keep the pulls their devicetree node gives them.
        flags |= self->dt_flags & (GPIO_PULL_UP | GPIO_PULL_DOWN);
    }
    if (mode != PIN_MODE_IN && args[ARG_value].u_obj != mp_const_none) {
        bool high = mp_obj_is_true(args[ARG_value].u_obj) != pin_active_low(self);
        flags |= high ? GPIO_OUTPUT_INIT_HIGH : GPIO_OUTPUT_INIT_LOW;
    }
    // Outputs stay readable where the driver allows it.
    int ret = pin_configure(self->port, self->pin, mode == PIN_MODE_IN ? flags : (flags | GPIO_INPUT));
    if (ret == -ENOTSUP && mode != PIN_MODE_IN) {
        ret = pin_configure(self->port, self->pin, flags);
    }
    if (ret == -ENOTSUP) {
        mp_raise_ValueError(MP_ERROR_TEXT("pin configuration not supported"));
    } else if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}

mp_obj_t mp_pin_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, MP_OBJ_FUN_ARGS_MAX, true);
    machine_pin_obj_t *self = machine_pin_find(args[0]);
    if (n_args > 1 || n_kw > 0) {
        mp_map_t kw_args;
        mp_map_init_fixed_table(&kw_args, n_kw, args + n_args);
        machine_pin_obj_init_helper(self, n_args - 1, args + 1, &kw_args);
    }
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t machine_pin_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 1, false);
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (n_args == 0) {
        int v = gpio_pin_get_raw(self->port, self->pin);
        if (v < 0) {
            mp_raise_OSError(-v);
        }
        return MP_OBJ_NEW_SMALL_INT(v ^ pin_active_low(self));
    }
    int ret = gpio_pin_set_raw(self->port, self->pin, mp_obj_is_true(args[0]) != pin_active_low(self));
    if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}

static mp_obj_t machine_pin_obj_init(size_t n_args, const mp_obj_t *args, mp_map_t *kw_args) {
    return machine_pin_obj_init_helper(MP_OBJ_TO_PTR(args[0]), n_args - 1, args + 1, kw_args);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(machine_pin_init_obj, 1, machine_pin_obj_init);

static mp_obj_t machine_pin_value(size_t n_args, const mp_obj_t *args) {
    return machine_pin_call(args[0], n_args - 1, 0, args + 1);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(machine_pin_value_obj, 1, 2, machine_pin_value);

static mp_obj_t machine_pin_on(mp_obj_t self_in) {
    mp_obj_t one = MP_OBJ_NEW_SMALL_INT(1);
    return machine_pin_call(self_in, 1, 0, &one);
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_pin_on_obj, machine_pin_on);

static mp_obj_t machine_pin_off(mp_obj_t self_in) {
    mp_obj_t zero = MP_OBJ_NEW_SMALL_INT(0);
    return machine_pin_call(self_in, 1, 0, &zero);
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_pin_off_obj, machine_pin_off);

static mp_obj_t machine_pin_toggle(mp_obj_t self_in) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    int ret = gpio_pin_toggle(self->port, self->pin);
    if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(machine_pin_toggle_obj, machine_pin_toggle);

// irq.trigger(new) and, with 0, mp_irq_handler disabling a hard handler
// that raised (then in the ISR: trigger 0 never raises). Python thread, ISR.
static mp_uint_t machine_pin_irq_trigger(mp_obj_t self_in, mp_uint_t new_trigger) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    machine_pin_set_irq(self, machine_pin_trigger_to_flags(self, new_trigger));
    return 0;
}

static mp_uint_t machine_pin_irq_info(mp_obj_t self_in, mp_uint_t info_type) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (info_type == MP_IRQ_INFO_FLAGS) {
        return pin_flags_to_trigger(self, self->irq_flags);
    } else if (info_type == MP_IRQ_INFO_TRIGGERS) {
        return pin_flags_to_trigger(self, self->irq_trigger);
    }
    return 0;
}

static const mp_irq_methods_t machine_pin_irq_methods = {
    .trigger = machine_pin_irq_trigger,
    .info = machine_pin_irq_info,
};

// pin.irq(handler=None, trigger=IRQ_RISING|IRQ_FALLING, hard=False): sets
// the IRQ up when given any argument; returns the pin's irq object.
static mp_obj_t machine_pin_irq(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_handler, ARG_trigger, ARG_hard };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_handler, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_trigger, MP_ARG_INT, {.u_int = PIN_IRQ_RISING | PIN_IRQ_FALLING} },
        { MP_QSTR_hard, MP_ARG_BOOL, {.u_bool = false} },
    };
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(pos_args[0]);
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    if (self->irq == NULL) {
        // Reachable from the pin, which the pin list keeps.
        self->irq = mp_irq_new(&machine_pin_irq_methods, MP_OBJ_FROM_PTR(self));
    }
    if (n_args > 1 || kw_args->used != 0) {
        gpio_flags_t trigger = machine_pin_trigger_to_flags(self, args[ARG_trigger].u_int);
        if (args[ARG_handler].u_obj != mp_const_none && !mp_obj_is_callable(args[ARG_handler].u_obj)) {
            mp_raise_TypeError(MP_ERROR_TEXT("handler must be callable or None"));
        }
        // Detach the old handler before changing edges so no ISR sees a mix.
        unsigned int key = irq_lock();
        self->irq->handler = args[ARG_handler].u_obj;
        self->irq->ishard = args[ARG_hard].u_bool;
        self->irq_flags = 0;
        irq_unlock(key);
        machine_pin_set_irq(self, trigger);
    }
    return MP_OBJ_FROM_PTR(self->irq);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(machine_pin_irq_obj, 1, machine_pin_irq);

void machine_pin_deinit_all(void) {
    // No irq survives: the pins get their board sources' edges or none.
    for (machine_pin_obj_t *p = MP_STATE_PORT(machine_pin_list); p != NULL; p = p->next) {
        p->irq_trigger = 0;
    }
    for (machine_pin_obj_t *p = MP_STATE_PORT(machine_pin_list); p != NULL; p = p->next) {
        if (p->callback_added) {
            machine_pin_irq_off(p);
            gpio_remove_callback(p->port, &p->callback);
            p->callback_added = false;
        }
    }
    MP_STATE_PORT(machine_pin_list) = NULL;
}

static const mp_rom_map_elem_t machine_pin_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_init), MP_ROM_PTR(&machine_pin_init_obj) },
    { MP_ROM_QSTR(MP_QSTR_value), MP_ROM_PTR(&machine_pin_value_obj) },
    { MP_ROM_QSTR(MP_QSTR_on), MP_ROM_PTR(&machine_pin_on_obj) },
    { MP_ROM_QSTR(MP_QSTR_off), MP_ROM_PTR(&machine_pin_off_obj) },
    { MP_ROM_QSTR(MP_QSTR_toggle), MP_ROM_PTR(&machine_pin_toggle_obj) },
    { MP_ROM_QSTR(MP_QSTR_irq), MP_ROM_PTR(&machine_pin_irq_obj) },

    { MP_ROM_QSTR(MP_QSTR_IN), MP_ROM_INT(PIN_MODE_IN) },
    { MP_ROM_QSTR(MP_QSTR_OUT), MP_ROM_INT(PIN_MODE_OUT) },
    { MP_ROM_QSTR(MP_QSTR_OPEN_DRAIN), MP_ROM_INT(PIN_MODE_OPEN_DRAIN) },
    { MP_ROM_QSTR(MP_QSTR_PULL_UP), MP_ROM_INT(PIN_PULL_UP) },
    { MP_ROM_QSTR(MP_QSTR_PULL_DOWN), MP_ROM_INT(PIN_PULL_DOWN) },
    { MP_ROM_QSTR(MP_QSTR_IRQ_RISING), MP_ROM_INT(PIN_IRQ_RISING) },
    { MP_ROM_QSTR(MP_QSTR_IRQ_FALLING), MP_ROM_INT(PIN_IRQ_FALLING) },
};
static MP_DEFINE_CONST_DICT(machine_pin_locals_dict, machine_pin_locals_dict_table);

// MicroPython's pin protocol (machine.Signal): logical levels, as value().
static mp_uint_t machine_pin_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    int ret;
    switch (request) {
        case MP_PIN_READ:
            ret = gpio_pin_get_raw(self->port, self->pin);
            if (ret >= 0) {
                return ret ^ pin_active_low(self);
            }
            break;
        case MP_PIN_WRITE:
            ret = gpio_pin_set_raw(self->port, self->pin, (arg != 0) != pin_active_low(self));
            if (ret == 0) {
                return 0;
            }
            break;
        default:
            ret = -MP_EINVAL;
            break;
    }
    // extmod's virtpin passes no errcode: a failed read reads 0 there.
    if (errcode == NULL) {
        return 0;
    }
    *errcode = -ret;
    return MP_STREAM_ERROR;
}

// A pin is a source once pin.irq() gave it edges: EVENT from the GPIO
// callback (machine_pin_isr).
static uevent_source_t *machine_pin_source(mp_obj_t self_in) {
    machine_pin_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->irq_trigger == 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("Pin has no IRQ edges: call pin.irq(trigger=...) first"));
    }
    return &self->source;
}

static const uevent_source_p_t machine_pin_source_p = {
    .base.pin = { .ioctl = machine_pin_ioctl },
    .source = machine_pin_source,
    .edge = true,
};

MP_DEFINE_CONST_OBJ_TYPE(
    machine_pin_type,
    MP_QSTR_Pin,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, mp_pin_make_new,
    print, machine_pin_print,
    call, machine_pin_call,
    protocol, &machine_pin_source_p,
    locals_dict, &machine_pin_locals_dict
    );

// ---- pins for SoftI2C / SoftSPI (mphalport.h): raw levels ----

mp_hal_pin_obj_t mp_hal_get_pin_obj(mp_obj_t pin_in) {
    return machine_pin_find(pin_in);
}

qstr mp_hal_pin_name(mp_hal_pin_obj_t pin) {
    if (pin->name != MP_QSTRnull) {
        return pin->name;
    }
    char buf[48];
    snprintf(buf, sizeof(buf), "%s.%u", pin->port->name, pin->pin);
    return qstr_from_str(buf);
}

static void pin_configure_or_raise(mp_hal_pin_obj_t pin, gpio_flags_t flags) {
    int ret = pin_configure(pin->port, pin->pin, flags);
    if (ret != 0) {
        mp_raise_OSError(-ret);
    }
}

void mp_hal_pin_input(mp_hal_pin_obj_t pin) {
    pin_configure_or_raise(pin, GPIO_INPUT);
}

void mp_hal_pin_output(mp_hal_pin_obj_t pin) {
    // Readable back where the driver allows it (a loopback on one pin).
    if (pin_configure(pin->port, pin->pin, GPIO_OUTPUT | GPIO_INPUT) != 0) {
        pin_configure_or_raise(pin, GPIO_OUTPUT);
    }
}

void mp_hal_pin_open_drain(mp_hal_pin_obj_t pin) {
    mp_hal_pin_write_od(pin, 1);
}

int mp_hal_pin_read(mp_hal_pin_obj_t pin) {
    return gpio_pin_get_raw(pin->port, pin->pin) > 0;
}

void mp_hal_pin_write(mp_hal_pin_obj_t pin, int value) {
    gpio_pin_set_raw(pin->port, pin->pin, value);
}

void mp_hal_pin_write_od(mp_hal_pin_obj_t pin, int value) {
    if (value) {
        // Let go: the bus's pull-up (and ours, where the driver has one) takes it high.
        if (pin_configure(pin->port, pin->pin, GPIO_INPUT | GPIO_PULL_UP) != 0) {
            pin_configure(pin->port, pin->pin, GPIO_INPUT);
        }
    } else {
        if (pin_configure(pin->port, pin->pin, GPIO_OUTPUT_LOW | GPIO_INPUT) != 0) {
            pin_configure(pin->port, pin->pin, GPIO_OUTPUT_LOW);
        }
    }
}
