// Boot-time and per-soft-reset init of the port's modules.
#include "py/runtime.h"
#include "port_soft_reset.h"
#include "port_wait.h"
#include "modmachine_port.h"
#include "uevent_board.h"
#include "uevent_obj.h"
#if MICROPY_PY_ASYNCIO
#include "uevent_asyncio.h"
#endif

#include "uevent_backend.h"
#include "port_test_hooks.h"
#if defined(CONFIG_MICROPY_PY_SOCKET)
#include "socket_watch.h"
#endif

void port_boot_init(void) {
    port_wait_init();
    // Static uevent storage, then the board's sources (pins, callbacks).
    uevent_backend_init();
    uevent_board_sources_init();
}

void port_soft_reset_init(void) {
    #if MICROPY_PY_ASYNCIO
    uevent_asyncio_soft_reset();
    #endif
    uevent_module_soft_reset();
}

void port_soft_reset_deinit(void) {
    #if defined(CONFIG_UEVENT_TEST_HOOKS)
    uevent_test_deinit();   // a storm left running by a failed test
    #endif
    machine_timer_deinit_all();
    machine_pin_deinit_all();
    machine_uart_deinit_all();
    #if defined(CONFIG_MICROPY_PY_SOCKET)
    socket_slot_close_all();
    #endif
}
