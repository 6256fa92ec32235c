/*
 * Board event sources: the contract between hand-written C and the code that
 * codegen/ renders from the devicetree (uevent_board_sources.c).
 *
 * Rendered code provides the const info table, the RAM objects, one ISR
 * callback per source and uevent_board_sources_init(). Hand-written code
 * (uevent_board.c) provides the Python type and the shared ISR work.
 */
#ifndef UEVENT_BOARD_H
#define UEVENT_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/device.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>
#include "py/obj.h"
#include "uevent_source.h"

typedef enum {
    UEVENT_BOARD_KIND_BUTTON,   // gpio-keys child
    UEVENT_BOARD_KIND_PIN,      // uevent,pin-source
    UEVENT_BOARD_KIND_UART,     // UART node / uevent,uart-source
    UEVENT_BOARD_KIND_COUNTER,  // counter node: EVENT on each top-value wrap
} uevent_board_kind_t;

typedef struct uevent_board_source_info {
    qstr name;                  // devicetree node label or `label`
    const char *node_path;      // devicetree path, for messages
    uint8_t kind;               // uevent_board_kind_t
    uint8_t events;             // UEVENT_* bits this source can raise
    const struct device *dev;   // NULL when the node's driver is not built
    gpio_pin_t pin;             // BUTTON/PIN: pin on dev
    gpio_dt_flags_t dt_flags;   // BUTTON/PIN: devicetree flags (active low, pulls)
    gpio_flags_t edges;         // BUTTON/PIN: GPIO_INT_EDGE_* at the pin (levels, not logical)
    uint16_t debounce_ms;       // BUTTON/PIN: 0 = no debounce
    uint32_t idle_us;           // UART: RX idle time that raises EVENT, 0 = off
} uevent_board_source_info_t;

typedef struct uevent_board_source {
    mp_obj_base_t base;         // a static Python object (type uevent.BoardSource)
    const uevent_board_source_info_t *info;
    uevent_source_t source;
    struct gpio_callback gpio_cb;
    struct k_work_delayable debounce;
    bool ready;                 // init succeeded (device present and configured)
} uevent_board_source_t;

// Rendered by codegen.
extern uevent_board_source_t uevent_board_sources[];
extern const size_t uevent_board_source_count;
// Name (node label, `label`, alias) -> source object.
extern const mp_obj_dict_t uevent_board_sources_dict;
// Context: boot or soft reset only.
void uevent_board_sources_init(void);

// Rendered by codegen: devicetree names for machine.Pin and machine.UART.
// Each returns NULL for an unknown name.
// GPIO controllers by node label ("gpio0").
// Context: any (ISR-safe).
const struct device *uevent_board_gpio_controller(qstr node_label);
// Single pins by node label or alias of gpio-leds / gpio-keys children and
// uevent,pin-source nodes ("led0", "sw0").
// Context: any (ISR-safe).
const struct gpio_dt_spec *uevent_board_named_pin(qstr name);
// UARTs by node label ("uart1").
// Context: any (ISR-safe).
const struct device *uevent_board_uart(qstr node_label);
// I2C and SPI controllers with status okay, in devicetree order: the index
// is machine.I2C(index). dev is NULL when the build has no driver for it.
// uevent_board_i2c_bus(name) is the index of the bus with that node label
// or alias ("i2c0", "arduino_i2c"), or -1.
typedef struct _uevent_board_bus_t {
    const struct device *dev;
    qstr name;                  // its first devicetree name
} uevent_board_bus_t;
extern const uevent_board_bus_t uevent_board_i2c_buses[];
extern const size_t uevent_board_i2c_bus_count;
// Context: any (ISR-safe).
int uevent_board_i2c_bus(qstr name);
extern const uevent_board_bus_t uevent_board_spi_buses[];
extern const size_t uevent_board_spi_bus_count;
// Context: any (ISR-safe).
int uevent_board_spi_bus(qstr name);

// Hand-written helpers the rendered code calls.
extern const mp_obj_type_t uevent_board_source_type;
// Configures the pin of a BUTTON/PIN source and installs `isr` as its callback.
// Context: boot or soft reset only.
int uevent_board_pin_setup(uevent_board_source_t *bs, gpio_callback_handler_t isr);
// The interrupt edges a ready BUTTON/PIN source has on (dev, pin), 0 if no
// source uses it: machine.Pin gives them back when it drops its own IRQ.
// Context: any (ISR-safe).
gpio_flags_t uevent_board_pin_edges(const struct device *dev, gpio_pin_t pin);
// Called from a source's ISR callback: raises now, or after the debounce time.
// Context: any (ISR-safe).
void uevent_board_pin_fired(uevent_board_source_t *bs);
// Checks a UART source (machine.UART owns its interrupt).
// Context: boot or soft reset only.
int uevent_board_uart_setup(uevent_board_source_t *bs);
// Sets up a counter source to raise EVENT on each top-value wrap.
// Context: boot or soft reset only.
int uevent_board_counter_setup(uevent_board_source_t *bs);

#endif // UEVENT_BOARD_H
