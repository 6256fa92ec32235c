/*
 * Sockets as uevent sources (docs/network.md).
 *
 * Each open socket has a slot here, outside the GC heap: the workqueue and
 * the stack's threads never touch Python memory. A slot's watcher is a
 * Zephyr triggered work (k_work_poll) on the socket's own k_poll objects,
 * the ones zsock_poll() waits on (its receive queue, and its connect or
 * send semaphore): when the stack makes one ready, the watcher runs once,
 * asks the stack what is ready (a no-wait poll of this one socket), marks
 * it in `ready`, raises the slot's uevent source and wakes blocking calls
 * (PORT_WAKE_IO). The cost of an event does not depend on how many sockets
 * are open, and nothing polls while nothing happens.
 *
 * READ and WRITE are levels, as for streams: `ready` keeps them until
 * Python uses them up (a call returns EAGAIN), which arms the watcher again.
 * The watcher is armed only for what is not ready, so unread data never
 * fires it twice. Every socket is non-blocking in Zephyr; a blocking
 * Python call is a wait on `ready`, so the watcher is the only waiter on
 * the socket's k_poll objects (Zephyr wakes only the first).
 */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/net/net_context.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/socket.h>
#include <zephyr/sys/fdtable.h>

#include "port_wait.h"
#include "socket_watch.h"
// Zephyr's own (subsys/net/lib/sockets, port.cmake): sock_is_error().
#include "sockets_internal.h"

#define SOCKET_WATCH_STACK_SIZE (1024)
#define SOCKET_WATCH_PRIORITY   K_PRIO_COOP(8)
// After two fires in a row that found nothing: wait at most this long.
#define SOCKET_WATCH_EMPTY_RETRY_MS (50)

static K_THREAD_STACK_DEFINE(socket_watch_stack, SOCKET_WATCH_STACK_SIZE);
static struct k_work_q socket_watch_q;
static socket_slot_t socket_slots[CONFIG_MICROPY_SOCKET_MAX];
// Serialises arming (the Python thread and the watcher both arm).
static K_MUTEX_DEFINE(socket_arm_lock);

static uint16_t revents_to_events(short revents) {
    uint16_t events = 0;
    if (revents & ZSOCK_POLLIN) {
        events |= UEVENT_READ;
    }
    if (revents & ZSOCK_POLLOUT) {
        events |= UEVENT_WRITE;
    }
    if (revents & (ZSOCK_POLLERR | ZSOCK_POLLHUP | ZSOCK_POLLNVAL)) {
        // As POSIX poll reports them: the next call says what happened.
        events |= UEVENT_READ | UEVENT_WRITE;
    }
    return events;
}

// The socket's object and lock, or NULL once it is closed.
static void *slot_socket(socket_slot_t *slot, const struct fd_op_vtable **vtable, struct k_mutex **lock) {
    if (slot->closed || slot->fd < 0) {
        return NULL;
    }
    return z_get_fd_obj_and_vtable(slot->fd, vtable, lock);
}

// A TCP socket whose connection Zephyr released (a refused or timed-out
// connect, a reset) has no connect or send semaphore left: PREPARE would
// take one from a NULL connection (Zephyr issue #63952). Its next call
// says what happened, so it is READ and WRITE.
// Context: the socket's lock held and the scheduler locked, so that the
// stack's threads cannot release the connection after the check.
static bool slot_connection_released(socket_slot_t *slot, void *obj) {
    struct net_context *ctx = obj;
    return net_context_get_type(ctx) == SOCK_STREAM && (ctx->tcp == NULL || slot->connection_closed);
}

uint16_t socket_slot_poll_now(socket_slot_t *slot, uint16_t events) {
    events &= UEVENT_READ | UEVENT_WRITE;
    const struct fd_op_vtable *vtable;
    struct k_mutex *lock;
    void *obj = slot_socket(slot, &vtable, &lock);
    if (obj == NULL) {
        return events;
    }
    struct zsock_pollfd pfd = {
        .fd = slot->fd,
        .events = ((events & UEVENT_READ) ? ZSOCK_POLLIN : 0)
            | ((events & UEVENT_WRITE) ? ZSOCK_POLLOUT : 0),
    };
    uint16_t now = 0;
    // zsock_poll takes the same (recursive) lock: it does not block here.
    k_mutex_lock(lock, K_FOREVER);
    k_sched_lock();
    if (slot_connection_released(slot, obj)) {
        now = events;
    } else if (pfd.events != 0 && zsock_poll(&pfd, 1, 0) > 0) {
        now = revents_to_events(pfd.revents) & events;
    }
    k_sched_unlock();
    k_mutex_unlock(lock);
    return now;
}

static void slot_deliver(socket_slot_t *slot, uint16_t events) {
    atomic_or(&slot->ready, events);
    port_wake(PORT_WAKE_IO);
    uevent_source_raise(&slot->source, events);
}

