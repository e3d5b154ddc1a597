#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds the model-based fuzzer (fuzz_group.cpp) with clang's libFuzzer under ASan+UBSan and runs
# it on the seed corpus for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS] [extra libFuzzer flags...]   # default 60 s
#   tests/fuzz/run.sh 3600                                   # the longer run (one hour)
#   tests/fuzz/run.sh --probe                                # exit 0 iff clang + libFuzzer work
#
# Environment:
#   FUZZ_CXX            compiler (default: the first of clang++-19, clang++-14, clang++ found)
#   FUZZ_BUILD_DIR      build and working directory (default: <repo>/build-fuzz)
#   FUZZ_EXTRA_INCLUDE  a directory searched before include/ (to build against a patched copy
#                       of the headers, e.g. a deliberately broken group.hpp)
#   FUZZ_CXXFLAGS       extra compiler flags (e.g. -DFUZZ_BREAK=1)
# The committed seeds in tests/fuzz/corpus/ are read, never written; new inputs go to
# $FUZZ_BUILD_DIR/corpus, crashes to $FUZZ_BUILD_DIR/artifacts/. Reproduce a crash with
#   $FUZZ_BUILD_DIR/fuzz_group $FUZZ_BUILD_DIR/artifacts/crash-<sha1>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cxx="${FUZZ_CXX:-}"
if [ -z "$cxx" ]; then
  for c in clang++-19 clang++-14 clang++; do
    if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
  done
fi
[ -n "$cxx" ] || { echo "fuzz: no clang++ found (apt-get install clang-19 libclang-rt-19-dev)" >&2; exit 2; }

if [ "${1:-}" = "--probe" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' >"$tmp/p.cpp"
  "$cxx" -fsanitize=fuzzer,address,undefined "$tmp/p.cpp" -o "$tmp/p" >/dev/null 2>&1
  exit $?
fi

seconds="${1:-60}"
[ $# -gt 0 ] && shift
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
mkdir -p "$build/corpus" "$build/artifacts"
bin="$build/fuzz_group"

# Rebuild when the harness, a header, the compiler or the flags changed.
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fno-omit-frame-pointer -DERRGROUP_STATS=1 -Wall -Wextra ${FUZZ_CXXFLAGS:-})
incs=()
[ -n "${FUZZ_EXTRA_INCLUDE:-}" ] && incs+=(-I "$FUZZ_EXTRA_INCLUDE")
incs+=(-I "$root/include" -I "$root/port/std_thread/include")
stamp="$cxx ${flags[*]} ${incs[*]}"
if [ ! -x "$bin" ] || [ "$(cat "$bin.flags" 2>/dev/null)" != "$stamp" ] ||
   [ -n "$(find "$here/fuzz_group.cpp" "$root/include" "$root/port/std_thread/include" \
           ${FUZZ_EXTRA_INCLUDE:+"$FUZZ_EXTRA_INCLUDE"} -newer "$bin" -print -quit)" ]; then
  echo "fuzz: building $bin with $cxx"
  "$cxx" "${flags[@]}" "${incs[@]}" -pthread "$here/fuzz_group.cpp" -o "$bin"
  echo "$stamp" >"$bin.flags"
fi

echo "fuzz: running for ${seconds}s (corpus: $build/corpus + $here/corpus)"
# -timeout: one input never legitimately takes more than ~30 s (waits are bounded at 10 s and
# trap on their own first). halt_on_error/abort: any sanitizer report is a crash.
ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
  "$bin" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -max_len=256 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$@" \
  "$build/corpus" "$here/corpus"
