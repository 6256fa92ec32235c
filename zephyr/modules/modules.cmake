# Zephyr includes this file early in find_package(Zephyr), before Kconfig and
# the devicetree, for every application of a workspace that has this module
# (module.yml: module_ext_root). It does nothing for an application that does
# not use the port. An application asks for the port by setting UEVENT_APP
# before find_package(Zephyr):
#
#   cmake_minimum_required(VERSION 3.20.0)
#   set(UEVENT_APP ON)
#   find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})
#   project(my_app)
#   uevent_app()
#
# See zephyr_port/app_config.cmake and docs/apps.md.

if(UEVENT_APP)
    include(${CMAKE_CURRENT_LIST_DIR}/../../zephyr_port/app_config.cmake)
endif()

# Every build with the port's Kconfig (zephyr_port/board_config.cmake ran):
# the defaults that keep off Zephyr drivers needing a module west.yml leaves
# out, which the port's Kconfig sources before Zephyr's (docs/boards.md).
if(DEFINED UEVENT_PORT_DIR)
    include(${CMAKE_CURRENT_LIST_DIR}/../../codegen/cmake/uevent_codegen.cmake)
    if(NOT DEFINED KCONFIG_BINARY_DIR)
        set(KCONFIG_BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/Kconfig)
    endif()
    uevent_module_drivers(OUTPUT ${KCONFIG_BINARY_DIR}/Kconfig.uevent_module_drivers)
endif()
