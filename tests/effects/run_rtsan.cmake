# SPDX-License-Identifier: BSL-1.0
# Builds tests/effects/rtsan_realtime.cpp with clang's RealtimeSanitizer and runs it in one mode.
#   cmake -DCLANG=<clang++ 20+> -DSRC=<file> -DOUT=<binary> -DMODE=rt|control -DROOT=<repo> -P run_rtsan.cmake
# ctest judges the output: rtsan_realtime must print PASS with no report; the control must be
# reported by RealtimeSanitizer.
execute_process(
  COMMAND "${CLANG}" -std=c++17 -O1 -g -fsanitize=realtime -pthread
          "-I${ROOT}/include" "-I${ROOT}/port/std_thread/include" "${SRC}" -o "${OUT}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rtsan: build failed (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND "${OUT}" "${MODE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}exit status: ${rc}")
