/*
 * network: the board's Ethernet interface as network.LAN, with
 * MicroPython's common interface API (active, isconnected, ipconfig,
 * ifconfig, config). Zephyr brings the interface up at boot and starts
 * DHCPv4 or sets the static address its Kconfig gives (NET_CONFIG_*);
 * Python changes it here.
 *
 * A LAN is a uevent source: READ while the interface is up with an IPv4
 * address (isconnected()), raised from Zephyr's network management events,
 * so a program waits for DHCP without polling (docs/network.md).
 */
#include <stdio.h>
#include <string.h>
#include <zephyr/net/net_if.h>
#include <zephyr/net/dhcpv4.h>
#include <zephyr/net/ethernet.h>
#include <zephyr/net/net_mgmt.h>
#include <zephyr/net/socket.h>

#include "py/runtime.h"
#include "port_hard_irq.h"
#include "port_wait.h"
#include "uevent_protocol.h"

typedef struct _network_lan_obj_t {
    mp_obj_base_t base;
    struct net_if *iface;           // NULL until the first LAN()
    uevent_source_t source;         // READ: isconnected()
    atomic_t connected;
    struct net_mgmt_event_callback if_events;
    struct net_mgmt_event_callback ipv4_events;
} network_lan_obj_t;

static const mp_obj_type_t network_lan_type;

// One interface, outside the GC heap: Zephyr's callbacks reach it.
static network_lan_obj_t network_lan = { .base = { &network_lan_type } };

// ---- connectivity, as events ----

static bool lan_has_ipv4(struct net_if *iface) {
    return net_if_is_up(iface) && net_if_ipv4_get_global_addr(iface, NET_ADDR_PREFERRED) != NULL;
}

// Stores whether the LAN is connected now; raises READ when it became so.
static bool lan_update(network_lan_obj_t *lan) {
    bool now = lan_has_ipv4(lan->iface);
    if (atomic_set(&lan->connected, now) != now && now) {
        port_wake(PORT_WAKE_IO);
        uevent_source_raise(&lan->source, UEVENT_READ);
    }
    return now;
}

// Runs on Zephyr's network management thread.
static void lan_event(struct net_mgmt_event_callback *cb, uint32_t event, struct net_if *iface) {
    if (iface == network_lan.iface) {
        lan_update(&network_lan);
    }
}

static uint16_t lan_level(uevent_source_t *src) {
    network_lan_obj_t *lan = CONTAINER_OF(src, network_lan_obj_t, source);
    return atomic_get(&lan->connected) ? UEVENT_READ : 0;
}

static void lan_start(network_lan_obj_t *lan, struct net_if *iface) {
    uevent_source_init_level(&lan->source, lan_level);
    // Interface and address events are different layers: two callbacks.
    net_mgmt_init_event_callback(&lan->if_events, lan_event, NET_EVENT_IF_UP | NET_EVENT_IF_DOWN);
    net_mgmt_init_event_callback(&lan->ipv4_events, lan_event,
        NET_EVENT_IPV4_ADDR_ADD | NET_EVENT_IPV4_ADDR_DEL);
    lan->iface = iface;
    atomic_set(&lan->connected, lan_has_ipv4(iface));
    net_mgmt_add_event_callback(&lan->if_events);
    net_mgmt_add_event_callback(&lan->ipv4_events);
    // An event between the first look and the callbacks is not lost.
    lan_update(lan);
}

// ---- addresses ----

static mp_obj_t lan_addr_str(sa_family_t family, const void *addr) {
    char buf[NET_IPV6_ADDR_LEN];
    zsock_inet_ntop(family, addr, buf, sizeof(buf));
    return mp_obj_new_str_from_cstr(buf);
}

static struct in_addr lan_parse_ipv4(mp_obj_t str_in) {
    const char *str = mp_obj_str_get_str(str_in);
    struct in_addr addr;
    if (zsock_inet_pton(AF_INET, str, &addr) != 1) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("not an IPv4 address: '%s'"), str);
    }
    return addr;
}

static struct net_if_ipv4 *lan_ipv4(network_lan_obj_t *lan) {
    struct net_if_ipv4 *ipv4 = lan->iface->config.ip.ipv4;
    if (ipv4 == NULL) {
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("the interface has no IPv4"));
    }
    return ipv4;
}

