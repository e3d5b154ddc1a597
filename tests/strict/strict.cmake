# SPDX-License-Identifier: BSL-1.0
# The warning flags studios build with, on every public header alone and together, with both
# compilers. include()d at the end of tests/CMakeLists.txt (after packaging.cmake, which generates
# the header-alone files, and the FreeRTOS double).
#
#   header_alone                   (packaging.cmake) the build's compiler, every header alone and
#                                  tests/strict/all_headers.cpp, with these flags and -Werror
#   header_strict_other_compiler   the same files and tests/strict/freertos.cpp with the other
#                                  compiler (clang++ when the build uses g++, g++ otherwise)

# The other compiler: clang 22 or 19 (scripts/run installs clang-19) for a g++ build, g++ for a
# clang build.
if(CMAKE_CROSSCOMPILING)
  return()  # host-side checks: the native build runs them
endif()

# clang_format: every C++ file is formatted as .clang-format says (clang-format 14, Debian 12's;
# another version may format differently, so only that one is used).
find_program(ERRGROUP_CLANG_FORMAT NAMES clang-format-14 DOC "clang-format for the clang_format test")
if(ERRGROUP_CLANG_FORMAT)
  set(_fmt_files "")
  foreach(_dir include port tests bench examples)
    file(GLOB_RECURSE _fs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${_dir}/*.hpp"
         "${PROJECT_SOURCE_DIR}/${_dir}/*.cpp" "${PROJECT_SOURCE_DIR}/${_dir}/*.h")
    list(APPEND _fmt_files ${_fs})
  endforeach()
  add_test(NAME clang_format
    COMMAND "${ERRGROUP_CLANG_FORMAT}" --dry-run -Werror ${_fmt_files}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
else()
  message(STATUS "errgroup: clang-format-14 not found: clang_format not registered")
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  find_program(ERRGROUP_OTHER_CXX NAMES clang++-22 clang++-19 clang++ DOC "second compiler for header_strict_other_compiler")
else()
  find_program(ERRGROUP_OTHER_CXX NAMES g++ g++-12 DOC "second compiler for header_strict_other_compiler")
endif()

if(NOT ERRGROUP_OTHER_CXX)
  message(STATUS "errgroup: no second C++ compiler found: header_strict_other_compiler not registered")
  return()
endif()

get_target_property(_boost_inc Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
set(_strict_inc "${PROJECT_SOURCE_DIR}/include" "${PROJECT_SOURCE_DIR}/port/std_thread/include"
  "${PROJECT_SOURCE_DIR}/port/bare_metal/include" "${PROJECT_SOURCE_DIR}/port/freertos/include"
  "${CMAKE_CURRENT_SOURCE_DIR}/freertos_double")
if(_boost_inc)
  list(APPEND _strict_inc ${_boost_inc})
endif()
add_test(NAME header_strict_other_compiler
  COMMAND "${CMAKE_COMMAND}" "-DCOMPILER=${ERRGROUP_OTHER_CXX}"
          "-DFLAGS=${ERRGROUP_STRICT_WARNINGS}"
          "-DVARIANT_FLAGS=-DERRGROUP_STATS=1;-fno-exceptions;-fno-rtti"
          "-DINCLUDES=${_strict_inc}"
          "-DFILES=${CMAKE_CURRENT_SOURCE_DIR}/strict/no_boost.cpp;${ERRGROUP_HEADER_TUS};${CMAKE_CURRENT_SOURCE_DIR}/strict/all_headers.cpp;${CMAKE_CURRENT_SOURCE_DIR}/strict/freertos.cpp;${CMAKE_CURRENT_BINARY_DIR}/freertos_header_alone.cpp"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/strict/strict_headers.cmake")
set_tests_properties(header_strict_other_compiler PROPERTIES TIMEOUT 300)
