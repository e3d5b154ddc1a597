# SPDX-License-Identifier: BSL-1.0
# toolchains/arm-linux-gnueabihf.cmake — Linux on 32-bit ARM (armv7-a, hard float), run under
# qemu-user.
#
# Debian packages: g++-arm-linux-gnueabihf (compiler + sysroot in /usr/arm-linux-gnueabihf),
#   qemu-user (qemu-arm). The tests also need the host's catch2 and libboost-dev (header-only;
#   Debian's cross compilers search /usr/include last, after the sysroot).
#
# Use:
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/arm-linux-gnueabihf.cmake
#   cmake --build build-armhf && ctest --test-dir build-armhf
# 32-bit ARM: std::atomic<uint64_t> is lock-free here (LDREXD/STREXD), so ERRGROUP_STATS stays on.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ERRGROUP_CROSS_TRIPLE arm-linux-gnueabihf)
# GCC notes that the ABI of passing some structs changed in GCC 7 ("-Wpsabi"): noise, not a bug.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
