/*
 * _uevent_testnet: Zephyr's own counters of the network stack, for the
 * leak tests of test images with networking (tests/firmware/repl/pytest/
 * test_network.py). counters() is a dict of what is free in each packet
 * and buffer pool and how many network contexts (sockets, connections)
 * are in use. Python thread only (a RuntimeError in a hard IRQ handler).
 * rx_frames_dropped(): on mps2_an385, the frames the LAN9220 driver had
 * no packet for (zephyr_port/network/lan9220_rx_discard.c).
 */
#include "py/runtime.h"

#if defined(CONFIG_MICROPY_PY_SOCKET) && defined(CONFIG_NET_BUF_POOL_USAGE)

#include <zephyr/net/net_context.h>
#include <zephyr/net/net_pkt.h>

#include "port_hard_irq.h"
#if defined(CONFIG_ETH_SMSC911X)
#include "lan9220_rx_discard.h"
#endif

static void test_net_count_context(struct net_context *context, void *user_data) {
    (void)context;
    (*(mp_int_t *)user_data)++;
}

static void test_net_store(mp_obj_t dict, qstr key, mp_int_t value) {
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(key), MP_OBJ_NEW_SMALL_INT(value));
}

static mp_obj_t test_net_counters(void) {
    // net_context_foreach takes Zephyr's context lock.
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("can't read network counters in a hard IRQ handler"));
    }
    struct k_mem_slab *rx, *tx;
    struct net_buf_pool *rx_data, *tx_data;
    net_pkt_get_info(&rx, &tx, &rx_data, &tx_data);
    mp_int_t contexts = 0;
    net_context_foreach(test_net_count_context, &contexts);
    mp_obj_t dict = mp_obj_new_dict(5);
    test_net_store(dict, MP_QSTR_rx_pkts_free, k_mem_slab_num_free_get(rx));
    test_net_store(dict, MP_QSTR_tx_pkts_free, k_mem_slab_num_free_get(tx));
    test_net_store(dict, MP_QSTR_rx_bufs_free, atomic_get(&rx_data->avail_count));
    test_net_store(dict, MP_QSTR_tx_bufs_free, atomic_get(&tx_data->avail_count));
    test_net_store(dict, MP_QSTR_contexts_used, contexts);
    return dict;
}
static MP_DEFINE_CONST_FUN_OBJ_0(test_net_counters_obj, test_net_counters);

#if defined(CONFIG_ETH_SMSC911X)
static mp_obj_t test_net_rx_frames_dropped(void) {
    return mp_obj_new_int_from_uint(lan9220_rx_frames_dropped());
}
static MP_DEFINE_CONST_FUN_OBJ_0(test_net_rx_frames_dropped_obj, test_net_rx_frames_dropped);
#endif

static const mp_rom_map_elem_t test_net_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__uevent_testnet) },
    { MP_ROM_QSTR(MP_QSTR_counters), MP_ROM_PTR(&test_net_counters_obj) },
    #if defined(CONFIG_ETH_SMSC911X)
    { MP_ROM_QSTR(MP_QSTR_rx_frames_dropped), MP_ROM_PTR(&test_net_rx_frames_dropped_obj) },
    #endif
};
static MP_DEFINE_CONST_DICT(test_net_module_globals, test_net_module_globals_table);

const mp_obj_module_t test_net_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&test_net_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR__uevent_testnet, test_net_module);

#endif
