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

# The build's own copy of the dependency's asyncio package file, frozen
# unchanged as asyncio.stock (python/manifest.py).
set(MICROPY_MANIFEST_UEVENT_STOCK_ASYNCIO ${CMAKE_CURRENT_BINARY_DIR}/stock_asyncio)
configure_file(${MICROPY_DIR}/extmod/asyncio/__init__.py
    ${MICROPY_MANIFEST_UEVENT_STOCK_ASYNCIO}/asyncio/stock.py COPYONLY)

# Sources (port_sources.cmake): ours, then MicroPython's from the dependency.
include(${UEVENT_PORT_DIR}/port_sources.cmake)
uevent_selected_files(port_files_ ${UEVENT_PORT_DIR} uevent_port_sources)
uevent_selected_files(test_files_ ${UEVENT_ROOT} uevent_test_sources)
list(APPEND uevent_port_sources ${uevent_test_sources})
uevent_selected_files(micropython_files_ ${MICROPY_DIR} uevent_micropython_sources)
if(CONFIG_MICROPY_VFS_LFS2 AND CONFIG_XIP)
    # A firmware that runs from flash must end before the partition that
    # /flash formats (docs/filesystem.md).
    uevent_storage_check()
endif()

# mkrules.cmake scans every source for qstrs and modules, preprocessing it
# as Zephyr compiles it: with Zephyr's include paths, definitions, options.
set(MICROPY_CPP_FLAGS_EXTRA)
foreach(kind include_directories system_include_directories compile_definitions compile_options)
    cmake_language(CALL zephyr_get_${kind}_for_lang C flags)
    list(APPEND MICROPY_CPP_FLAGS_EXTRA ${flags})
endforeach()
set(MICROPY_SOURCE_QSTR
    ${MICROPY_SOURCE_PY} ${MICROPY_SOURCE_EXTMOD} ${uevent_micropython_sources}
    ${uevent_port_sources} ${UEVENT_GENERATED_SOURCES})
set(MICROPY_QSTRDEFS_PORT ${UEVENT_PORT_DIR}/qstrdefsport.h)

if(CONFIG_MICROPY_PY_SOCKET)
    # Zephyr 3.5 signals no k_poll object when a connection closes while
    # its receive queue holds data, and keeps a failed connect's error for
    # connect() alone: the socket watchers see the close through the
    # receive and connect callbacks instead (network/socket_close_watch.c).
    zephyr_ld_options(-Wl,--wrap=net_context_recv -Wl,--wrap=net_context_connect)
endif()
if(CONFIG_ETH_SMSC911X)
    # A frame the LAN9220 driver has no packet for is read out into a spare,
    # not fast-forwarded, which QEMU's model gets wrong and the network dies
    # (network/lan9220_rx_discard.c).
    zephyr_ld_options(-Wl,--wrap=net_pkt_rx_alloc_with_buffer -Wl,--wrap=net_recv_data)
endif()

# One Zephyr library holds MicroPython and the port; the app links it.
zephyr_library_named(${MICROPY_TARGET})
zephyr_library_sources(${MICROPY_SOURCE_QSTR})
zephyr_library_link_libraries(kernel)
# MicroPython's C is GNU C99 (Zephyr's default is plain C99); no frame
# pointer, as every MicroPython port builds it.
zephyr_library_compile_options(-std=gnu99 -fomit-frame-pointer)
zephyr_library_compile_definitions(NDEBUG MP_CONFIGFILE=<mpconfigport.h>)
zephyr_library_include_directories(
    ${MICROPY_INC_CORE}
    ${CMAKE_CURRENT_BINARY_DIR}
    ${UEVENT_PORT_DIR}
    ${UEVENT_PORT_DIR}/port
    ${UEVENT_PORT_DIR}/machine
    ${UEVENT_PORT_DIR}/storage
    ${UEVENT_PORT_DIR}/uevent
    ${UEVENT_PORT_DIR}/asyncio
    ${UEVENT_PORT_DIR}/network
    ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated
)
if(CONFIG_MICROPY_PY_SOCKET)
    # The error Zephyr's socket layer keeps on a connection: its private
    # sockets_internal.h (network/socket_watch.c).
    zephyr_library_include_directories(${ZEPHYR_BASE}/subsys/net/lib/sockets)
endif()
if(CONFIG_MICROPY_VFS_LFS2)
    # littlefs without its own malloc and logging (MicroPython's heap and
    # exceptions instead), as MicroPython's ports build it.
    zephyr_library_compile_definitions(LFS2_NO_MALLOC LFS2_NO_DEBUG LFS2_NO_WARN LFS2_NO_ERROR LFS2_NO_ASSERT
        LFS2_DEFINES=extmod/littlefs-include/lfs2_defines.h
        # extmod's vfs module includes FAT's header even without FAT.
        FFCONF_H=\"${MICROPY_OOFATFS_DIR}/ffconf.h\")
endif()
if(CONFIG_UEVENT_TEST_HOOKS)
    # Allocation fault injection (tests/firmware/hooks/test_alloc_faults.c).
    zephyr_link_libraries(-Wl,--wrap=gc_alloc -Wl,--wrap=gc_realloc)
endif()

# MicroPython's generated headers (qstrs, modules, version, frozen code).
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

# Both scan and compile against Zephyr's generated headers (devicetree,
# Kconfig, syscalls): they must exist first.
foreach(target BUILD_VERSION_HEADER ${MICROPY_TARGET})
    add_dependencies(${target} zephyr_generated_headers)
endforeach()

target_sources(app PRIVATE ${UEVENT_PORT_DIR}/port/app_main.c)
if(CONFIG_UEVENT_BOOT_VECTORS)
    # Reset vectors at the start of flash for an image linked further in.
    target_sources(app PRIVATE ${UEVENT_PORT_DIR}/storage/boot_vectors.S)
    zephyr_linker_sources(SECTIONS ${UEVENT_PORT_DIR}/storage/boot_vectors.ld)
endif()
target_include_directories(app PRIVATE ${UEVENT_PORT_DIR} ${UEVENT_PORT_DIR}/port)
target_link_libraries(app PRIVATE ${MICROPY_TARGET})
