// SPDX-License-Identifier: BSL-1.0
// tests/critical/test_critical_atomic.cpp — the behavioural suite (tests/test_group.cpp) and the
// queue suite, unchanged, with errgroup::atomic<T> in its critical-section form: built with
// -include spin_critical.hpp (ERRGROUP_ATOMIC_CRITICAL = a global spinlock), the configuration a
// Cortex-M0/M0+ or dual-core RP2040 build uses, here with real threads on two cores. Plus the
// type's own checks.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>

#include <errgroup/std_thread.hpp>

#if !defined(ERRGROUP_ATOMIC_CRITICAL)
#error "test_critical_atomic must be built with -include tests/critical/spin_critical.hpp"
#endif

using crit = errgroup_test::spin_critical;

static_assert(std::is_same<errgroup::atomic<std::uint32_t>,
                           errgroup::critical_atomic<std::uint32_t, crit>>::value,
              "the mode is on: errgroup::atomic is the critical-section form");
static_assert(!errgroup::atomic_is_lock_free, "the mode says it is not lock-free");
static_assert(sizeof(errgroup::atomic<std::uint32_t>) == 4, "same size as the word: futex-able");

TEST_CASE("critical_atomic: each operation returns the old value and stores the new one",
          "[critical]") {
  errgroup::atomic<std::uint32_t> a{5};
  const std::uint64_t before = crit::sections().load(std::memory_order_relaxed);
  REQUIRE(a.fetch_add(3, std::memory_order_relaxed) == 5);
  REQUIRE(a.fetch_sub(1, std::memory_order_acq_rel) == 8);
  REQUIRE(a.fetch_or(0x10u, std::memory_order_seq_cst) == 7);
  REQUIRE(a.fetch_and(0x13u, std::memory_order_acquire) == 0x17u);
  REQUIRE(a.exchange(40, std::memory_order_seq_cst) == 0x13u);
  std::uint32_t expected = 41;
  REQUIRE_FALSE(a.compare_exchange_strong(expected, 50, std::memory_order_seq_cst));
  REQUIRE(expected == 40);  // a failed CAS reports what it saw
  REQUIRE(
      a.compare_exchange_weak(expected, 50, std::memory_order_acq_rel, std::memory_order_acquire));
  a.store(60, std::memory_order_release);
  REQUIRE(a.load(std::memory_order_acquire) == 60);
  // Every read-modify-write and store went through the section; loads did not.
  REQUIRE(crit::sections().load(std::memory_order_relaxed) - before == 8);
  errgroup::atomic<std::uint32_t> wrap{0};
  REQUIRE(wrap.fetch_sub(1, std::memory_order_relaxed) == 0);
  REQUIRE(wrap.load(std::memory_order_relaxed) ==
          ~std::uint32_t{0});  // unsigned wrap, as std::atomic
}

TEST_CASE("critical_atomic: increments from two threads on two cores are not lost", "[critical]") {
  errgroup::atomic<std::uint32_t> n{0};
  errgroup::atomic<std::uint32_t> cas_n{0};
  constexpr std::uint32_t per_thread = 200000;
  auto work = [&] {
    for (std::uint32_t i = 0; i < per_thread; ++i) {
      (void)n.fetch_add(1, std::memory_order_relaxed);
      std::uint32_t v = cas_n.load(std::memory_order_relaxed);
      while (!cas_n.compare_exchange_weak(v, v + 1, std::memory_order_relaxed)) {
      }
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  REQUIRE(n.load(std::memory_order_relaxed) == 2 * per_thread);
  REQUIRE(cas_n.load(std::memory_order_relaxed) == 2 * per_thread);
}

TEST_CASE("critical_atomic: a group's run goes through the section", "[critical]") {
  errgroup::executor_options o;
  o.workers = 2;
  errgroup::thread_executor<64, 2> ex(o);
  errgroup::group<16> g(ex);
  const std::uint64_t before = crit::sections().load(std::memory_order_relaxed);
  std::atomic<int> ran{0};
  for (int i = 0; i < 64; ++i)
    REQUIRE(g.go([&ran] { ran.fetch_add(1, std::memory_order_relaxed); }) == errgroup::status::ok);
  REQUIRE(!g.wait());
  REQUIRE(ran.load() == 64);
  // At least the slot claim and the completion of each task are sections.
  REQUIRE(crit::sections().load(std::memory_order_relaxed) - before >= 2 * 64);
}

// The behavioural suite on the ring pool and the inline executor. The mode changes
// errgroup::atomic, which the group, the executor and mpmc_ring use; Boost.Lockfree's queue keeps
// its own std::atomic, so the Boost pool would check the same group code again on a queue the mode
// does not touch (three builds of this file, Release, TSan and ASan, pay for each executor).
#define ALL_EXECUTORS test::ring_pool, test::inline_exec
#define POOLS test::ring_pool

#include "../test_group.cpp"
