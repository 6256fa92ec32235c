// machine.UART object layout, shared with uevent (see machine_uart.c).
#ifndef UEVENT_PORT_MACHINE_UART_PORT_H
#define UEVENT_PORT_MACHINE_UART_PORT_H

#include <zephyr/device.h>

#include "py/obj.h"
#include "uevent_source.h"

#define MACHINE_UART_RX_BUF_SIZE (257)

typedef struct _machine_uart_obj_t {
    mp_obj_base_t base;
    struct _machine_uart_obj_t *next;   // list of all UARTs (root pointer)
    const struct device *dev;
    uint8_t *rx_buf;
    uint32_t rx_size;
    volatile uint32_t rx_head;
    volatile uint32_t rx_tail;
    uint32_t rx_overruns;
    uint32_t line_errors;
    uint32_t timeout_ms;
    bool rx_on;                         // RX and error interrupts enabled (off after deinit())
    #ifdef CONFIG_UEVENT_TEST_HOOKS
    uint32_t last_rx_ms;                // k_uptime at the last byte in (tests)
    #endif
    uevent_source_t source;             // READ on RX, EVENT on line errors
} machine_uart_obj_t;

#endif // UEVENT_PORT_MACHINE_UART_PORT_H
