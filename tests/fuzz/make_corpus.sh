#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Regenerates the committed seed corpus (tests/fuzz/corpus/) from the hex strings below. Each seed
# is one configuration byte and a few operations, in the input format documented at the top of
# fuzz_group.cpp. The comments decode them. Usage: tests/fuzz/make_corpus.sh
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/corpus"
mkdir -p "$dir"
seed() {  # seed <name> <hex bytes...>
  local name=$1
  shift
  printf '%s' "$*" | xxd -r -p >"$dir/$name"
}
# ring; go ok; go fail; wait
seed 01_ring_ok_fail_wait        00 00 00 00 01 00 06 00
# boost, with_context; go fail; go ok; go ok; wait
seed 02_boost_with_context       05 00 01 00 00 00 00 00 00 06 00
# inline; go ok; try_go fail; set_limit 1; go throw; wait; reset; go ok; wait
seed 03_inline_mix               02 00 00 00 01 01 00 02 02 00 02 00 06 00 05 00 00 00 06 00
# ring; go spin; wait_for 50us; stop; wait
seed 04_spin_stop                00 00 03 00 07 32 03 06 00
# ring; saturate (two pins); try_go ok x3; stop; wait   (I8: the three must be skipped)
seed 05_saturate_stop            00 08 01 00 00 01 00 00 01 00 00 03 06 00
# boost; go nested(linked, child kinds ok,fail,throw,spin, 4 children); go ok; wait_for 100us; stop; wait
seed 06_nested_linked            01 00 0c e4 03 00 00 00 07 64 03 06 00
# ring; go nested(child stops itself, limit 1, to_error; kinds fail,fail); wait
seed 07_nested_limit_to_error    00 00 e4 05 01 06 00
# boost; go self-submit(3: ok, fail, ok); go self-submit try_go(2: spin, ok); wait_for 10us; stop; wait
seed 08_self_submit              01 00 05 13 01 0d 0e 07 0a 03 06 00
# ring; go wait-self; go stopper; go ok; wait; go ok (stopped); reset; go ok; wait
seed 09_wait_self_stopper        00 00 06 00 00 07 00 00 00 00 06 00 00 00 00 05 00 00 00 06 00
# ring; set_limit 2; burst 8 ok; try_go fail; wait; set_limit 0; set_limit -1; reset; burst 8 fail; wait
seed 10_limits_burst             00 02 03 0b 07 01 01 00 06 00 02 01 02 00 05 0b 0f 06 00
# ring; go ok; close; go ok (closed); try_go ok (closed); wait; reset; go ok; wait
seed 11_close_reset              00 00 00 00 04 00 00 00 01 00 00 06 00 05 00 00 00 06 00
# ring, exception_policy::to_error; go throw; go throw; go fail; wait
seed 12_throw_to_error           20 00 02 00 00 02 00 00 01 00 06 00
# boost, rethrow; go throw; go ok; wait
seed 13_throw_rethrow            01 00 02 00 00 00 00 06 00
# ring, help never + wait_policy::spin, with_context; burst 4 fail; go spin; wait_until 20us; stop_and_wait
seed 14_help_never_spin          1c 0b 0b 00 03 00 0a 14 09
# boost; set_limit 1; go ok x3; try_go ok; wait_for 0; wait_until 5us; wait
seed 15_limit_one                01 02 02 00 00 00 00 00 00 00 00 00 01 00 00 07 00 0a 05 06 00
# inline, with_context; go nested(unlinked, child with_context, kinds fail,ok); go self-submit; wait
seed 16_inline_nested            06 00 14 01 01 00 05 13 06 00
# Bulk tasks (op 14 go_n, op 15 try_go_n: n0 g0 b e [d2 x2 y2]; n = n0 * 301 / 256).
# ring; go_n 299 (grain auto, indices spin a little); go_n 117 (grain 5, i % 7 == 3 fail, spin); wait
seed 17_bulk_go_n                00 0e ff 00 20 00 0e 64 05 22 00 06 00
# boost, with_context; try_go_n 235 (grain 3, all fail, index n/3 stops, spin); wait; try_go_n (stopped)
seed 18_bulk_fail_stop           05 0f c8 03 61 00 06 00 0f 10 00 00 00
# ring; set_limit 2; go_n 299 (grain 1, f(i, token), spin); try_go ok; go_n 75 (void, spin); wait
seed 19_bulk_limit               00 02 03 0e ff 01 28 00 01 00 00 0e 40 00 30 00 06 00
# ring; go_n 150 (grain 2, index 0 spins until stopped, spin; destructor submits); wait_for 50us; stop; wait
seed 20_bulk_spinner_stop        00 0e 80 02 a0 04 07 32 03 06 00
# boost; go_n 47 (grain 4, i % 13 == 5 throw, spin; 2 indices nest a linked child of 4 bulk
#   children: ok, fail, throw, spin); wait_for 100us; stop; wait
seed 21_bulk_nested              01 0e 28 04 24 02 0c e4 83 07 64 03 06 00
# ring, own_tasks_timed; go_n 299 (grain 1, spin); deadline 100us; wait
seed 22_bulk_timed               40 0e ff 01 20 00 0d 05 06 00
# ring; saturate; try_go_n 58 (its entry stays queued); stop; wait   (I8, I14: no index runs)
seed 23_bulk_saturate_stop       00 08 0f 32 00 00 00 03 06 00
# ring; go self-submit try_go_n(300, fail, grain 16); go self-submit try_go_n(200, ok); wait
seed 24_bulk_self                00 00 05 f4 00 05 a0 06 00
# inline; go_n 23 (grain 24: clamped; i % 5 == 1 fail, i % 11 == 2 throw); wait
seed 25_bulk_inline              02 0e 14 18 07 00 06 00
# ring; go nested(unlinked, two bulk children, both failing); wait
seed 26_bulk_children            00 00 04 05 81 06 00
# ring; set_limit 1; go_n 299 (spin); go_n 299 (spin: waits for room); wait
seed 27_bulk_limit_one           00 02 02 0e ff 00 20 00 0e ff 00 20 00 06 00
# own_tasks_timed under set_limit(2): a bulk task's timed waiter hands off while single tasks are
# admitted (the fuzzer's find: a thread that handed off returned its count too; I4)
seed 28_bulk_limit_handoff       40 bf 07 40 bf 0d 13 01 0d 0e 07 0a 03 07 40 ff ff ff 37 ff df 40 17 95 be 27 cf 17 ff 01 00 05 13 01 0d 13 01 0d 0e 07 0a 03 06 00 02 17 95 be 27 cf 17 ff 05 17 ff 2f 95 be 40 ff ff 27 cf 17 ff be 2f ff ff 27 cf 17 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 6e 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 4f 00 00 00 00 ff 95 be 27 cf fc dc 66 66 a3 66 66
