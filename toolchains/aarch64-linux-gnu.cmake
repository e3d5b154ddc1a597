# SPDX-License-Identifier: BSL-1.0
# toolchains/aarch64-linux-gnu.cmake — Linux on 64-bit ARM (armv8-a), run under qemu-user.
#
# Debian packages: g++-aarch64-linux-gnu (compiler + sysroot in /usr/aarch64-linux-gnu),
#   qemu-user (qemu-aarch64). The tests also need the host's catch2 and libboost-dev (both are
#   header-only here, and Debian's cross compilers search /usr/include last, after the sysroot).
#
# Use:
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/aarch64-linux-gnu.cmake
#   cmake --build build-aarch64 && ctest --test-dir build-aarch64
# ctest runs every test binary through CMAKE_CROSSCOMPILING_EMULATOR (binfmt_misc need not be
# registered). scripts/cross does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(ERRGROUP_CROSS_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
