#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The fuzzer can fail: each variant below breaks one rule in a copy of the headers, and the fuzzer
# built against that copy must report a violation (a crash, an invariant message, or libFuzzer's
# hang timeout) within the time given. Exit 0 iff every variant was caught.
#
#   tests/fuzz/broken.sh [SECONDS_PER_VARIANT=120] [variant...]
#
# Variants (what is broken -> which invariant of fuzz_group.cpp catches it):
#   foreign        a helper takes the executor's oldest job whatever its group       -> I9
#   timed_help     timed waits run tasks under the default help_policy                -> I10
#   deadline       a helping timed wait does not read the clock before a task         -> I10
#   depth_cap      no helping below 32 nested task frames (the old design's cap)      -> hang
#   skip_leaks     a skipped task's callable is never destroyed (its destructor, which
#                  may submit, never runs)                                            -> I2/I11
#   no_revoke      a helper runs a queued task without taking its entry back          -> I1/I2
#   stop_ignored   a stopped group's queued tasks run                                 -> I8
#   limit_plus_one the limit admits one task more                                     -> I4
#   callback_no_wait  a stop_callback's destructor returns while another thread holds
#                  its entry's pin (about to run the callback)                        -> I13
#   callback_rearm a run callback's entry goes back to armed: a later stop runs it again -> I13
#   bulk_overlap   a bulk task's claim of more than one index moves `next` one short of its end:
#                  the range's last index is claimed (and run) twice                  -> I14
#   bulk_early     a bulk task completes when its first holder lets go (tests/model/bulk.pml's
#                  BROKEN_EARLY): another runner's indices run on a destroyed callable,
#                  after wait() returned                                              -> I15
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-120}"
[ $# -gt 0 ] && shift
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(foreign timed_help deadline depth_cap skip_leaks no_revoke
                                       stop_ignored limit_plus_one callback_no_wait callback_rearm
                                       bulk_overlap bulk_early)
work="${FUZZ_BROKEN_DIR:-$root/build-fuzz-broken}"
mkdir -p "$work"

# patch <variant> <include dir>: one exact textual edit in one header (group.hpp unless the variant
# names another); fails if the text is not found (so a refactoring cannot silently turn a variant
# into the unbroken code).
patch_variant() {
  python3 - "$1" "$2" <<'EOF'
import sys
variant, inc = sys.argv[1], sys.argv[2]
files = {
  "callback_no_wait": "stop_callback.hpp",
  "callback_rearm": "detail/stop_callbacks.hpp",
}
edits = {
  "foreign": ("if (job* j = ex_.try_take_oldest(slots_, slots_end()))",
              "if (job* j = ex_.try_take_oldest(nullptr, reinterpret_cast<const void*>(~std::uintptr_t{0})))"),
  "timed_help": ("case help_policy::own_tasks: return w != waiting_for::all_tasks_timed;",
                 "case help_policy::own_tasks: return true;"),
  "deadline": ("} else if ((!timed || ex_.now_ns() < deadline_ns) &&  // the clock, before starting a task\n"
               "                 !watching_for_deadline()) {",
               "} else if (true) {"),
  "depth_cap": ("    if (ctx.shared) return false;\n",
                "    if (ctx.shared || ctx.depth >= 32) return false;\n"),
  "skip_leaks": ("  (void)h->call(h, nullptr, detail::call_mode::destroy, opts_.exceptions, nullptr);\n  release_slot(h);",
                 "  release_slot(h);"),
  "no_revoke": ("if (!ex_.try_revoke(h, st.ticket())) {", "if (false) {"),
  "stop_ignored": ("  if (g.stopping()) {\n    g.skip_owned(h);", "  if (false) {\n    g.skip_owned(h);"),
  "limit_plus_one": ("    if (c < lim && c < capacity_) {\n      // relaxed: the reservation",
                     "    if (c <= lim && c < capacity_) {\n      // relaxed: the reservation"),
  "callback_no_wait": ("      if (ex_ != nullptr) {\n        ex_->wait_on(e.state, st, ex_->now_ns() + 1000000u);\n      }",
                       "      break;"),
  "callback_rearm": ("if (e.state.compare_exchange_weak(st, with(pin, fired), std::memory_order_release,",
                     "if (e.state.compare_exchange_weak(st, with(pin, armed), std::memory_order_release,"),
  "bulk_overlap": ("    if (b.next.compare_exchange_weak(i, e, std::memory_order_relaxed, std::memory_order_relaxed)) {",
                   "    if (b.next.compare_exchange_weak(i, e - i > 1 ? e - 1 : e, std::memory_order_relaxed,\n"
                   "                                     std::memory_order_relaxed)) {"),
  "bulk_early": ("  if (b.holders.fetch_sub(refs, std::memory_order_acq_rel) == refs) bulk_complete(h);",
                 "  (void)refs;\n"
                 "  if (b.holders.exchange(0, std::memory_order_acq_rel) != 0) bulk_complete(h);"),
}
path = inc + "/errgroup/" + files.get(variant, "group.hpp")
old, new = edits[variant]
s = open(path).read()
if s.count(old) != 1:
    sys.exit(f"broken.sh: variant {variant}: the text to break was found {s.count(old)} times")
open(path, "w").write(s.replace(old, new))
EOF
}

failed=0
for v in "${variants[@]}"; do
  inc="$work/$v/include"
  rm -rf "$inc"
  mkdir -p "$inc"
  cp -r "$root/include/errgroup" "$inc/"
  patch_variant "$v" "$inc"
  start=$(date +%s.%N)
  log="$work/$v/fuzz.log"
  set +e
  FUZZ_EXTRA_INCLUDE="$inc" FUZZ_BUILD_DIR="$work/$v/build" \
    "$here/run.sh" "$seconds" -timeout=20 >"$log" 2>&1
  rc=$?
  set -e
  took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  what=$(grep -m1 -E 'invariant violated|ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)' "$log" || true)
  if [ $rc -ne 0 ] && [ -n "$what" ]; then
    echo "broken.sh: $v: caught after ${took} s (build included): ${what}"
  else
    echo "broken.sh: $v: NOT caught in ${seconds} s (rc $rc; log: $log)"
    failed=1
  fi
done
exit $failed
