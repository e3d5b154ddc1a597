// SPDX-License-Identifier: BSL-1.0
// Targeted fault tests: a task that never returns until stopped, an executor queue kept
// full, groups created and destroyed while the workers are busy, and tasks that submit into or
// wait on their own group. What test_group.cpp already proves (a gated wait_for timeout, go() into
// its own group with room / at the limit, wait() inside a task) is not repeated here.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "test_util.hpp"

using errgroup::error;
using errgroup::status;

#define POOLS test::boost_pool, test::ring_pool

namespace {
// Catch2 v2 assertions are not thread-safe: threads other than the test's count failures here.
std::atomic<int> thread_failures{0};
#define CHECK_IN_THREAD(cond)                  \
  do {                                         \
    if (!(cond)) thread_failures.fetch_add(1); \
  } while (0)

errgroup::group_options no_help() {
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  return o;
}
}  // namespace

TEMPLATE_TEST_CASE("a task that runs until stopped: wait_for times out, other groups keep running",
                   "[faults]", POOLS) {
  test::executor_holder<TestType> h(2, 0);  // spin 0: parking everywhere
  errgroup::group<4> stuck(h.ex, no_help());
  std::atomic<int> started{0};
  REQUIRE(stuck.go([&](errgroup::stop_token st) {
    started.fetch_add(1);
    while (!st.stop_requested()) std::this_thread::yield();
  }) == status::ok);
  test::await_count(started, 1);  // it occupies a worker now
  // Another thread keeps a second and a third group busy on the same executor meanwhile.
  std::atomic<bool> done{false};
  std::atomic<int> rounds{0};
  std::thread other([&] {
    errgroup::group<16> a(h.ex);
    errgroup::group<16> b(h.ex, no_help());
    while (!done.load()) {
      std::atomic<int> n{0};
      for (int i = 0; i < 16; ++i) {
        CHECK_IN_THREAD(a.go([&n] { n.fetch_add(1); }) == status::ok);
        CHECK_IN_THREAD(b.go([&n] { n.fetch_add(1); }) == status::ok);
      }
      CHECK_IN_THREAD(!a.wait());
      CHECK_IN_THREAD(!b.wait());
      CHECK_IN_THREAD(n.load() == 32);
      rounds.fetch_add(1);
    }
  });
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(stuck.wait_for(std::chrono::milliseconds(2)) == status::timeout);
    REQUIRE(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(2));
  }
  const int before = rounds.load();
  test::await_count(rounds, before + 20);  // the other groups progress while the task spins
  REQUIRE(stuck.outstanding() == 1);
  stuck.stop();
  REQUIRE_FALSE(stuck.wait());
  REQUIRE(stuck.stats().tasks_run == 1);
  done.store(true);
  other.join();
  REQUIRE(thread_failures.load() == 0);
}

