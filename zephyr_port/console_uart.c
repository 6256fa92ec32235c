/*
 * REPL console on the zephyr,console UART.
 *
 * RX is interrupt driven into a ring buffer; a reader with nothing to read
 * sleeps in uevent_port_wait_ms() until the RX interrupt wakes it, so the
 * REPL costs no CPU while idle. TX uses polled output.
 */
#include <zephyr/device.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>

#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "shared/runtime/interrupt_char.h"
#include "port_wait.h"
#include "console_uart.h"
#include "uevent/uevent_source.h"

#define CONSOLE_RX_BUF_SIZE (1024)

static const struct device *const console_dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));

// Single producer (the ISR), single consumer (the thread holding the GIL).
static uint8_t rx_buf[CONSOLE_RX_BUF_SIZE];
static volatile uint32_t rx_head;
static volatile uint32_t rx_tail;
static volatile uint32_t rx_dropped;
static uevent_source_t console_source;     // READ when input is buffered

static uint16_t console_level(uevent_source_t *src) {
    (void)src;
    return (rx_head != rx_tail ? UEVENT_READ : 0) | UEVENT_WRITE;
}

uevent_source_t *console_uart_source(void) {
    return &console_source;
}

static void console_rx_isr(const struct device *dev, void *user_data) {
    (void)user_data;
    bool woke = false;
    while (uart_irq_update(dev) && uart_irq_rx_ready(dev)) {
        uint8_t c;
        if (uart_fifo_read(dev, &c, 1) != 1) {
            break;
        }
        if (c == mp_interrupt_char) {
            mp_sched_keyboard_interrupt();
            woke = true;
            continue;
        }
        uint32_t next = (rx_head + 1) % CONSOLE_RX_BUF_SIZE;
        if (next == rx_tail) {
            rx_dropped++;
            continue;
        }
        rx_buf[rx_head] = c;
        rx_head = next;
        woke = true;
    }
    if (woke) {
        uevent_port_wake();
        uevent_source_raise(&console_source, UEVENT_READ);
    }
}

int console_uart_init(void) {
    if (!device_is_ready(console_dev)) {
        return -ENODEV;
    }
    uevent_source_init_level(&console_source, console_level);
    uart_irq_callback_user_data_set(console_dev, console_rx_isr, NULL);
    uart_irq_rx_enable(console_dev);
    return 0;
}

bool console_uart_rx_any(void) {
    return rx_head != rx_tail;
}

uint32_t console_uart_rx_dropped(void) {
    return rx_dropped;
}

int mp_hal_stdin_rx_chr(void) {
    while (rx_head == rx_tail) {
        mp_event_wait_indefinite();
    }
    uint8_t c = rx_buf[rx_tail];
    rx_tail = (rx_tail + 1) % CONSOLE_RX_BUF_SIZE;
    return c;
}

mp_uint_t mp_hal_stdout_tx_strn(const char *str, size_t len) {
    for (size_t i = 0; i < len; i++) {
        uart_poll_out(console_dev, str[i]);
    }
    return len;
}

uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    uintptr_t ret = 0;
    if ((poll_flags & MP_STREAM_POLL_RD) && console_uart_rx_any()) {
        ret |= MP_STREAM_POLL_RD;
    }
    if (poll_flags & MP_STREAM_POLL_WR) {
        ret |= MP_STREAM_POLL_WR;
    }
    return ret;
}
