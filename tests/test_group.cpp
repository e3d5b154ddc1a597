// The behavioural suite: every test runs against every executor it applies to (Boost.Lockfree
// queue pool, mpmc_ring pool, inline executor). Tests that park a task on a gate need real
// workers and run on the two pools only.
#include <catch2/catch.hpp>

#include <pthread.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "test_util.hpp"

using errgroup::error;
using errgroup::status;

// The executors the suite runs on. A port's test file may define these lists before including
// this file (tests/test_group_freertos.cpp runs the suite on the FreeRTOS port).
#define ERRGROUP_TEST_GROUP_EXECUTOR_LISTS 1
#ifndef ALL_EXECUTORS
#define ALL_EXECUTORS test::boost_pool, test::ring_pool, test::inline_exec
#endif
#ifndef POOLS
#define POOLS test::boost_pool, test::ring_pool
#endif
#ifndef CONTENTION_POOL
#define CONTENTION_POOL test::ring_pool
#endif
#ifndef SMALL_QUEUE_EXECUTOR
#define SMALL_QUEUE_EXECUTOR errgroup::ring_thread_executor<2>
#endif
#ifndef INLINE_EXECUTOR
#define INLINE_EXECUTOR errgroup::inline_executor
#endif

TEMPLATE_TEST_CASE("go + wait runs every task, wait returns success", "[group]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<16> g(h.ex);
  std::atomic<int> n{0};
  for (int i = 0; i < 100; ++i)
    REQUIRE(g.go([&n] { n.fetch_add(1, std::memory_order_relaxed); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(n.load() == 100);
  REQUIRE(g.outstanding() == 0);
  REQUIRE(g.stats().tasks_run == 100);
}

TEMPLATE_TEST_CASE("wait returns the first error, errors() keeps every error", "[group]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> g(h.ex);
  for (int i = 1; i <= 5; ++i)
    REQUIRE(g.go([i]() -> error { return i % 2 == 0 ? error(i) : error{}; }) == status::ok);
  const error e = g.wait();
  REQUIRE(e);
  REQUIRE((e.code() == 2 || e.code() == 4));
  REQUIRE(g.first_error() == e);
  std::set<int> codes;
  for (const error& x : g.errors()) codes.insert(x.code());
  REQUIRE(codes == std::set<int>{2, 4});
  REQUIRE(g.errors().dropped == 0);
  // Go semantics: waiting again returns the same error until reset().
  REQUIRE(g.wait() == e);
  REQUIRE(g.reset() == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(g.errors().empty());
}

TEMPLATE_TEST_CASE("error list is bounded by capacity and counts what it dropped", "[group]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  for (int i = 1; i <= 10; ++i) REQUIRE(g.go([i] { return error(i); }) == status::ok);
  REQUIRE(g.wait());
  REQUIRE(g.errors().size == 4);
  REQUIRE(g.errors().dropped == 6);
}

TEST_CASE("first error under contention: exactly one winner, returned by a task",
          "[group][contention]") {
  test::executor_holder<CONTENTION_POOL> h(3, 1000);
  for (int round = 0; round < 50; ++round) {
    errgroup::group<64> g(h.ex);
    std::atomic<int> ready{0};
    test::gate go;
    for (int i = 1; i <= 64; ++i)
      REQUIRE(g.try_go([&, i]() -> error {
        ready.fetch_add(1, std::memory_order_acq_rel);
        go.wait();
        return error(i);  // every task fails at (nearly) the same instant
      }) == status::ok);
    // Some tasks are still queued (3 workers); the waiter helps run them, so open the gate first.
    go.open();
    const error e = g.wait();
    REQUIRE(e.code() >= 1);
    REQUIRE(e.code() <= 64);
    REQUIRE(g.errors().size == 64);
    int matches = 0;
    for (const error& x : g.errors()) matches += x == e ? 1 : 0;
    REQUIRE(matches == 1);  // the first error is one that exactly one task returned
  }
}

TEMPLATE_TEST_CASE("set_limit: running tasks never exceed the limit", "[group][limit]", POOLS) {
  test::executor_holder<TestType> h(3, 100);
  errgroup::group<32> g(h.ex);
  REQUIRE(g.set_limit(2) == status::ok);
  std::atomic<int> running{0}, high{0}, done{0};
  for (int i = 0; i < 300; ++i)
    REQUIRE(g.go([&] {
      const int r = running.fetch_add(1, std::memory_order_acq_rel) + 1;
      test::raise_max(high, r);
      for (int k = 0; k < 200; ++k) std::atomic_signal_fence(std::memory_order_seq_cst);
      running.fetch_sub(1, std::memory_order_acq_rel);
      done.fetch_add(1, std::memory_order_relaxed);
    }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(done.load() == 300);
  REQUIRE(high.load() <= 2);
  REQUIRE(g.stats().max_running <= 2);
}

TEMPLATE_TEST_CASE("set_limit refuses bad input: 0, and while tasks are active", "[group][limit]",
                   POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  REQUIRE(g.set_limit(0) == status::invalid_argument);
  test::gate gate;
  REQUIRE(g.go([&] { gate.wait(); }) == status::ok);
  REQUIRE(g.set_limit(3) == status::busy);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(g.set_limit(3) == status::ok);
  REQUIRE(g.set_limit(errgroup::no_limit) == status::ok);
}

TEMPLATE_TEST_CASE("try_go reports limit_reached and capacity_full", "[group][try_go]", POOLS) {
  test::executor_holder<TestType> h;
  test::gate gate;
  {
    errgroup::group<2> g(h.ex);
    REQUIRE(g.try_go([&] { gate.wait(); }) == status::ok);
    REQUIRE(g.try_go([&] { gate.wait(); }) == status::ok);
    REQUIRE(g.try_go([] {}) == status::capacity_full);
    gate.open();
    REQUIRE_FALSE(g.wait());
    REQUIRE(g.try_go([] {}) == status::ok);  // room again
    REQUIRE_FALSE(g.wait());
  }
  test::gate gate2;
  errgroup::group<8> g(h.ex);
  REQUIRE(g.set_limit(1) == status::ok);
  REQUIRE(g.try_go([&] { gate2.wait(); }) == status::ok);
  REQUIRE(g.try_go([] {}) == status::limit_reached);
  gate2.open();
  REQUIRE_FALSE(g.wait());
}

TEST_CASE("try_go reports queue_full and drops nothing", "[group][try_go]") {
  // One worker, a queue of 2: park the worker, fill the queue, the next submit is refused.
  errgroup::executor_options o;
  o.workers = 1;
  SMALL_QUEUE_EXECUTOR ex(o);
  errgroup::group<8> g(ex, [] {
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;  // keep the waiter from draining the queue early
    return go;
  }());
  test::gate gate;
  std::atomic<int> started{0}, ran{0};
  REQUIRE(g.try_go([&] {
    started.fetch_add(1);
    gate.wait();
  }) == status::ok);
  test::await_count(started, 1);  // the worker holds the first task; the queue is empty
  REQUIRE(g.try_go([&] { ran.fetch_add(1); }) == status::ok);
  REQUIRE(g.try_go([&] { ran.fetch_add(1); }) == status::ok);
  test::lifetime::live().store(0);
  {
    test::lifetime probe;
    REQUIRE(g.try_go([&ran, probe] { ran.fetch_add(100); }) == status::queue_full);
  }
  REQUIRE(test::lifetime::live().load() == 0);  // the refused callable's copy was destroyed
  REQUIRE(g.outstanding() == 3);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 2);
}

TEMPLATE_TEST_CASE("go/try_go on a stopped or closed group are refused", "[group]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  g.stop();
  REQUIRE(g.stop_requested());
  REQUIRE(g.go([] {}) == status::stopped);
  REQUIRE(g.try_go([] {}) == status::stopped);
  REQUIRE(g.reset() == status::ok);
  REQUIRE(g.go([] {}) == status::ok);
  REQUIRE_FALSE(g.wait());
  g.close();
  REQUIRE(g.closed());
  REQUIRE(g.go([] {}) == status::closed);
  REQUIRE(g.try_go([] {}) == status::closed);
  REQUIRE(g.reset() == status::ok);
  REQUIRE(g.try_go([] {}) == status::ok);
  REQUIRE_FALSE(g.wait());
}

TEMPLATE_TEST_CASE("close lets submitted tasks finish", "[group]", POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> g(h.ex);
  test::gate gate;
  std::atomic<int> ran{0};
  for (int i = 0; i < 4; ++i)
    REQUIRE(g.go([&] {
      gate.wait();
      ran.fetch_add(1);
    }) == status::ok);
  g.close();
  REQUIRE(g.try_go([] {}) == status::closed);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 4);
  REQUIRE(g.stats().tasks_skipped == 0);
}

TEMPLATE_TEST_CASE("stop skips queued tasks, every callable is destroyed exactly once",
                   "[group][stop]", POOLS) {
  errgroup::executor_options o;
  o.workers = 1;
  typename TestType::type ex(o);
  test::lifetime::live().store(0);
  std::atomic<int> ran{0}, started{0};
  {
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;
    errgroup::group<32> g(ex, go);
    test::gate gate;
    test::lifetime probe;
    REQUIRE(g.go([&, probe] {
      started.fetch_add(1);
      gate.wait();
      ran.fetch_add(1);
    }) == status::ok);
    test::await_count(started, 1);
    for (int i = 0; i < 20; ++i)
      REQUIRE(g.go([&ran, probe] { ran.fetch_add(1); }) == status::ok);
    g.stop();
    gate.open();
    REQUIRE_FALSE(g.wait());
    REQUIRE(ran.load() == 1);  // only the task that had started
    REQUIRE(g.stats().tasks_skipped == 20);
    REQUIRE(g.stats().tasks_run == 1);
    REQUIRE(test::lifetime::live().load() == 1);  // only `probe` itself
  }
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("a stopped group's queued tasks are skipped, another group's queued between "
                   "them still run",
                   "[group][stop]", POOLS) {
  // The drain of a stopped group takes its queued tasks in runs (mpmc_ring): the runs must end
  // at the other group's tasks, and every callable must still be destroyed exactly once.
  errgroup::executor_options o;
  o.workers = 1;
  typename TestType::type ex(o);
  test::lifetime::live().store(0);
  std::atomic<int> ran_stopped{0}, ran_other{0};
  {
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;
    errgroup::group<64> holder(ex, go), stopped(ex, go), other(ex, go);
    test::gate gate;
    REQUIRE(test::hold_a_thread(holder, gate) == status::ok);  // the queue fills behind it
    test::lifetime probe;
    for (int block = 0; block < 4; ++block) {
      for (int i = 0; i < 12; ++i)
        REQUIRE(stopped.go([&ran_stopped, probe] { ran_stopped.fetch_add(1); }) == status::ok);
      for (int i = 0; i < 3; ++i)
        REQUIRE(other.go([&ran_other, probe] { ran_other.fetch_add(1); }) == status::ok);
    }
    stopped.stop();
    gate.open();
    REQUIRE_FALSE(stopped.wait());
    REQUIRE_FALSE(other.wait());
    REQUIRE_FALSE(holder.wait());
    REQUIRE(ran_stopped.load() == 0);
    REQUIRE(ran_other.load() == 12);
    REQUIRE(stopped.stats().tasks_skipped == 48);
    REQUIRE(other.stats().tasks_run == 12);
    REQUIRE(test::lifetime::live().load() == 1);  // only `probe` itself
    // The stopped group's slots are all free again: a new round fills the whole capacity.
    REQUIRE(stopped.reset() == status::ok);
    for (int i = 0; i < 64; ++i) REQUIRE(stopped.try_go([] {}) == status::ok);
    REQUIRE_FALSE(stopped.wait());
  }
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("with_context: the first error stops the group and is the cause",
                   "[group][stop]", POOLS) {
  errgroup::executor_options o;
  o.workers = 1;
  typename TestType::type ex(o);
  errgroup::group_options go = errgroup::group_options::with_context();
  go.help = errgroup::help_policy::never;
  errgroup::group<32> g(ex, go);
  std::atomic<int> started{0}, ran{0};
  test::gate gate;
  REQUIRE(g.go([&]() -> error {
    started.fetch_add(1);
    gate.wait();
    return error(42);
  }) == status::ok);
  test::await_count(started, 1);
  for (int i = 0; i < 10; ++i) REQUIRE(g.go([&] { ran.fetch_add(1); }) == status::ok);
  gate.open();
  REQUIRE(g.wait() == error(42));
  REQUIRE(g.stop_requested());
  REQUIRE(g.cause() == error(42));
  REQUIRE(ran.load() == 0);
  REQUIRE(g.stats().tasks_skipped == 10);
  REQUIRE(g.go([] {}) == status::stopped);
  REQUIRE(g.reset() == status::ok);
  REQUIRE_FALSE(g.stop_requested());
  REQUIRE(g.go([] {}) == status::ok);
  REQUIRE_FALSE(g.wait());
}

TEMPLATE_TEST_CASE("a running task sees stop through its stop_token", "[group][stop]", POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  std::atomic<int> started{0};
  REQUIRE(g.go([&](errgroup::stop_token st) -> error {
    started.fetch_add(1);
    while (!st.stop_requested()) std::this_thread::yield();
    return error(7);
  }) == status::ok);
  test::await_count(started, 1);
  REQUIRE(g.stop_and_wait() == error(7));
}

TEMPLATE_TEST_CASE("wait_for times out, loses nothing, and wait() then succeeds", "[group][wait]",
                   POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  test::gate gate;
  std::atomic<int> ran{0}, started{0};
  REQUIRE(g.go([&] {
    started.fetch_add(1);
    gate.wait();
    ran.fetch_add(1);
  }) == status::ok);
  // On a worker, not queued: a helping waiter would otherwise run the gated task itself (and a
  // helped job runs to completion, past any deadline — see wait_for's documentation).
  test::await_count(started, 1);
  REQUIRE(g.wait_for(std::chrono::milliseconds(2)) == status::timeout);
  REQUIRE(g.wait_for(std::chrono::nanoseconds(0)) == status::timeout);
  REQUIRE(g.wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(1)) ==
          status::timeout);
  REQUIRE(g.wait_until_ns(h.ex.now_ns()) == status::timeout);
  REQUIRE(g.outstanding() == 1);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 1);
  REQUIRE(g.wait_for(std::chrono::seconds(0)) == status::ok);
  REQUIRE(g.wait_for(std::chrono::hours::max()) == status::ok);  // no overflow: "forever"
  REQUIRE(g.wait_for(std::chrono::seconds(-5)) == status::ok);   // negative: a poll
}

TEMPLATE_TEST_CASE("a parked waiter is woken by the last task", "[group][wait]", POOLS) {
  // spin = 0: the waiter parks at once, exercising the futex path on every round.
  test::executor_holder<TestType> h(2, 0);
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<8> g(h.ex, go);
  for (int round = 0; round < 500; ++round) {
    std::atomic<int> n{0};
    for (int i = 0; i < 4; ++i) REQUIRE(g.go([&n] { n.fetch_add(1); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(n.load() == 4);
  }
}

TEMPLATE_TEST_CASE("parent stop cancels a linked child group", "[group][stop]", POOLS) {
  test::executor_holder<TestType> h(2);
  errgroup::group<4> parent(h.ex);
  errgroup::group_options co;
  co.parent = &parent;
  errgroup::group<8> child(h.ex, co);
  errgroup::group_options gco;
  gco.parent = &child;
  errgroup::group<8> grandchild(h.ex, gco);
  std::atomic<int> started{0};
  REQUIRE(grandchild.go([&](errgroup::stop_token st) {
    started.fetch_add(1);
    while (!st.stop_requested()) std::this_thread::yield();
  }) == status::ok);
  test::await_count(started, 1);
  REQUIRE_FALSE(child.stop_requested());
  parent.stop();
  REQUIRE(child.stop_requested());
  REQUIRE(grandchild.stop_requested());
  REQUIRE_FALSE(grandchild.wait());
  REQUIRE(child.go([] {}) == status::stopped);
  // Stopping a child does not stop its parent.
  REQUIRE(parent.reset() == status::ok);
  REQUIRE(child.reset() == status::ok);
  child.stop();
  REQUIRE_FALSE(parent.stop_requested());
}

TEMPLATE_TEST_CASE("nested groups on a 2-worker executor do not deadlock", "[group][nested]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h(2);
  errgroup::group<8> outer(h.ex);
  std::atomic<int> leaves{0};
  for (int i = 0; i < 8; ++i)
    REQUIRE(outer.go([&]() -> error {
      errgroup::group<8> inner(h.ex);
      for (int j = 0; j < 8; ++j)
        if (inner.go([&] {
              errgroup::group<4> leaf(h.ex);
              for (int k = 0; k < 4; ++k)
                (void)leaf.go([&] { leaves.fetch_add(1, std::memory_order_relaxed); });
              (void)leaf.wait();
            }) != status::ok)
          return error(1);
      return inner.wait();
    }) == status::ok);
  REQUIRE_FALSE(outer.wait());
  REQUIRE(leaves.load() == 8 * 8 * 4);
}

TEMPLATE_TEST_CASE("wait() from inside one of the group's own tasks is detected",
                   "[group][misuse]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  std::atomic<int> code{-1};
  std::atomic<int> st{-1};
  REQUIRE(g.go([&] {
    code.store(g.wait().code());
    st.store(static_cast<int>(g.wait_for(std::chrono::seconds(1))));
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(code.load() == static_cast<int>(errgroup::errc::wait_inside_task));
  REQUIRE(st.load() == static_cast<int>(status::would_deadlock));
}

TEMPLATE_TEST_CASE("go() from a task never waits for room: limit_reached, capacity_full",
                   "[group][misuse]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  {  // at the limit: the task itself holds the only place
    errgroup::group<4> g(h.ex);
    REQUIRE(g.set_limit(1) == status::ok);
    std::atomic<int> inner{-1};
    REQUIRE(g.go([&] { inner.store(static_cast<int>(g.go([] {}))); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(inner.load() == static_cast<int>(status::limit_reached));
  }
  {  // at the capacity: the task and one more fill both slots
    errgroup::group<2> g(h.ex);
    std::atomic<int> first{-1}, second{-1};
    test::gate hold;  // keeps the second task outstanding on a pool
    REQUIRE(g.go([&] {
      first.store(static_cast<int>(g.go([&] {
        if (TestType::concurrent) hold.wait();
      })));
      second.store(static_cast<int>(g.go([] {})));
      hold.open();
    }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(first.load() == static_cast<int>(status::ok));
    // The inline executor ran the first nested task inside go(), so its slot was free again.
    REQUIRE(second.load() == static_cast<int>(TestType::concurrent ? status::capacity_full
                                                                   : status::ok));
  }
  {  // into another group at its limit, held by an outside thread's task: no wait either
    errgroup::group<4> other(h.ex);
    REQUIRE(other.set_limit(1) == status::ok);
    test::gate hold;
    std::atomic<int> holding{0};
    REQUIRE(other.go([&] {
      holding.store(1, std::memory_order_release);
      if (TestType::concurrent) hold.wait();
    }) == status::ok);
    // Running on a worker before we go on: our wait() below must not pick it up and spin in it.
    test::await_count(holding, 1);
    errgroup::group<4> g(h.ex);
    std::atomic<int> inner{-1};
    REQUIRE(g.go([&] { inner.store(static_cast<int>(other.go([] {}))); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    hold.open();
    REQUIRE_FALSE(other.wait());
    REQUIRE(inner.load() == static_cast<int>(TestType::concurrent ? status::limit_reached
                                                                  : status::ok));
  }
}

TEMPLATE_TEST_CASE("recursive submission at a limit: run inline when go() refuses", "[group]",
                   ALL_EXECUTORS) {
  // Go's idiom for recursive work under SetLimit (if !g.TryGo(f) { f() }), which go() inside a
  // task follows: it never waits for room, so this cannot deadlock however the tasks nest.
  test::executor_holder<TestType> h;
  errgroup::group<64> g(h.ex);
  REQUIRE(g.set_limit(3) == status::ok);
  std::atomic<int> n{0}, inline_runs{0}, bad{0};
  REQUIRE(g.go([&] {
    for (int i = 0; i < 20; ++i) {
      auto leaf = [&n] { n.fetch_add(1); };
      const status st = g.go(leaf);
      if (st == status::limit_reached) {
        inline_runs.fetch_add(1);
        leaf();
      } else if (st != status::ok) {
        bad.fetch_add(1);
      }
    }
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(bad.load() == 0);
  REQUIRE(n.load() == 20);
  REQUIRE(g.stats().max_running <= 3);
}

TEMPLATE_TEST_CASE("go() blocks at the limit and completes everything", "[group][limit]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h(2, 0);
  errgroup::group<8> g(h.ex);
  REQUIRE(g.set_limit(2) == status::ok);
  std::atomic<int> n{0};
  for (int i = 0; i < 200; ++i) REQUIRE(g.go([&n] { n.fetch_add(1); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(n.load() == 200);
}

TEMPLATE_TEST_CASE("go() blocked at the limit returns stopped when the group stops",
                   "[group][limit]", POOLS) {
  test::executor_holder<TestType> h(2, 0);
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  errgroup::group<8> g(h.ex, o);
  REQUIRE(g.set_limit(1) == status::ok);
  std::atomic<int> started{0};
  REQUIRE(g.go([&](errgroup::stop_token st) {
    started.fetch_add(1);
    while (!st.stop_requested()) std::this_thread::yield();
  }) == status::ok);
  test::await_count(started, 1);
  std::atomic<int> result{-1};
  std::thread blocked([&] { result.store(static_cast<int>(g.go([] {}))); });
  while (result.load() == -1 && g.outstanding() == 1) {
    g.stop();  // may race with the go() registering: stop() is idempotent
    std::this_thread::yield();
  }
  blocked.join();
  REQUIRE(result.load() == static_cast<int>(status::stopped));
  REQUIRE_FALSE(g.wait());
}

TEMPLATE_TEST_CASE("the waiting thread helps run queued tasks", "[group][help]", POOLS) {
  errgroup::executor_options o;
  o.workers = 1;
  typename TestType::type ex(o);
  errgroup::group<16> g(ex);
  test::gate gate;
  // The only worker is parked in task 0 until the last queued task opens the gate: without
  // helping this could never finish.
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  const auto me = std::this_thread::get_id();
  std::atomic<int> on_waiter{0};
  for (int i = 0; i < 8; ++i)
    REQUIRE(g.go([&, i] {
      if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
      if (i == 7) gate.open();
    }) == status::ok);
  REQUIRE(g.wait_for(std::chrono::seconds(20)) == status::ok);
  REQUIRE(on_waiter.load() == 8);
}

TEMPLATE_TEST_CASE("help_policy::never: the waiter runs no task", "[group][help]", POOLS) {
  test::executor_holder<TestType> h(1, 0);
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  errgroup::group<64> g(h.ex, o);
  const auto me = std::this_thread::get_id();
  std::atomic<int> on_waiter{0};
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 64; ++i)
      REQUIRE(g.go([&] {
        if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
      }) == status::ok);
    REQUIRE_FALSE(g.wait());
  }
  REQUIRE(on_waiter.load() == 0);
}

TEMPLATE_TEST_CASE("destroying a busy group stops it and waits: no task outlives it",
                   "[group][lifetime]", POOLS) {
  test::executor_holder<TestType> h(2);
  std::atomic<int> finished{0}, started{0};
  test::lifetime::live().store(0);
  {
    errgroup::group<16> g(h.ex);
    test::lifetime probe;
    for (int i = 0; i < 16; ++i)
      REQUIRE(g.go([&, probe](errgroup::stop_token st) {
        started.fetch_add(1);
        while (!st.stop_requested()) std::this_thread::yield();
        finished.fetch_add(1);
      }) == status::ok);
    test::await_count(started, 1);
  }  // ~group: stop + wait
  REQUIRE(finished.load() == started.load());
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("C-style task: function pointer plus context", "[group]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  int value = 0;
  REQUIRE(g.go(
              [](void* ctx) -> error {
                *static_cast<int*>(ctx) = 5;
                return error(3);
              },
              &value) == status::ok);
  REQUIRE(g.wait() == error(3));
  REQUIRE(value == 5);
}

TEST_CASE("inline executor runs the task inside go()", "[group][inline]") {
  INLINE_EXECUTOR ex;
  errgroup::group<2> g(ex);
  int n = 0;
  REQUIRE(g.go([&n] { ++n; }) == status::ok);
  REQUIRE(n == 1);  // already ran
  REQUIRE(g.outstanding() == 0);
  REQUIRE_FALSE(g.wait());
}

TEST_CASE("error values: domains, messages, equality", "[error]") {
  static constexpr errgroup::error_domain adc{"adc", [](std::int32_t c) noexcept -> const char* {
                                                return c == 1 ? "conversion timeout" : "adc";
                                              }};
  const error ok{};
  REQUIRE_FALSE(ok);
  REQUIRE(std::string(ok.message()) == "success");
  const error t(1, adc);
  REQUIRE(t);
  REQUIRE(std::string(t.message()) == "conversion timeout");
  REQUIRE(std::string(t.domain().name) == "adc");
  REQUIRE(t != error(1));  // same code, other domain
  REQUIRE(error(errgroup::errc::task_threw) == error(errgroup::errc::task_threw));
  REQUIRE(std::string(errgroup::to_string(status::queue_full)) == "queue_full");
}

TEMPLATE_TEST_CASE("a group is reusable round after round without reconstruction", "[group]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> g(h.ex, errgroup::group_options::with_context());
  for (int round = 0; round < 200; ++round) {
    const bool fail = round % 3 == 0;
    for (int i = 0; i < 8; ++i) {
      const status s = g.go([fail, i]() -> error { return fail && i == 0 ? error(9) : error{}; });
      REQUIRE((s == status::ok || (fail && s == status::stopped)));  // the error stops the group
    }
    const error e = g.wait();
    REQUIRE(static_cast<bool>(e) == fail);
    REQUIRE(g.reset() == status::ok);
  }
}

TEMPLATE_TEST_CASE("reset refuses while tasks are outstanding", "[group]", POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  test::gate gate;
  REQUIRE(g.go([&] { gate.wait(); }) == status::ok);
  REQUIRE(g.reset() == status::busy);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(g.reset() == status::ok);
}

TEMPLATE_TEST_CASE("wake_policy::poll: parked workers find work with no wake-up call",
                   "[group][realtime]", POOLS) {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 0;  // workers park at once
  o.spin_us = 0;  // count only: the tests choose when workers park
  o.wake = errgroup::wake_policy::poll;
  o.poll_interval_us = 50;
  typename TestType::type ex(o);
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;  // only the polling workers can run the tasks
  errgroup::group<8> g(ex, go);
  const auto me = std::this_thread::get_id();
  std::atomic<int> n{0}, on_waiter{0};
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 4; ++i)
      REQUIRE(g.try_go([&] {
        n.fetch_add(1);
        if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
      }) == status::ok);
    REQUIRE_FALSE(g.wait());
  }
  REQUIRE(n.load() == 200);
  REQUIRE(on_waiter.load() == 0);
}

TEMPLATE_TEST_CASE("wait_policy::spin: waits and blocked go() spin instead of parking",
                   "[group][realtime]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h(2, 0);
  errgroup::group_options go;
  go.waiting = errgroup::wait_policy::spin;
  errgroup::group<4> g(h.ex, go);
  REQUIRE(g.set_limit(2) == status::ok);
  std::atomic<int> n{0};
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 6; ++i) REQUIRE(g.go([&n] { n.fetch_add(1); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(g.wait_for(std::chrono::microseconds(10)) == status::ok);
  }
  REQUIRE(n.load() == 600);
}

TEMPLATE_TEST_CASE("a task blocked in go() on a full queue helps even under help_policy::never",
                   "[group][help][nested]", POOLS) {
  // One worker, an executor queue of 2. Task A runs on the worker and submits 6 tasks: the third
  // push finds the queue full, so go() waits for queue room. Only A's own thread can run the
  // queued tasks. help_policy::never is for outside callers; a thread that is running a task
  // always helps, or this would hang (found by the fuzzer, in its earlier form at the limit).
  errgroup::executor_options o;
  o.workers = 1;
  o.spin = 0;
  o.spin_us = 0;  // count only: the tests choose when workers park
  typename TestType::template with_queue<2> ex(o);
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<8> g(ex, go);
  std::atomic<int> ran{0};
  std::atomic<int> accepted{0};
  REQUIRE(g.go([&] {
    for (int i = 0; i < 6; ++i)
      if (g.go([&] { ran.fetch_add(1); }) == status::ok) accepted.fetch_add(1);
  }) == status::ok);
  REQUIRE(g.wait_for(std::chrono::seconds(20)) == status::ok);
  REQUIRE(accepted.load() == 6);
  REQUIRE(ran.load() == 6);
}
