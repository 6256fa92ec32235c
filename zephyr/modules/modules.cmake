# Zephyr includes this file early in find_package(Zephyr), before Kconfig and
# the devicetree, for every application of a workspace that has this module
# (module.yml: module_ext_root). It does nothing unless the application asks
# for the MicroPython port by setting UEVENT_APP before find_package(Zephyr):
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
