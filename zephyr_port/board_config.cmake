# Include BEFORE find_package(Zephyr): picks the port's prj.conf and this
# repository's per-board fragments (boards/<board>.conf and .overlay).
# An application (the port itself, a sample, a test) may set
# UEVENT_APP_CONF_FILES beforehand to add its own fragments.

get_filename_component(UEVENT_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(UEVENT_PORT_DIR ${UEVENT_ROOT}/zephyr_port)
include(${UEVENT_PORT_DIR}/toolchain_defaults.cmake)

if(NOT BOARD AND DEFINED ENV{BOARD})
    set(BOARD $ENV{BOARD})
endif()
if(NOT BOARD)
    message(FATAL_ERROR "uevent: no board given. Build with `west build -b <board> zephyr_port` "
        "(for example -b qemu_cortex_m3); see README.md for the supported boards.")
endif()

# BOARD may carry a revision (board@1.0): fragments are named without it.
string(REGEX REPLACE "@.*$" "" UEVENT_BOARD_FILE_NAME "${BOARD}")

# Networking (docs/network.md): on by default on a board whose
# boards/<board>.network.conf says how it reaches a network. An application
# leaves it out with -DUEVENT_NETWORK=OFF (or set(UEVENT_NETWORK OFF) before
# including this); ON adds the stack on any board, its driver from the
# devicetree. Before the application's fragments, which may change its settings.
set(UEVENT_BOARD_NETWORK_CONF ${UEVENT_ROOT}/boards/${UEVENT_BOARD_FILE_NAME}.network.conf)
# (A plain set() by the application wins: no cache entry over it.)
if(NOT DEFINED UEVENT_NETWORK)
    if(EXISTS ${UEVENT_BOARD_NETWORK_CONF})
        set(UEVENT_NETWORK ON CACHE BOOL "socket and network (docs/network.md)")
    else()
        set(UEVENT_NETWORK OFF CACHE BOOL "socket and network (docs/network.md)")
    endif()
endif()
set(UEVENT_NETWORK_CONF_FILES)
if(UEVENT_NETWORK)
    list(APPEND UEVENT_NETWORK_CONF_FILES ${UEVENT_PORT_DIR}/network/network.conf)
    if(EXISTS ${UEVENT_BOARD_NETWORK_CONF})
        list(APPEND UEVENT_NETWORK_CONF_FILES ${UEVENT_BOARD_NETWORK_CONF})
    endif()
endif()

set(CONF_FILE ${UEVENT_PORT_DIR}/prj.conf ${UEVENT_NETWORK_CONF_FILES} ${UEVENT_APP_CONF_FILES})
# The port's Kconfig menu (heap, feature level, frozen manifest) is every
# reusing application's too.
set(KCONFIG_ROOT ${UEVENT_PORT_DIR}/Kconfig)
if(EXISTS ${UEVENT_ROOT}/boards/${UEVENT_BOARD_FILE_NAME}.conf)
    list(APPEND CONF_FILE ${UEVENT_ROOT}/boards/${UEVENT_BOARD_FILE_NAME}.conf)
endif()
if(EXISTS ${UEVENT_ROOT}/boards/${UEVENT_BOARD_FILE_NAME}.overlay)
    list(APPEND DTC_OVERLAY_FILE ${UEVENT_ROOT}/boards/${UEVENT_BOARD_FILE_NAME}.overlay)
endif()
foreach(extra ${UEVENT_APP_OVERLAYS})
    list(APPEND DTC_OVERLAY_FILE ${extra})
endforeach()


# not driven by west (CI with explicit ZEPHYR_MODULES), add it unless given.
if(NOT "${ZEPHYR_EXTRA_MODULES}" MATCHES "${UEVENT_ROOT}")
    if(NOT "$ENV{ZEPHYR_MODULES}" MATCHES "${UEVENT_ROOT}" AND NOT "${ZEPHYR_MODULES}" MATCHES "${UEVENT_ROOT}")
        list(APPEND ZEPHYR_EXTRA_MODULES ${UEVENT_ROOT})
    endif()
endif()