static struct in_addr lan_addr4(network_lan_obj_t *lan) {
    struct in_addr *addr = net_if_ipv4_get_global_addr(lan->iface, NET_ADDR_PREFERRED);
    struct in_addr none = { 0 };
    return addr ? *addr : none;
}

// Sets a static address: DHCP stops, the old addresses go.
static void lan_set_static(network_lan_obj_t *lan, struct in_addr addr, struct in_addr mask) {
    struct net_if_ipv4 *ipv4 = lan_ipv4(lan);
    #if defined(CONFIG_NET_DHCPV4)
    net_dhcpv4_stop(lan->iface);
    #endif
    for (int i = 0; i < NET_IF_MAX_IPV4_ADDR; i++) {
        struct net_if_addr *a = &ipv4->unicast[i];
        if (a->is_used) {
            struct in_addr old = a->address.in_addr;
            net_if_ipv4_addr_rm(lan->iface, &old);
        }
    }
    if (net_if_ipv4_addr_add(lan->iface, &addr, NET_ADDR_MANUAL, 0) == NULL) {
        mp_raise_OSError(MP_ENOMEM);
    }
    net_if_ipv4_set_netmask(lan->iface, &mask);
}

static void lan_set_dhcp4(network_lan_obj_t *lan, bool on) {
    #if defined(CONFIG_NET_DHCPV4)
    if (on) {
        net_dhcpv4_start(lan->iface);
    } else {
        net_dhcpv4_stop(lan->iface);
    }
    #else
    if (on) {
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("DHCPv4 is not in this build (CONFIG_NET_DHCPV4)"));
    }
    #endif
}

static bool lan_dhcp4(network_lan_obj_t *lan) {
    #if defined(CONFIG_NET_DHCPV4)
    return lan->iface->config.dhcpv4.state != NET_DHCPV4_DISABLED;
    #else
    return false;
    #endif
}

static bool lan_has_dhcp4(network_lan_obj_t *lan) {
    #if defined(CONFIG_NET_DHCPV4)
    return lan->iface->config.dhcpv4.state == NET_DHCPV4_BOUND;
    #else
    return false;
    #endif
}

static mp_obj_t lan_addr6_list(network_lan_obj_t *lan) {
    mp_obj_t list = mp_obj_new_list(0, NULL);
    #if defined(CONFIG_NET_IPV6)
    struct net_if_ipv6 *ipv6 = lan->iface->config.ip.ipv6;
    for (int i = 0; ipv6 != NULL && i < NET_IF_MAX_IPV6_ADDR; i++) {
        struct net_if_addr *a = &ipv6->unicast[i];
        if (!a->is_used) {
            continue;
        }
        // MicroPython's states: 0x08 tentative, 0x10 deprecated, 0x30 preferred.
        int state = a->addr_state == NET_ADDR_TENTATIVE ? 0x08
            : a->addr_state == NET_ADDR_DEPRECATED ? 0x10 : 0x30;
        mp_obj_t life = a->is_infinite ? mp_obj_new_int_from_uint(0xffffffff) : MP_OBJ_NEW_SMALL_INT(-1);
        mp_obj_t items[4] = { lan_addr_str(AF_INET6, &a->address.in6_addr), MP_OBJ_NEW_SMALL_INT(state), life, life };
        mp_obj_list_append(list, mp_obj_new_tuple(4, items));
    }
    #endif
    return list;
}

// ---- the type ----

// Zephyr's interface calls take mutexes: never from a hard IRQ handler.
static network_lan_obj_t *lan_get(mp_obj_t self_in) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("can't use network in a hard IRQ handler (use a soft IRQ)"));
    }
    return MP_OBJ_TO_PTR(self_in);
}

static mp_obj_t network_lan_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 1, false);
    network_lan_obj_t *lan = lan_get(MP_OBJ_FROM_PTR(&network_lan));
    if (n_args == 1 && mp_obj_get_int(args[0]) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("this board has one Ethernet interface: LAN() or LAN(0)"));
    }
    if (lan->iface == NULL) {
        struct net_if *iface = net_if_get_first_by_type(&NET_L2_GET_NAME(ETHERNET));
        if (iface == NULL) {
            mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("no Ethernet interface in this board's devicetree"));
        }
        lan_start(lan, iface);
    }
    return MP_OBJ_FROM_PTR(lan);
}

