// SPDX-License-Identifier: BSL-1.0
// Executor set-up: worker count, thread names, affinity and scheduling outcomes are applied and
// reported (never silently ignored); start/stop/join; lock-freedom of what the core uses.
#include <catch2/catch.hpp>

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "test_util.hpp"

using errgroup::status;

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "stats counters");
static_assert(std::atomic<errgroup::job*>::is_always_lock_free, "");

TEST_CASE("executor starts the requested workers and names them", "[executor]") {
  errgroup::executor_options o;
  o.workers = 3;
  o.name = "eg-test";
  errgroup::thread_executor<> ex(o);
  REQUIRE(ex.worker_count() == 3);
  REQUIRE(ex.setup_ok(3));
  for (std::uint32_t i = 0; i < 3; ++i) {
    REQUIRE(ex.report(i).started);
    REQUIRE(ex.report(i).name_result == 0);
  }
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;  // only workers run tasks
  errgroup::group<4> g(ex, go);
  std::atomic<int> named{0};
  for (int i = 0; i < 4; ++i)
    REQUIRE(g.go([&] {
      char buf[16] = {};
      pthread_getname_np(pthread_self(), buf, sizeof buf);
      if (std::strncmp(buf, "eg-test-", 8) == 0) named.fetch_add(1);
    }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(named.load() == 4);
}

TEST_CASE("default worker count leaves a core for the helping caller", "[executor]") {
  errgroup::thread_executor<> ex;
  const unsigned hc = std::thread::hardware_concurrency();
  REQUIRE(ex.worker_count() == (hc > 1 ? hc - 1 : 1));
}

TEST_CASE("affinity is applied, and an impossible CPU is reported", "[executor]") {
  static const int good[] = {0};
  errgroup::executor_options o;
  o.workers = 1;
  o.cpus = good;
  o.cpu_count = 1;
  {
    errgroup::thread_executor<> ex(o);
    REQUIRE(ex.report(0).affinity_result == 0);
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;
    errgroup::group<1> g(ex, go);
    std::atomic<int> cpu{-1};
    REQUIRE(g.go([&] { cpu.store(sched_getcpu()); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(cpu.load() == 0);
  }
  static const int bad[] = {100000};
  o.cpus = bad;
  errgroup::thread_executor<> ex(o);
  REQUIRE(ex.report(0).started);
  REQUIRE(ex.report(0).affinity_result == EINVAL);
  REQUIRE_FALSE(ex.setup_ok(1));
}

TEST_CASE("real-time scheduling outcome is reported either way", "[executor]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.policy = errgroup::sched_policy::fifo;
  o.priority = 10;
  errgroup::thread_executor<> ex(o);
  // Privileged (CAP_SYS_NICE / rtprio limit): 0. Otherwise EPERM. Never silently ignored.
  const int r = ex.report(0).sched_result;
  REQUIRE((r == 0 || r == EPERM));
  int policy = -1;
  sched_param p{};
  // The setting reached the OS iff it reported success.
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<1> g(ex, go);
  REQUIRE(g.go([&] { pthread_getschedparam(pthread_self(), &policy, &p); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE((policy == SCHED_FIFO) == (r == 0));
  o.priority = 1000;  // out of range for SCHED_FIFO
  errgroup::thread_executor<> bad(o);
  REQUIRE(bad.report(0).sched_result != 0);
}

TEST_CASE("executors start and stop cleanly, idle or busy", "[executor]") {
  for (int i = 0; i < 20; ++i) {
    errgroup::executor_options o;
    o.workers = 2;
    o.spin = static_cast<std::uint32_t>(i % 2 == 0 ? 0 : 1000);
    o.spin_us = 0;  // count only: the tests choose when workers park
    errgroup::ring_thread_executor<64> ex(o);
    errgroup::group<8> g(ex);
    std::atomic<int> n{0};
    for (int k = 0; k < i; ++k) REQUIRE(g.go([&n] { n.fetch_add(1); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(n.load() == i);
  }
}

TEST_CASE("executor statistics: jobs run and queue high-water mark", "[executor][stats]") {
  errgroup::executor_options o;
  o.workers = 1;
  errgroup::ring_thread_executor<64> ex(o);
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<32> g(ex, go);
  test::gate gate;
  REQUIRE(test::hold_a_thread(g, gate) == status::ok);
  for (int i = 0; i < 10; ++i) REQUIRE(g.go([] {}) == status::ok);
  gate.open();
  REQUIRE_FALSE(g.wait());
#if ERRGROUP_STATS
  REQUIRE(ex.stats().max_queue_depth >= 10);
  REQUIRE(ex.stats().jobs_run == 11);
#endif
}

TEST_CASE("an idle worker spins for spin_us before it parks, and spin_us 0 parks at once",
          "[executor][spin]") {
  // A behavioural check with a wide margin, not a timing measurement: a 30 s spin budget cannot
  // run out during the 200 ms we watch, while a worker that ignored it would park within
  // microseconds of its job; and a worker with no budget is seen parking.
  auto idle_after_one_job = [](std::uint32_t spin_us, bool expect_parked) {
    errgroup::executor_options o;
    o.workers = 1;
    o.spin = 0;
    o.spin_us = spin_us;
    errgroup::ring_thread_executor<16> ex(o);
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;  // the worker runs the job
    errgroup::group<1> g(ex, go);
    REQUIRE(g.go([] {}) == status::ok);
    REQUIRE_FALSE(g.wait());
    if (expect_parked) {
      while (!ex.work_ec().has_sleepers()) std::this_thread::yield();  // ctest's timeout bounds it
    } else {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
      bool parked = false;
      while (!parked && std::chrono::steady_clock::now() < until)
        parked = ex.work_ec().has_sleepers();
      REQUIRE_FALSE(parked);  // still spinning, well inside its 30 s
    }
  };
  idle_after_one_job(30000000, false);
  idle_after_one_job(0, true);
}
