# SPDX-License-Identifier: BSL-1.0
# toolchains/arm-none-eabi.cmake — bare-metal Cortex-M (no OS), GNU Arm Embedded toolchain.
#
# Debian packages: gcc-arm-none-eabi, libnewlib-arm-none-eabi, libstdc++-arm-none-eabi-newlib
#   (compiler, C library, C++ library); qemu-system-arm to run the images under QEMU.
#
# Pick the core with one cache variable (default cortex-m4f):
#   ERRGROUP_CORTEX_M = cortex-m0 | cortex-m0plus | cortex-m3 | cortex-m4f | cortex-m7 | cortex-m33
# Use (the firmware in examples/firmware/ is a standalone project that adds errgroup with add_subdirectory):
#   cmake -S examples/firmware -B build-fw -G Ninja -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/arm-none-eabi.cmake
#   cmake --build build-fw && ctest --test-dir build-fw
# Sets only what the core dictates (-mcpu/-mfpu/-mfloat-abi, -mthumb) plus section GC; no
# optimisation level, no linker script (that belongs to the image). ERRGROUP_QEMU_MACHINE names the
# QEMU board that emulates the chosen core, for CMAKE_CROSSCOMPILING_EMULATOR.
# armv6-m (cortex-m0, cortex-m0plus) has no compare-and-swap: errgroup compiles there only in its
# opt-in mode, ERRGROUP_ATOMIC_CRITICAL (include/errgroup/atomic.hpp), and refuses otherwise.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # no startup code/linker script in try_compile

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

set(ERRGROUP_CORTEX_M cortex-m4f CACHE STRING "Cortex-M core: cortex-m0, cortex-m0plus, cortex-m3, cortex-m4f, cortex-m7, cortex-m33")
set_property(CACHE ERRGROUP_CORTEX_M PROPERTY STRINGS cortex-m0 cortex-m0plus cortex-m3 cortex-m4f cortex-m7 cortex-m33)
# Try-compiles see the toolchain file again, without the cache: pass the choice through.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ERRGROUP_CORTEX_M)

if(ERRGROUP_CORTEX_M STREQUAL "cortex-m0plus")
  set(_cpu "-mcpu=cortex-m0plus -mfloat-abi=soft")
  set(_machine microbit)      # QEMU's Cortex-M0 board (256K flash / 16K RAM); runs M0+ code
elseif(ERRGROUP_CORTEX_M STREQUAL "cortex-m0")
  set(_cpu "-mcpu=cortex-m0 -mfloat-abi=soft")
  set(_machine microbit)
elseif(ERRGROUP_CORTEX_M STREQUAL "cortex-m3")
  set(_cpu "-mcpu=cortex-m3 -mfloat-abi=soft")
  set(_machine mps2-an385)
elseif(ERRGROUP_CORTEX_M STREQUAL "cortex-m4f")
  set(_cpu "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
  set(_machine mps2-an386)
elseif(ERRGROUP_CORTEX_M STREQUAL "cortex-m7")
  set(_cpu "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard")
  set(_machine mps2-an500)
elseif(ERRGROUP_CORTEX_M STREQUAL "cortex-m33")
  set(_cpu "-mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard")
  set(_machine mps2-an505)    # flash at 0x10000000, RAM at 0x38000000 (not 0x0 / 0x20000000)
else()
  message(FATAL_ERROR "ERRGROUP_CORTEX_M='${ERRGROUP_CORTEX_M}': expected cortex-m0, cortex-m0plus, cortex-m3, cortex-m4f, cortex-m7 or cortex-m33")
endif()
set(ERRGROUP_QEMU_MACHINE ${_machine} CACHE STRING "QEMU machine for the chosen core" FORCE)
set(ERRGROUP_CPU_FLAGS ${_cpu} -mthumb)  # a list, for COMMANDs that call the compiler directly
separate_arguments(ERRGROUP_CPU_FLAGS)

set(_common "${_cpu} -mthumb -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_common}")
set(CMAKE_CXX_FLAGS_INIT "${_common}")
set(CMAKE_ASM_FLAGS_INIT "${_common}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_cpu} -mthumb -Wl,--gc-sections")

find_program(ERRGROUP_QEMU_SYSTEM_ARM qemu-system-arm)
if(ERRGROUP_QEMU_SYSTEM_ARM)
  # ctest then runs `add_test(... COMMAND image.elf)` as the image under QEMU; semihosting's
  # SYS_EXIT_EXTENDED makes QEMU's exit status the firmware's.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ERRGROUP_QEMU_SYSTEM_ARM} -M ${_machine} -nographic
      -monitor none -serial null -semihosting-config enable=on,target=native -kernel)
endif()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
