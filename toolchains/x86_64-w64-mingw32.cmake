# SPDX-License-Identifier: BSL-1.0
# toolchains/x86_64-w64-mingw32.cmake — 64-bit Windows (mingw-w64, posix thread model), run under
# Wine.
#
# Debian packages: g++-mingw-w64-x86-64-posix (x86_64-w64-mingw32-g++-posix: the posix thread
#   model, which std::thread needs; the -win32 one has no std::thread), wine and wine64 (the
#   /usr/bin/wine launcher and the 64-bit loader). The tests also need the host's catch2 and
#   libboost-dev (header-only here).
#
# Use:
#   cmake -S . -B build-windows -G Ninja -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/x86_64-w64-mingw32.cmake
#   cmake --build build-windows && ctest --test-dir build-windows
# ctest runs every test binary through scripts/wine-run (CMAKE_CROSSCOMPILING_EMULATOR): wine with
# WINEDEBUG=-all and a throw-away WINEPREFIX. scripts/cross windows does all of this and keeps one
# wineserver alive for the run. The binaries are linked statically (libstdc++, libgcc,
# winpthread): they need no DLL next to them, under Wine or on Windows.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(ERRGROUP_CROSS_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${ERRGROUP_CROSS_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${ERRGROUP_CROSS_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${ERRGROUP_CROSS_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${ERRGROUP_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages: the sysroot and the host (header-only configs such as Catch2 and Boost are
# architecture-independent; a consumer test finds the errgroup it installed with errgroup_ROOT,
# which ONLY would re-root into the sysroot).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Host headers (Catch2 v2, Boost: header-only, architecture-independent). Their CMake configs
# put /usr/include on the targets; before mingw's own headers that would pull in glibc's
# <stdlib.h> and friends. -idirafter searches /usr/include after mingw's headers (as Debian's
# Linux cross compilers do by themselves), and because the compiler now lists it among its own
# search directories, CMake treats /usr/include as implicit and does not pass it with -I/-isystem.
set(CMAKE_C_FLAGS_INIT "-idirafter /usr/include")
set(CMAKE_CXX_FLAGS_INIT "-idirafter /usr/include")

# Self-contained executables: libstdc++, libgcc and winpthread linked in (no DLLs to find under
# Wine's PATH). -lsynchronization: WaitOnAddress / WakeByAddress* (the port's parking).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
# The platform module sets CMAKE_<LANG>_STANDARD_LIBRARIES_INIT itself (overriding one set here),
# so the cache entry is set instead: CMake's default list plus synchronization, last on every link.
set(_errgroup_win_libs "-lkernel32 -luser32 -lgdi32 -lwinspool -lshell32 -lole32 -loleaut32 -luuid -lcomdlg32 -ladvapi32 -lsynchronization")
set(CMAKE_C_STANDARD_LIBRARIES "${_errgroup_win_libs}" CACHE STRING "Libraries linked into every C executable and shared library")
set(CMAKE_CXX_STANDARD_LIBRARIES "${_errgroup_win_libs}" CACHE STRING "Libraries linked into every C++ executable and shared library")

# Wine runs the target's binaries (binfmt_misc need not be registered).
get_filename_component(_errgroup_wine_run ${CMAKE_CURRENT_LIST_DIR}/../scripts/wine-run ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR ${_errgroup_wine_run})

include(${CMAKE_CURRENT_LIST_DIR}/host-packages.cmake)
