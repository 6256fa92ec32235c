/*
 * Host stand-in for the hand-written side of uevent_board.h and the core:
 * runs the rendered init code and prints, per source, whether it came up,
 * which device it got and whether its ISR reaches uevent_board_pin_fired().
 * test_compile.py links it with the rendered C and reads the output.
 */
#include <stdio.h>
#include "uevent_board.h"
#include "uevent_board_sources.h"
#include "uevent_backend.h"
#include "uevent_core.h"

const mp_obj_type_t uevent_board_source_type = {0};

static size_t core_entries;

void k_poll_signal_init(struct k_poll_signal *sig) {
    sig->init_count++;
}

void uevent_core_init(uevent_entry_t *storage, size_t count) {
    core_entries = storage != NULL ? count : 0;
}

void uevent_source_init(uevent_source_t *src) {
    src->subscribers = NULL;
    src->raised = 0;
}

void uevent_source_raise(uevent_source_t *src, uint16_t events) {
    (void)events;
    src->raised++;
}

void uevent_board_pin_fired(uevent_board_source_t *bs) {
    uevent_source_raise(&bs->source, UEVENT_EVENT);
}

int uevent_board_pin_setup(uevent_board_source_t *bs, gpio_callback_handler_t isr) {
    bs->gpio_cb.handler = isr;
    // Fire once, as the driver would on an edge: must raise this very source.
    isr(bs->info->dev, &bs->gpio_cb, 1u << bs->info->pin);
    return 0;
}

int uevent_board_uart_setup(uevent_board_source_t *bs) {
    return bs->info->kind == UEVENT_BOARD_KIND_UART ? 0 : -1;
}

int uevent_board_counter_setup(uevent_board_source_t *bs) {
    return bs->info->kind == UEVENT_BOARD_KIND_COUNTER ? 0 : -1;
}

int main(void) {
    uevent_board_sources_init();
    uevent_backend_init();
    for (size_t i = 0; i < uevent_board_source_count; i++) {
        const uevent_board_source_t *bs = &uevent_board_sources[i];
        const uevent_board_source_info_t *info = bs->info;
        printf("source %s kind=%d events=%d dev=%s ready=%d raised=%u pin=%d edges=0x%x "
            "debounce=%d idle=%u\n",
            info->node_path, info->kind, info->events, info->dev ? info->dev->name : "NULL",
            bs->ready, (unsigned)bs->source.raised, info->pin, (unsigned)info->edges,
            info->debounce_ms, (unsigned)info->idle_us);
    }
    for (size_t i = 0; i < uevent_board_sources_dict.map.used; i++) {
        const mp_rom_map_elem_t *elem = &uevent_board_sources_dict.map.table[i];
        const uevent_board_source_t *bs = elem->value;
        printf("name %zu -> %s\n", (size_t)MP_OBJ_QSTR_VALUE(elem->key), bs->info->node_path);
    }
    // Devicetree names: every qstr the rendered code knows, through each lookup.
    for (qstr q = 1; q < UEVENT_TEST_QSTR_COUNT; q++) {
        const struct device *gpio = uevent_board_gpio_controller(q);
        const struct gpio_dt_spec *pin = uevent_board_named_pin(q);
        const struct device *uart = uevent_board_uart(q);
        if (gpio != NULL) {
            printf("gpio %zu -> %s\n", (size_t)q, gpio->name);
        }
        if (pin != NULL) {
            printf("pin %zu -> %s %d 0x%x\n", (size_t)q, pin->port ? pin->port->name : "NULL",
                pin->pin, (unsigned)pin->dt_flags);
        }
        if (uart != NULL) {
            printf("uart %zu -> %s\n", (size_t)q, uart->name);
        }
        int i2c = uevent_board_i2c_bus(q);
        int spi = uevent_board_spi_bus(q);
        if (i2c >= 0) {
            const uevent_board_bus_t *bus = &uevent_board_i2c_buses[i2c];
            printf("i2c %zu -> %d %s %zu\n", (size_t)q, i2c, bus->dev ? bus->dev->name : "NULL", (size_t)bus->name);
        }
        if (spi >= 0) {
            const uevent_board_bus_t *bus = &uevent_board_spi_buses[spi];
            printf("spi %zu -> %d %s %zu\n", (size_t)q, spi, bus->dev ? bus->dev->name : "NULL", (size_t)bus->name);
        }
    }
    printf("buses i2c=%zu spi=%zu\n", uevent_board_i2c_bus_count, uevent_board_spi_bus_count);
    int signals_ok = 1;
    for (size_t i = 0; i < CONFIG_UEVENT_MAX_POLLERS; i++) {
        signals_ok &= uevent_backend_poller_signal(i)->init_count == 1;
    }
    printf("backend pollers_ok=%d beyond=%s entries=%zu\n", signals_ok,
        uevent_backend_poller_signal(CONFIG_UEVENT_MAX_POLLERS) == NULL ? "NULL" : "set",
        core_entries);
    return 0;
}
