/*
 * MicroPython configuration for the uevent Zephyr port.
 *
 * Feature level comes from Kconfig (CONFIG_MICROPY_ROM_LEVEL_*); everything
 * else is chosen here so one file says what the port offers.
 */
#include <alloca.h>
// Zephyr passes autoconf.h with -imacros; kernel.h brings the rest.
#include <zephyr/kernel.h>

#if defined(CONFIG_MICROPY_ROM_LEVEL_EXTRA)
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#elif defined(CONFIG_MICROPY_ROM_LEVEL_CORE)
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_CORE_FEATURES)
#else
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_BASIC_FEATURES)
#endif

// Chosen at configure time from CONFIG_MICROPY_HEAP_SIZE or the board's RAM
// (codegen's board_profile.py; docs/boards.md).
#include "uevent_board_profile.h"
#define MICROPY_HEAP_SIZE           (UEVENT_HEAP_SIZE)

// Core
#define MICROPY_NLR_THUMB_USE_LONG_JUMP (1)
#define MICROPY_ENABLE_GC           (1)
#define MICROPY_ENABLE_FINALISER    (1)
#define MICROPY_STACK_CHECK         (1)
#define MICROPY_STACK_CHECK_MARGIN  (512)
// mpirq's hard IRQ stack check is not used: it would take the ISR stack's
// size in a thread too, where gpio-emul calls hard handlers; port_irq.c
// switches to the ISR stack's limits in an ISR only.
#define MICROPY_STACK_SIZE_HARD_IRQ (0)
#define MICROPY_ENABLE_EMERGENCY_EXCEPTION_BUF (1)
#define MICROPY_ENABLE_SOURCE_LINE  (1)
#define MICROPY_KBD_EXCEPTION       (1)
#define MICROPY_HELPER_REPL         (1)
#define MICROPY_REPL_AUTO_INDENT    (1)
#define MICROPY_ENABLE_SCHEDULER    (1)
#define MICROPY_SCHEDULER_STATIC_NODES (1)
#define MICROPY_LONGINT_IMPL        (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_FLOAT_IMPL          (MICROPY_FLOAT_IMPL_FLOAT)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#define MICROPY_USE_INTERNAL_PRINTF (0)

// Modules and builtins
#define MICROPY_PY_BUILTINS_HELP    (1)
#define MICROPY_PY_BUILTINS_HELP_TEXT uevent_port_help_text
#define MICROPY_PY_BUILTINS_COMPLEX (0)
#define MICROPY_PY_MICROPYTHON_MEM_INFO (1)
#define MICROPY_PY_SYS_PLATFORM     "zephyr"
#define MICROPY_PY_SYS_MAXSIZE      (1)
#define MICROPY_PY_SYS_STDFILES     (1)
#define MICROPY_PY_SYS_STDIO_BUFFER (1)
#define MICROPY_PY_SELECT           (1)
#define MICROPY_PY_SELECT_SELECT    (0)
#define MICROPY_PY_ASYNCIO          (1)
// Non-blocking stream reads return None (not OSError(EAGAIN)): asyncio's
// StreamReader.readline() on a UART relies on it.
#define MICROPY_STREAMS_NON_BLOCK   (1)
#define MICROPY_PY_TIME             (1)
#define MICROPY_PY_TIME_TIME_TIME_NS (1)
#define MICROPY_PY_TIME_INCLUDEFILE "time_port.c"
#define MICROPY_PY_MACHINE          (1)
#define MICROPY_PY_MACHINE_INCLUDEFILE "machine_module_port.c"

