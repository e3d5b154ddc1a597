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
