# SPDX-License-Identifier: BSL-1.0
# Runs the SPIN model check of one model in tests/model/ (ctest model_*).
#   cmake -DSPIN=spin -DCC=gcc -DMODEL=<path>/wakeup.pml -DDIR=<work dir> -DDEFINES="-DX;-DY"
#         -DEXPECT=pass|error -P run_spin.cmake
# EXPECT=pass: passes only if pan explores the whole state space with "errors: 0".
# EXPECT=error: a deliberately broken variant; passes only if pan reports an assertion violation
#   (a lost wake-up, a task taken twice, ...) and prints the counterexample's last steps.
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
get_filename_component(name "${MODEL}" NAME)
configure_file("${MODEL}" "${DIR}/${name}" COPYONLY)
execute_process(COMMAND "${SPIN}" -a ${DEFINES} ${name} WORKING_DIRECTORY "${DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "spin -a failed:\n${out}")
endif()
# SAFETY: no never claim, so no acceptance cycles to search; COLLAPSE: lossless state compression.
execute_process(COMMAND "${CC}" -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=4096 -o pan pan.c
                WORKING_DIRECTORY "${DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling pan.c failed:\n${out}")
endif()
# -m: depth bound far above the model's reach (pan says so if it is hit); exhaustive search.
execute_process(COMMAND ./pan -m100000 -w24 WORKING_DIRECTORY "${DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(out MATCHES "max search depth too small" OR out MATCHES "out of memory")
  message(FATAL_ERROR "the search was not exhaustive")
endif()
if(EXPECT STREQUAL "error")
  if(NOT out MATCHES "assertion violated")
    message(FATAL_ERROR "the broken variant (${DEFINES}) was NOT caught")
  endif()
  execute_process(COMMAND "${SPIN}" -t -p -g ${DEFINES} ${name} WORKING_DIRECTORY "${DIR}"
                  OUTPUT_VARIABLE trail ERROR_VARIABLE trail)
  string(LENGTH "${trail}" n)
  if(n GREATER 6000)
    math(EXPR start "${n} - 6000")
    string(SUBSTRING "${trail}" ${start} -1 trail)
  endif()
  message("counterexample (tail of spin -t -p -g; the full trail is in ${DIR}):\n${trail}")
  message("OK: the broken variant is caught")
else()
  if(NOT out MATCHES "errors: 0")
    message(FATAL_ERROR "the model check found an error; replay: cd ${DIR} && spin -t -p -g ${DEFINES} ${name}")
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pan exited with ${rc}")
  endif()
endif()
