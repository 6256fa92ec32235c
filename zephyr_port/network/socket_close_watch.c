/*
 * Closes of connections, seen by the socket watchers (socket_watch.c).
 *
 * When a TCP connection ends (the peer's FIN or reset, a timeout), Zephyr
 * 3.5 calls the socket's receive callback with no packet. Zephyr's own
 * callback then marks the last queued packet or cancels the receive
 * queue's waiters, but when data is still queued it signals no k_poll
 * object: a watcher waiting for room to send (the send semaphore) is never
 * woken, and the connection is later freed with the watcher's event still
 * linked to that semaphore.
 *
 * A connect that fails (refused, timed out) ends the connection through
 * the connect callback instead, and Zephyr keeps its error only for a
 * second connect(): a recv or send after it says ENOTCONN.
 *
 * The link wraps net_context_recv and net_context_connect (port.cmake) so
 * that the receive and connect callbacks of IPv4 and IPv6 sockets are
 * ours: each calls Zephyr's, then tells the socket's slot
 * (socket_slot_connection_closed), which keeps the error, unregisters the
 * watcher while the connection still exists and wakes its waiters.
 */
#include <zephyr/net/net_context.h>

#include "socket_watch.h"

int __real_net_context_recv(struct net_context *context, net_context_recv_cb_t cb,
    k_timeout_t timeout, void *user_data);
int __real_net_context_connect(struct net_context *context, const struct sockaddr *addr,
    socklen_t addrlen, net_context_connect_cb_t cb, k_timeout_t timeout, void *user_data);

// Zephyr's socket callbacks (one function each for every socket), taken
// from the first IPv4/IPv6 TCP context that gives one; other callbacks
// pass through. Only TCP: the DNS resolver's UDP contexts take their own
// receive callback, maybe before any socket does.
static net_context_recv_cb_t socket_stack_recv_cb;
static net_context_connect_cb_t socket_stack_connect_cb;

static bool socket_is_tcp(struct net_context *context) {
    sa_family_t family = net_context_get_family(context);
    return (family == AF_INET || family == AF_INET6) && net_context_get_type(context) == SOCK_STREAM;
}

// Runs on the network stack's threads.
static void socket_recv_cb(struct net_context *context, struct net_pkt *pkt,
    union net_ip_header *ip_hdr, union net_proto_header *proto_hdr, int status, void *user_data) {
    socket_stack_recv_cb(context, pkt, ip_hdr, proto_hdr, status, user_data);
    if (pkt == NULL) {
        socket_slot_connection_closed(context, status);
    }
}

// Runs on the network stack's threads.
static void socket_connect_cb(struct net_context *context, int status, void *user_data) {
    socket_stack_connect_cb(context, status, user_data);
    if (status < 0) {
        // A connect answered by a reset: nothing listens (Zephyr 3.5 says
        // ECONNRESET; POSIX, ECONNREFUSED).
        socket_slot_connection_closed(context, status == -ECONNRESET ? -ECONNREFUSED : status);
    }
}

int __wrap_net_context_recv(struct net_context *context, net_context_recv_cb_t cb,
    k_timeout_t timeout, void *user_data) {
    if (cb != NULL && socket_is_tcp(context)) {
        if (socket_stack_recv_cb == NULL) {
            socket_stack_recv_cb = cb;
        }
        if (cb == socket_stack_recv_cb) {
            cb = socket_recv_cb;
        }
    }
    return __real_net_context_recv(context, cb, timeout, user_data);
}

int __wrap_net_context_connect(struct net_context *context, const struct sockaddr *addr,
    socklen_t addrlen, net_context_connect_cb_t cb, k_timeout_t timeout, void *user_data) {
    if (cb != NULL && socket_is_tcp(context)) {
        if (socket_stack_connect_cb == NULL) {
            socket_stack_connect_cb = cb;
        }
        if (cb == socket_stack_connect_cb) {
            cb = socket_connect_cb;
        }
    }
    return __real_net_context_connect(context, addr, addrlen, cb, timeout, user_data);
}
