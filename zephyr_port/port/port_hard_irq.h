// Whether the code running now is a hard IRQ, apart from how Python is
// called there (port_irq.c): what every wait checks before it blocks.
#ifndef UEVENT_PORT_HARD_IRQ_H
#define UEVENT_PORT_HARD_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/kernel.h>

// Python hard IRQ handlers running now (nested ones add up); changed only
// by port_irq.c around each call. One CPU: a plain counter.
extern volatile uint32_t port_hard_irq_depth;

// True in an ISR or while a hard IRQ handler runs (gpio-emul runs those in
// the caller's thread): nothing may block or take the GIL there.
// Context: any (ISR-safe).
static inline bool port_in_hard_irq(void) {
    return port_hard_irq_depth > 0 || k_is_in_isr();
}

#endif // UEVENT_PORT_HARD_IRQ_H