TEST_CASE("an executor queue kept full: try_go says queue_full, go() waits, nothing is lost",
          "[faults][backpressure]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.spin = 0;
  o.spin_us = 0;  // count only: the tests choose when workers park
  errgroup::ring_thread_executor<4> ex(o);
  errgroup::group<64> g(ex, no_help());  // a non-helping go() can only wait for the worker
  test::gate gate;
  std::atomic<int> ran{0};
  test::lifetime::live().store(0);
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  int queued = 0;
  for (;;) {
    test::lifetime probe;
    const status st = g.try_go([&ran, probe] { ran.fetch_add(1); });
    if (st == status::queue_full) break;
    REQUIRE(st == status::ok);
    ++queued;
  }
  REQUIRE(queued == 4);
  REQUIRE(test::lifetime::live().load() == queued);  // the refused callable was destroyed
  // go() into the full queue blocks (backpressure) until the worker drains it.
  std::atomic<int> go_result{-1};
  std::thread producer([&] {
    test::lifetime probe;
    go_result.store(static_cast<int>(g.go([&ran, probe] { ran.fetch_add(1); })));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(go_result.load() == -1);
  gate.open();
  producer.join();
  REQUIRE(go_result.load() == static_cast<int>(status::ok));
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == queued + 1);
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("saturated queue: several producers' go() into a tiny queue, all tasks run once",
                   "[faults][backpressure]", errgroup::ring_thread_executor<2>,
                   errgroup::thread_executor<2>) {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 0;
  o.spin_us = 0;  // count only: the tests choose when workers park
  TestType ex(o);
  constexpr int producers = 3, per = 400;
  std::atomic<int> ran{0};
  std::atomic<long> queue_full{0};
  test::lifetime::live().store(0);
  std::vector<std::thread> ts;
  for (int p = 0; p < producers; ++p)
    ts.emplace_back([&, p] {
      errgroup::group<8> g(ex, p == 0 ? no_help() : errgroup::group_options{});
      int accepted = 0;
      for (int i = 0; i < per; ++i) {
        test::lifetime probe;
        auto f = [&ran, probe] { ran.fetch_add(1); };
        if (i % 3 == 0) {
          const status st = g.try_go(f);
          if (st == status::ok) ++accepted;
          else if (st == status::queue_full)
            queue_full.fetch_add(1);
          else
            CHECK_IN_THREAD((st == status::capacity_full || st == status::limit_reached));
        } else {
          CHECK_IN_THREAD(g.go(f) == status::ok);
          ++accepted;
        }
      }
      CHECK_IN_THREAD(!g.wait());
      const auto s = g.stats();
      CHECK_IN_THREAD(s.tasks_run == static_cast<std::uint64_t>(accepted));
      CHECK_IN_THREAD(s.tasks_skipped == 0);
    });
  for (std::thread& t : ts) t.join();
  REQUIRE(thread_failures.load() == 0);
  REQUIRE(test::lifetime::live().load() == 0);
  INFO("try_go refused with queue_full " << queue_full.load() << " times");
  REQUIRE(ran.load() > 0);
}

TEMPLATE_TEST_CASE("many groups created and destroyed while the workers are busy", "[faults]",
                   POOLS) {
  test::executor_holder<TestType> h(2, 0);
  // Keep the workers busy with another group's stream of short tasks.
  std::atomic<bool> done{false};
  std::thread busy([&] {
    errgroup::group<32> bg(h.ex);
    while (!done.load()) {
      for (int i = 0; i < 32; ++i)
        (void)bg.try_go([] {
          const auto t = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
          while (std::chrono::steady_clock::now() < t) {
          }
        });
      CHECK_IN_THREAD(!bg.wait());
    }
  });
  test::lifetime::live().store(0);
  std::atomic<long> started{0}, finished{0};
  long accepted = 0;
  for (int round = 0; round < 1500; ++round) {
    errgroup::group<8> g(h.ex, round % 3 == 0 ? no_help() : errgroup::group_options{});
    test::lifetime probe;
    const int n = 1 + round % 8;
    for (int i = 0; i < n; ++i) {
      const status st = g.try_go([&, probe, i](errgroup::stop_token tok) {
        started.fetch_add(1);
        // Some never return until stopped: only in the groups whose wait() does not help either
        // (a helping wait() in the destructor's drain runs only after the stop, so any group
        // would do; these are the ones that leave the spinning to the workers).
        if (i % 4 == 0 && round % 3 == 0)
          while (!tok.stop_requested()) std::this_thread::yield();
        finished.fetch_add(1);
      });
      if (st == status::ok) ++accepted;
      else
        REQUIRE((st == status::queue_full || st == status::capacity_full));
    }
    if (round % 2 == 0)
      REQUIRE(g.wait_for(std::chrono::microseconds(50)) != status::would_deadlock);
  }  // each ~group(): stop, wait for the started ones, destroy the queued ones unrun
  done.store(true);
  busy.join();
  REQUIRE(thread_failures.load() == 0);
  REQUIRE(started.load() == finished.load());
  REQUIRE(started.load() <= accepted);
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("a task at its own group's limit: try_go refuses, stop_and_wait is refused",
                   "[faults][misuse]", POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<2> g(h.ex);
  std::atomic<int> try_limit{-1}, try_cap{-1}, code{-1};
  REQUIRE(g.set_limit(1) == status::ok);
  REQUIRE(g.go([&] {
    // The task itself holds the only place under the limit: try_go never blocks.
    try_limit.store(static_cast<int>(g.try_go([] {})));
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(try_limit.load() == static_cast<int>(status::limit_reached));

  REQUIRE(g.set_limit(errgroup::no_limit) == status::ok);
  test::gate gate;
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  REQUIRE(g.go([&] {
    try_cap.store(static_cast<int>(g.try_go([] {})));  // both slots in use
    code.store(g.stop_and_wait().code());              // stop, then the documented answer
  }) == status::ok);
  while (code.load() == -1) std::this_thread::yield();
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(try_cap.load() == static_cast<int>(status::capacity_full));
  REQUIRE(code.load() == static_cast<int>(errgroup::errc::wait_inside_task));
  REQUIRE(g.stop_requested());
  REQUIRE(g.go([] {}) == status::stopped);
  REQUIRE(g.reset() == status::ok);
}

TEMPLATE_TEST_CASE("a task's go() into its own group at the limit waits for room, as Go's Go",
                   "[faults][limit]", POOLS) {
  // Another task of the group holds the second place until the gate opens, so the nested go()
  // must wait (not answer limit_reached, as an earlier design did) and then succeed. The gate
  // opens once the nested call is under way; whether it is already parked or still spinning, it
  // must come back ok with the limit intact.
  test::executor_holder<TestType> h(2, 0);
  errgroup::group<8> g(h.ex);
  REQUIRE(g.set_limit(2) == status::ok);
  test::gate gate;
  std::atomic<int> inner{-1}, ran{0}, calling{0};
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  REQUIRE(g.go([&] {
    calling.store(1);
    inner.store(static_cast<int>(g.go([&] { ran.fetch_add(1); })));
  }) == status::ok);
  test::await_count(calling, 1);
  REQUIRE(inner.load() == -1);  // at the limit: it cannot have answered before the gate opens
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(inner.load() == static_cast<int>(status::ok));
  REQUIRE(ran.load() == 1);
  REQUIRE(g.stats().max_running <= 2);
}
