// SPDX-License-Identifier: BSL-1.0
// The audio thread's work, shared by the two real-time proofs (tests/test_realtime.cpp: seccomp,
// g++; tests/effects/rtsan_realtime.cpp: RealtimeSanitizer, clang 20+): rounds of fan-out, first
// error, stop, limit and deadline waits on one group, with a bulk task (go_n) in each round. Counters are atomics the caller owns (the
// seccomp test keeps them in memory shared with its parent process).
#ifndef ERRGROUP_TESTS_REALTIME_ROUNDS_HPP
#define ERRGROUP_TESTS_REALTIME_ROUNDS_HPP

#include <errgroup/errgroup.hpp>

#include <atomic>
#include <chrono>

namespace test {

// Marked nonblocking: under -fsanitize=realtime everything it calls is checked at run time.
template <class Group, class Count, class Rounds>
void realtime_rounds(Group& g, long rounds, Count& wrong, Rounds& done) ERRGROUP_NONBLOCKING {
  using errgroup::error;
  using errgroup::status;
  std::atomic<int> ran{0}, bulk_ran{0};
  for (long r = 0; r < rounds; ++r) {
    ran.store(0, std::memory_order_relaxed);
    const bool fail = r % 5 == 0;
    const bool limit = r % 3 == 0;
    if (g.set_limit(limit ? 2 : errgroup::no_limit) != status::ok) wrong.fetch_add(1);
    int accepted = 0;
    bool failing_accepted = false;
    for (int i = 0; i < 8; ++i) {
      auto task = [&ran, fail, i]() -> error {
        ran.fetch_add(1, std::memory_order_relaxed);
        return fail && i == 2 ? error(7) : error{};
      };
      // go() blocks at the limit (spinning and helping); try_go never blocks. (try_go may say
      // queue_full on an executor shared with a slow group: entries the waiter took back keep
      // their room until a worker passes them.)
      const status s = limit ? g.go(task) : g.try_go(task);
      if (s == status::ok) {
        ++accepted;
        if (fail && i == 2) failing_accepted = true;
      } else if (s != status::queue_full || limit) {
        wrong.fetch_add(1);
      }
    }
    // A bulk task (go_n): 32 indices on the workers and, in wait(), on this thread. Under the
    // limit go_n blocks (helping) as go() does; try_go_n never blocks.
    bulk_ran.store(0, std::memory_order_relaxed);
    auto bulk = [&bulk_ran](std::uint32_t) { bulk_ran.fetch_add(1, std::memory_order_relaxed); };
    const std::uint32_t grain = static_cast<std::uint32_t>(r % 4);  // 0: automatic
    const status sb = limit ? g.go_n(32, bulk, grain) : g.try_go_n(32, bulk, grain);
    const bool bulk_accepted = sb == status::ok;
    if (!bulk_accepted && (sb != status::queue_full || limit)) wrong.fetch_add(1);
    if (r % 7 == 0) g.stop();
    if (r % 2 == 0 && g.wait_for(std::chrono::microseconds(50)) == status::timeout) {
      // fine: the deadline path ran; wait() below finishes the round
    }
    const error e = g.wait();
    if (failing_accepted && r % 7 != 0 && e != error(7)) wrong.fetch_add(1);
    if (!failing_accepted && e) wrong.fetch_add(1);
    if (r % 7 != 0 && ran.load(std::memory_order_relaxed) != accepted) wrong.fetch_add(1);
    if (r % 7 != 0 && bulk_accepted && bulk_ran.load(std::memory_order_relaxed) != 32)
      wrong.fetch_add(1);
    if (g.reset() != status::ok) wrong.fetch_add(1);
    done.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace test

#endif  // ERRGROUP_TESTS_REALTIME_ROUNDS_HPP