// Arms the watcher for what the slot wants and is not ready, or delivers
// at once what the stack says is ready already.
static void slot_arm(socket_slot_t *slot) {
    k_mutex_lock(&socket_arm_lock, K_FOREVER);
    uint16_t wait_for = atomic_get(&slot->want) & ~atomic_get(&slot->ready);
    if (slot->closed || slot->fd < 0 || wait_for == 0) {
        k_mutex_unlock(&socket_arm_lock);
        return;
    }
    // Unregister before PREPARE rewrites the events. When the watcher has
    // fired and its work is queued, it cannot be cancelled: its handler
    // runs soon and arms again, for what is wanted then.
    if (k_work_poll_cancel(&slot->watch) != 0
        && (k_work_busy_get(&slot->watch.work) & K_WORK_QUEUED)) {
        k_mutex_unlock(&socket_arm_lock);
        return;
    }
    const struct fd_op_vtable *vtable;
    struct k_mutex *lock;
    void *obj = slot_socket(slot, &vtable, &lock);
    if (obj == NULL) {
        k_mutex_unlock(&socket_arm_lock);
        slot_deliver(slot, wait_for);
        return;
    }
    struct k_poll_event *pev = slot->events;
    struct zsock_pollfd pfd = {
        .fd = slot->fd,
        .events = ((wait_for & UEVENT_READ) ? ZSOCK_POLLIN : 0)
            | ((wait_for & UEVENT_WRITE) ? ZSOCK_POLLOUT : 0),
    };
    uint16_t now = 0;
    k_mutex_lock(lock, K_FOREVER);
    k_sched_lock();
    int ret = slot_connection_released(slot, obj) ? -ENOTCONN
        : z_fdtable_call_ioctl(vtable, obj, ZFD_IOCTL_POLL_PREPARE,
        &pfd, &pev, slot->events + ARRAY_SIZE(slot->events));
    int n = pev - slot->events;
    if (ret == -EALREADY) {
        // Something is ready already (UDP can always send, an error or EOF
        // is set): deliver it, and still watch the events PREPARE gathered
        // for the rest (a UDP socket's receive queue).
        now = socket_slot_poll_now(slot, wait_for);
    } else if (ret < 0) {
        // No connection left, or the socket is gone: the next call says why.
        now = wait_for;
        n = 0;
    }
    if (n > 0 && (wait_for & ~now) != 0) {
        // Fires at once if an object is ready already.
        k_work_poll_submit_to_queue(&socket_watch_q, &slot->watch, slot->events, n,
            slot->empty_fires >= 2 ? K_MSEC(SOCKET_WATCH_EMPTY_RETRY_MS) : K_FOREVER);
    }
    k_sched_unlock();
    k_mutex_unlock(lock);
    k_mutex_unlock(&socket_arm_lock);
    if (now != 0) {
        slot_deliver(slot, now);
    }
}

static void slot_watch_fired(struct k_work *work) {
    struct k_work_poll *watch = CONTAINER_OF(work, struct k_work_poll, work);
    socket_slot_t *slot = CONTAINER_OF(watch, socket_slot_t, watch);
    if (slot->closed || slot->fd < 0) {
        return;
    }
    uint16_t now = socket_slot_poll_now(slot, atomic_get(&slot->want));
    if (now != 0) {
        slot_deliver(slot, now);
        slot->empty_fires = 0;
    } else if (watch->poll_result == -EAGAIN) {
        // A timed re-arm (below) ran out: wait without a timeout again.
        slot->empty_fires = 0;
    } else if (slot->empty_fires < UINT8_MAX) {
        // Woken for nothing the stack reports: an object was given and
        // taken again before this ran (the usual case, harmless), or one
        // stays ready while poll does not count it, which would fire at
        // once for ever on this cooperative thread. After two in a row the
        // next wait has a timeout (slot_arm).
        slot->empty_fires++;
    }
    // Wait again for what is wanted and still not ready: the other event
    // (data after the connect's WRITE), or all of it when woken for
    // nothing (Python took the data meanwhile).
    slot_arm(slot);
}

static uint16_t slot_level(uevent_source_t *src) {
    socket_slot_t *slot = CONTAINER_OF(src, socket_slot_t, source);
    if (slot->closed) {
        return UEVENT_READ | UEVENT_WRITE;
    }
    return atomic_get(&slot->ready) & (UEVENT_READ | UEVENT_WRITE);
}

// The workqueue and the pool, on the first socket.
static bool socket_watch_started;

