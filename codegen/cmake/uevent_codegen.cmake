# uevent_codegen(OUTPUT_DIR <dir> MAX_SOURCES <n> OUT_SOURCES <var> [OUT_HEADERS <var>])
#
# Renders the board's uevent event-source table and k_poll backend storage
# from the build's devicetree (${EDT_PICKLE}, written by Zephyr's dts step)
# into OUTPUT_DIR at build time, and returns the generated .c files in
# OUT_SOURCES (and the headers in OUT_HEADERS). Add the sources to a target of
# the calling directory, OUTPUT_DIR to its include path, and the sources to
# MicroPython's qstr scan: uevent_board_sources.c uses MP_QSTR_<name>.
#
# The generator runs from this repository's codegen/src with PYTHONPATH, so it
# needs no pip install; it needs jinja2 in ${PYTHON_EXECUTABLE}. The command
# re-runs when edt.pickle, a template or a package .py file changes. A
# devicetree problem stops the build with
# "devicetree error: <node path>: <what is wrong>".

include_guard(GLOBAL)

# The package's sources, run with PYTHONPATH (no pip install needed).
set(UEVENT_CODEGEN_SRC_DIR ${CMAKE_CURRENT_LIST_DIR}/../src)
cmake_path(NORMAL_PATH UEVENT_CODEGEN_SRC_DIR)

# Zephyr's Python (PYTHON_EXECUTABLE), or one found here.
macro(uevent_codegen_python)
  if(NOT DEFINED PYTHON_EXECUTABLE)
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(PYTHON_EXECUTABLE ${Python3_EXECUTABLE})
  endif()
endmacro()

