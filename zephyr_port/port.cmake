# Include AFTER find_package(Zephyr): builds MicroPython's core from the
# pinned dependency with this port, the uevent core and the board tables
# rendered by codegen/, into the Zephyr `app`.

include(${UEVENT_ROOT}/codegen/cmake/uevent_codegen.cmake)

# MicroPython from the west workspace (modules/lib/micropython).
if(NOT MICROPY_DIR)
    if(DEFINED ENV{MICROPY_DIR})
        set(MICROPY_DIR $ENV{MICROPY_DIR})
    elseif(ZEPHYR_MICROPYTHON_MODULE_DIR)
        set(MICROPY_DIR ${ZEPHYR_MICROPYTHON_MODULE_DIR})
    else()
        get_filename_component(MICROPY_DIR ${ZEPHYR_BASE}/../modules/lib/micropython ABSOLUTE)
    endif()
endif()
if(NOT EXISTS ${MICROPY_DIR}/py/py.cmake)
    message(FATAL_ERROR "uevent: MicroPython not found at ${MICROPY_DIR}. "
        "Run `west update` in the workspace (it fetches modules/lib/micropython), or set MICROPY_DIR.")
endif()

set(MICROPY_PORT_DIR ${UEVENT_PORT_DIR})
set(MICROPY_TARGET micropython)
include(${MICROPY_DIR}/py/py.cmake)
include(${MICROPY_DIR}/extmod/extmod.cmake)

# Frozen code: the port's manifest (asyncio), or the application's.
if(CONFIG_MICROPY_FROZEN_MANIFEST)
    cmake_path(ABSOLUTE_PATH CONFIG_MICROPY_FROZEN_MANIFEST BASE_DIRECTORY ${APPLICATION_SOURCE_DIR}
        OUTPUT_VARIABLE MICROPY_FROZEN_MANIFEST)
else()
    set(MICROPY_FROZEN_MANIFEST ${UEVENT_PORT_DIR}/manifest.py)
endif()
# micropython-lib (west.yml, beside MicroPython), for manifests that
# require() its packages: the conformance image freezes unittest. A
# workspace without it still builds the port (mkrules only needs a folder
# with a README.md); require() then fails, naming the package.
if(NOT MICROPY_LIB_DIR)
    get_filename_component(micropython_lib ${MICROPY_DIR}/../micropython-lib ABSOLUTE)
    if(EXISTS ${micropython_lib}/README.md)
        set(MICROPY_LIB_DIR ${micropython_lib})
    else()
        set(MICROPY_LIB_DIR ${UEVENT_PORT_DIR})
    endif()
endif()
set(MICROPY_MANIFEST_UEVENT_DIR ${UEVENT_ROOT})

uevent_codegen(
    OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated
    MAX_SOURCES ${CONFIG_UEVENT_MAX_BOARD_SOURCES}
    OUT_SOURCES UEVENT_GENERATED_SOURCES
)

# Can the board run the port, and what heap it gets (docs/boards.md). One
# line of sizes in the configure output; a missing console, GPIO or RAM stops
# here with one message.
uevent_board_profile(
    HEADER ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated/uevent_board_profile.h
    JSON ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated/board_profile.json
)

set(MICROPY_SOURCE_PORT
    main.c
    help.c
    console_uart.c
    port_wait.c
    port_irq.c
    port_soft_reset.c
    machine_pin.c
    machine_timer.c
    machine_bus.c
    machine_i2c.c
    machine_spi.c
    uevent/uevent_core.c
    uevent/uevent_flag.c
    uevent/uevent_poller.c
    uevent/uevent_sources.c
    uevent/uevent_board.c
    uevent/moduevent.c
)
if(CONFIG_MICROPY_THREAD)
    list(APPEND MICROPY_SOURCE_PORT mpthreadport.c)
endif()
if(CONFIG_MICROPY_VFS_LFS2)
    list(APPEND MICROPY_SOURCE_PORT port_filesystem.c flash_area.c modzephyr.c)
    # A firmware that runs from flash must end before the partition that
    # /flash formats (docs/filesystem.md).
    if(CONFIG_XIP)
        uevent_storage_check()
    endif()
endif()
if(CONFIG_MICROPY_OS_URANDOM)
    list(APPEND MICROPY_SOURCE_PORT port_random.c)
endif()
if(CONFIG_UEVENT_TEST_HOOKS)
    list(APPEND MICROPY_SOURCE_PORT uevent/moduevent_test.c uevent/test_alloc_faults.c)
endif()
if(CONFIG_UEVENT_BENCH_HOOKS)
    list(APPEND MICROPY_SOURCE_PORT uevent/moduevent_bench.c)