// Zephyr 3.5's eth_smsc911x (mps2_an385's LAN9220) reads a frame of F
// bytes as F rounded up to 4 into a packet of at most MTU + 14 bytes: with
// the MTU at 1500, a full-size frame (1514, read as 1516) is dropped and
// TCP stalls on the peer's first full segment. At 1498 every frame up to
// the MTU fits (TCP's MSS follows the MTU). Set before main() runs.
#if DT_HAS_COMPAT_STATUS_OKAY(smsc_lan9220)
static int socket_network_quirks(void) {
    struct net_if *iface = net_if_get_default();
    if (iface != NULL && net_if_get_mtu(iface) > 1498) {
        net_if_set_mtu(iface, 1498);
    }
    return 0;
}
SYS_INIT(socket_network_quirks, APPLICATION, 0);
#endif

static void socket_watch_start(void) {
    k_work_queue_start(&socket_watch_q, socket_watch_stack,
        K_THREAD_STACK_SIZEOF(socket_watch_stack), SOCKET_WATCH_PRIORITY, NULL);
    k_thread_name_set(&socket_watch_q.thread, "socket_watch");
    for (size_t i = 0; i < ARRAY_SIZE(socket_slots); i++) {
        socket_slots[i].fd = -1;
    }
    socket_watch_started = true;
}

socket_slot_t *socket_slot_alloc(int fd) {
    if (!socket_watch_started) {
        socket_watch_start();
    }
    for (size_t i = 0; i < ARRAY_SIZE(socket_slots); i++) {
        socket_slot_t *slot = &socket_slots[i];
        if (slot->fd < 0) {
            slot->fd = fd;
            slot->closed = false;
            atomic_set(&slot->ready, 0);
            atomic_set(&slot->want, 0);
            slot->empty_fires = 0;
            slot->connection_closed = false;
            slot->close_error = 0;
            const struct fd_op_vtable *vtable;
            struct k_mutex *lock;
            slot->context = z_get_fd_obj_and_vtable(fd, &vtable, &lock);
            k_work_poll_init(&slot->watch, slot_watch_fired);
            uevent_source_init_level(&slot->source, slot_level);
            return slot;
        }
    }
    return NULL;
}

void socket_slot_used(socket_slot_t *slot, uint16_t events) {
    atomic_and(&slot->ready, ~(atomic_val_t)events);
    slot_arm(slot);
}

void socket_slot_want(socket_slot_t *slot, uint16_t events) {
    atomic_set(&slot->want, events);
    slot_arm(slot);
}

void socket_slot_close(socket_slot_t *slot) {
    if (slot->fd < 0) {
        return;
    }
    slot->closed = true;
    k_mutex_lock(&socket_arm_lock, K_FOREVER);
    k_work_poll_cancel(&slot->watch);
    k_mutex_unlock(&socket_arm_lock);
    // A watcher that fired is queued and cannot be cancelled: let its
    // handler run (it sees `closed` and does nothing), which unregisters
    // the events still linked to the socket's objects. Cancelling the work
    // would leave them linked to objects about to be freed.
    struct k_work_sync sync;
    k_work_flush(&slot->watch.work, &sync);
    // Waiters wake (READ|WRITE) and find the socket closed.
    slot_deliver(slot, UEVENT_READ | UEVENT_WRITE);
    uevent_source_detach_all(&slot->source);
    slot->context = NULL;
    zsock_close(slot->fd);
    slot->fd = -1;
}

void socket_slot_connection_closed(void *context, int status) {
    for (size_t i = 0; i < ARRAY_SIZE(socket_slots); i++) {
        socket_slot_t *slot = &socket_slots[i];
        if (slot->context != context || slot->fd < 0) {
            continue;
        }
        // Before the connection's semaphores can be freed: later arms see
        // the flag and watch only the receive queue. A watcher already
        // queued unlinks its events itself when it runs.
        // The first error stays: a later callback (a timeout after the
        // reset) does not change why the connection ended.
        if (slot->close_error == 0 && status < 0 && -status <= UINT8_MAX) {
            slot->close_error = -status;
        }
        slot->connection_closed = true;
        k_work_poll_cancel(&slot->watch);
        slot_deliver(slot, UEVENT_READ | UEVENT_WRITE);
        return;
    }
}

void socket_slot_adopt_early_close(socket_slot_t *slot) {
    // Zephyr's socket layer kept the error in the context (its receive
    // callback sets SOCK_ERROR, with the errno in user_data). Read it there:
    // a recv, even a peek, moves the queued packets (Zephyr 3.5 puts a
    // peeked packet back at the tail).
    struct net_context *ctx = slot->context;
    if (ctx == NULL || !sock_is_error(ctx)) {
        return;
    }
    int err = POINTER_TO_INT(ctx->user_data);
    if (slot->close_error == 0 && err > 0 && err <= UINT8_MAX) {
        slot->close_error = err;
    }
    slot->connection_closed = true;
}

void socket_slot_close_all(void) {
    if (!socket_watch_started) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(socket_slots); i++) {
        socket_slot_close(&socket_slots[i]);
    }
}
