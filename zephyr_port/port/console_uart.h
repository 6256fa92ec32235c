// REPL console on the zephyr,console UART (see console_uart.c).
#ifndef UEVENT_PORT_CONSOLE_UART_H
#define UEVENT_PORT_CONSOLE_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Context: boot or soft reset only.
int console_uart_init(void);
// Context: any (ISR-safe).
bool console_uart_rx_any(void);
uint32_t console_uart_rx_dropped(void);
// Tests only (CONFIG_UEVENT_TEST_HOOKS): input as the RX ISR stores it.
// Context: any (ISR-safe).
void console_uart_rx_inject(const uint8_t *buf, size_t len);
bool console_uart_rx_unread(const uint8_t *buf, size_t len);
// uevent source behind sys.stdin: READ while input is buffered.
// Context: any (ISR-safe).
struct uevent_source *console_uart_source(void);

#endif // UEVENT_PORT_CONSOLE_UART_H
