// SPDX-License-Identifier: BSL-1.0
// Executor set-up: worker count, thread names, affinity and scheduling outcomes are applied and
// reported (never silently ignored); start/stop/join; lock-freedom of what the core uses.
#include <catch2/catch.hpp>

#if defined(_WIN32)
#include <errgroup/hosted/win32.hpp>  // <windows.h>, lean
#else
#include <pthread.h>
#include <sched.h>
#endif

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "test_util.hpp"
#include "worker_start.hpp"

using errgroup::status;

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "stats counters");
static_assert(std::atomic<errgroup::job*>::is_always_lock_free, "");

namespace {
// The calling thread's name begins with `prefix`: pthread_getname_np; on Windows
// GetThreadDescription (what the port sets, with SetThreadDescription).
bool thread_name_starts_with(const char* prefix) {
#if defined(_WIN32)
  using get_fn = HRESULT(WINAPI*)(HANDLE, PWSTR*);
  FARPROC p = GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "GetThreadDescription");
  if (p == nullptr) return false;
  get_fn get = nullptr;
  std::memcpy(&get, &p, sizeof get);
  PWSTR name = nullptr;
  if (FAILED(get(GetCurrentThread(), &name)) || name == nullptr) return false;
  bool same = true;
  for (std::size_t i = 0; prefix[i] != 0 && same; ++i)
    same = name[i] == static_cast<wchar_t>(static_cast<unsigned char>(prefix[i]));
  LocalFree(name);
  return same;
#else
  char buf[16] = {};
  pthread_getname_np(pthread_self(), buf, sizeof buf);
  return std::strncmp(buf, prefix, std::strlen(prefix)) == 0;
#endif
}

int current_cpu() {
#if defined(_WIN32)
  return static_cast<int>(GetCurrentProcessorNumber());
#else
  return sched_getcpu();
#endif
}
}  // namespace

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
      if (thread_name_starts_with("eg-test-")) named.fetch_add(1);
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
    REQUIRE(g.go([&] { cpu.store(current_cpu()); }) == status::ok);
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

#if defined(_WIN32)
TEST_CASE("thread priority outcome is reported either way (Windows: a SetThreadPriority level)",
          "[executor]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.policy = errgroup::sched_policy::fifo;  // one scheduler on Windows: the level is what counts
  o.priority = THREAD_PRIORITY_HIGHEST;
  errgroup::thread_executor<> ex(o);
  REQUIRE(ex.report(0).sched_result == 0);  // needs no privilege
  int level = THREAD_PRIORITY_ERROR_RETURN;
  errgroup::group_options go;
  go.help = errgroup::help_policy::never;
  errgroup::group<1> g(ex, go);
  REQUIRE(g.go([&] { level = GetThreadPriority(GetCurrentThread()); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(level == THREAD_PRIORITY_HIGHEST);  // the setting reached the OS
  o.priority = 1000;                          // not a priority level
  errgroup::thread_executor<> bad(o);
  REQUIRE(bad.report(0).sched_result != 0);
}
#else
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
#endif

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

TEST_CASE("on_worker_start runs on each worker before its first job, and worker_index names it",
          "[executor][worker_start]") {
  errgroup::thread_executor<64, 4> other(errgroup::executor_options{});
  const test::worker_start_result r =
      test::check_worker_start<errgroup::thread_executor<64, 4>>(3, other);
  REQUIRE(r.rendezvous);       // three tasks ran at once: one per worker
  REQUIRE(r.hook_calls == 3);  // once per worker
  REQUIRE(r.bad_index == 0);
  REQUIRE(r.ran_on == 0x7u);    // indexes 0, 1, 2: each worker knows which it is
  REQUIRE(r.before_hook == 0);  // no job ran before its worker's hook
  REQUIRE(r.not_a_worker_in_task == 0);
  REQUIRE(r.caller_index == errgroup::not_a_worker);
  REQUIRE(r.other_index == errgroup::not_a_worker);
  errgroup::inline_executor inl;
  REQUIRE(inl.worker_index() == errgroup::not_a_worker);
}

TEST_CASE("on_worker_start: the Boost-queue executor too", "[executor][worker_start]") {
  errgroup::thread_executor<64, 4> other(errgroup::executor_options{});
  const test::worker_start_result r =
      test::check_worker_start<errgroup::boost_thread_executor<64, 4>>(2, other);
  REQUIRE(r.rendezvous);
  REQUIRE(r.hook_calls == 2);
  REQUIRE(r.ran_on == 0x3u);
  REQUIRE(r.before_hook == 0);
  REQUIRE(r.other_index == errgroup::not_a_worker);
}

TEST_CASE("mmcss_task: registered on Windows, reported as ENOTSUP elsewhere", "[executor]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.mmcss_task = "Pro Audio";
  errgroup::thread_executor<64, 4> ex(o);
#if defined(_WIN32)
  // AvSetMmThreadCharacteristicsW from the worker itself (under Wine: its avrt.dll; real MMCSS
  // scheduling is not observable there).
  REQUIRE(ex.report(0).mmcss_result == 0);
  REQUIRE(ex.setup_ok(1));
#else
  REQUIRE(ex.report(0).mmcss_result == ENOTSUP);
  REQUIRE_FALSE(ex.setup_ok(1));  // nothing silently ignored
#endif
  errgroup::group<4> g(ex);
  std::atomic<int> ran{0};
  REQUIRE(g.go([&ran] { ran.fetch_add(1); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 1);  // the worker runs either way
}
