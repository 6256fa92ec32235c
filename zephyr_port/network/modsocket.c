/*
 * socket: Zephyr's BSD sockets as MicroPython's socket module, each socket
 * a uevent source (docs/network.md).
 *
 * Every socket is non-blocking in Zephyr. A blocking call (the default, or
 * settimeout(s)) is a wait on the socket's slot (socket_watch.c) between
 * non-blocking tries, so it never holds the stack's locks, soft callbacks
 * and other threads run meanwhile, and the watcher stays the only waiter
 * on the socket's k_poll objects. The API is MicroPython's documented
 * `socket`; errors are OSError with the errno the stack gave.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <zephyr/net/dns_resolve.h>
#include <zephyr/net/socket.h>

#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "port_hard_irq.h"
#include "socket_watch.h"
#include "uevent_protocol.h"

typedef struct _socket_obj_t {
    mp_obj_base_t base;
    socket_slot_t *slot;        // NULL once closed
    int16_t family;
    int16_t type;
    int32_t timeout_ms;         // -1: blocking; 0: non-blocking
    bool listening;             // listen() succeeded: accept() may run
} socket_obj_t;

static const mp_obj_type_t socket_type;

// Zephyr's socket calls take mutexes: never from a hard IRQ handler.
static void socket_check_context(void) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("can't use a socket in a hard IRQ handler (use a soft IRQ)"));
    }
}

static socket_slot_t *socket_slot(socket_obj_t *self) {
    socket_check_context();
    if (self->slot == NULL) {
        mp_raise_OSError(MP_EBADF);
    }
    return self->slot;
}

static MP_NORETURN void socket_raise_errno(void) {
    mp_raise_OSError(errno);
}

// The errno of a failed send or recv. Once a reset has ended the
// connection Zephyr 3.5 says ENOTCONN; POSIX and CPython say ECONNRESET.
static int socket_call_errno(socket_slot_t *slot) {
    int err = errno;
    if ((err == ENOTCONN || err == EPIPE) && slot->close_error != 0) {
        return slot->close_error;
    }
    return err;
}

// Zephyr 3.5 reports a connect answered by a reset (nothing listens on
// the port) as ECONNRESET; POSIX and CPython say ECONNREFUSED.
static MP_NORETURN void socket_raise_connect_errno(void) {
    mp_raise_OSError(errno == ECONNRESET ? MP_ECONNREFUSED : errno);
}

// ---- addresses ----

static socklen_t socket_addr_parse(int family, mp_obj_t addr_in, struct sockaddr_storage *addr) {
    mp_obj_t *items;
    mp_obj_get_array_fixed_n(addr_in, 2, &items);
    const char *host = mp_obj_str_get_str(items[0]);
    mp_int_t port = mp_obj_get_int(items[1]);
    if (port < 0 || port > 65535) {
        mp_raise_ValueError(MP_ERROR_TEXT("port must be 0 to 65535"));
    }
    memset(addr, 0, sizeof(*addr));
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)addr;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        if (*host != '\0' && zsock_inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("not an IPv6 address: '%s'"), host);
        }
        return sizeof(*a);
    }
    struct sockaddr_in *a = (struct sockaddr_in *)addr;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (*host != '\0' && zsock_inet_pton(AF_INET, host, &a->sin_addr) != 1) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("not an IPv4 address: '%s' (getaddrinfo() resolves names)"), host);
    }
    return sizeof(*a);
}

static mp_obj_t socket_addr_format(const struct sockaddr *addr) {
    char buf[NET_IPV6_ADDR_LEN];
    uint16_t port;
    if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)addr;
        zsock_inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
        port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)addr;
        zsock_inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
        port = ntohs(a->sin_port);
    }
    mp_obj_t items[2] = { mp_obj_new_str(buf, strlen(buf)), MP_OBJ_NEW_SMALL_INT(port) };
    return mp_obj_new_tuple(2, items);
}

// ---- waiting ----

// After a call returned EAGAIN for `events`: false with *errcode set when
// the socket is non-blocking (EAGAIN) or the timeout, counted from `start`
// (when the call began), passed (ETIMEDOUT); true once the watcher saw
// them, to try again.
static bool socket_wait(socket_obj_t *self, uint16_t events, mp_uint_t start, int *errcode) {
    socket_slot_t *slot = self->slot;
    socket_slot_used(slot, events);
    if (self->timeout_ms == 0) {
        *errcode = MP_EAGAIN;
        return false;
    }
    // Also until the socket is closed: its slot may then be another
    // socket's, whose readiness is not this one's.
    while (self->slot == slot && !(socket_slot_ready(slot) & events)) {
        if (self->timeout_ms < 0) {
            mp_event_wait_indefinite();
            continue;
        }
        mp_uint_t elapsed = mp_hal_ticks_ms() - start;
        if (elapsed >= (mp_uint_t)self->timeout_ms) {
            *errcode = MP_ETIMEDOUT;
            return false;
        }
        mp_event_wait_ms(self->timeout_ms - elapsed);
    }
    if (self->slot != slot) {
        // Closed meanwhile (another thread, a soft callback).
        *errcode = MP_EBADF;
        return false;
    }
    return true;
}

static void socket_wait_or_raise(socket_obj_t *self, uint16_t events, mp_uint_t start) {
    int errcode;
    if (!socket_wait(self, events, start, &errcode)) {
        mp_raise_OSError(errcode);
    }
}

// ---- the type ----

static socket_obj_t *socket_new(int fd, int family, int type) {
    // The object first, with no slot (its finaliser then does nothing): a
    // MemoryError here must not leave the fd or a slot behind.
    socket_obj_t *self;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        self = mp_obj_malloc_with_finaliser(socket_obj_t, &socket_type);
        nlr_pop();
    } else {
        zsock_close(fd);
        nlr_jump(nlr.ret_val);
    }
    self->slot = NULL;
    self->family = family;
    self->type = type;
    self->timeout_ms = -1;
    self->listening = false;
    // Non-blocking in Zephyr, always (above).
    if (zsock_fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
        int err = errno;
        zsock_close(fd);
        mp_raise_OSError(err);
    }
    socket_slot_t *slot = socket_slot_alloc(fd);
    if (slot == NULL) {
        // Unreachable sockets still hold slots until their finaliser runs.
        gc_collect();
        slot = socket_slot_alloc(fd);
        if (slot == NULL) {
            zsock_close(fd);
            mp_raise_OSError(MP_ENFILE);
        }
    }
    self->slot = slot;
    if (type == SOCK_DGRAM) {
        socket_slot_want(slot, UEVENT_READ | UEVENT_WRITE);
    }
    return self;
}

static mp_obj_t socket_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 3, false);
    socket_check_context();
    int family = n_args > 0 ? mp_obj_get_int(args[0]) : AF_INET;
    int stype = n_args > 1 ? mp_obj_get_int(args[1]) : SOCK_STREAM;
    int proto = n_args > 2 ? mp_obj_get_int(args[2]) : 0;
    if (family != AF_INET && family != AF_INET6) {
        mp_raise_ValueError(MP_ERROR_TEXT("family must be AF_INET or AF_INET6"));
    }
    if (stype != SOCK_STREAM && stype != SOCK_DGRAM) {
        mp_raise_ValueError(MP_ERROR_TEXT("type must be SOCK_STREAM or SOCK_DGRAM"));
    }
    if (proto == 0) {
        proto = stype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    }
    int fd = zsock_socket(family, stype, proto);
    if (fd < 0) {
        socket_raise_errno();
    }
    return MP_OBJ_FROM_PTR(socket_new(fd, family, stype));
}

static void socket_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<socket fd=%d family=%d type=%d>",
        self->slot ? self->slot->fd : -1, self->family, self->type);
}

static mp_obj_t socket_close(mp_obj_t self_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->slot != NULL) {
        socket_check_context();
        socket_slot_t *slot = self->slot;
        self->slot = NULL;
        socket_slot_close(slot);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(socket_close_obj, socket_close);

static mp_obj_t socket_bind(mp_obj_t self_in, mp_obj_t addr_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    struct sockaddr_storage addr;
    socklen_t len = socket_addr_parse(self->family, addr_in, &addr);
    if (zsock_bind(socket_slot(self)->fd, (struct sockaddr *)&addr, len) < 0) {
        socket_raise_errno();
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_bind_obj, socket_bind);

static mp_obj_t socket_listen(size_t n_args, const mp_obj_t *args) {
    socket_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_int_t backlog = n_args > 1 ? mp_obj_get_int(args[1]) : 2;
    socket_slot_t *slot = socket_slot(self);
    if (zsock_listen(slot->fd, backlog < 1 ? 1 : backlog) < 0) {
        socket_raise_errno();
    }
    self->listening = true;
    socket_slot_want(slot, UEVENT_READ);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_listen_obj, 1, 2, socket_listen);

static mp_obj_t socket_accept(mp_obj_t self_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    socket_slot_t *listener = socket_slot(self);
    // Zephyr 3.5 does not check: on a socket that does not listen it takes
    // a queued packet for a connection (a crash), or waits for ever.
    if (!self->listening) {
        mp_raise_OSError(self->type == SOCK_DGRAM ? MP_EOPNOTSUPP : MP_EINVAL);
    }
    struct sockaddr_storage addr;
    mp_uint_t start = mp_hal_ticks_ms();
    for (;;) {
        socklen_t len = sizeof(addr);
        int fd = zsock_accept(listener->fd, (struct sockaddr *)&addr, &len);
        if (fd >= 0) {
            // READ stays only while more connections wait (as for recv).
            if (!socket_slot_poll_now(listener, UEVENT_READ)) {
                socket_slot_used(listener, UEVENT_READ);
            }
            socket_obj_t *conn = socket_new(fd, self->family, SOCK_STREAM);
            socket_slot_adopt_early_close(conn->slot);
            socket_slot_want(conn->slot, UEVENT_READ | UEVENT_WRITE);
            mp_obj_t items[2] = { MP_OBJ_FROM_PTR(conn), socket_addr_format((struct sockaddr *)&addr) };
            return mp_obj_new_tuple(2, items);
        }
        if (errno == ECONNABORTED) {
            // Zephyr 3.5 drops a connection that ended (FIN or reset)
            // before accept() while data it sent was still queued, and
            // says ECONNABORTED: on to the next one.
            continue;
        }
        if (errno != EAGAIN) {
            socket_raise_errno();
        }
        socket_wait_or_raise(self, UEVENT_READ, start);
        listener = socket_slot(self);
    }
}
static MP_DEFINE_CONST_FUN_OBJ_1(socket_accept_obj, socket_accept);

static mp_obj_t socket_connect(mp_obj_t self_in, mp_obj_t addr_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    struct sockaddr_storage addr;
    socklen_t len = socket_addr_parse(self->family, addr_in, &addr);
    socket_slot_t *slot = socket_slot(self);
    if (zsock_connect(slot->fd, (struct sockaddr *)&addr, len) == 0) {
        socket_slot_want(slot, UEVENT_READ | UEVENT_WRITE);
        return mp_const_none;
    }
    if (errno != EINPROGRESS) {
        socket_raise_connect_errno();
    }
    // WRITE: the connect ended, one way or the other.
    socket_slot_want(slot, UEVENT_READ | UEVENT_WRITE);
    if (self->timeout_ms == 0) {
        mp_raise_OSError(MP_EINPROGRESS);
    }
    // WRITE came: connect again to learn how it ended (Zephyr 3.5 has no
    // SO_ERROR): 0 when connected, the connect's error (ECONNREFUSED...)
    // when it failed, EALREADY while it goes on.
    mp_uint_t start = mp_hal_ticks_ms();
    for (;;) {
        socket_wait_or_raise(self, UEVENT_WRITE, start);
        if (zsock_connect(self->slot->fd, (struct sockaddr *)&addr, len) == 0 || errno == EISCONN) {
            return mp_const_none;
        }
        if (errno != EALREADY) {
            socket_raise_connect_errno();
        }
    }
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_connect_obj, socket_connect);

// send/sendto: how much the stack took, waiting for room as the timeout
// (counted from `start`) allows.
static mp_uint_t socket_send_some(socket_obj_t *self, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t to_len, mp_uint_t start, int *errcode) {
    socket_check_context();
    for (;;) {
        socket_slot_t *slot = self->slot;
        if (slot == NULL) {
            *errcode = MP_EBADF;
            return MP_STREAM_ERROR;
        }
        ssize_t n = to == NULL
            ? zsock_send(slot->fd, buf, len, ZSOCK_MSG_DONTWAIT)
            : zsock_sendto(slot->fd, buf, len, ZSOCK_MSG_DONTWAIT, to, to_len);
        if (n >= 0) {
            return n;
        }
        if (errno != EAGAIN) {
            *errcode = socket_call_errno(slot);
            return MP_STREAM_ERROR;
        }
        if (!socket_wait(self, UEVENT_WRITE, start, errcode)) {
            return MP_STREAM_ERROR;
        }
    }
}

// recv/recvfrom: what there is (b"" at the peer's close), waiting for data
// as the timeout allows.
static mp_uint_t socket_recv_some(socket_obj_t *self, void *buf, size_t len,
    struct sockaddr_storage *from, int *errcode) {
    socket_check_context();
    mp_uint_t start = mp_hal_ticks_ms();
    for (;;) {
        socket_slot_t *slot = self->slot;
        if (slot == NULL) {
            *errcode = MP_EBADF;
            return MP_STREAM_ERROR;
        }
        socklen_t from_len = sizeof(*from);
        ssize_t n = from == NULL
            ? zsock_recv(slot->fd, buf, len, ZSOCK_MSG_DONTWAIT)
            : zsock_recvfrom(slot->fd, buf, len, ZSOCK_MSG_DONTWAIT, (struct sockaddr *)from, &from_len);
        if (n >= 0) {
            // READ stays while there is more (or EOF): a level that is
            // true now, and no re-arm per call while data is queued.
            if (!socket_slot_poll_now(slot, UEVENT_READ)) {
                socket_slot_used(slot, UEVENT_READ);
            }
            return n;
        }
        if (errno != EAGAIN) {
            *errcode = socket_call_errno(slot);
            return MP_STREAM_ERROR;
        }
        if (!socket_wait(self, UEVENT_READ, start, errcode)) {
            return MP_STREAM_ERROR;
        }
    }
}

static mp_obj_t socket_send(mp_obj_t self_in, mp_obj_t data_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data_in, &bufinfo, MP_BUFFER_READ);
    int errcode;
    mp_uint_t n = socket_send_some(self, bufinfo.buf, bufinfo.len, NULL, 0, mp_hal_ticks_ms(), &errcode);
    if (n == MP_STREAM_ERROR) {
        mp_raise_OSError(errcode);
    }
    return mp_obj_new_int_from_uint(n);
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_send_obj, socket_send);

static mp_obj_t socket_sendall(mp_obj_t self_in, mp_obj_t data_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data_in, &bufinfo, MP_BUFFER_READ);
    const uint8_t *p = bufinfo.buf;
    size_t left = bufinfo.len;
    // The timeout is for the whole call, as CPython's.
    mp_uint_t start = mp_hal_ticks_ms();
    while (left > 0) {
        int errcode;
        mp_uint_t n = socket_send_some(self, p, left, NULL, 0, start, &errcode);
        if (n == MP_STREAM_ERROR) {
            mp_raise_OSError(errcode);
        }
        p += n;
        left -= n;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_sendall_obj, socket_sendall);

static mp_obj_t socket_sendto(mp_obj_t self_in, mp_obj_t data_in, mp_obj_t addr_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(data_in, &bufinfo, MP_BUFFER_READ);
    struct sockaddr_storage addr;
    socklen_t len = socket_addr_parse(self->family, addr_in, &addr);
    int errcode;
    mp_uint_t n = socket_send_some(self, bufinfo.buf, bufinfo.len, (struct sockaddr *)&addr, len, mp_hal_ticks_ms(), &errcode);
    if (n == MP_STREAM_ERROR) {
        mp_raise_OSError(errcode);
    }
    return mp_obj_new_int_from_uint(n);
}
static MP_DEFINE_CONST_FUN_OBJ_3(socket_sendto_obj, socket_sendto);

static mp_obj_t socket_recv_common(mp_obj_t self_in, mp_obj_t len_in, struct sockaddr_storage *from) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_int_t len = mp_obj_get_int(len_in);
    if (len < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("negative length"));
    }
    vstr_t vstr;
    vstr_init_len(&vstr, len);
    int errcode;
    mp_uint_t n = socket_recv_some(self, vstr.buf, len, from, &errcode);
    if (n == MP_STREAM_ERROR) {
        vstr_clear(&vstr);
        mp_raise_OSError(errcode);
    }
    vstr.len = n;
    return mp_obj_new_bytes_from_vstr(&vstr);
}

static mp_obj_t socket_recv(mp_obj_t self_in, mp_obj_t len_in) {
    return socket_recv_common(self_in, len_in, NULL);
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_recv_obj, socket_recv);

static mp_obj_t socket_recvfrom(mp_obj_t self_in, mp_obj_t len_in) {
    struct sockaddr_storage from;
    memset(&from, 0, sizeof(from));
    mp_obj_t items[2];
    items[0] = socket_recv_common(self_in, len_in, &from);
    items[1] = socket_addr_format((struct sockaddr *)&from);
    return mp_obj_new_tuple(2, items);
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_recvfrom_obj, socket_recvfrom);

static mp_obj_t socket_setsockopt(size_t n_args, const mp_obj_t *args) {
    socket_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    int level = mp_obj_get_int(args[1]);
    int opt = mp_obj_get_int(args[2]);
    int value = mp_obj_get_int(args[3]);
    if (zsock_setsockopt(socket_slot(self)->fd, level, opt, &value, sizeof(value)) < 0) {
        socket_raise_errno();
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_setsockopt_obj, 4, 4, socket_setsockopt);

static mp_obj_t socket_settimeout(mp_obj_t self_in, mp_obj_t timeout_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (timeout_in == mp_const_none) {
        self->timeout_ms = -1;
        return mp_const_none;
    }
    #if MICROPY_PY_BUILTINS_FLOAT
    mp_float_t ms = mp_obj_get_float(timeout_in) * 1000;
    #else
    mp_int_t ms = mp_obj_get_int(timeout_in) * 1000;
    #endif
    if (!(ms >= 0)) {
        mp_raise_ValueError(MP_ERROR_TEXT("timeout must be >= 0 or None"));
    }
    // Rounded up to a whole millisecond (0.0001 is a timeout, not
    // non-blocking); at most 2**31 - 1 ms (24 days).
    if (ms >= INT32_MAX) {
        self->timeout_ms = INT32_MAX;
    } else {
        int32_t whole = (int32_t)ms;
        self->timeout_ms = whole + (whole < ms ? 1 : 0);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_settimeout_obj, socket_settimeout);

static mp_obj_t socket_setblocking(mp_obj_t self_in, mp_obj_t flag_in) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    self->timeout_ms = mp_obj_is_true(flag_in) ? -1 : 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(socket_setblocking_obj, socket_setblocking);

static mp_obj_t socket_makefile(size_t n_args, const mp_obj_t *args) {
    // As on MicroPython's other ports: the socket is its own stream.
    return args[0];
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_makefile_obj, 1, 3, socket_makefile);

// ---- stream protocol ----

static mp_uint_t socket_stream_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    return socket_recv_some(MP_OBJ_TO_PTR(self_in), buf, size, NULL, errcode);
}

static mp_uint_t socket_stream_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    return socket_send_some(MP_OBJ_TO_PTR(self_in), buf, size, NULL, 0, mp_hal_ticks_ms(), errcode);
}

static mp_uint_t socket_stream_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    socket_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (request == MP_STREAM_POLL) {
        socket_check_context();
        if (self->slot == NULL) {
            // Closed: as POSIX reports an invalid descriptor.
            return MP_STREAM_POLL_NVAL;
        }
        uint16_t want = ((arg & MP_STREAM_POLL_RD) ? UEVENT_READ : 0) | ((arg & MP_STREAM_POLL_WR) ? UEVENT_WRITE : 0);
        uint16_t now = socket_slot_poll_now(self->slot, want);
        return ((now & UEVENT_READ) ? MP_STREAM_POLL_RD : 0) | ((now & UEVENT_WRITE) ? MP_STREAM_POLL_WR : 0);
    } else if (request == MP_STREAM_CLOSE) {
        socket_close(self_in);
        return 0;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

// ---- source protocol ----

static uevent_source_t *socket_source(mp_obj_t obj) {
    socket_obj_t *self = MP_OBJ_TO_PTR(obj);
    return &socket_slot(self)->source;
}

static const uevent_source_p_t socket_source_p = {
    .base.stream = {
        .read = socket_stream_read,
        .write = socket_stream_write,
        .ioctl = socket_stream_ioctl,
    },
    .source = socket_source,
    .edge = false,
};

static const mp_rom_map_elem_t socket_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&socket_close_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&socket_close_obj) },
    { MP_ROM_QSTR(MP_QSTR_bind), MP_ROM_PTR(&socket_bind_obj) },
    { MP_ROM_QSTR(MP_QSTR_listen), MP_ROM_PTR(&socket_listen_obj) },
    { MP_ROM_QSTR(MP_QSTR_accept), MP_ROM_PTR(&socket_accept_obj) },
    { MP_ROM_QSTR(MP_QSTR_connect), MP_ROM_PTR(&socket_connect_obj) },
    { MP_ROM_QSTR(MP_QSTR_send), MP_ROM_PTR(&socket_send_obj) },
    { MP_ROM_QSTR(MP_QSTR_sendall), MP_ROM_PTR(&socket_sendall_obj) },
    { MP_ROM_QSTR(MP_QSTR_sendto), MP_ROM_PTR(&socket_sendto_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv), MP_ROM_PTR(&socket_recv_obj) },
    { MP_ROM_QSTR(MP_QSTR_recvfrom), MP_ROM_PTR(&socket_recvfrom_obj) },
    { MP_ROM_QSTR(MP_QSTR_setsockopt), MP_ROM_PTR(&socket_setsockopt_obj) },
    { MP_ROM_QSTR(MP_QSTR_settimeout), MP_ROM_PTR(&socket_settimeout_obj) },
    { MP_ROM_QSTR(MP_QSTR_setblocking), MP_ROM_PTR(&socket_setblocking_obj) },
    { MP_ROM_QSTR(MP_QSTR_makefile), MP_ROM_PTR(&socket_makefile_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
};
static MP_DEFINE_CONST_DICT(socket_locals_dict, socket_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    socket_type,
    MP_QSTR_socket,
    UEVENT_TYPE_FLAG_SOURCE,
    make_new, socket_make_new,
    print, socket_print,
    protocol, &socket_source_p,
    locals_dict, &socket_locals_dict
    );

// ---- the module ----

// getaddrinfo(host, port, af=0, type=0, proto=0, flags=0): numeric
// addresses always; names through Zephyr's resolver where it is configured.
static mp_obj_t socket_getaddrinfo(size_t n_args, const mp_obj_t *args) {
    socket_check_context();
    const char *host = mp_obj_str_get_str(args[0]);
    // The port is a number or a string of one, as CPython takes it.
    char port_str[8];
    if (mp_obj_is_str(args[1])) {
        const char *port = mp_obj_str_get_str(args[1]);
        if (strlen(port) >= sizeof(port_str)) {
            mp_raise_ValueError(MP_ERROR_TEXT("port must be 0 to 65535"));
        }
        strcpy(port_str, port);
    } else {
        mp_int_t port = mp_obj_get_int(args[1]);
        if (port < 0 || port > 65535) {
            mp_raise_ValueError(MP_ERROR_TEXT("port must be 0 to 65535"));
        }
        snprintf(port_str, sizeof(port_str), "%u", (unsigned)port);
    }
    struct zsock_addrinfo hints = { 0 };
    hints.ai_family = n_args > 2 ? mp_obj_get_int(args[2]) : 0;
    hints.ai_socktype = n_args > 3 ? mp_obj_get_int(args[3]) : 0;
    hints.ai_protocol = n_args > 4 ? mp_obj_get_int(args[4]) : 0;
    hints.ai_flags = n_args > 5 ? mp_obj_get_int(args[5]) : 0;
    struct zsock_addrinfo *res = NULL;
    int ret;
    MP_THREAD_GIL_EXIT();
    ret = zsock_getaddrinfo(host, port_str, &hints, &res);
    MP_THREAD_GIL_ENTER();
    if (ret != 0) {
        // OSError(code, text), as CPython's gaierror: e.errno is Zephyr's
        // DNS_EAI_* code (negative, so it is never taken for an errno).
        mp_obj_t exc_args[2] = {
            MP_OBJ_NEW_SMALL_INT(ret),
            mp_obj_new_str_from_cstr(IS_ENABLED(CONFIG_DNS_RESOLVER) ? zsock_gai_strerror(ret)
                : "not a numeric address, and this build has no DNS resolver"),
        };
        nlr_raise(mp_obj_new_exception_args(&mp_type_OSError, 2, exc_args));
    }
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (struct zsock_addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        mp_obj_t items[5] = {
            MP_OBJ_NEW_SMALL_INT(ai->ai_family),
            MP_OBJ_NEW_SMALL_INT(ai->ai_socktype),
            MP_OBJ_NEW_SMALL_INT(ai->ai_protocol),
            MP_OBJ_NEW_QSTR(MP_QSTR_),
            socket_addr_format(ai->ai_addr),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(5, items));
    }
    zsock_freeaddrinfo(res);
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(socket_getaddrinfo_obj, 2, 6, socket_getaddrinfo);

static const mp_rom_map_elem_t socket_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_socket) },
    { MP_ROM_QSTR(MP_QSTR_socket), MP_ROM_PTR(&socket_type) },
    { MP_ROM_QSTR(MP_QSTR_getaddrinfo), MP_ROM_PTR(&socket_getaddrinfo_obj) },
    { MP_ROM_QSTR(MP_QSTR_AF_INET), MP_ROM_INT(AF_INET) },
    { MP_ROM_QSTR(MP_QSTR_AF_INET6), MP_ROM_INT(AF_INET6) },
    { MP_ROM_QSTR(MP_QSTR_SOCK_STREAM), MP_ROM_INT(SOCK_STREAM) },
    { MP_ROM_QSTR(MP_QSTR_SOCK_DGRAM), MP_ROM_INT(SOCK_DGRAM) },
    { MP_ROM_QSTR(MP_QSTR_IPPROTO_TCP), MP_ROM_INT(IPPROTO_TCP) },
    { MP_ROM_QSTR(MP_QSTR_IPPROTO_UDP), MP_ROM_INT(IPPROTO_UDP) },
    { MP_ROM_QSTR(MP_QSTR_SOL_SOCKET), MP_ROM_INT(SOL_SOCKET) },
    { MP_ROM_QSTR(MP_QSTR_SO_REUSEADDR), MP_ROM_INT(SO_REUSEADDR) },
    { MP_ROM_QSTR(MP_QSTR_TCP_NODELAY), MP_ROM_INT(TCP_NODELAY) },
};
static MP_DEFINE_CONST_DICT(socket_module_globals, socket_module_globals_table);

const mp_obj_module_t mp_module_socket = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&socket_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_socket, mp_module_socket);
