/*
 * REPL console on the zephyr,console UART.
 *
 * RX is interrupt driven into a ring buffer; a reader with nothing to read
 * sleeps in port_wait_ms() until the RX interrupt wakes it (PORT_WAKE_IO),
 * so the REPL costs no CPU while idle. Ctrl-C also wakes waits that only
 * listen for soft callbacks and exceptions (PORT_WAKE_SCHED). A UART without interrupts is polled from a
 * timer instead (console_poll_tick). TX uses polled output.
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
#include "uevent_source.h"

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

// Stores one received byte (from the RX ISR or the poll timer); returns the
// PORT_WAKE_* reasons it gives.
static uint8_t console_rx_byte(uint8_t c) {
    if (c == mp_interrupt_char) {
        mp_sched_keyboard_interrupt();
        return PORT_WAKE_SCHED | PORT_WAKE_IO;
    }
    uint32_t next = (rx_head + 1) % CONSOLE_RX_BUF_SIZE;
    if (next == rx_tail) {
        rx_dropped++;
        return 0;
    }
    rx_buf[rx_head] = c;
    rx_head = next;
    return PORT_WAKE_IO;
}

static void console_rx_wake(uint8_t reasons) {
    port_wake(reasons);
    uevent_source_raise(&console_source, UEVENT_READ);
}

static void console_rx_isr(const struct device *dev, void *user_data) {
    (void)user_data;
    uint8_t reasons = 0;
    while (uart_irq_update(dev) && uart_irq_rx_ready(dev)) {
        uint8_t c;
        if (uart_fifo_read(dev, &c, 1) != 1) {
            break;
        }
        reasons |= console_rx_byte(c);
    }
    if (reasons) {
        console_rx_wake(reasons);
    }
}

// Fallback for a UART without the interrupt-driven API (native_sim's, in
// Zephyr 3.5): a timer drains uart_poll_in every CONSOLE_POLL_MS and raises
// the same wake. Readers still sleep; the cost is a timer interrupt every
// period and up to that much input latency.
#define CONSOLE_POLL_MS (10)
static struct k_timer console_poll_timer;

static void console_poll_tick(struct k_timer *timer) {
    (void)timer;
    uint8_t reasons = 0;
    unsigned char c;
    // While the buffer is full, input waits in the UART (no drops).
    while ((rx_head + 1) % CONSOLE_RX_BUF_SIZE != rx_tail && uart_poll_in(console_dev, &c) == 0) {
        reasons |= console_rx_byte(c);
    }
    if (reasons) {
        console_rx_wake(reasons);
    }
}

int console_uart_init(void) {
    if (!device_is_ready(console_dev)) {
        return -ENODEV;
    }
    uevent_source_init_level(&console_source, console_level);
    if (uart_irq_callback_user_data_set(console_dev, console_rx_isr, NULL) == 0) {
        // Input typed while the board booted (a host tool that sends
        // Ctrl-C on connect, a terminal during reset) already sits in the
        // UART. Some UARTs (QEMU's CMSDK UART on mps2_an385) raise no RX
        // interrupt for it when RX interrupts are enabled later, and
        // accept nothing more until it is read: run the RX handler once
        // now. Through the handler, not uart_poll_in(): its FIFO read also
        // acknowledges an RX interrupt raised meanwhile, which polling
        // leaves pending (the CMSDK UART then interrupts for ever).
        unsigned int key = irq_lock();
        uart_irq_rx_enable(console_dev);
        console_rx_isr(console_dev, NULL);
        irq_unlock(key);
    } else {
        k_timer_init(&console_poll_timer, console_poll_tick, NULL);
        k_timer_start(&console_poll_timer, K_MSEC(CONSOLE_POLL_MS), K_MSEC(CONSOLE_POLL_MS));
    }
    return 0;
}

#if defined(CONFIG_UEVENT_TEST_HOOKS)
// Tests: bytes arriving as the RX interrupt delivers them (ISR-safe).
void console_uart_rx_inject(const uint8_t *buf, size_t len) {
    uint8_t reasons = 0;
    for (size_t i = 0; i < len; i++) {
        reasons |= console_rx_byte(buf[i]);
    }
    if (reasons) {
        console_rx_wake(reasons);
    }
}
#endif

#if defined(CONFIG_UEVENT_TEST_HOOKS)
// Tests: takes back bytes a script read, in front of the buffer (the raw
// REPL's next command may be waiting there). False if there is no room.
bool console_uart_rx_unread(const uint8_t *buf, size_t len) {
    unsigned int key = irq_lock();
    uint32_t used = (rx_head + CONSOLE_RX_BUF_SIZE - rx_tail) % CONSOLE_RX_BUF_SIZE;
    bool room = used + len < CONSOLE_RX_BUF_SIZE;
    if (room) {
        for (size_t i = len; i-- > 0;) {
            rx_tail = (rx_tail + CONSOLE_RX_BUF_SIZE - 1) % CONSOLE_RX_BUF_SIZE;
            rx_buf[rx_tail] = buf[i];
        }
    }
    irq_unlock(key);
    return room;
}
#endif

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
