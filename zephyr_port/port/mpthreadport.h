// _thread on Zephyr threads (see mpthreadport.c).
#ifndef UEVENT_PORT_MPTHREADPORT_H
#define UEVENT_PORT_MPTHREADPORT_H

#include <zephyr/kernel.h>

// A binary semaphore, not a k_mutex: a Python lock may be released by a
// thread other than the one that acquired it.
typedef struct _mp_thread_mutex_t {
    struct k_sem sem;
} mp_thread_mutex_t;

// Registers the calling thread as the main MicroPython thread (each boot
// and soft reset).
// Context: boot or soft reset only.
void mp_thread_init(void);
// At soft reset, with the GIL held by the main thread: ends the others.
// Context: boot or soft reset only.
void mp_thread_deinit(void);
// From gc_collect(): traces the stacks and state of the other threads.
// Context: Python thread, GIL held; never raises.
void mp_thread_gc_others(void);
// Waker index of the calling Zephyr thread (port_wait.c): 0 main, 1 + slot,
// -1 none. Any thread; not in an ISR.
// Context: any thread, not an ISR; never raises.
int mp_thread_port_waker_index(void);

#endif // UEVENT_PORT_MPTHREADPORT_H
