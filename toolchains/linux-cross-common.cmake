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

include(${CMAKE_CURRENT_LIST_DIR}/host-packages.cmake)
