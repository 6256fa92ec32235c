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
 * The link wraps net_context_recv (port.cmake) so that the receive callback
 * of IPv4 and IPv6 sockets is ours: it calls Zephyr's, then tells the
 * socket's slot (socket_slot_connection_closed), which unregisters the
 * watcher while the connection still exists and wakes its waiters.
 */
#include <zephyr/net/net_context.h>

#include "socket_watch.h"

int __real_net_context_recv(struct net_context *context, net_context_recv_cb_t cb,
    k_timeout_t timeout, void *user_data);

// Zephyr's socket receive callback (one function for every socket).
static net_context_recv_cb_t socket_stack_recv_cb;

// Runs on the network stack's threads.
static void socket_recv_cb(struct net_context *context, struct net_pkt *pkt,
    union net_ip_header *ip_hdr, union net_proto_header *proto_hdr, int status, void *user_data) {
    socket_stack_recv_cb(context, pkt, ip_hdr, proto_hdr, status, user_data);
    if (pkt == NULL && net_context_get_type(context) == SOCK_STREAM) {
        socket_slot_connection_closed(context, status);
    }
}

int __wrap_net_context_recv(struct net_context *context, net_context_recv_cb_t cb,
    k_timeout_t timeout, void *user_data) {
    sa_family_t family = net_context_get_family(context);
    if (cb != NULL && cb != socket_recv_cb && (family == AF_INET || family == AF_INET6)) {
        socket_stack_recv_cb = cb;
        cb = socket_recv_cb;
    }
    return __real_net_context_recv(context, cb, timeout, user_data);
}
