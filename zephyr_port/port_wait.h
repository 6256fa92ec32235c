// The port's wake signal and timed wait (see port_wait.c).
#ifndef UEVENT_PORT_WAIT_H
#define UEVENT_PORT_WAIT_H

#include <stdint.h>
#include <zephyr/kernel.h>

void uevent_port_wake(void);
void uevent_port_wait_ms(int32_t timeout_ms);
struct k_poll_signal *uevent_port_wake_signal(void);

#endif // UEVENT_PORT_WAIT_H
