/*
 * Frames the LAN9220 driver has no packet for: read out, not skipped.
 *
 * When Zephyr 3.5's eth_smsc911x (mps2_an385's LAN9220) finds the receive
 * packets all taken, it drops the frame with the controller's fast-forward
 * (RX_DP_CTRL.RX_FFWD). QEMU's LAN9118 model moves its data FIFO's head on
 * a fast-forward but neither the FIFO's fill count nor the frame being
 * read: from then on the data and the frame sizes are out of step, the
 * count only grows, and QEMU soon drops every frame. The board's network
 * is dead until a reset (a storm of clients, or a peer's small segments
 * left unread, reach it). The datasheet also forbids a fast-forward of a
 * frame under four words, which the driver does not check.
 *
 * The driver fast-forwards in two cases: no packet is free, or the frame
 * is longer than the packet (one MTU and an Ethernet header: a host's
 * 1472-byte datagram, a 1514-byte frame, against mps2_an385's MTU of 1498).
 *
 * The link wraps the driver's packet allocation and its hand-over to the
 * stack (port.cmake). In both cases, in the driver's interrupt, the wrap
 * lends a spare packet kept for this, big enough for any frame QEMU
 * delivers; the driver reads the frame into it as usual, and the hand-over
 * drops it and keeps the spare for the next time. The frame is lost as
 * before (TCP sends it again), but the FIFO stays in step.
 */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/printk.h>
#include <zephyr/init.h>
#include <zephyr/net/net_core.h>
#include <zephyr/net/net_pkt.h>

#include "lan9220_rx_discard.h"

#if defined(CONFIG_NET_DEBUG_NET_PKT_ALLOC) || CONFIG_NET_PKT_LOG_LEVEL >= LOG_LEVEL_DBG
#error "net_pkt's allocation debugging renames the allocation this file wraps"
#endif

// QEMU's model takes frames under 2048 bytes; the driver asks for the
// frame rounded up to four bytes, without its checksum.
#define LAN9220_SPARE_BYTES (2048)

struct net_pkt *__real_net_pkt_rx_alloc_with_buffer(struct net_if *iface, size_t size,
    sa_family_t family, enum net_ip_protocol proto, k_timeout_t timeout);
int __real_net_recv_data(struct net_if *iface, struct net_pkt *pkt);

static struct net_pkt *lan9220_spare;
static uint32_t lan9220_frames_dropped;

// The spare, empty again for the next frame, or NULL while it is lent
// (the driver reads one frame per interrupt and hands it over before the
// next: never, but a second lend would reset the frame being read).
static struct net_pkt *lan9220_spare_lend(void) {
    if (atomic_get(&lan9220_spare->atomic_ref) != 1) {
        return NULL;
    }
    for (struct net_buf *buf = lan9220_spare->buffer; buf != NULL; buf = buf->frags) {
        net_buf_simple_reset(&buf->b);  // its data, not its chain
    }
    net_pkt_cursor_init(lan9220_spare);
    // The driver's reference: dropped by the hand-over, or by the driver
    // itself if reading the frame fails. The spare keeps its own.
    net_pkt_ref(lan9220_spare);
    lan9220_frames_dropped++;
    return lan9220_spare;
}

// Context: the driver's interrupt, and the stack's threads (other callers).
struct net_pkt *__wrap_net_pkt_rx_alloc_with_buffer(struct net_if *iface, size_t size,
    sa_family_t family, enum net_ip_protocol proto, k_timeout_t timeout) {
    struct net_pkt *pkt = __real_net_pkt_rx_alloc_with_buffer(iface, size, family, proto, timeout);
    if (!k_is_in_isr() || lan9220_spare == NULL || size > LAN9220_SPARE_BYTES) {
        return pkt;
    }
    if (pkt != NULL && net_pkt_available_buffer(pkt) < size) {
        // Zephyr made it one MTU long: the frame would not fit.
        net_pkt_unref(pkt);
        pkt = NULL;
    }
    return pkt != NULL ? pkt : lan9220_spare_lend();
}

int __wrap_net_recv_data(struct net_if *iface, struct net_pkt *pkt) {
    if (pkt != NULL && pkt == lan9220_spare) {
        net_pkt_unref(pkt);
        return 0;
    }
    return __real_net_recv_data(iface, pkt);
}

uint32_t lan9220_rx_frames_dropped(void) {
    return lan9220_frames_dropped;
}

// After the stack's pools exist, before the network carries anything.
static int lan9220_spare_init(void) {
    struct net_pkt *pkt = net_pkt_rx_alloc(K_NO_WAIT);
    if (pkt == NULL) {
        printk("lan9220: no spare receive packet\n");
        return -ENOMEM;
    }
    size_t room = 0;
    while (room < LAN9220_SPARE_BYTES) {
        size_t want = LAN9220_SPARE_BYTES - room;
        #if defined(CONFIG_NET_BUF_FIXED_DATA_SIZE)
        want = MIN(want, CONFIG_NET_BUF_DATA_SIZE);
        #endif
        struct net_buf *buf = net_pkt_get_reserve_rx_data(want, K_NO_WAIT);
        if (buf == NULL) {
            net_pkt_unref(pkt);
            printk("lan9220: no spare receive packet (%u bytes)\n", LAN9220_SPARE_BYTES);
            return -ENOMEM;
        }
        room += net_buf_tailroom(buf);
        net_pkt_append_buffer(pkt, buf);
    }
    lan9220_spare = pkt;
    return 0;
}
SYS_INIT(lan9220_spare_init, APPLICATION, 0);
