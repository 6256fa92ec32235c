// Sockets as uevent sources: a pool of slots outside the GC heap, one per
// open socket, each with a watcher that raises the socket's source when
// Zephyr's network stack makes it ready (docs/network.md).
#ifndef UEVENT_SOCKET_WATCH_H
#define UEVENT_SOCKET_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/kernel.h>

#include "uevent_source.h"

typedef struct socket_slot {
    int fd;                         // Zephyr's socket; -1: the slot is free
    uevent_source_t source;         // READ/WRITE levels, raised by the watcher
    struct k_work_poll watch;       // fires on the socket's k_poll objects
    struct k_poll_event events[2];  // the receive queue, the connect/send semaphore
    atomic_t ready;                 // READ/WRITE seen since Python last used them up
    atomic_t want;                  // what the watcher waits for
    uint8_t empty_fires;            // fires in a row that found nothing (the watcher's)
    void *context;                  // Zephyr's net_context of the socket
    bool connection_closed;         // the TCP connection ended: nothing left to watch but READ
    uint8_t close_error;            // the errno it ended with (ECONNRESET...); 0: the peer's FIN
    bool closed;                    // closed by Python: READ|WRITE, calls fail
} socket_slot_t;

// What the watcher has seen and Python has not used up (READ, WRITE); a
// closed socket is both.
// Context: any.
static inline uint16_t socket_slot_ready(socket_slot_t *slot) {
    return slot->closed ? (UEVENT_READ | UEVENT_WRITE) : (uint16_t)atomic_get(&slot->ready);
}
// A slot for a new socket `fd` (non-blocking), or NULL when the pool is full.
// Context: Python thread, GIL held; never raises.
socket_slot_t *socket_slot_alloc(int fd);
// Closes the socket and frees the slot; waiters on it wake (READ|WRITE).
// Context: Python thread, GIL held; never raises.
void socket_slot_close(socket_slot_t *slot);
// Every socket closed (soft reset).
// Context: Python thread, GIL held; never raises.
void socket_slot_close_all(void);
// Python used `events` up (a call returned EAGAIN, or read what there
// was): they are not ready until the watcher sees them again, which it is
// (re)armed for here.
// Context: Python thread, GIL held; never raises.
void socket_slot_used(socket_slot_t *slot, uint16_t events);
// What the watcher watches: READ (data, a connection, EOF) and WRITE (room
// to send, a connect that ended) as the socket's state allows (a listening
// socket has no WRITE, an unconnected TCP socket nothing).
// Context: Python thread, GIL held; never raises.
void socket_slot_want(socket_slot_t *slot, uint16_t events);
// The TCP connection of `context` ended (FIN, reset, timeout; `status` is
// 0 or a negative errno): its slot, if any, keeps why, stops watching the
// connection's objects and wakes its waiters.
// Context: the network stack's threads.
void socket_slot_connection_closed(void *context, int status);
// For a connection just accepted: one that a reset ended before accept()
// was never told to a slot; Zephyr kept its error, which the slot takes
// (read from the context: the queued data is not touched).
// Context: Python thread, GIL held; never raises.
void socket_slot_adopt_early_close(socket_slot_t *slot);
// What is ready now, asked of the stack (no wait): READ, WRITE; an error or
// a peer close is both.
// Context: Python thread or the watcher's workqueue; never raises.
uint16_t socket_slot_poll_now(socket_slot_t *slot, uint16_t events);

#endif // UEVENT_SOCKET_WATCH_H