static void network_lan_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    network_lan_obj_t *lan = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<LAN %s %s>", net_if_is_up(lan->iface) ? "up" : "down",
        atomic_get(&lan->connected) ? "connected" : "not connected");
}

static mp_obj_t network_lan_active(size_t n_args, const mp_obj_t *args) {
    network_lan_obj_t *lan = lan_get(args[0]);
    if (n_args == 1) {
        return mp_obj_new_bool(net_if_is_up(lan->iface));
    }
    int ret = mp_obj_is_true(args[1]) ? net_if_up(lan->iface) : net_if_down(lan->iface);
    if (ret < 0 && ret != -EALREADY) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(network_lan_active_obj, 1, 2, network_lan_active);

static mp_obj_t network_lan_isconnected(mp_obj_t self_in) {
    network_lan_obj_t *lan = lan_get(self_in);
    // Asked of the interface, not only the events: Zephyr drops events
    // when its management queue is full.
    return mp_obj_new_bool(lan_update(lan));
}
static MP_DEFINE_CONST_FUN_OBJ_1(network_lan_isconnected_obj, network_lan_isconnected);

static mp_obj_t network_lan_ifconfig(size_t n_args, const mp_obj_t *args) {
    network_lan_obj_t *lan = lan_get(args[0]);
    struct net_if_ipv4 *ipv4 = lan_ipv4(lan);
    if (n_args == 1) {
        struct in_addr addr = lan_addr4(lan), none = { 0 };
        mp_obj_t items[4] = {
            lan_addr_str(AF_INET, &addr),
            lan_addr_str(AF_INET, &ipv4->netmask),
            lan_addr_str(AF_INET, &ipv4->gw),
            lan_addr_str(AF_INET, &none),   // no DNS resolver in this build
        };
        return mp_obj_new_tuple(4, items);
    }
    if (mp_obj_is_str(args[1]) && strcmp(mp_obj_str_get_str(args[1]), "dhcp") == 0) {
        lan_set_dhcp4(lan, true);
        return mp_const_none;
    }
    mp_obj_t *items;
    mp_obj_get_array_fixed_n(args[1], 4, &items);
    struct in_addr addr = lan_parse_ipv4(items[0]);
    struct in_addr mask = lan_parse_ipv4(items[1]);
    struct in_addr gw = lan_parse_ipv4(items[2]);
    lan_set_static(lan, addr, mask);
    net_if_ipv4_set_gw(lan->iface, &gw);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(network_lan_ifconfig_obj, 1, 2, network_lan_ifconfig);

// addr4 as "a.b.c.d/nn" or (addr, mask).
static void lan_set_addr4(network_lan_obj_t *lan, mp_obj_t value) {
    struct in_addr addr, mask;
    if (mp_obj_is_str(value)) {
        size_t len;
        const char *str = mp_obj_str_get_data(value, &len);
        const char *slash = memchr(str, '/', len);
        char buf[NET_IPV4_ADDR_LEN];
        size_t addr_len = slash ? (size_t)(slash - str) : len;
        if (slash == NULL || addr_len >= sizeof(buf)) {
            mp_raise_ValueError(MP_ERROR_TEXT("addr4 is 'a.b.c.d/prefix' or (address, netmask)"));
        }
        memcpy(buf, str, addr_len);
        buf[addr_len] = '\0';
        int prefix = atoi(slash + 1);
        if (zsock_inet_pton(AF_INET, buf, &addr) != 1 || prefix < 0 || prefix > 32) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("not an IPv4 address/prefix: '%s'"), str);
        }
        mask.s_addr = htonl(prefix == 0 ? 0 : 0xffffffffu << (32 - prefix));
    } else {
        mp_obj_t *items;
        mp_obj_get_array_fixed_n(value, 2, &items);
        addr = lan_parse_ipv4(items[0]);
        mask = lan_parse_ipv4(items[1]);
    }
    lan_set_static(lan, addr, mask);
}