function(uevent_codegen)
  cmake_parse_arguments(arg "" "OUTPUT_DIR;MAX_SOURCES;OUT_SOURCES;OUT_HEADERS" "" ${ARGN})
  foreach(required OUTPUT_DIR MAX_SOURCES OUT_SOURCES)
    if(NOT DEFINED arg_${required})
      message(FATAL_ERROR "uevent_codegen(): ${required} is required")
    endif()
  endforeach()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "uevent_codegen(): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_MAX_SOURCES MATCHES "^[0-9]+$")
    message(FATAL_ERROR "uevent_codegen(): MAX_SOURCES must be a number, not '${arg_MAX_SOURCES}'")
  endif()
  if(NOT DEFINED EDT_PICKLE)
    message(FATAL_ERROR "uevent_codegen(): EDT_PICKLE is not set: call it after find_package(Zephyr)")
  endif()
  uevent_codegen_python()
  set(src_dir ${UEVENT_CODEGEN_SRC_DIR})
  file(GLOB_RECURSE package_files CONFIGURE_DEPENDS
    ${src_dir}/uevent_codegen/*.py
    ${src_dir}/uevent_codegen/templates/*.j2
  )

  set(sources
    ${arg_OUTPUT_DIR}/uevent_board_sources.c
    ${arg_OUTPUT_DIR}/uevent_backend.c
  )
  set(headers
    ${arg_OUTPUT_DIR}/uevent_board_sources.h
    ${arg_OUTPUT_DIR}/uevent_backend.h
  )
  set(docs
    ${arg_OUTPUT_DIR}/board_sources.pyi
    ${arg_OUTPUT_DIR}/board_sources.md
  )

  set(zephyr_base_arg)
  if(DEFINED ZEPHYR_BASE)
    set(zephyr_base_arg --zephyr-base ${ZEPHYR_BASE})
  endif()

  add_custom_command(
    OUTPUT ${sources} ${headers} ${docs}
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${src_dir}
      ${PYTHON_EXECUTABLE} -m uevent_codegen
      --edt-pickle ${EDT_PICKLE}
      ${zephyr_base_arg}
      --output-dir ${arg_OUTPUT_DIR}
      --max-sources ${arg_MAX_SOURCES}
    DEPENDS ${EDT_PICKLE} ${package_files}
    COMMENT "uevent-codegen: rendering the board's event sources from the devicetree"
    VERBATIM
  )

  set(${arg_OUT_SOURCES} ${sources} PARENT_SCOPE)
  if(DEFINED arg_OUT_HEADERS)
    set(${arg_OUT_HEADERS} ${headers} PARENT_SCOPE)
  endif()
endfunction()

# uevent_board_profile(HEADER <file> JSON <file>)
#
# At configure time (after Kconfig): checks that the board has a console
# UART, a GPIO controller and RAM for the smallest useful heap, and writes
# UEVENT_HEAP_SIZE (CONFIG_MICROPY_HEAP_SIZE, or the share of the board's RAM
# that codegen's board_profile.py computes) into HEADER and the chosen sizes
# into JSON. Prints the sizes as one line; a board that cannot run the port
# stops the configuration with one "uevent: board <b> cannot run the port:"
# message.
function(uevent_board_profile)
  cmake_parse_arguments(arg "" "HEADER;JSON" "" ${ARGN})
  if(NOT DEFINED arg_HEADER OR NOT DEFINED arg_JSON)
    message(FATAL_ERROR "uevent_board_profile(): HEADER and JSON are required")
  endif()
  uevent_codegen_python()
  set(src_dir ${UEVENT_CODEGEN_SRC_DIR})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${src_dir}
      ${PYTHON_EXECUTABLE} -m uevent_codegen.board_profile
      --edt-pickle ${EDT_PICKLE}
      --dotconfig ${DOTCONFIG}
      --board ${BOARD}
      --zephyr-base ${ZEPHYR_BASE}
      --header ${arg_HEADER}
      --json ${arg_JSON}
    OUTPUT_VARIABLE summary
    ERROR_VARIABLE problem
    RESULT_VARIABLE result
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_STRIP_TRAILING_WHITESPACE
  )
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${problem}")
  endif()
  message(STATUS "${summary}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${src_dir}/uevent_codegen/board_profile.py)
endfunction()

# uevent_module_drivers(OUTPUT <file>)
#
# At configure time, before Kconfig: writes the Kconfig defaults that keep
# off the Zephyr drivers needing a module west.yml leaves out (ST's sensor
# drivers need hal_st), found in ${ZEPHYR_BASE}'s Kconfig tree by codegen's
# module_drivers.py. The port's Kconfig sources OUTPUT before Zephyr's.
function(uevent_module_drivers)
  cmake_parse_arguments(arg "" "OUTPUT" "" ${ARGN})
  if(NOT DEFINED arg_OUTPUT)
    message(FATAL_ERROR "uevent_module_drivers(): OUTPUT is required")
  endif()
  uevent_codegen_python()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${UEVENT_CODEGEN_SRC_DIR}
      ${PYTHON_EXECUTABLE} -m uevent_codegen.module_drivers
      --zephyr-base ${ZEPHYR_BASE}
      --output ${arg_OUTPUT}
    ERROR_VARIABLE problem
    RESULT_VARIABLE result
    ERROR_STRIP_TRAILING_WHITESPACE
  )
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${problem}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${UEVENT_CODEGEN_SRC_DIR}/uevent_codegen/module_drivers.py
    ${UEVENT_CODEGEN_SRC_DIR}/uevent_codegen/templates/Kconfig.module_drivers.j2)
endfunction()

# After each link: fail when the image overlaps the devicetree's
# storage_partition (uevent_codegen/storage_check.py), which the filesystem
# formats on first boot, or the hex file writes over it. A stamp file
# records a passed check of this ELF.
function(uevent_storage_check)
  uevent_codegen_python()
  set(elf ${BYPRODUCT_KERNEL_ELF_NAME})
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/uevent_generated/storage_check.stamp)
  # The hex flashers write, made after the link with the ELF.
  set(hex_args)
  if(CONFIG_BUILD_OUTPUT_HEX)
    set(hex_args --hex ${BYPRODUCT_KERNEL_HEX_NAME})
  endif()
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${UEVENT_CODEGEN_SRC_DIR}
      ${PYTHON_EXECUTABLE} -m uevent_codegen.storage_check
      --edt-pickle ${EDT_PICKLE}
      --zephyr-base ${ZEPHYR_BASE}
      --elf ${elf}
      ${hex_args}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${elf} ${UEVENT_CODEGEN_SRC_DIR}/uevent_codegen/storage_check.py
    COMMENT "uevent: checking that the image ends before storage_partition"
    VERBATIM
  )
  add_custom_target(uevent_storage_check ALL DEPENDS ${stamp})
  add_dependencies(uevent_storage_check zephyr_final)
endfunction()
