# Shared set-up of every sample, included by its CMakeLists.txt before
# find_package(Zephyr): the sample's prj.conf, its demo.conf on QEMU boards
# (QEMU has no buttons to press: those builds get _uevent_test and main.py
# runs its demo, see each README.md), its boards/<board>.conf, then the
# port's board configuration (which also gives it the port's Kconfig menu).

if(NOT BOARD AND DEFINED ENV{BOARD})
    set(BOARD $ENV{BOARD})
endif()

set(UEVENT_APP_CONF_FILES ${CMAKE_CURRENT_SOURCE_DIR}/prj.conf)
if(BOARD MATCHES "^qemu_" AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/demo.conf)
    list(APPEND UEVENT_APP_CONF_FILES ${CMAKE_CURRENT_SOURCE_DIR}/demo.conf)
endif()
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/boards/${BOARD}.conf)
    list(APPEND UEVENT_APP_CONF_FILES ${CMAKE_CURRENT_SOURCE_DIR}/boards/${BOARD}.conf)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../zephyr_port/board_config.cmake)
