# What a GNU Arm Embedded toolchain (ZEPHYR_TOOLCHAIN_VARIANT=gnuarmemb, for
# example Debian's gcc-arm-none-eabi) cannot tell Zephyr by itself, found out
# here so that no build command needs extra flags (the Zephyr SDK says both
# itself; then this file does nothing):
#  - TOOLCHAIN_HAS_PICOLIBC: the compiler finds picolibc.specs (the port's
#    prj.conf selects picolibc; Debian's newlib does not build, see README);
#  - ZEPHYR_TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE: Arm GCC has it, and
#    picolibc keeps errno in thread-local storage.
# Included before Kconfig runs; a value given on the command line or in the
# environment wins.

if(DEFINED ZEPHYR_TOOLCHAIN_VARIANT)
    set(uevent_toolchain ${ZEPHYR_TOOLCHAIN_VARIANT})
else()
    set(uevent_toolchain $ENV{ZEPHYR_TOOLCHAIN_VARIANT})
endif()

if(uevent_toolchain STREQUAL "gnuarmemb")
    if(DEFINED GNUARMEMB_TOOLCHAIN_PATH)
        set(uevent_gcc ${GNUARMEMB_TOOLCHAIN_PATH}/bin/arm-none-eabi-gcc)
    else()
        set(uevent_gcc $ENV{GNUARMEMB_TOOLCHAIN_PATH}/bin/arm-none-eabi-gcc)
    endif()
    if(NOT DEFINED TOOLCHAIN_HAS_PICOLIBC AND EXISTS ${uevent_gcc})
        execute_process(COMMAND ${uevent_gcc} -print-file-name=picolibc.specs
            OUTPUT_VARIABLE uevent_specs OUTPUT_STRIP_TRAILING_WHITESPACE
            RESULT_VARIABLE uevent_rc)
        # Without the file, gcc prints the bare name back.
        if(uevent_rc EQUAL 0 AND IS_ABSOLUTE "${uevent_specs}" AND EXISTS "${uevent_specs}")
            set(TOOLCHAIN_HAS_PICOLIBC ON)
            message(STATUS "uevent: ${uevent_gcc} has picolibc (TOOLCHAIN_HAS_PICOLIBC=ON)")
        endif()
    endif()
    if(NOT DEFINED ENV{ZEPHYR_TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE})
        set(ENV{ZEPHYR_TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE} y)
    endif()
endif()
