# SPDX-License-Identifier: BSL-1.0
# toolchains/riscv64-linux-gnu.cmake — Linux on 64-bit RISC-V (rv64gc, lp64d), run under qemu-user.
#
# Debian packages: g++-riscv64-linux-gnu (compiler + sysroot in /usr/riscv64-linux-gnu),
#   qemu-user (qemu-riscv64). The tests also need the host's catch2 and libboost-dev (both are
#   header-only here, and Debian's cross compilers search /usr/include last, after the sysroot).
#
# Use:
#   cmake -S . -B build-riscv64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/riscv64-linux-gnu.cmake
#   cmake --build build-riscv64 && ctest --test-dir build-riscv64
# ctest runs every test binary through CMAKE_CROSSCOMPILING_EMULATOR (binfmt_misc need not be
# registered). scripts/cross does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)

set(ERRGROUP_CROSS_TRIPLE riscv64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
