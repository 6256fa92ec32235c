// How Python threads sleep and who wakes them (see port_wait.c and
// docs/uevent.md, "Who wakes whom").
#ifndef UEVENT_PORT_WAIT_H
#define UEVENT_PORT_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/kernel.h>

// Why a thread is woken. Each wait says which reasons end it.
#define PORT_WAKE_SCHED (1)     // soft callbacks or an exception pending, scheduler unlocked
#define PORT_WAKE_IO    (2)     // console or UART input arrived
#define PORT_WAKE_ALL   (PORT_WAKE_SCHED | PORT_WAKE_IO)

// One per Python thread: the signal its waits sleep on.
typedef struct port_waker {
    struct k_poll_signal signal;
    uint8_t pending;            // reasons raised, not yet taken by a wait
    uint8_t listen;             // reasons that raise the signal (0: not waiting)
    uint32_t runs_seen;         // port_sched_runs() when its last wait began
    // What the thread holds while it sleeps without the GIL (a poller slot
    // kept from reuse), given back for it if it never returns to Python.
    void (*held_release)(void *held);
    void *held;
} port_waker_t;

// At boot: every waker idle.
// Context: boot or soft reset only.
void port_wait_init(void);
// A new Python thread in waker slot `index` starts with nothing pending.
// Context: Python thread, GIL held; never raises.
void port_waker_reset(size_t index);

// Marks `reasons` pending on every Python thread and raises the
// signal of each thread whose wait listens for one of them.
// Context: any (ISR-safe).
void port_wake(uint8_t reasons);

// The calling thread's waker; raises RuntimeError where a wait must not
// block (a hard IRQ handler, an ISR, a thread that is not Python's).
// Context: Python code anywhere, a hard IRQ handler too; may raise (it is the check).
port_waker_t *port_waker_current(void);
// A thread about to sleep holding `held` says how to give it back
// (port_waker_hold); back from the sleep, it gives it back itself and
// forgets the hold (port_waker_unhold). A thread that is aborted, or ends
// itself at a soft reset, before it is back has it given back by
// port_waker_abandon(index) (mpthreadport.c).
// Context: Python thread, GIL held; never raises.
void port_waker_hold(port_waker_t *w, void (*release)(void *held), void *held);
void port_waker_unhold(port_waker_t *w);
// Context: any thread, not an ISR; never raises.
void port_waker_abandon(size_t index);
// Starts listening for `reasons`: false (and takes them) if one is already
// pending, so the caller must not sleep.
// Context: Python thread, GIL held; never raises.
bool port_waker_arm(port_waker_t *w, uint8_t reasons);
// After the k_poll: takes the reasons listened for, stops listening.
// Context: Python thread, GIL held; never raises.
void port_waker_disarm(port_waker_t *w);

// True while soft callbacks could run now, or an exception is pending for
// this thread: a wait must run them instead of sleeping.
// Context: Python thread, GIL held; never raises.
bool port_pending_runnable(void);
// Runs every soft callback queued now (MicroPython runs one per call of
// mp_handle_pending) and raises a pending exception.
// Context: Python thread, GIL held; may raise.
void port_run_pending(void);

// MICROPY_SCHED_HOOK_SCHEDULED: counts the callback, wakes every thread.
// Context: any (ISR-safe).
void port_sched_hook(void);
// Python soft callbacks started since boot (on any thread). A callback may
// make a waiting caller's condition true anywhere Python runs (even inside
// that caller's own check, a stream's Python ioctl): a generic wait does
// not sleep if one ran since its thread's previous wait.
// Context: any (ISR-safe).
uint32_t port_sched_runs(void);

// Sleeps until one of `reasons` is raised or timeout_ms passes (-1: no
// timeout). Returns at once while soft callbacks are runnable.
// Context: Python thread, GIL held; may raise.
void port_wait_ms(uint8_t reasons, int32_t timeout_ms);

#endif // UEVENT_PORT_WAIT_H