endif()
list(TRANSFORM MICROPY_SOURCE_PORT PREPEND ${UEVENT_PORT_DIR}/)
list(APPEND MICROPY_SOURCE_PORT ${UEVENT_GENERATED_SOURCES})

set(MICROPY_SOURCE_SHARED
    readline/readline.c
    runtime/gchelper_generic.c
    runtime/interrupt_char.c
    runtime/pyexec.c
    runtime/stdout_helpers.c
    runtime/sys_stdio_mphal.c
    timeutils/timeutils.c
)
list(TRANSFORM MICROPY_SOURCE_SHARED PREPEND ${MICROPY_DIR}/shared/)
# SoftSPI's bit-banging, from MicroPython's drivers as it is.
list(APPEND MICROPY_SOURCE_SHARED ${MICROPY_DIR}/drivers/bus/softspi.c)
# littlefs, from MicroPython's lib/ as it is (the filesystem of /flash).
if(CONFIG_MICROPY_VFS_LFS2)
    list(APPEND MICROPY_SOURCE_SHARED ${MICROPY_DIR}/lib/littlefs/lfs2.c ${MICROPY_DIR}/lib/littlefs/lfs2_util.c)
endif()

set(MICROPY_QSTRDEFS_PORT ${UEVENT_PORT_DIR}/qstrdefsport.h)

set(MICROPY_SOURCE_QSTR
    ${MICROPY_SOURCE_PY}
    ${MICROPY_SOURCE_EXTMOD}
    ${MICROPY_SOURCE_SHARED}
    ${MICROPY_SOURCE_PORT}
)

zephyr_get_include_directories_for_lang(C includes)
zephyr_get_system_include_directories_for_lang(C system_includes)
zephyr_get_compile_definitions_for_lang(C definitions)
zephyr_get_compile_options_for_lang(C options)
set(MICROPY_CPP_FLAGS_EXTRA ${includes} ${system_includes} ${definitions} ${options})

zephyr_library_named(${MICROPY_TARGET})
zephyr_library_include_directories(
    ${MICROPY_INC_CORE}
    ${UEVENT_PORT_DIR}
    ${UEVENT_PORT_DIR}/uevent
    ${CMAKE_CURRENT_BINARY_DIR}
    ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated
)
zephyr_library_compile_options(-std=gnu99 -fomit-frame-pointer)
zephyr_library_compile_definitions(NDEBUG MP_CONFIGFILE=<mpconfigport.h>)
if(CONFIG_MICROPY_VFS_LFS2)
    # littlefs without its own malloc and logging (MicroPython's heap and
    # exceptions instead), as MicroPython's ports build it.
    zephyr_library_compile_definitions(LFS2_NO_MALLOC LFS2_NO_DEBUG LFS2_NO_WARN LFS2_NO_ERROR LFS2_NO_ASSERT
        LFS2_DEFINES=extmod/littlefs-include/lfs2_defines.h
        # extmod's vfs module includes FAT's header even without FAT.
        FFCONF_H=\"${MICROPY_OOFATFS_DIR}/ffconf.h\")
endif()
zephyr_library_sources(${MICROPY_SOURCE_QSTR})
zephyr_library_link_libraries(kernel)
if(CONFIG_UEVENT_TEST_HOOKS)
    # Allocation fault injection (uevent/test_alloc_faults.c).
    zephyr_link_libraries(-Wl,--wrap=gc_alloc -Wl,--wrap=gc_realloc)
endif()

include(${MICROPY_DIR}/py/mkrules.cmake)

if(MICROPY_FROZEN_CONTENT)
    # Frozen code made against older qstrs is made again
    # (frozen_content_stale.cmake): after the qstrs, before makemanifest.py.
    add_custom_target(uevent_frozen_content_stale
        COMMAND ${CMAKE_COMMAND}
            -DQSTRDEFS=${MICROPY_GENHDR_DIR}/qstrdefs.preprocessed.h
            -DFROZEN=${MICROPY_FROZEN_CONTENT}
            -P ${UEVENT_PORT_DIR}/frozen_content_stale.cmake
        DEPENDS ${MICROPY_QSTRDEFS_GENERATED}
        VERBATIM
    )
    add_dependencies(BUILD_FROZEN_CONTENT uevent_frozen_content_stale)
endif()

add_dependencies(BUILD_VERSION_HEADER zephyr_generated_headers)
add_dependencies(${MICROPY_TARGET} zephyr_generated_headers)

target_sources(app PRIVATE ${UEVENT_PORT_DIR}/app_main.c)
target_include_directories(app PRIVATE ${UEVENT_PORT_DIR})
target_link_libraries(app PRIVATE ${MICROPY_TARGET})
