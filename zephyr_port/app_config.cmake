# An application that reuses the port (zephyr/modules/modules.cmake includes
# this before Kconfig when the application set UEVENT_APP). From the
# application's folder, in this order: prj.conf, demo.conf on QEMU boards
# (QEMU has no buttons to press: a demo mode, see samples/README.md),
# boards/<board>.conf; app.overlay and boards/<board>.overlay. Then the port's
# board configuration (board_config.cmake), which puts the port's prj.conf
# and Kconfig menu first. After project(), uevent_app() builds the port with
# the application's frozen manifest (CONFIG_MICROPY_FROZEN_MANIFEST, relative
# to the application's folder).

if(NOT BOARD AND DEFINED ENV{BOARD})
    set(BOARD $ENV{BOARD})
endif()
# BOARD may carry a revision (board@1.0): fragments are named without it.
string(REGEX REPLACE "@.*$" "" UEVENT_BOARD_NAME "${BOARD}")

set(UEVENT_APP_DIR ${APPLICATION_SOURCE_DIR})
if(NOT UEVENT_APP_DIR)
    set(UEVENT_APP_DIR ${CMAKE_SOURCE_DIR})
endif()

if(NOT EXISTS ${UEVENT_APP_DIR}/prj.conf)
    message(FATAL_ERROR "uevent: the application ${UEVENT_APP_DIR} has no prj.conf "
        "(it needs at least CONFIG_MICROPY_FROZEN_MANIFEST=\"manifest.py\"; see docs/apps.md).")
endif()
list(APPEND UEVENT_APP_CONF_FILES ${UEVENT_APP_DIR}/prj.conf)
if(UEVENT_BOARD_NAME MATCHES "^qemu_" AND EXISTS ${UEVENT_APP_DIR}/demo.conf)
    list(APPEND UEVENT_APP_CONF_FILES ${UEVENT_APP_DIR}/demo.conf)
endif()
if(EXISTS ${UEVENT_APP_DIR}/boards/${UEVENT_BOARD_NAME}.conf)
    list(APPEND UEVENT_APP_CONF_FILES ${UEVENT_APP_DIR}/boards/${UEVENT_BOARD_NAME}.conf)
endif()
foreach(overlay app.overlay boards/${UEVENT_BOARD_NAME}.overlay)
    if(EXISTS ${UEVENT_APP_DIR}/${overlay})
        list(APPEND UEVENT_APP_OVERLAYS ${UEVENT_APP_DIR}/${overlay})
    endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/board_config.cmake)

# After project(): the port, built into the application.
macro(uevent_app)
    include(${UEVENT_PORT_DIR}/port.cmake)
endmacro()
