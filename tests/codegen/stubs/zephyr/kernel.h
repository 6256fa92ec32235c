/* Host stand-in for Zephyr's <zephyr/kernel.h>: poll signals, work items. */
#ifndef STUB_ZEPHYR_KERNEL_H
#define STUB_ZEPHYR_KERNEL_H

#include <stddef.h>

struct k_poll_signal {
    unsigned int signaled;
    int result;
    int init_count; /* stand-in only: how often k_poll_signal_init() ran */
};

void k_poll_signal_init(struct k_poll_signal *sig);

struct k_work_delayable {
    int pending;
};

#endif
