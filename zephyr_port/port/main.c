/*
 * Entry point: heap, interpreter init, boot script, REPL, soft reset.
 */
#include <stdint.h>
#include <stdio.h>

#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>

#include "py/builtin.h"
#include "py/compile.h"
#include "py/frozenmod.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/repl.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "shared/readline/readline.h"
#include "shared/runtime/gchelper.h"
#include "shared/runtime/pyexec.h"
#include "console_uart.h"
#include "machine_pin.h"
#include "port_filesystem.h"
#include "port_main.h"
#include "port_soft_reset.h"

static char heap[MICROPY_HEAP_SIZE];

#if MICROPY_VFS
// The safe-mode button: the devicetree's alias safe-mode-button, or sw0
// (docs/filesystem.md, "Safe mode").
#if DT_NODE_HAS_STATUS(DT_ALIAS(safe_mode_button), okay)
#define PORT_SAFE_MODE_BUTTON DT_ALIAS(safe_mode_button)
#elif DT_NODE_HAS_STATUS(DT_ALIAS(sw0), okay)
#define PORT_SAFE_MODE_BUTTON DT_ALIAS(sw0)
#endif

// True while the safe-mode button is pressed. Set up as the devicetree
// says (pull-ups included) at the first boot, and again after a session
// that set up pins: it may have made the button's pin an output, or an
// input without its pull-up, which would read as held (or never) at
// random. (Not at every reset: setting up a pulled-up input releases an
// emulated controller's held button, which the tests hold.)
static bool port_safe_mode_button(void) {
    #if defined(PORT_SAFE_MODE_BUTTON) && DT_NODE_HAS_PROP(PORT_SAFE_MODE_BUTTON, gpios)
    static const struct gpio_dt_spec button = GPIO_DT_SPEC_GET(PORT_SAFE_MODE_BUTTON, gpios);
    static bool configured;
    if (machine_pin_configured_take() || !configured) {
        if (!gpio_is_ready_dt(&button) || gpio_pin_configure_dt(&button, GPIO_INPUT) != 0) {
            return false;
        }
        configured = true;
        // Let a pull-up settle before the read.
        k_busy_wait(1000);
    }
    return gpio_pin_get_dt(&button) > 0;
    #else
    return false;
    #endif
}
#endif

// At boot and after each soft reset, before the REPL (docs/filesystem.md):
// /flash/boot.py, then main.py: an app's frozen main.py (the samples) when
// it has one, else /flash/main.py. Ctrl-C stops either (KeyboardInterrupt)
// and the REPL starts: the way out of a main.py that never returns. Neither
// runs after a soft reset in the raw REPL (mpremote's: a tool can always
// take over) nor in safe mode (the board's button held at the reset: the
// way past a boot.py that swallows Ctrl-C); main.py does not run after a
// boot.py that raised. A build without a filesystem has none of these
// steps, and runs its frozen main.py at every reset.
static void port_run_boot_scripts(void) {
    #if MICROPY_VFS
    bool have_fs = port_filesystem_mount();
    if (pyexec_mode_kind == PYEXEC_MODE_RAW_REPL) {
        return;
    }
    if (port_safe_mode_button()) {
        mp_printf(&mp_plat_print, "safe mode: the button is held, so boot.py and main.py do not run\n");
        return;
    }
    if (have_fs && pyexec_file_if_exists("boot.py") != PYEXEC_NORMAL_EXIT) {
        mp_printf(&mp_plat_print, "boot.py did not finish, so main.py does not run\n");
        return;
    }
    #endif
    #if MICROPY_MODULE_FROZEN
    if (mp_find_frozen_module("main.py", NULL, NULL) == MP_IMPORT_STAT_FILE) {
        pyexec_frozen_module("main.py", true);
        return;
    }
    #endif
    #if MICROPY_VFS
    if (have_fs) {
        pyexec_file_if_exists("main.py");
    }
    #endif
}

int micropython_main(void) {
    port_boot_init();
    if (console_uart_init() != 0) {
        printk("micropython: console UART not ready\n");
        return 0;
    }

soft_reset:
    mp_stack_set_top((void *)__builtin_frame_address(0));
    mp_stack_set_limit(CONFIG_MAIN_STACK_SIZE - 1024);
    #if MICROPY_PY_THREAD
    mp_thread_init();
    #endif
    gc_init(heap, heap + sizeof(heap));
    mp_init();
    readline_init0();
    port_soft_reset_init();

    port_run_boot_scripts();

    for (;;) {
        // The REPL reads input into the heap outside any handler of its
        // own: a MemoryError there (a long paste into a full heap) must
        // not be fatal. Report it and start the REPL again.
        nlr_buf_t nlr;
        int ret = 0;
        if (nlr_push(&nlr) == 0) {
            if (pyexec_mode_kind == PYEXEC_MODE_RAW_REPL) {
                ret = pyexec_raw_repl();
            } else {
                ret = pyexec_friendly_repl();
            }
            nlr_pop();
        } else {
            mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(nlr.ret_val));
            continue;
        }
        if (ret != 0) {
            break;
        }
    }

    mp_printf(&mp_plat_print, "MPY: soft reboot\n");
    #if MICROPY_PY_THREAD
    mp_thread_deinit();
    #endif
    port_soft_reset_deinit();
    gc_sweep_all();
    mp_deinit();
    goto soft_reset;
}

void gc_collect(void) {
    gc_collect_start();
    gc_helper_collect_regs_and_stack();
    #if MICROPY_PY_THREAD
    mp_thread_gc_others();
    #endif
    gc_collect_end();
}

void nlr_jump_fail(void *val) {
    // An exception escaped every handler: say which before stopping.
    printk("micropython: fatal, uncaught NLR %p\n", val);
    mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(val));
    k_panic();
    for (;;) {
    }
}

#ifndef NDEBUG
void MP_WEAK __assert_func(const char *file, int line, const char *func, const char *expr) {
    printk("micropython: assertion '%s' failed at %s:%d\n", expr, file, line);
    k_panic();
    for (;;) {
    }
}
#endif

#if !MICROPY_VFS
// No filesystem in this build: nothing to import or open from files.
mp_lexer_t *mp_lexer_new_from_file(qstr filename) {
    mp_raise_OSError(MP_ENOENT);
}

mp_import_stat_t mp_import_stat(const char *path) {
    return MP_IMPORT_STAT_NO_EXIST;
}

mp_obj_t mp_builtin_open(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    mp_raise_OSError(MP_EPERM);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, mp_builtin_open);
#endif
