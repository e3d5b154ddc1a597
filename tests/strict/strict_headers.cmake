# SPDX-License-Identifier: BSL-1.0
# Compiles C++ files with a second compiler, syntax only, and fails on the first warning:
#   cmake -DCOMPILER=clang++-19 "-DFLAGS=<;-list>" "-DINCLUDES=<;-list>" "-DFILES=<;-list>"
#         [-DVARIANT_FLAGS=<;-list>] -P strict_headers.cmake
# Each file is compiled with FLAGS, and again with FLAGS plus VARIANT_FLAGS if given.
# Registered by tests/strict/strict.cmake as the test header_strict_other_compiler.
foreach(_v COMPILER FLAGS FILES)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "strict_headers.cmake: ${_v} is not set")
  endif()
endforeach()
set(_inc "")
foreach(_d IN LISTS INCLUDES)
  list(APPEND _inc "-I${_d}")
endforeach()
set(_variants "BASE")
if(DEFINED VARIANT_FLAGS AND NOT "${VARIANT_FLAGS}" STREQUAL "")
  list(APPEND _variants "VARIANT")
endif()
set(_failed 0)
set(_count 0)
foreach(_f IN LISTS FILES)
  foreach(_variant IN LISTS _variants)
    set(_extra "")
    if(_variant STREQUAL "VARIANT")
      set(_extra ${VARIANT_FLAGS})
    endif()
    execute_process(
      COMMAND "${COMPILER}" -std=c++17 -fsyntax-only ${FLAGS} ${_extra} ${_inc} "${_f}"
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
    math(EXPR _count "${_count} + 1")
    if(NOT _rc EQUAL 0 OR NOT "${_out}" STREQUAL "")
      message("FAILED: ${COMPILER} ${_extra} ${_f}\n${_out}")
      set(_failed 1)
    endif()
  endforeach()
endforeach()
if(_failed)
  message(FATAL_ERROR "strict_headers.cmake: warnings or errors from ${COMPILER} (see above)")
endif()
message("${_count} compiles with ${COMPILER}: no warning")
