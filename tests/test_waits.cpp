// SPDX-License-Identifier: BSL-1.0
// Every wait implementation of the std::thread port this system has (errgroup/hosted/*.hpp),
// through one typed suite: the contract of port.hpp's wait_on/wake/now_ns. Linux: futex_wait and
// semaphore_wait; Windows: win32_wait and semaphore_wait (winpthreads). Waits are bounded by
// deadlines, so a lost wake-up fails a check instead of hanging the run.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <errgroup/std_thread.hpp>

#if defined(_WIN32)
#define WAITS errgroup::win32_wait, errgroup::semaphore_wait
#else
#define WAITS errgroup::futex_wait, errgroup::semaphore_wait
#endif

using errgroup::no_deadline;

TEMPLATE_TEST_CASE("wait: a changed word returns at once, an unchanged one sleeps to its deadline",
                   "[wait]", WAITS) {
  errgroup::atomic<std::uint32_t> w{1};
  const std::uint64_t t0 = TestType::now_ns();
  TestType::wait_on(w, 0, t0 + 5000000000u);  // word != expected: no sleep at all
  REQUIRE(TestType::now_ns() - t0 < 1000000000u);
  const std::uint64_t deadline = TestType::now_ns() + 20000000u;  // 20 ms
  std::uint64_t now = 0;
  for (int i = 0; i < 1000 && (now = TestType::now_ns()) < deadline; ++i)
    TestType::wait_on(w, 1, deadline);  // may return early (spuriously): the caller loops
  REQUIRE(now >= deadline);
  const std::uint64_t past = TestType::now_ns();
  TestType::wait_on(w, 1, past);  // a deadline already reached: returns
  REQUIRE(TestType::now_ns() - past < 1000000000u);
}

TEMPLATE_TEST_CASE("wait: the clock is monotonic and moves", "[wait]", WAITS) {
  std::uint64_t prev = TestType::now_ns();
  const std::uint64_t start = prev;
  while (TestType::now_ns() - start < 2000000u) {  // 2 ms of readings
    const std::uint64_t t = TestType::now_ns();
    REQUIRE(t >= prev);
    prev = t;
  }
}

TEMPLATE_TEST_CASE("wait: change + wake(all) releases every waiter", "[wait]", WAITS) {
  errgroup::atomic<std::uint32_t> w{0};
  std::atomic<int> released{0}, late{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 6; ++i)
    ts.emplace_back([&] {
      const std::uint64_t give_up = TestType::now_ns() + 10000000000u;  // 10 s
      while (w.load(std::memory_order_acquire) == 0) {
        if (TestType::now_ns() > give_up) {
          late.fetch_add(1);
          return;
        }
        TestType::wait_on(w, 0, give_up);
      }
      released.fetch_add(1);
    });
  w.store(1, std::memory_order_seq_cst);
  TestType::wake(w, /*all=*/true);
  for (auto& t : ts) t.join();
  REQUIRE(late.load() == 0);
  REQUIRE(released.load() == 6);
}

TEMPLATE_TEST_CASE("wait: ping-pong with wake(one) loses no wake-up", "[wait]", WAITS) {
  // Two threads hand a turn back and forth 20,000 times, each parking until the word says it is
  // its turn. A lost wake-up leaves one parked until the 10 s give-up: the count then falls short.
  errgroup::atomic<std::uint32_t> turn{0};
  constexpr std::uint32_t rounds = 20000;
  std::atomic<std::uint32_t> stuck{0};
  auto player = [&](std::uint32_t me) {
    const std::uint64_t give_up = TestType::now_ns() + 10000000000u;
    for (std::uint32_t r = me; r < rounds; r += 2) {
      std::uint32_t t;
      while ((t = turn.load(std::memory_order_acquire)) != r) {
        if (TestType::now_ns() > give_up) {
          stuck.fetch_add(1);
          return;
        }
        TestType::wait_on(turn, t, give_up);
      }
      turn.store(r + 1, std::memory_order_seq_cst);
      TestType::wake(turn, /*all=*/false);
    }
  };
  std::thread a(player, 0u), b(player, 1u);
  a.join();
  b.join();
  REQUIRE(stuck.load() == 0);
  REQUIRE(turn.load() == rounds);
}

TEST_CASE("semaphore_wait: the notify table never overflowed in this run", "[wait]") {
  REQUIRE(errgroup::semaphore_wait::overflows() == 0);
}