// machine.UART is the port's own type (machine/machine_uart_port.c), added
// to machine's globals by machine_module_port.c, not extmod's.
#define MICROPY_PY_MACHINE_UART     (0)
#define MICROPY_PY_MACHINE_TIMER    (1)
#define MICROPY_PY_MACHINE_BOOTLOADER (0)
#define MICROPY_PY_MACHINE_RESET    (1)
#define MICROPY_PY_MACHINE_DISABLE_IRQ_ENABLE_IRQ (1)
#define MICROPY_PY_MACHINE_IDLE     (1)
// Buses: I2C and SPI on Zephyr's drivers where the build has them
// (CONFIG_I2C, CONFIG_SPI, turned on by a board conf); SoftI2C and SoftSPI
// on any Pins everywhere.
#ifdef CONFIG_I2C
#define MICROPY_PY_MACHINE_I2C      (1)
#define MICROPY_PY_MACHINE_I2C_TRANSFER_WRITE1 (1)
#endif
#ifdef CONFIG_SPI
#define MICROPY_PY_MACHINE_SPI      (1)
#endif
#define MICROPY_PY_MACHINE_SOFTI2C  (1)
#define MICROPY_PY_MACHINE_SOFTSPI  (1)

// os on every build: uname, urandom where Zephyr has an entropy driver
// (CONFIG_MICROPY_OS_URANDOM), and the file calls with the filesystem.
#define MICROPY_PY_OS               (1)
#define MICROPY_PY_OS_UNAME         (1)
#ifdef CONFIG_MICROPY_OS_URANDOM
#define MICROPY_PY_OS_URANDOM       (1)
#endif

// round(x, n) with n <= 0 on integers, at every feature level: asyncio's
// and MicroPython's own tests use it (round(ticks, -2)).
#define MICROPY_PY_BUILTINS_ROUND_INT (1)

// Filesystem: littlefs on the storage partition at /flash, the vfs module,
// open(), imports from files (CONFIG_MICROPY_VFS_LFS2; docs/filesystem.md).
#ifdef CONFIG_MICROPY_VFS_LFS2
#define MICROPY_VFS                 (1)
#define MICROPY_VFS_LFS2            (1)
#define MICROPY_READER_VFS          (1)
#define MICROPY_PY_OS_STATVFS       (1)
#define MICROPY_PY_OS_SYNC          (1)
#endif

// Threads: enabled by Kconfig where RAM allows (CONFIG_MICROPY_THREAD).
#ifdef CONFIG_MICROPY_THREAD
#define MICROPY_PY_THREAD           (1)
#define MICROPY_PY_THREAD_GIL       (1)
#define MICROPY_PY_THREAD_GIL_VM_DIVISOR (32)
#endif

// Waiting: every blocking wait in MicroPython ends in port_wait_ms(), which
// sleeps in k_poll on the calling thread's waker (port_wait.c). Scheduling
// a soft callback wakes every waiting thread; any of them may run it.
#define MICROPY_SCHEDULER_DEPTH     (8)
#include "port_wait.h"
#define MICROPY_SCHED_HOOK_SCHEDULED port_sched_hook()
#define MICROPY_INTERNAL_WFE(TIMEOUT_MS) port_wait_ms(PORT_WAKE_ALL, TIMEOUT_MS)

// Test builds: a collection can be made to pause inside its scan of the
// root pointers, for an interrupt to land there (_uevent_test).
#if defined(CONFIG_UEVENT_TEST_HOOKS)
extern uint32_t uevent_test_gc_pause_us;
void uevent_test_gc_root_hook(size_t i);
#define MICROPY_GC_HOOK_LOOP(i) do { \
        if (uevent_test_gc_pause_us != 0) { \
            uevent_test_gc_root_hook(i); \
        } \
} while (0)
#endif

#define MICROPY_BEGIN_ATOMIC_SECTION() irq_lock()
#define MICROPY_END_ATOMIC_SECTION(state) irq_unlock(state)

#define MICROPY_HW_BOARD_NAME       "zephyr-" CONFIG_BOARD
#define MICROPY_HW_MCU_NAME         CONFIG_SOC

typedef long mp_off_t;
#define MP_SSIZE_MAX                (0x7fffffff)
#define MP_STATE_PORT               MP_STATE_VM
