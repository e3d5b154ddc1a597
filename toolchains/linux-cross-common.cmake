# SPDX-License-Identifier: BSL-1.0
# toolchains/linux-cross-common.cmake — shared by the Linux cross toolchain files; not a toolchain
# file by itself. Expects ERRGROUP_CROSS_TRIPLE (e.g. aarch64-linux-gnu) and
# CMAKE_SYSTEM_PROCESSOR to be set.
set(CMAKE_C_COMPILER ${ERRGROUP_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ERRGROUP_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${ERRGROUP_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# qemu-user runs the target's binaries; -L points it at the target's dynamic loader and libraries.
if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
  set(_qemu qemu-aarch64)
else()
  set(_qemu qemu-${CMAKE_SYSTEM_PROCESSOR})
endif()
find_program(ERRGROUP_QEMU_USER ${_qemu})
if(ERRGROUP_QEMU_USER)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ERRGROUP_QEMU_USER} -L /usr/${ERRGROUP_CROSS_TRIPLE})
endif()

# Header-only host packages (architecture-independent): with package search restricted to the
# sysroot, point find_package at the host's configs. Any -D on the command line wins.
if(NOT DEFINED Catch2_DIR AND EXISTS /usr/lib/cmake/Catch2/Catch2Config.cmake)
  set(Catch2_DIR /usr/lib/cmake/Catch2 CACHE PATH "Catch2 v2 (header-only) from the host")
endif()
if(NOT DEFINED Boost_DIR)
  file(GLOB _boost_cfg /usr/lib/*/cmake/Boost-*/BoostConfig.cmake)
  if(_boost_cfg)
    list(GET _boost_cfg 0 _boost_cfg)
    get_filename_component(_boost_dir ${_boost_cfg} DIRECTORY)
    set(Boost_DIR ${_boost_dir} CACHE PATH "Boost (headers only) from the host")
  endif()
endif()
# BoostConfig finds its components with HINTS, which ONLY mode re-roots into the sysroot.
if(NOT DEFINED boost_headers_DIR)
  file(GLOB _boost_cfg /usr/lib/*/cmake/boost_headers-*/boost_headers-config.cmake)
  if(_boost_cfg)
    list(GET _boost_cfg 0 _boost_cfg)
    get_filename_component(_boost_dir ${_boost_cfg} DIRECTORY)
    set(boost_headers_DIR ${_boost_dir} CACHE PATH "Boost.Headers from the host")
  endif()
endif()
