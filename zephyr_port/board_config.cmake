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

# Networking (docs/network.md): on by default on a board whose
# boards/<board>.network.conf says how it reaches a network. An application
# leaves it out with -DUEVENT_NETWORK=OFF (or set(UEVENT_NETWORK OFF) before
# including this); ON adds the stack on any board, its driver from the
# devicetree. Before the application's fragments, which may change its settings.
if(EXISTS ${UEVENT_ROOT}/boards/${BOARD}.network.conf)
    set(UEVENT_NETWORK_DEFAULT ON)
else()
    set(UEVENT_NETWORK_DEFAULT OFF)
endif()
set(UEVENT_NETWORK ${UEVENT_NETWORK_DEFAULT} CACHE BOOL "socket and network (docs/network.md)")
set(UEVENT_NETWORK_CONF_FILES)
if(UEVENT_NETWORK)
    list(APPEND UEVENT_NETWORK_CONF_FILES ${UEVENT_PORT_DIR}/network/network.conf)
    if(EXISTS ${UEVENT_ROOT}/boards/${BOARD}.network.conf)
        list(APPEND UEVENT_NETWORK_CONF_FILES ${UEVENT_ROOT}/boards/${BOARD}.network.conf)
    endif()
endif()

set(CONF_FILE ${UEVENT_PORT_DIR}/prj.conf ${UEVENT_NETWORK_CONF_FILES} ${UEVENT_APP_CONF_FILES})
# The port's Kconfig menu (heap, feature level, frozen manifest) is every
# reusing application's too.
set(KCONFIG_ROOT ${UEVENT_PORT_DIR}/Kconfig)
if(EXISTS ${UEVENT_ROOT}/boards/${BOARD}.conf)
    list(APPEND CONF_FILE ${UEVENT_ROOT}/boards/${BOARD}.conf)
endif()
if(EXISTS ${UEVENT_ROOT}/boards/${BOARD}.overlay)
    list(APPEND DTC_OVERLAY_FILE ${UEVENT_ROOT}/boards/${BOARD}.overlay)
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
