# SPDX-License-Identifier: BSL-1.0
# ctest windows_clang_smoke (Windows cross builds): the second Windows compiler. Builds
# tests/noexcept_smoke.cpp with clang targeting mingw-w64 (against the mingw-w64 g++'s libstdc++
# and winpthreads), without exceptions and RTTI, warning-free, and runs it through the emulator.
#   cmake -DCLANG=<clang++> -DSRC=<noexcept_smoke.cpp> -DROOT=<errgroup source> -DOUT=<exe>
#         -DEMULATOR=<cmd|args> -P clang_mingw.cmake
execute_process(COMMAND "${CLANG}" --target=x86_64-w64-mingw32 -std=c++17 -O2 -fno-exceptions
                        -fno-rtti -Wall -Wextra -Wpedantic -Wconversion -Werror
                        "-I${ROOT}/include" "-I${ROOT}/port/std_thread/include" "${SRC}"
                        -o "${OUT}" -static -pthread -lsynchronization
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clang (mingw target) failed to build ${SRC}:\n${out}")
endif()
string(REPLACE "|" ";" emulator "${EMULATOR}")
execute_process(COMMAND ${emulator} "${OUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the clang-built ${OUT} failed (${rc})")
endif()
