# What the port compiles, by the Kconfig option that brings it in; included
# by port.cmake. A list named <prefix>always is always compiled, a list named
# <prefix>CONFIG_X when CONFIG_X is set. Adding a source is adding it to one
# list here.

# Ours, in zephyr_port/, room by room (README.md there).
set(port_files_always
    port/main.c
    port/help.c
    port/console_uart.c
    port/console_stdio.c
    port/port_wait.c
    port/port_irq.c
    port/port_soft_reset.c
    machine/machine_pin.c
    machine/machine_timer.c
    machine/machine_uart_port.c
    machine/machine_bus.c
    machine/machine_i2c.c
    machine/machine_spi.c
    uevent/uevent_core.c
    uevent/uevent_flag.c
    uevent/uevent_poller.c
    uevent/uevent_sources.c
    uevent/uevent_board.c
    uevent/moduevent.c
    asyncio/uevent_ioqueue.c
    asyncio/uevent_await.c
    asyncio/uevent_asyncio_loop.c
    asyncio/uevent_asyncio_sleep.c
)
set(port_files_CONFIG_MICROPY_THREAD port/mpthreadport.c)
set(port_files_CONFIG_MICROPY_VFS_LFS2 storage/port_filesystem.c storage/flash_area.c storage/modzephyr.c)
set(port_files_CONFIG_MICROPY_OS_URANDOM port/port_random.c)
set(port_files_CONFIG_MICROPY_PY_SOCKET network/socket_watch.c network/socket_close_watch.c network/modsocket.c network/modnetwork.c)
set(port_files_CONFIG_ETH_SMSC911X network/lan9220_rx_discard.c)

# Not the product's: C modules only test and benchmark images build, kept
# beside the tests and the bench that use them (tests/firmware/hooks/,
# bench/firmware/), from the project root.
set(test_files_CONFIG_UEVENT_TEST_HOOKS
    tests/firmware/hooks/moduevent_test.c
    tests/firmware/hooks/test_alloc_faults.c
    tests/firmware/hooks/test_source.c
    tests/firmware/hooks/test_net_counters.c
)
set(test_files_CONFIG_UEVENT_BENCH_HOOKS bench/firmware/moduevent_bench.c)

# MicroPython's helpers outside py/ and extmod/, used as they are from the
# dependency: the REPL's line editing and exec, stdio, the GC's register
# scan, Pin and Timer IRQ dispatch (mpirq), time conversions, SoftSPI's
# bit-banging, and littlefs for /flash.
set(micropython_files_always
    shared/readline/readline.c
    shared/runtime/gchelper_generic.c
    shared/runtime/interrupt_char.c
    shared/runtime/mpirq.c
    shared/runtime/pyexec.c
    shared/runtime/stdout_helpers.c
    shared/timeutils/timeutils.c
    drivers/bus/softspi.c
)
set(micropython_files_CONFIG_MICROPY_VFS_LFS2 lib/littlefs/lfs2.c lib/littlefs/lfs2_util.c)
# MicroPython's VfsLfs2 is compiled inside port_filesystem.c (which checks
# each of its littlefs calls), not from extmod's list; os.umount and
# vfs.umount are port_filesystem.c's, which refuses while files are open
# and then calls MicroPython's (the linker points the os and vfs modules'
# tables at __wrap_mp_vfs_umount_obj).
if(CONFIG_MICROPY_VFS_LFS2)
    list(REMOVE_ITEM MICROPY_SOURCE_EXTMOD ${MICROPY_EXTMOD_DIR}/vfs_lfs.c)
    zephyr_link_libraries(-Wl,--wrap=mp_vfs_umount_obj)
endif()

# The files of every <prefix>... list that applies, under `root`, into `out`.
function(uevent_selected_files prefix root out)
    get_cmake_property(lists VARIABLES)
    list(FILTER lists INCLUDE REGEX "^${prefix}(always|CONFIG_.*)$")
    set(files)
    foreach(list_name IN LISTS lists)
        string(REPLACE "${prefix}" "" option "${list_name}")
        if(option STREQUAL "always" OR ${option})
            list(APPEND files ${${list_name}})
        endif()
    endforeach()
    list(TRANSFORM files PREPEND "${root}/")
    set(${out} ${files} PARENT_SCOPE)
endfunction()
