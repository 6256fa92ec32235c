/* Host stand-in for Zephyr's <zephyr/drivers/gpio.h>: types and flag values. */
#ifndef STUB_ZEPHYR_DRIVERS_GPIO_H
#define STUB_ZEPHYR_DRIVERS_GPIO_H

#include <stdint.h>
#include <zephyr/device.h>

typedef uint8_t gpio_pin_t;
typedef uint16_t gpio_dt_flags_t;
typedef uint32_t gpio_flags_t;
typedef uint32_t gpio_port_pins_t;

#define GPIO_INT_ENABLE (1U << 22)
#define GPIO_INT_LEVELS_LOGICAL (1U << 23)
#define GPIO_INT_EDGE (1U << 24)
#define GPIO_INT_LOW_0 (1U << 25)
#define GPIO_INT_HIGH_1 (1U << 26)
#define GPIO_INT_EDGE_RISING (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_HIGH_1)
#define GPIO_INT_EDGE_FALLING (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_LOW_0)
#define GPIO_INT_EDGE_BOTH (GPIO_INT_ENABLE | GPIO_INT_EDGE | GPIO_INT_LOW_0 | GPIO_INT_HIGH_1)
#define GPIO_INT_EDGE_TO_ACTIVE \
    (GPIO_INT_ENABLE | GPIO_INT_LEVELS_LOGICAL | GPIO_INT_EDGE | GPIO_INT_HIGH_1)

struct gpio_callback;
typedef void (*gpio_callback_handler_t)(const struct device *port, struct gpio_callback *cb,
    gpio_port_pins_t pins);

struct gpio_callback {
    struct gpio_callback *next;
    gpio_callback_handler_t handler;
    gpio_port_pins_t pin_mask;
};

struct gpio_dt_spec {
    const struct device *port;
    gpio_pin_t pin;
    gpio_dt_flags_t dt_flags;
};

#endif
