# SPDX-License-Identifier: BSL-1.0
# Driver for errgroup's packaging tests (cmake -P), called by tests/packaging.cmake.
#
#   ACTION=install   -DBUILD_DIR=<errgroup build> -DPREFIX=<dir>
#       Installs the build tree's package into a fresh PREFIX.
#   ACTION=consumer  -DMODE=<find_package|add_subdirectory|fetchcontent> -DCONSUMER_DIR=<tests/consumer>
#                    -DBINARY_DIR=<dir> -DERRGROUP_SOURCE_DIR=<src> -DGENERATOR=<gen>
#                    -DCXX_COMPILER=<cxx> [-DPREFIX=<install>] [-DLAUNCHER=<ccache>] [-DBOOST_DIR=<dir>]
#                    [-DTOOLCHAIN=<toolchain file> -DEMULATOR=<cmd|args>]
#       Configures, builds and runs the consumer in a fresh BINARY_DIR (cross: with the toolchain
#       file instead of the compiler, run through the emulator).
#
# The consumer gets no CMAKE_CXX_FLAGS and no CXXFLAGS/LDFLAGS from the environment, so it never
# inherits sanitizer or warning flags of errgroup's own build: it is built as a user would.
cmake_minimum_required(VERSION 3.16)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

if(ACTION STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
  file(GLOB_RECURSE config "${PREFIX}/*/errgroupConfig.cmake")
  if(NOT config)
    message(FATAL_ERROR "no errgroupConfig.cmake under ${PREFIX}")
  endif()
  if(NOT EXISTS "${PREFIX}/share/doc/errgroup/LICENSE")
    message(FATAL_ERROR "the license is not installed (${PREFIX}/share/doc/errgroup/LICENSE)")
  endif()
elseif(ACTION STREQUAL "consumer")
  unset(ENV{CXXFLAGS})
  unset(ENV{LDFLAGS})
  file(REMOVE_RECURSE "${BINARY_DIR}")
  set(args -S "${CONSUMER_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
    "-DERRGROUP_CONSUMER_MODE=${MODE}"
    "-DERRGROUP_SOURCE_DIR=${ERRGROUP_SOURCE_DIR}")
  if(TOOLCHAIN)
    list(APPEND args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}")
  else()
    list(APPEND args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
  endif()
  if(MODE STREQUAL "find_package")
    list(APPEND args "-Derrgroup_ROOT=${PREFIX}")
  endif()
  if(LAUNCHER)
    list(APPEND args "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
  endif()
  if(BOOST_DIR)
    list(APPEND args "-DBoost_DIR=${BOOST_DIR}")
  endif()
  if(FREERTOS_HEADERS)
    list(APPEND args "-DERRGROUP_CONSUMER_FREERTOS_HEADERS=${FREERTOS_HEADERS}")
  endif()
  run("${CMAKE_COMMAND}" ${args})
  if(MODE STREQUAL "find_package")
    # The package must come from PREFIX, not from some errgroup installed elsewhere.
    file(STRINGS "${BINARY_DIR}/CMakeCache.txt" found REGEX "^errgroup_DIR:")
    string(FIND "${found}" "${PREFIX}/" at)
    if(NOT at GREATER -1)
      message(FATAL_ERROR "find_package found errgroup outside ${PREFIX}: ${found}")
    endif()
  endif()
  run("${CMAKE_COMMAND}" --build "${BINARY_DIR}" --config Release)
  set(exe "")
  foreach(candidate "${BINARY_DIR}/errgroup_consumer" "${BINARY_DIR}/errgroup_consumer.exe"
          "${BINARY_DIR}/Release/errgroup_consumer" "${BINARY_DIR}/Release/errgroup_consumer.exe")
    if(NOT exe AND EXISTS "${candidate}")
      set(exe "${candidate}")
    endif()
  endforeach()
  if(NOT exe)
    message(FATAL_ERROR "no errgroup_consumer executable under ${BINARY_DIR}")
  endif()
  string(REPLACE "|" ";" emulator "${EMULATOR}")
  run(${emulator} "${exe}")
else()
  message(FATAL_ERROR "run_consumer.cmake: ACTION must be install or consumer")
endif()
