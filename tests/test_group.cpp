// SPDX-License-Identifier: BSL-1.0
// The behavioural suite: every test runs against every executor it applies to (Boost.Lockfree
// queue pool, mpmc_ring pool, inline executor). Tests that park a task on a gate need real
// workers and run on the two pools only.
#include <catch2/catch.hpp>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <ratio>
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
// executor_options::max_depth for the 1,000-level chain: 0 is the port's default (4096 hosted, 1024 on Windows; a
// port with a smaller default, for small stacks, raises it here).
#ifndef NESTING_MAX_DEPTH
#define NESTING_MAX_DEPTH 0
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

TEMPLATE_TEST_CASE("go/try_go on a stopped or closed group are refused", "[group]", ALL_EXECUTORS) {
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
  typename TestType::type ex(test::workers(1));
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
    for (int i = 0; i < 20; ++i) REQUIRE(g.go([&ran, probe] { ran.fetch_add(1); }) == status::ok);
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
  typename TestType::type ex(test::workers(1));
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
  typename TestType::type ex(test::workers(1));
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

TEMPLATE_TEST_CASE("wait() from inside one of the group's own tasks is detected", "[group][misuse]",
                   ALL_EXECUTORS) {
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

TEMPLATE_TEST_CASE("go() from a task waits for room as Go's Go does, and would_deadlock when only "
                   "the task itself holds it",
                   "[group][limit]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  {  // at the limit, the task itself holds the only place: no task can ever make room (Go hangs)
    errgroup::group<4> g(h.ex);
    REQUIRE(g.set_limit(1) == status::ok);
    std::atomic<int> inner{-1};
    REQUIRE(g.go([&] { inner.store(static_cast<int>(g.go([] {}))); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(inner.load() == static_cast<int>(status::would_deadlock));
  }
  {  // at the capacity: the task and one more fill both slots; the second go() waits for room
    errgroup::group<2> g(h.ex);
    std::atomic<int> first{-1}, second{-1}, ran{0};
    REQUIRE(g.go([&] {
      first.store(static_cast<int>(g.go([&] { ran.fetch_add(1); })));
      second.store(static_cast<int>(g.go([&] { ran.fetch_add(1); })));
    }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(first.load() == static_cast<int>(status::ok));
    REQUIRE(second.load() == static_cast<int>(status::ok));
    REQUIRE(ran.load() == 2);
  }
}

TEMPLATE_TEST_CASE("go() inside a task at its group's limit runs the group's queued tasks: one "
                   "worker, no deadlock, the limit holds",
                   "[group][limit][help]", POOLS) {
  // One worker runs the parent task, which go()es 10 children at limit 2: each go() finds the
  // parent and one child outstanding and waits. Only the parent's own thread can run the queued
  // child: it does (helping with its own group's task), so the loop completes.
  typename TestType::type ex(test::workers(1));
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;  // the outside waiter runs nothing: only the worker
  errgroup::group<16> g(ex, go);
  REQUIRE(g.set_limit(2) == status::ok);
  std::atomic<int> ran{0}, running{0}, high{0}, bad{0};
  std::atomic<int> on_parent_thread{0};
  REQUIRE(g.go([&] {
    const auto parent = std::this_thread::get_id();
    for (int i = 0; i < 10; ++i)
      if (g.go([&, parent] {
            const int r = running.fetch_add(1) + 1;
            test::raise_max(high, r);
            if (std::this_thread::get_id() == parent) on_parent_thread.fetch_add(1);
            ran.fetch_add(1);
            running.fetch_sub(1);
          }) != status::ok)
        bad.fetch_add(1);
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(bad.load() == 0);
  REQUIRE(ran.load() == 10);
  REQUIRE(high.load() <= 1);  // children; with the parent, at most 2 of the group at once
  REQUIRE(g.stats().max_running <= 2);
  REQUIRE(on_parent_thread.load() == 10);
}

TEMPLATE_TEST_CASE("a limited group as a resource cap from inside tasks, Go's idiom: the limit "
                   "is never exceeded",
                   "[group][limit]", POOLS) {
  // Tasks of `users` share a resource capped by `cap` (set_limit(2)) with the documented idiom
  // `if (cap.go(f) != ok) f();`. go() blocks at the limit (it does not answer limit_reached
  // inside a task), so f never runs inline and at most 2 use the resource at once.
  test::executor_holder<TestType> h(3, 100);
  errgroup::group<64> users(h.ex);
  errgroup::group<8> cap(h.ex);
  REQUIRE(cap.set_limit(2) == status::ok);
  std::atomic<int> in_use{0}, high{0}, used{0}, inline_runs{0};
  auto use = [&] {
    const int n = in_use.fetch_add(1) + 1;
    test::raise_max(high, n);
    for (int k = 0; k < 300; ++k) std::atomic_signal_fence(std::memory_order_seq_cst);
    in_use.fetch_sub(1);
    used.fetch_add(1);
  };
  for (int i = 0; i < 40; ++i)
    REQUIRE(users.go([&] {
      if (cap.go(use) != status::ok) {
        inline_runs.fetch_add(1);
        use();
      }
    }) == status::ok);
  REQUIRE_FALSE(users.wait());
  REQUIRE_FALSE(cap.wait());
  REQUIRE(used.load() == 40);
  REQUIRE(inline_runs.load() == 0);
  REQUIRE(high.load() <= 2);
}

TEMPLATE_TEST_CASE("recursive submission at a limit: go() inside a task blocks and completes",
                   "[group]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<64> g(h.ex);
  REQUIRE(g.set_limit(3) == status::ok);
  std::atomic<int> n{0}, bad{0};
  REQUIRE(g.go([&] {
    for (int i = 0; i < 20; ++i)
      if (g.go([&n] { n.fetch_add(1); }) != status::ok) bad.fetch_add(1);
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
  std::thread blocked([&] {
    result.store(static_cast<int>(g.go([] {})));
    ERRGROUP_TEST_THREAD_EXIT();
  });
  while (result.load() == -1 && g.outstanding() == 1) {
    g.stop();  // may race with the go() registering: stop() is idempotent
    std::this_thread::yield();
  }
  blocked.join();
  REQUIRE(result.load() == static_cast<int>(status::stopped));
  REQUIRE_FALSE(g.wait());
}

TEMPLATE_TEST_CASE("the waiting thread helps run its group's queued tasks", "[group][help]",
                   POOLS) {
  // The only worker is parked in task 0 until the last queued task opens the gate: without
  // helping this could never finish. wait() helps by default; a timed wait only with
  // help_policy::own_tasks_timed (both are shown).
  for (const bool timed : {false, true}) {
    typename TestType::type ex(test::workers(1));
    errgroup::group_options go;
    if (timed) go.help = errgroup::help_policy::own_tasks_timed;
    errgroup::group<16> g(ex, go);
    test::gate gate;
    REQUIRE(test::hold_a_thread(g, gate) == status::ok);
    const auto me = std::this_thread::get_id();
    std::atomic<int> on_waiter{0}, ran{0};
    for (int i = 0; i < 8; ++i)
      REQUIRE(g.go([&] {
        if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
        if (ran.fetch_add(1) + 1 == 8) gate.open();  // the last of the 8, in whatever order
      }) == status::ok);
    if (timed) REQUIRE(g.wait_for(std::chrono::seconds(20)) == status::ok);
    else
      REQUIRE_FALSE(g.wait());
    REQUIRE(on_waiter.load() == 8);
  }
}

TEMPLATE_TEST_CASE("a timed wait runs no task by default: it returns at its deadline",
                   "[group][help][deadline]", POOLS) {
  typename TestType::type ex(test::workers(1));
  errgroup::group<16> g(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  const auto me = std::this_thread::get_id();
  std::atomic<int> on_waiter{0}, ran{0};
  for (int i = 0; i < 8; ++i)
    REQUIRE(g.go([&] {
      if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
      ran.fetch_add(1);
    }) == status::ok);
  REQUIRE(g.wait_for(std::chrono::milliseconds(5)) == status::timeout);
  REQUIRE(g.wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(1)) ==
          status::timeout);
  REQUIRE(on_waiter.load() == 0);
  REQUIRE(ran.load() == 0);  // the worker is held: nothing could run them
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 8);
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
  o.spin = 0;     // workers park at once
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

TEMPLATE_TEST_CASE("go() on a full executor queue runs the task itself, inside a task even under "
                   "help_policy::never",
                   "[group][help][nested]", POOLS) {
  // One worker, an executor queue of 2. Task A runs on the worker and submits 6 tasks: the third
  // push finds the queue full. The task is A's own group's and already counted, so go() runs it
  // on A's thread (caller-runs) instead of waiting for a worker (A is the only one).
  // help_policy::never is for outside callers; a thread that is running a task always does this.
  errgroup::executor_options o;
  o.workers = 1;
  o.spin = 0;
  o.spin_us = 0;  // count only: the tests choose when workers park
  typename TestType::template with_queue<2> ex(o);
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<8> g(ex, go);
  std::atomic<int> ran{0}, accepted{0}, on_a{0};
  REQUIRE(g.go([&] {
    const auto a = std::this_thread::get_id();
    for (int i = 0; i < 6; ++i)
      if (g.go([&, a] {
            if (std::this_thread::get_id() == a) on_a.fetch_add(1);
            ran.fetch_add(1);
          }) == status::ok)
        accepted.fetch_add(1);
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(accepted.load() == 6);
  REQUIRE(ran.load() == 6);
  REQUIRE(on_a.load() >= 4);  // every task that found the queue full (the worker was busy in A)
}

// ---- Bounded waiting: a waiter runs only its own group's tasks ---------------------------------

namespace {
// Which group the calling thread is waiting for, innermost first (a task run by a helping wait
// sees the group that wait is for). A task that finds a different group on top ran where it must
// not: on the stack of another group's waiter.
thread_local const void* t_waiting_for = nullptr;
struct waiting_scope {
  const void* prev;
  explicit waiting_scope(const void* g) : prev(t_waiting_for) { t_waiting_for = g; }
  ~waiting_scope() { t_waiting_for = prev; }
  waiting_scope(const waiting_scope&) = delete;
  waiting_scope& operator=(const waiting_scope&) = delete;
};
// Checks, inside a task of group g, that the thread is not waiting for another group.
inline bool runs_where_it_may(const void* g) {
  return t_waiting_for == nullptr || t_waiting_for == g;
}
}  // namespace

TEMPLATE_TEST_CASE("isolation: waits and blocked go()s run only their own group's tasks",
                   "[group][help][isolation]", POOLS) {
  // Three groups share one worker; three threads submit into their own group (at a limit, so go()
  // blocks and helps) and wait, round after round. Every task checks the thread it runs on.
  test::executor_holder<TestType> h(1, 50);
  std::atomic<int> foreign{0}, ran{0};
  auto rounds = [&](int t) {
    errgroup::group<8> g(h.ex);
    (void)g.set_limit(t == 0 ? errgroup::no_limit : t + 1);
    const void* const gp = &g;
    for (int round = 0; round < 200; ++round) {
      for (int i = 0; i < 6; ++i) {
        waiting_scope in(gp);  // go() may wait for room: it too must run only g's tasks
        (void)g.go([&, gp] {
          if (!runs_where_it_may(gp)) foreign.fetch_add(1);
          ran.fetch_add(1);
        });
      }
      waiting_scope in(gp);
      (void)g.wait();
    }
  };
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([&, t] {
      rounds(t);
      ERRGROUP_TEST_THREAD_EXIT();
    });
  for (auto& th : ts) th.join();
  REQUIRE(ran.load() == 3 * 200 * 6);
  REQUIRE(foreign.load() == 0);
}

TEMPLATE_TEST_CASE("deadlines hold: wait_for returns at its deadline while the only worker runs "
                   "another group's backlog",
                   "[group][deadline][isolation]", POOLS) {
  // The worker is busy, another group has 400 queued 5-ms jobs on the same
  // executor. The waiter must not run one of them (the old design did, and came back after
  // hundreds of milliseconds). Structural check: no foreign job ran on the waiting thread. Time
  // check, with a wide margin: the backlog is 2 s of work; the wait returns well under 1 s.
  errgroup::executor_options o;
  o.workers = 1;
  typename TestType::template with_queue<1024> ex(o);
  errgroup::group_options keep;
  errgroup::group<512> other(ex, keep);
  errgroup::group<4> g(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(other, gate) == status::ok);
  const auto me = std::this_thread::get_id();
  std::atomic<int> foreign_on_waiter{0};
  for (int i = 0; i < 400; ++i)
    REQUIRE(other.try_go([&](errgroup::stop_token st) {
      if (std::this_thread::get_id() == me) foreign_on_waiter.fetch_add(1);
      const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
      while (!st.stop_requested() && std::chrono::steady_clock::now() < end) {
      }
    }) == status::ok);
  // One task of each policy's group, queued behind the backlog. The timed-helping group may run
  // its own task (taken back from the queue by its ticket); neither may run a foreign one.
  errgroup::group_options timed_help;
  timed_help.help = errgroup::help_policy::own_tasks_timed;
  errgroup::group<4> g2(ex, timed_help);
  std::atomic<int> mine{0}, mine2{0};
  REQUIRE(g.go([&] { mine.fetch_add(1); }) == status::ok);
  REQUIRE(g2.go([&] { mine2.fetch_add(1); }) == status::ok);
  for (errgroup::group_base* w :
       {static_cast<errgroup::group_base*>(&g), static_cast<errgroup::group_base*>(&g2)}) {
    const auto t0 = std::chrono::steady_clock::now();
    const status s = w->wait_for(std::chrono::milliseconds(2));
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE((s == status::timeout || s == status::ok));
    REQUIRE(took < std::chrono::seconds(1));
  }
  REQUIRE(mine.load() == 0);   // the default timed wait ran nothing
  REQUIRE(mine2.load() == 1);  // the helping one ran its own task, past the backlog
  REQUIRE(foreign_on_waiter.load() == 0);
  other.stop();  // skip the backlog
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE_FALSE(g2.wait());
  REQUIRE(mine.load() == 1);
  REQUIRE_FALSE(other.wait());
  REQUIRE(foreign_on_waiter.load() == 0);
}

TEMPLATE_TEST_CASE("the deadline idiom cannot hang: wait_for, then stop()", "[group][deadline]",
                   POOLS) {
  // G's task polls its stop token until stopped; the only worker runs another
  // group's job. With default options the timed wait must not run the polling task on its own
  // stack (it would never return, and stop() would never be called).
  typename TestType::type ex(test::workers(1));
  errgroup::group<4> other(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(other, gate) == status::ok);
  errgroup::group<4> g(ex);
  std::atomic<int> polled{0};
  REQUIRE(g.go([&](errgroup::stop_token st) {
    polled.fetch_add(1);
    while (!st.stop_requested()) std::this_thread::yield();
  }) == status::ok);
  if (g.wait_for(std::chrono::milliseconds(10)) == status::timeout) g.stop();
  REQUIRE(g.stop_requested());
  REQUIRE_FALSE(g.wait());  // the poller is skipped (or sees the stop at once)
  gate.open();
  REQUIRE_FALSE(other.wait());
  REQUIRE(polled.load() <= 1);
}

namespace {
// One level of a chain of nested groups: a child group, the next level in it, wait.
template <class Counter>
errgroup::error nest(errgroup::executor_base& ex, int level, int depth, Counter& deepest) {
  test::raise_max(deepest, level);
  if (level == depth) return errgroup::error{};
  errgroup::group<1> child(ex);
  const status s =
      child.go([&ex, level, depth, &deepest] { return nest(ex, level + 1, depth, deepest); });
  if (s != status::ok) return errgroup::error(static_cast<std::int32_t>(s) + 100);
  return child.wait();
}
}  // namespace

TEMPLATE_TEST_CASE("any depth: a chain of 1,000 nested groups completes on 1 and on 2 workers",
                   "[group][nested]", POOLS) {
  // The old design hung at 32 x (workers + 1) levels. Each level waits for the
  // next; with one worker the whole chain runs on its stack, one task frame per level.
  for (std::uint32_t workers : {1u, 2u}) {
    errgroup::executor_options o;
    o.workers = workers;
    o.spin = 100;
    o.max_depth = NESTING_MAX_DEPTH;  // hosted: the port's default (4096; 1024 on Windows)
    typename TestType::type ex(o);
    std::atomic<int> deepest{0};
    errgroup::group<1> top(ex);
    REQUIRE(top.go([&] { return nest(ex, 1, 1000, deepest); }) == status::ok);
    REQUIRE_FALSE(top.wait());
    REQUIRE(deepest.load() == 1000);
  }
}

TEMPLATE_TEST_CASE("too deep is a status, not a hang: go() refuses at max_depth", "[group][nested]",
                   POOLS) {
  errgroup::executor_options o;
  o.workers = 1;
  o.max_depth = 40;
  typename TestType::type ex(o);
  std::atomic<int> deepest{0};
  errgroup::group<1> top(ex);
  REQUIRE(top.go([&] { return nest(ex, 1, 1000, deepest); }) == status::ok);
  const errgroup::error e = top.wait();
  // A level whose thread already held 40 task frames could not submit the next one. (Levels run
  // on the worker and on the waiting thread, whichever takes them first, so each thread's stack
  // holds part of the chain: it stops between 40 and 2 x 40 levels, long before 1000.)
  REQUIRE(e.code() == static_cast<int>(status::too_deep) + 100);
  REQUIRE(deepest.load() >= 40);
  REQUIRE(deepest.load() <= 81);
}

TEMPLATE_TEST_CASE("wait_inside_task only for the group's own task: a task of another group "
                   "waiting for it is never refused",
                   "[group][misuse]", POOLS) {
  // One worker. A task of g1 waits for its child group; a task of g3, queued
  // ahead of the child's tasks, calls g1.wait(). The old design could run the g3 task on the
  // stack of g1's task (helping) and then answer wait_inside_task.
  for (int round = 0; round < 20; ++round) {
    typename TestType::type ex(test::workers(1));
    errgroup::group<4> g1(ex), g3(ex);
    std::atomic<int> stage{0};
    std::atomic<int> code{-1};
    REQUIRE(g1.go([&] {
      test::await_count(stage, 1);  // g3's task is queued now
      errgroup::group<4> child(ex);
      for (int i = 0; i < 3; ++i) (void)child.go([] {});
      (void)child.wait();
    }) == status::ok);
    REQUIRE(g3.go([&] { code.store(g1.wait().code()); }) == status::ok);
    stage.store(1);
    REQUIRE_FALSE(g1.wait());
    REQUIRE_FALSE(g3.wait());
    REQUIRE(code.load() == 0);
  }
}

TEMPLATE_TEST_CASE("destructors may submit, also while their own group's tasks are being skipped",
                   "[group][stop][lifetime]", POOLS) {
  // A stopped group's queued callables notify another group from their
  // destructors. The old design held queue cells claimed while it destroyed them, so a push from
  // a destructor could find the queue "full" forever. Both a 4-entry queue with one worker and a
  // default-size queue with an unrelated producer.
  struct notifier {
    errgroup::group<64>* to;
    std::atomic<int>* notified;
    std::atomic<int>* ran;
    bool armed = true;
    notifier(errgroup::group<64>* t, std::atomic<int>* n, std::atomic<int>* r) noexcept
        : to(t), notified(n), ran(r) {}
    notifier(notifier&& o) noexcept : to(o.to), notified(o.notified), ran(o.ran) {
      o.armed = false;
    }
    notifier(const notifier&) = delete;
    ~notifier() {
      if (!armed) return;
      std::atomic<int>* n = notified;
      if (to->go([n] { n->fetch_add(1); }) != status::ok) n->fetch_add(1000);
    }
    void operator()() const { ran->fetch_add(1); }
  };
  for (int variant = 0; variant < 2; ++variant) {
    errgroup::executor_options o;
    o.workers = 1;
    typename TestType::template with_queue<4> small(o);
    typename TestType::template with_queue<1024> big(o);
    errgroup::executor_base& ex = variant == 0 ? static_cast<errgroup::executor_base&>(small)
                                               : static_cast<errgroup::executor_base&>(big);
    std::atomic<bool> stop_producer{false};
    std::thread producer;
    std::atomic<int> produced{0};
    errgroup::group<64> sink(ex), noise(ex);
    if (variant == 1)
      producer = std::thread([&] {
        while (!stop_producer.load()) {
          if (noise.try_go([&] { produced.fetch_add(1); }) != status::ok) std::this_thread::yield();
        }
        ERRGROUP_TEST_THREAD_EXIT();
      });
    std::atomic<int> notified{0}, ran{0};
    {
      errgroup::group<16> g(ex);
      test::gate gate;
      REQUIRE(test::hold_a_thread(g, gate) == status::ok);
      int accepted = 0;
      for (int i = 0; i < 15; ++i)
        if (g.try_go(notifier(&sink, &notified, &ran)) == status::ok) ++accepted;
      REQUIRE(accepted >= 3);
      g.stop();
      gate.open();
      REQUIRE_FALSE(g.wait());
      REQUIRE(ran.load() == 0);  // every queued one was skipped
      REQUIRE(g.stats().tasks_skipped == static_cast<std::uint64_t>(accepted));
      REQUIRE_FALSE(sink.wait());
      // Every callable's destructor ran once (the 15 - accepted refused ones too, destroyed by
      // try_go), and each destructor's go() was accepted and ran.
      REQUIRE(notified.load() == 15);
    }
    stop_producer.store(true);
    if (producer.joinable()) producer.join();
    REQUIRE_FALSE(noise.wait());
  }
}

TEMPLATE_TEST_CASE("a parent's stop reaches a go() blocked on a linked child at once",
                   "[group][stop]", POOLS) {
  // The child is at capacity (its task runs until the test opens a gate); an
  // outside go() on it parks (help_policy::never). parent.stop() must release it with stopped
  // while the child's task is still running: the gate opens only after the go() has answered (or
  // after 10 s, and then the check fails instead of the test hanging).
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 0;
  o.spin_us = 0;  // park at once
  typename TestType::type ex(o);
  errgroup::group<4> parent(ex);
  errgroup::group_options co = errgroup::group_options::with_context(&parent);
  co.help = errgroup::help_policy::never;
  errgroup::group<1> child(ex, co);
  test::gate gate;
  REQUIRE(test::hold_a_thread(child, gate) == status::ok);
  std::atomic<int> result{-1};
  std::thread blocked([&] {
    result.store(static_cast<int>(child.go([] {})));
    ERRGROUP_TEST_THREAD_EXIT();
  });
  // Let it park: the stop must wake a parked submitter, not just one that is still spinning.
  while (child.outstanding() != 1) std::this_thread::yield();
  std::this_thread::yield();
  parent.stop();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (result.load() == -1 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::yield();
  const int answered = result.load();
  gate.open();
  blocked.join();
  REQUIRE(answered == static_cast<int>(status::stopped));
  REQUIRE_FALSE(child.wait());
  REQUIRE_FALSE(parent.wait());
}

TEMPLATE_TEST_CASE("a parent's stop reaches a linked child's waiter, which skips the child's "
                   "queued tasks itself while the only worker is busy",
                   "[group][stop]", POOLS) {
  // The only worker is held by another group's task, so nobody but the child's waiter can skip
  // the child's queued tasks: it runs the first (which waits for the stop) and, once the parent
  // stops, takes the other five back from the queue and skips them.
  errgroup::executor_options o;
  o.workers = 1;
  o.spin = 0;
  o.spin_us = 0;
  typename TestType::type ex(o);
  errgroup::group<4> holder(ex), parent(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(holder, gate) == status::ok);
  errgroup::group<8> child(ex, errgroup::group_options::with_context(&parent));
  std::atomic<int> ran{0};
  for (int i = 0; i < 6; ++i)
    REQUIRE(child.go([&](errgroup::stop_token st) {
      ran.fetch_add(1);
      while (!st.stop_requested()) std::this_thread::yield();
    }) == status::ok);
  std::atomic<int> done{0};
  std::thread waiter([&] {
    (void)child.wait();
    done.store(1);
    ERRGROUP_TEST_THREAD_EXIT();
  });
  while (ran.load() == 0) std::this_thread::yield();  // the waiter runs the first task
  parent.stop();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  const int finished = done.load();
  gate.open();
  waiter.join();
  REQUIRE(finished == 1);  // all done while the only worker was still held
  REQUIRE(ran.load() == 1);
  REQUIRE(child.stats().tasks_skipped == 5);
  REQUIRE_FALSE(holder.wait());
}

namespace {
template <class Rep, class Period>
using dur = std::chrono::duration<Rep, Period>;
using femto = std::femto;
using pico = std::pico;

// Every case: a duration or time point on an idle group (ok at once) and, unless it is long
// (forever, or minutes and more), on a busy group (timeout, promptly). Under UBSan in the
// sanitizer build, so an overflow anywhere fails the test.
enum class span : bool { short_wait, long_wait };
template <class G, class D>
void table_case(G& idle, G& busy, D d, span sp, int& checked) {
  REQUIRE(idle.wait_for(d) == status::ok);
  if (sp == span::short_wait) REQUIRE(busy.wait_for(d) == status::timeout);
  ++checked;
}
template <class G, class TP>
void table_case_until(G& idle, G& busy, TP t, span sp, int& checked) {
  REQUIRE(idle.wait_until(t) == status::ok);
  if (sp == span::short_wait) REQUIRE(busy.wait_until(t) == status::timeout);
  ++checked;
}
}  // namespace

TEMPLATE_TEST_CASE("every duration and time point works: reps, periods, zero, negative, min, max",
                   "[group][deadline]", POOLS) {
  // Durations of 32-bit reps (what firmware uses), fine periods and extreme
  // time points used to overflow the "no deadline" guard and wait forever.
  test::executor_holder<TestType> h;
  errgroup::group<4> idle(h.ex), busy(h.ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(busy, gate) == status::ok);
  int n = 0;
  // 1 ms in every rep and period that can hold it.
  table_case(idle, busy, dur<std::int32_t, std::micro>(1000), span::short_wait, n);
  table_case(idle, busy, dur<std::int32_t, std::nano>(1000000), span::short_wait, n);
  table_case(idle, busy, dur<std::int32_t, std::milli>(1), span::short_wait, n);
  table_case(idle, busy, dur<std::int64_t, pico>(1000000000), span::short_wait, n);
  table_case(idle, busy, dur<std::int64_t, femto>(1000000000000), span::short_wait, n);
  table_case(idle, busy, dur<double, std::milli>(1.0), span::short_wait, n);
  table_case(idle, busy, dur<double, std::ratio<1>>(0.001), span::short_wait, n);
  table_case(idle, busy, dur<float, std::micro>(1000.0f), span::short_wait, n);
  table_case(idle, busy, dur<std::uint32_t, std::micro>(1000), span::short_wait, n);
  // Sub-nanosecond: rounded up to 1 ns, never 0 and never "forever".
  table_case(idle, busy, dur<std::int64_t, femto>(1), span::short_wait, n);
  table_case(idle, busy, dur<std::int32_t, pico>(1), span::short_wait, n);
  table_case(idle, busy, dur<double, femto>(0.5), span::short_wait, n);
  // Zero and negative: a poll.
  table_case(idle, busy, dur<std::int32_t, std::micro>(0), span::short_wait, n);
  table_case(idle, busy, dur<std::int32_t, std::micro>(-1000), span::short_wait, n);
  table_case(idle, busy, dur<double, std::ratio<1>>(-1e300), span::short_wait, n);
  table_case(idle, busy, dur<double, std::ratio<1>>(std::numeric_limits<double>::quiet_NaN()),
             span::short_wait, n);
  table_case(idle, busy, std::chrono::hours(-5), span::short_wait, n);
  // min(): a poll, never an overflow.
  table_case(idle, busy, dur<std::int32_t, std::micro>::min(), span::short_wait, n);
  table_case(idle, busy, dur<std::int64_t, femto>::min(), span::short_wait, n);
  table_case(idle, busy, std::chrono::nanoseconds::min(), span::short_wait, n);
  table_case(idle, busy, std::chrono::hours::min(), span::short_wait, n);
  table_case(idle, busy, dur<double, std::milli>(std::numeric_limits<double>::lowest()),
             span::short_wait, n);
  // max() and beyond 584 years: "no deadline" (checked on the idle group).
  table_case(idle, busy, std::chrono::hours::max(), span::long_wait, n);
  table_case(idle, busy, std::chrono::nanoseconds::max(), span::long_wait, n);
  table_case(idle, busy, dur<std::int32_t, std::micro>::max(), span::long_wait, n);  // 35 minutes
  table_case(idle, busy, dur<std::int64_t, femto>::max(), span::long_wait, n);       // 2.6 hours
  table_case(idle, busy, dur<double, std::ratio<1>>(1e30), span::long_wait, n);
  table_case(idle, busy, dur<double, std::ratio<1>>(std::numeric_limits<double>::infinity()),
             span::long_wait, n);
  // Time points: passed, min(), max(), other reps and periods, other clocks.
  using sc = std::chrono::steady_clock;
  table_case_until(idle, busy, sc::time_point::min(), span::short_wait, n);
  table_case_until(idle, busy, sc::time_point::max(), span::long_wait, n);
  table_case_until(idle, busy, sc::now() - std::chrono::hours(1), span::short_wait, n);
  table_case_until(idle, busy, sc::now() + std::chrono::milliseconds(1), span::short_wait, n);
  table_case_until(idle, busy,
                   std::chrono::time_point<sc, std::chrono::hours>(std::chrono::hours::min()),
                   span::short_wait, n);
  table_case_until(idle, busy,
                   std::chrono::time_point<sc, std::chrono::hours>(std::chrono::hours::max()),
                   span::long_wait, n);
  table_case_until(idle, busy,
                   std::chrono::time_point_cast<std::chrono::seconds>(sc::now()) +
                       std::chrono::seconds(1),
                   span::short_wait, n);  // coarser than the clock, ahead
  table_case_until(idle, busy, std::chrono::time_point<sc, dur<std::int64_t, pico>>::min(),
                   span::short_wait,
                   n);  // finer than the clock
  table_case_until(idle, busy, std::chrono::time_point<sc, dur<std::int64_t, pico>>::max(),
                   span::long_wait,
                   n);  // finer than the clock: 106 days after the clock's epoch
  table_case_until(idle, busy,
                   std::chrono::time_point<sc, dur<double, std::ratio<1>>>(
                       dur<double, std::ratio<1>>(std::numeric_limits<double>::infinity())),
                   span::long_wait, n);
  table_case_until(idle, busy, std::chrono::system_clock::time_point::min(), span::short_wait, n);
  table_case_until(idle, busy, std::chrono::system_clock::now() + std::chrono::milliseconds(1),
                   span::short_wait, n);
  REQUIRE(n == 40);
  gate.open();
  REQUIRE_FALSE(busy.wait());
}

TEST_CASE("duration conversion: rounded up, saturating, exact", "[deadline]") {
  using errgroup::detail::forever_ns;
  using errgroup::detail::to_ns_ceil;
  REQUIRE(to_ns_ceil(dur<std::int32_t, std::micro>(1000)) == 1000000);
  REQUIRE(to_ns_ceil(dur<std::int64_t, pico>(1)) == 1);
  REQUIRE(to_ns_ceil(dur<std::int64_t, pico>(1000)) == 1);
  REQUIRE(to_ns_ceil(dur<std::int64_t, pico>(1001)) == 2);
  REQUIRE(to_ns_ceil(dur<std::int64_t, femto>(2500000)) == 3);
  REQUIRE(to_ns_ceil(std::chrono::hours(1)) == 3600000000000ull);
  REQUIRE(to_ns_ceil(std::chrono::hours(5124095)) == 5124095ull * 3600000000000ull);
  REQUIRE(to_ns_ceil(std::chrono::hours(5124096)) == forever_ns);  // > 2^64 ns
  REQUIRE(to_ns_ceil(std::chrono::hours::max()) == forever_ns);
  REQUIRE(to_ns_ceil(std::chrono::nanoseconds::max()) == 9223372036854775807ull);
  REQUIRE(to_ns_ceil(dur<double, std::ratio<1>>(1.5e-9)) == 2);
  REQUIRE(to_ns_ceil(dur<double, std::ratio<1>>(2.0)) == 2000000000ull);
  REQUIRE(to_ns_ceil(dur<double, std::ratio<1>>(1e20)) == forever_ns);
  REQUIRE(to_ns_ceil(dur<double, std::ratio<1>>(-1.0)) == 0);
  REQUIRE(to_ns_ceil(dur<std::int32_t, std::micro>::min()) == 0);
  REQUIRE(to_ns_ceil(dur<std::uint64_t, std::ratio<3, 7>>(7)) == 3000000000ull);
  REQUIRE(to_ns_ceil(dur<std::uint64_t, std::ratio<1, 3>>(1)) == 333333334ull);  // never early
}

namespace {
// The std::thread port with a clock the test moves by hand: deadlines become exact.
std::atomic<std::uint64_t> g_manual_now{1000000000};
struct manual_clock_port : errgroup::std_thread_port {
  static constexpr bool fine_clock = false;  // spin counts only: the clock is not real time
  static std::uint64_t now_ns() noexcept { return g_manual_now.load(std::memory_order_acquire); }
  static void wait_on(errgroup::atomic<std::uint32_t>& w, std::uint32_t expected,
                      std::uint64_t) noexcept {
    // The futex's own deadline is in real time: sleep a little and let the caller re-check.
    errgroup::std_thread_port::wait_on(w, expected, errgroup::std_thread_port::now_ns() + 100000);
  }
};
using manual_executor =
    errgroup::basic_executor<manual_clock_port, errgroup::mpmc_ring<errgroup::job*, 64>>;
}  // namespace

TEST_CASE(
    "own_tasks_timed: the waiter starts no task once the clock reached the deadline, and it is "
    "late by less than one task",
    "[group][deadline]") {
  // Exact, on a clock only the tasks move: each task advances it by 2 ms. The deadline is 5 ms
  // away, so the waiter starts tasks at +0, +2, +4 ms (each before the deadline) and not at
  // +6 ms: three tasks, and it returns at +6 ms, 1 ms late, less than one task's 2 ms.
  errgroup::executor_options o;
  o.workers = 1;
  o.spin_us = 0;
  manual_executor ex(o);
  errgroup::group<4> holder(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(holder, gate) == status::ok);  // nobody but the waiter runs tasks
  errgroup::group_options go;
  go.help = errgroup::help_policy::own_tasks_timed;
  errgroup::group<16> g(ex, go);
  const auto me = std::this_thread::get_id();
  std::atomic<int> on_waiter{0};
  for (int i = 0; i < 10; ++i)
    REQUIRE(g.go([&] {
      if (std::this_thread::get_id() == me) on_waiter.fetch_add(1);
      g_manual_now.fetch_add(2000000, std::memory_order_acq_rel);
    }) == status::ok);
  const std::uint64_t t0 = ex.now_ns();
  REQUIRE(g.wait_until_ns(t0 + 5000000) == status::timeout);
  REQUIRE(on_waiter.load() == 3);
  REQUIRE(ex.now_ns() - t0 == 6000000);
  // A deadline already reached: no task at all.
  REQUIRE(g.wait_until_ns(ex.now_ns()) == status::timeout);
  REQUIRE(on_waiter.load() == 3);
  // The default policy's timed wait runs none: it returns when the clock (moved by another
  // thread here, in 1 ms steps until the wait has returned) reaches its deadline.
  errgroup::group<16> d(ex);
  REQUIRE(d.go([&] { on_waiter.fetch_add(100); }) == status::ok);
  std::atomic<bool> returned{false};
  std::thread clock([&] {
    while (!returned.load(std::memory_order_acquire)) {
      g_manual_now.fetch_add(1000000, std::memory_order_acq_rel);
      std::this_thread::yield();
    }
  });
  const status sd = d.wait_until_ns(ex.now_ns() + 1000000000);
  returned.store(true, std::memory_order_release);
  clock.join();
  REQUIRE(sd == status::timeout);
  REQUIRE(on_waiter.load() == 3);
  REQUIRE_FALSE(d.wait());  // an untimed wait runs it
  REQUIRE(on_waiter.load() == 103);
  REQUIRE_FALSE(g.wait());
  REQUIRE(on_waiter.load() == 110);
  gate.open();
  REQUIRE_FALSE(holder.wait());
}

// --- Go parity: Cause through a linked parent, errors()[0], stop callbacks ------------------

TEMPLATE_TEST_CASE("cause(): a child stopped through its failed parent reports the parent's error",
                   "[group][cause]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> parent(h.ex, errgroup::group_options::with_context());
  errgroup::group<8> child(h.ex, errgroup::group_options::with_context(&parent));
  errgroup::group<8> grandchild(h.ex, errgroup::group_options::with_context(&child));
  REQUIRE_FALSE(child.cause());
  REQUIRE(parent.go([]() -> error { return error(7); }) == status::ok);
  REQUIRE(parent.wait() == error(7));
  REQUIRE(child.stop_requested());
  REQUIRE(child.cause() == error(7));       // Go: context.Cause(child) == parent's cause
  REQUIRE(grandchild.cause() == error(7));  // through two links
  REQUIRE_FALSE(child.first_error());       // the child itself recorded nothing
  REQUIRE(child.go([] {}) == status::stopped);
  // A child's own error wins over its parent's.
  errgroup::group<8> p2(h.ex, errgroup::group_options::with_context());
  errgroup::group<8> c2(h.ex, errgroup::group_options::with_context(&p2));
  REQUIRE(c2.go([]() -> error { return error(3); }) == status::ok);
  REQUIRE(c2.wait() == error(3));
  REQUIRE(p2.go([]() -> error { return error(4); }) == status::ok);
  REQUIRE(p2.wait() == error(4));
  REQUIRE(c2.cause() == error(3));
  // A parent stopped by stop() (no error): the child's cause is success, as Go's Canceled.
  errgroup::group<8> p3(h.ex);
  errgroup::group<8> c3(h.ex, errgroup::group_options::with_context(&p3));
  p3.stop();
  REQUIRE(c3.stop_requested());
  REQUIRE_FALSE(c3.cause());
  // A parent with an error that did not stop (keep_going) is not the child's cause.
  errgroup::group<8> p4(h.ex);
  errgroup::group<8> c4(h.ex, errgroup::group_options::with_context(&p4));
  REQUIRE(p4.go([]() -> error { return error(9); }) == status::ok);
  REQUIRE(p4.wait() == error(9));
  REQUIRE_FALSE(c4.stop_requested());
  REQUIRE_FALSE(c4.cause());
}

TEMPLATE_TEST_CASE("errors()[0] is always the error wait() returns", "[group][errors]", POOLS) {
  test::executor_holder<TestType> h(2, 0);
  errgroup::group<8> g(h.ex);
  int mismatches = 0;
  for (int round = 0; round < 2000; ++round) {
    for (int i = 1; i <= 8; ++i) REQUIRE(g.go([i]() -> error { return error(i); }) == status::ok);
    const error first = g.wait();
    const errgroup::error_list l = g.errors();
    REQUIRE(l.size == 8);
    REQUIRE(l.dropped == 0);
    if (!(l.data[0] == first)) ++mismatches;
    std::set<int> codes;
    for (const error& x : l) codes.insert(x.code());
    REQUIRE(codes.size() == 8);
    REQUIRE(g.reset() == status::ok);
  }
  REQUIRE(mismatches == 0);
  // Capacity 1: only the first is kept, the rest are counted.
  errgroup::group<1> one(h.ex);
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(one.go([i]() -> error { return error(i); }) == status::ok);
    (void)one.wait();
  }
  REQUIRE(one.errors().size == 1);
  REQUIRE(one.errors().dropped == 4);
  REQUIRE(one.errors().data[0] == one.wait());
}

TEMPLATE_TEST_CASE("stop_callback: runs once, on the thread that stops, inside stop()",
                   "[group][stop_callback]", POOLS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  std::atomic<int> runs{0};
  std::atomic<bool> on_stopper{false};
  std::atomic<status> arm_results[2] = {{status::closed}, {status::closed}};
  std::atomic<bool> fired_early{true};
  test::gate armed;
  const std::thread::id me = std::this_thread::get_id();
  REQUIRE(g.go([&](errgroup::stop_token st) {
    errgroup::stop_callback cb([&]() noexcept {
      runs.fetch_add(1, std::memory_order_relaxed);
      on_stopper.store(std::this_thread::get_id() == me, std::memory_order_relaxed);
    });
    // Checked on the test's thread (Catch's assertions are not thread-safe).
    arm_results[0].store(cb.arm(st), std::memory_order_relaxed);
    arm_results[1].store(cb.arm(st), std::memory_order_relaxed);
    fired_early.store(cb.fired(), std::memory_order_relaxed);
    armed.open();
    while (!st.stop_requested()) std::this_thread::yield();
    while (!cb.fired()) std::this_thread::yield();
  }) == status::ok);
  armed.wait();
  REQUIRE(arm_results[0].load() == status::ok);
  REQUIRE(arm_results[1].load() == status::busy);
  REQUIRE_FALSE(fired_early.load());
  REQUIRE(runs.load() == 0);
  g.stop();
  REQUIRE(runs.load() == 1);  // inside stop(): done when it returns
  REQUIRE(on_stopper.load());
  g.stop();  // a second stop() runs nothing again
  REQUIRE_FALSE(g.wait());
  REQUIRE(runs.load() == 1);
}

TEMPLATE_TEST_CASE("stop_callback: armed after the stop, it runs inside arm()",
                   "[group][stop_callback]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  g.stop();
  int runs = 0;
  errgroup::stop_callback cb([&]() noexcept { ++runs; });
  REQUIRE(cb.arm(g.token()) == status::ok);
  REQUIRE(runs == 1);
  REQUIRE(cb.fired());
}

TEMPLATE_TEST_CASE("stop_callback: a parent's stop and a first error under on_error::stop run it",
                   "[group][stop_callback]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> parent(h.ex);
  errgroup::group<4> child(h.ex, errgroup::group_options::with_context(&parent));
  int runs = 0;
  errgroup::stop_callback cb([&]() noexcept { ++runs; });
  REQUIRE(cb.arm(child.token()) == status::ok);
  errgroup::group<4> other(h.ex);
  other.stop();  // an unrelated group's stop does not run it
  REQUIRE(runs == 0);
  parent.stop();
  REQUIRE(runs == 1);

  errgroup::group<4> g(h.ex, errgroup::group_options::with_context());
  std::atomic<int> runs2{0};
  errgroup::stop_callback cb2([&]() noexcept { runs2.fetch_add(1, std::memory_order_relaxed); });
  REQUIRE(cb2.arm(g.token()) == status::ok);
  REQUIRE(g.go([]() -> error { return error(5); }) == status::ok);
  REQUIRE(g.wait() == error(5));
  REQUIRE(runs2.load() == 1);  // run by the thread that recorded the error, before wait() returned
}

TEMPLATE_TEST_CASE(
    "stop_callback: destroyed before the stop, it never runs, and the table is bounded",
    "[group][stop_callback]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  int runs = 0;
  {
    errgroup::stop_callback cb([&]() noexcept { ++runs; });
    REQUIRE(cb.arm(g.token()) == status::ok);
  }
  // Fill the table: the next arm() says so, and nothing is silently dropped.
  using cb_t = errgroup::stop_callback<void (*)() noexcept>;
  alignas(cb_t) static unsigned char storage[ERRGROUP_STOP_CALLBACKS + 1][sizeof(cb_t)];
  static int table_runs = 0;
  table_runs = 0;
  cb_t* cbs[ERRGROUP_STOP_CALLBACKS + 1];
  for (int i = 0; i <= ERRGROUP_STOP_CALLBACKS; ++i)
    cbs[i] = new (storage[i]) cb_t([]() noexcept { ++table_runs; });
  for (int i = 0; i < ERRGROUP_STOP_CALLBACKS; ++i) REQUIRE(cbs[i]->arm(g.token()) == status::ok);
  REQUIRE(cbs[ERRGROUP_STOP_CALLBACKS]->arm(g.token()) == status::capacity_full);
  cbs[0]->~cb_t();  // frees one entry
  REQUIRE(cbs[ERRGROUP_STOP_CALLBACKS]->arm(g.token()) == status::ok);
  g.stop();
  REQUIRE(runs == 0);
  REQUIRE(table_runs == ERRGROUP_STOP_CALLBACKS);
  for (int i = 1; i <= ERRGROUP_STOP_CALLBACKS; ++i) cbs[i]->~cb_t();
}

namespace {
struct self_destroying {
  using cb_t = errgroup::stop_callback<void (*)() noexcept>;
  static inline unsigned char storage[sizeof(cb_t)] alignas(cb_t);
  static inline cb_t* cb = nullptr;
  static inline int runs = 0;
  static void f() noexcept {
    ++runs;
    cb->~cb_t();  // std::stop_callback allows a callback to destroy itself; so does this one
    cb = nullptr;
  }
};
}  // namespace

TEMPLATE_TEST_CASE("stop_callback: a callback may destroy its own stop_callback",
                   "[group][stop_callback]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  for (int round = 0; round < 3; ++round) {  // the entry is freed: it can be armed again
    errgroup::group<4> g(h.ex);
    self_destroying::runs = 0;
    self_destroying::cb = new (self_destroying::storage) self_destroying::cb_t(&self_destroying::f);
    REQUIRE(self_destroying::cb->arm(g.token()) == status::ok);
    g.stop();
    REQUIRE(self_destroying::runs == 1);
    REQUIRE(self_destroying::cb == nullptr);
  }
  // Every entry is free again: the whole table can be armed.
  using cb_t = errgroup::stop_callback<void (*)() noexcept>;
  errgroup::group<4> g(h.ex);
  alignas(cb_t) static unsigned char storage[ERRGROUP_STOP_CALLBACKS][sizeof(cb_t)];
  for (int i = 0; i < ERRGROUP_STOP_CALLBACKS; ++i) {
    cb_t* c = new (storage[i]) cb_t([]() noexcept {});
    REQUIRE(c->arm(g.token()) == status::ok);
  }
  for (int i = 0; i < ERRGROUP_STOP_CALLBACKS; ++i) reinterpret_cast<cb_t*>(storage[i])->~cb_t();
}

TEMPLATE_TEST_CASE(
    "stop_callback: arm, stop and destruction race: it runs at most once, and "
    "always if stop() returned before the destruction, and the destructor waits for a "
    "running callback",
    "[group][stop_callback]", POOLS) {
  test::executor_holder<TestType> h(2, 0);
  struct shared {
    std::atomic<int> runs{0};
    std::atomic<bool> finished{false};
    std::atomic<bool> stop_returned{false};
    std::atomic<bool> stop_returned_before_disarm{false};
    std::atomic<bool> saw_unfinished{false};
    std::atomic<bool> arm_failed{false};
    test::gate go;
  };
  for (int round = 0; round < 300; ++round) {
    errgroup::group<4> g(h.ex);
    shared s;
    REQUIRE(g.go([&s, round](errgroup::stop_token st) {
      s.go.wait();
      {
        errgroup::stop_callback cb([&s]() noexcept {
          s.runs.fetch_add(1, std::memory_order_relaxed);
          for (int i = 0; i < 200; ++i) std::this_thread::yield();  // be slow: widen the race
          s.finished.store(true, std::memory_order_release);
        });
        if (cb.arm(st) != status::ok) s.arm_failed.store(true, std::memory_order_relaxed);
        for (int i = 0; i < round % 7; ++i) std::this_thread::yield();
        // acquire: pairs with the release after stop() returned.
        s.stop_returned_before_disarm.store(s.stop_returned.load(std::memory_order_acquire),
                                            std::memory_order_relaxed);
      }
      // The destructor returned: a callback that started has finished.
      if (s.runs.load(std::memory_order_relaxed) != 0 &&
          !s.finished.load(std::memory_order_acquire))
        s.saw_unfinished.store(true, std::memory_order_relaxed);
    }) == status::ok);
    s.go.open();
    for (int i = 0; i < round % 5; ++i) std::this_thread::yield();
    g.stop();
    s.stop_returned.store(true, std::memory_order_release);
    REQUIRE_FALSE(g.wait());
    REQUIRE(s.runs.load() <= 1);
    if (s.stop_returned_before_disarm.load()) REQUIRE(s.runs.load() == 1);
    REQUIRE_FALSE(s.saw_unfinished.load());
    REQUIRE_FALSE(s.arm_failed.load());
  }
}

// --- Go's WithDeadline / WithTimeout: stop_at / stop_after ------------------------------------

TEST_CASE("stop_at: from the deadline on the group is stopped, with deadline_exceeded as its error",
          "[group][stop_at]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.spin_us = 0;
  manual_executor ex(o);
  errgroup::group<8> g(ex);
  const std::uint64_t t0 = ex.now_ns();
  REQUIRE(g.stop_at_ns(t0 + 5000000) == status::ok);
  errgroup::group<8> child(ex, errgroup::group_options::with_context(&g));
  test::gate started, release;
  std::atomic<bool> saw_stop{false};
  REQUIRE(g.go([&](errgroup::stop_token st) {
    started.open();
    release.wait();
    saw_stop.store(st.stop_requested(), std::memory_order_relaxed);
  }) == status::ok);
  started.wait();  // the only worker is busy: the next ones stay queued
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i)
    REQUIRE(g.go([&] { ran.fetch_add(1, std::memory_order_relaxed); }) == status::ok);
  REQUIRE(g.stop_at_ns(t0) == status::busy);  // not while tasks are outstanding
  REQUIRE_FALSE(g.stop_requested());
  REQUIRE_FALSE(child.stop_requested());
  g_manual_now.fetch_add(5000000, std::memory_order_acq_rel);  // the deadline
  REQUIRE(g.stop_requested());
  REQUIRE(child.stop_requested());
  REQUIRE(child.cause() == errgroup::errc::deadline_exceeded);
  REQUIRE(g.go([] {}) == status::stopped);  // noticed here: recorded, stopped
  REQUIRE(g.first_error() == errgroup::errc::deadline_exceeded);
  release.open();
  REQUIRE(g.wait() == errgroup::errc::deadline_exceeded);
  REQUIRE(saw_stop.load());
  REQUIRE(ran.load() == 0);  // the queued ones were skipped
  REQUIRE(g.stats().tasks_skipped == 3);
  REQUIRE(g.errors().size == 1);
  REQUIRE(g.cause() == errgroup::errc::deadline_exceeded);
  // reset() clears it: a new round without deadline.
  REQUIRE(g.reset() == status::ok);
  REQUIRE_FALSE(g.stop_requested());
  REQUIRE(g.go([&] { ran.fetch_add(1, std::memory_order_relaxed); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 1);
  // A round that ends before its deadline has no error, even if waited for after it.
  REQUIRE(g.stop_after(std::chrono::milliseconds(2)) == status::ok);
  REQUIRE(g.go([&] { ran.fetch_add(1, std::memory_order_relaxed); }) == status::ok);
  while (!g.finished_all()) std::this_thread::yield();
  REQUIRE_FALSE(g.wait());
  REQUIRE(g.reset() == status::ok);
  // Any time point works: max() is no deadline, min() one already passed.
  REQUIRE(g.stop_at(std::chrono::steady_clock::time_point::max()) == status::ok);
  REQUIRE_FALSE(g.stop_requested());
  REQUIRE(g.stop_after(std::chrono::hours::max()) == status::ok);
  REQUIRE_FALSE(g.stop_requested());
  REQUIRE(g.stop_after(std::chrono::nanoseconds(-1)) == status::ok);
  REQUIRE(g.stop_requested());
  REQUIRE(g.go([] {}) == status::stopped);
  REQUIRE(g.wait() == errgroup::errc::deadline_exceeded);
}

TEST_CASE("stop_at: the waiter notices the deadline and runs the stop callbacks, aborting a "
          "task that never polls",
          "[group][stop_at][stop_callback]") {
  // On a clock only the task moves, so the task surely starts before the deadline however slow
  // the machine (an emulator): it arms its callback, then moves the clock past the deadline and
  // waits for the callback. Only the waiter, which watches until the deadline, can notice it.
  errgroup::executor_options o;
  o.workers = 1;
  o.spin_us = 0;
  manual_executor ex(o);
  for (int round = 0; round < 3; ++round) {
    errgroup::group<4> g(ex);
    REQUIRE(g.stop_at_ns(ex.now_ns() + 5000000) == status::ok);
    std::atomic<bool> aborted{false};
    REQUIRE(g.go([&aborted](errgroup::stop_token st) -> error {
      // A "driver call" that only a callback can end: it never polls the token.
      errgroup::stop_callback cb(
          [&aborted]() noexcept { aborted.store(true, std::memory_order_release); });
      if (cb.arm(st) != status::ok) return error(1);
      g_manual_now.fetch_add(6000000, std::memory_order_acq_rel);  // past the deadline
      while (!aborted.load(std::memory_order_acquire)) std::this_thread::yield();
      return errgroup::errc::deadline_exceeded;  // what a Go task returns: ctx.Err()
    }) == status::ok);
    REQUIRE(g.wait() == errgroup::errc::deadline_exceeded);
    REQUIRE(aborted.load());
    REQUIRE(g.stats().tasks_run == 1);
  }
}

#if defined(ERRGROUP_PORTABLE_WAIT)
static_assert(std::is_same<errgroup::std_thread_port::wait_type, errgroup::semaphore_wait>::value,
              "ERRGROUP_PORTABLE_WAIT: the std::thread port parks on the semaphore table");
TEST_CASE("the portable-wait suite ran on the notify table: nothing overflowed", "[wait]") {
  REQUIRE(errgroup::semaphore_wait::overflows() == 0);
}
#endif

// Bulk tasks (go_n), on the same executor lists.
#include "bulk_cases.hpp"
