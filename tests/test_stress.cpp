// SPDX-License-Identifier: BSL-1.0
// Randomised rounds on both hosted pools: random task counts, limits, errors, stops, nested
// submissions, go/try_go mixes and park-heavy spin budgets. Invariants checked every round:
// every accepted task ran or was skipped exactly once; every callable was destroyed; the error
// returned was returned by a task; the limit was never exceeded. Runs in seconds.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>

#include "test_util.hpp"

using errgroup::error;
using errgroup::status;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr int rounds = 150;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr int rounds = 150;
#else
constexpr int rounds = 600;
#endif
#else
constexpr int rounds = 600;
#endif

template <class Exec>
void stress(std::uint32_t spin, std::uint32_t seed) {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = spin;
  o.spin_us = 0;  // count only: the tests choose when workers park
  Exec ex(o);
  std::mt19937 rng(seed);
  errgroup::group<32, 64> g(ex);  // the task below captures 7 words: a larger slot
  errgroup::group<16> other(ex);  // a second group sharing the executor
  for (int round = 0; round < rounds; ++round) {
    const int n = static_cast<int>(rng() % 64);
    const int limit = static_cast<int>(rng() % 5);  // 0: no limit
    const bool stop_mid = rng() % 4 == 0;
    const int fail_at = static_cast<int>(rng() % 80);  // >= n: nobody fails
    REQUIRE(g.set_limit(limit == 0 ? errgroup::no_limit : limit) == status::ok);
    test::lifetime::live().store(0);
    const auto before = g.stats();
    std::atomic<int> ran{0}, running{0}, high{0}, nested_ok{0};
    int accepted = 0, nested_accepted = 0;
    for (int i = 0; i < n; ++i) {
      test::lifetime probe;
      auto task = [&, i, probe]() -> error {
        const int r = running.fetch_add(1, std::memory_order_acq_rel) + 1;
        test::raise_max(high, r);
        if (i % 7 == 0 && other.try_go([&nested_ok] { nested_ok.fetch_add(1); }) == status::ok)
          nested_ok.fetch_add(1000);
        running.fetch_sub(1, std::memory_order_acq_rel);
        ran.fetch_add(1, std::memory_order_relaxed);
        return i == fail_at ? error(i + 1) : error{};
      };
      const status st = (i % 2 == 0) ? g.go(task) : g.try_go(task);
      if (st == status::ok) {
        ++accepted;
      } else {
        REQUIRE((st == status::limit_reached || st == status::capacity_full ||
                 st == status::stopped || st == status::queue_full));
      }
      if (stop_mid && i == n / 2) g.stop();
    }
    const error e = g.wait();
    REQUIRE_FALSE(other.wait());
    nested_accepted = nested_ok.load() / 1000;
    REQUIRE(nested_ok.load() % 1000 == nested_accepted);  // each accepted nested task ran once
    const auto after = g.stats();
    // Every accepted task ran exactly once or was skipped exactly once.
    REQUIRE(after.tasks_run - before.tasks_run == static_cast<std::uint64_t>(ran.load()));
    REQUIRE((after.tasks_run - before.tasks_run) + (after.tasks_skipped - before.tasks_skipped) ==
            static_cast<std::uint64_t>(accepted));
    if (!stop_mid) REQUIRE(ran.load() == accepted);
    REQUIRE(test::lifetime::live().load() == 0);
    if (limit != 0) REQUIRE(high.load() <= limit);
    if (e) REQUIRE(e.code() == fail_at + 1);
    if (!stop_mid && fail_at < n && accepted == n) REQUIRE(e == error(fail_at + 1));
    REQUIRE(g.outstanding() == 0);
    REQUIRE(g.reset() == status::ok);
    REQUIRE(other.reset() == status::ok);
  }
  const auto s = g.stats();
  REQUIRE(s.tasks_run + s.tasks_skipped > 0);
}

}  // namespace

TEST_CASE("stress: boost pool, spinning workers", "[stress]") {
  stress<errgroup::boost_thread_executor<128>>(1000, 1);
}
TEST_CASE("stress: boost pool, parking workers", "[stress]") {
  stress<errgroup::boost_thread_executor<128>>(0, 2);
}
TEST_CASE("stress: ring pool, spinning workers", "[stress]") {
  stress<errgroup::ring_thread_executor<128>>(1000, 3);
}
TEST_CASE("stress: ring pool, parking workers, tiny queue", "[stress]") {
  stress<errgroup::ring_thread_executor<8>>(0, 4);
}