static mp_obj_t network_lan_ipconfig(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    network_lan_obj_t *lan = lan_get(args[0]);
    if (kwargs->used == 0) {
        if (n_args != 2) {
            mp_raise_TypeError(MP_ERROR_TEXT("ipconfig('param') or ipconfig(param=value, ...)"));
        }
        qstr key = mp_obj_str_get_qstr(args[1]);
        switch (key) {
            case MP_QSTR_addr4: {
                struct in_addr addr = lan_addr4(lan);
                mp_obj_t items[2] = { lan_addr_str(AF_INET, &addr), lan_addr_str(AF_INET, &lan_ipv4(lan)->netmask) };
                return mp_obj_new_tuple(2, items);
            }
            case MP_QSTR_gw4:
                return lan_addr_str(AF_INET, &lan_ipv4(lan)->gw);
            case MP_QSTR_dhcp4:
                return mp_obj_new_bool(lan_dhcp4(lan));
            case MP_QSTR_has_dhcp4:
                return mp_obj_new_bool(lan_has_dhcp4(lan));
            case MP_QSTR_addr6:
                return lan_addr6_list(lan);
            default:
                mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown ipconfig parameter '%q'"), key);
        }
    }
    if (n_args != 1) {
        mp_raise_TypeError(MP_ERROR_TEXT("ipconfig('param') or ipconfig(param=value, ...)"));
    }
    for (size_t i = 0; i < kwargs->alloc; i++) {
        if (!mp_map_slot_is_filled(kwargs, i)) {
            continue;
        }
        qstr key = mp_obj_str_get_qstr(kwargs->table[i].key);
        mp_obj_t value = kwargs->table[i].value;
        switch (key) {
            case MP_QSTR_addr4:
                lan_set_addr4(lan, value);
                break;
            case MP_QSTR_gw4: {
                struct in_addr gw = lan_parse_ipv4(value);
                net_if_ipv4_set_gw(lan->iface, &gw);
                break;
            }
            case MP_QSTR_dhcp4:
                lan_set_dhcp4(lan, mp_obj_is_true(value));
                break;
            default:
                mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("ipconfig cannot set '%q'"), key);
        }
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(network_lan_ipconfig_obj, 1, network_lan_ipconfig);

static mp_obj_t network_lan_config(mp_obj_t self_in, mp_obj_t key_in) {
    network_lan_obj_t *lan = lan_get(self_in);
    qstr key = mp_obj_str_get_qstr(key_in);
    if (key == MP_QSTR_mac) {
        struct net_linkaddr *link = net_if_get_link_addr(lan->iface);
        return mp_obj_new_bytes(link->addr, link->len);
    } else if (key == MP_QSTR_mtu) {
        return MP_OBJ_NEW_SMALL_INT(net_if_get_mtu(lan->iface));
    }
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown config parameter '%q'"), key);
}
static MP_DEFINE_CONST_FUN_OBJ_2(network_lan_config_obj, network_lan_config);

// ---- source protocol ----

static uevent_source_t *network_lan_source(mp_obj_t obj) {
    network_lan_obj_t *lan = MP_OBJ_TO_PTR(obj);
    return &lan->source;
}

static const uevent_source_p_t network_lan_source_p = {
    .source = network_lan_source,
    .edge = false,
};

static const mp_rom_map_elem_t network_lan_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_active), MP_ROM_PTR(&network_lan_active_obj) },
    { MP_ROM_QSTR(MP_QSTR_isconnected), MP_ROM_PTR(&network_lan_isconnected_obj) },
    { MP_ROM_QSTR(MP_QSTR_ifconfig), MP_ROM_PTR(&network_lan_ifconfig_obj) },
    { MP_ROM_QSTR(MP_QSTR_ipconfig), MP_ROM_PTR(&network_lan_ipconfig_obj) },
    { MP_ROM_QSTR(MP_QSTR_config), MP_ROM_PTR(&network_lan_config_obj) },
};
static MP_DEFINE_CONST_DICT(network_lan_locals_dict, network_lan_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    network_lan_type,
    MP_QSTR_LAN,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, network_lan_make_new,
    print, network_lan_print,
    protocol, &network_lan_source_p,
    locals_dict, &network_lan_locals_dict
    );

static const mp_rom_map_elem_t network_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_network) },
    { MP_ROM_QSTR(MP_QSTR_LAN), MP_ROM_PTR(&network_lan_type) },
};
static MP_DEFINE_CONST_DICT(network_module_globals, network_module_globals_table);

const mp_obj_module_t mp_module_network = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&network_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_network, mp_module_network);
