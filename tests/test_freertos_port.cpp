// SPDX-License-Identifier: BSL-1.0
// Tests of what is specific to the FreeRTOS port, run against the FreeRTOS test double
// (tests/freertos_double): parking and waking on the blocked-task table, the tick clock, worker
// options, the per-task context pool, and submitting from (simulated) interrupt handlers. The
// behavioural suite runs on the port in test_group_freertos.cpp.
#include <catch2/catch.hpp>

#include <errgroup/freertos.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "freertos_double/freertos_double.hpp"
#include "worker_start.hpp"

using errgroup::error;
using errgroup::status;
using port = errgroup::freertos_port;
using shared = errgroup::detail::freertos_shared;

namespace {

std::uint32_t slots_in(std::uint32_t phase) {
  std::uint32_t n = 0;
  for (auto& s : shared::blocked) n += (s.state.load() & shared::phase_mask) == phase ? 1 : 0;
  return n;
}
std::uint32_t waiting_on(const errgroup::atomic<std::uint32_t>& w) {
  std::uint32_t n = 0;
  for (auto& s : shared::blocked)
    n += ((s.state.load() & shared::phase_mask) == shared::phase_waiting && s.word.load() == &w)
             ? 1
             : 0;
  return n;
}
void await(const std::function<bool()>& cond) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!cond()) {
    REQUIRE(std::chrono::steady_clock::now() < end);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}
std::uint32_t pending_notifications() {  // of the calling task, on the port's index (consumed)
  return ulTaskNotifyTakeIndexed(ERRGROUP_FREERTOS_NOTIFY_INDEX, pdTRUE, 0);
}

}  // namespace

TEST_CASE("ticks: deadlines round up to whole ticks and never mean forever", "[freertos][clock]") {
  constexpr std::uint64_t tick_ns = 1000000000u / configTICK_RATE_HZ;
  REQUIRE(port::ticks_for(1) == 1);
  REQUIRE(port::ticks_for(tick_ns) == 1);
  REQUIRE(port::ticks_for(tick_ns + 1) == 2);
  REQUIRE(port::ticks_for(5 * tick_ns) == 5);
  REQUIRE(port::ticks_for(~std::uint64_t{0} - 1) == portMAX_DELAY - 1);
  REQUIRE(port::ticks_to_ns(3) == 3 * tick_ns);
  REQUIRE(port::ticks_to_ns((std::uint64_t{1} << 40) + 7) ==
          ((std::uint64_t{1} << 40) + 7) / configTICK_RATE_HZ * 1000000000u +
              ((std::uint64_t{1} << 40) + 7) % configTICK_RATE_HZ * 1000000000u /
                  configTICK_RATE_HZ);
}

TEST_CASE("now_ns is the tick count extended past the 32-bit wrap", "[freertos][clock]") {
  // The double starts its tick count 200 ticks before the wrap. Each tick reading is bracketed by
  // two clock readings, so a thread preempted between them (an emulator on a loaded machine)
  // widens the bracket instead of failing the comparison.
  const auto c0_before = std::chrono::steady_clock::now();
  const std::uint64_t t0 = port::now_ticks();
  const auto c0_after = std::chrono::steady_clock::now();
  std::uint64_t prev = t0;
  while (port::now_ticks() < (std::uint64_t{1} << 32) + 20) {
    const std::uint64_t t = port::now_ticks();
    REQUIRE(t >= prev);
    prev = t;
    vTaskDelay(1);
  }
  const auto c1_before = std::chrono::steady_clock::now();
  const std::uint64_t t1 = port::now_ticks();
  const auto c1_after = std::chrono::steady_clock::now();
  REQUIRE(t1 >= (std::uint64_t{1} << 32));
  // The extended count advances with real time (one tick per 1/configTICK_RATE_HZ s, +-2 ticks):
  // no more ticks than the widest bracket holds, no fewer than the narrowest.
  using ms = std::chrono::milliseconds;
  const auto widest = std::chrono::duration_cast<ms>(c1_after - c0_before).count();
  const auto narrowest = std::chrono::duration_cast<ms>(c1_before - c0_after).count();
  REQUIRE(static_cast<std::int64_t>(t1 - t0) <= widest * configTICK_RATE_HZ / 1000 + 2);
  REQUIRE(static_cast<std::int64_t>(t1 - t0) + 2 >= narrowest * configTICK_RATE_HZ / 1000);
  REQUIRE(port::now_ns() >= port::ticks_to_ns(t1));
}

TEST_CASE("wait_on: a timeout returns, a changed word returns at once, nothing stays pending",
          "[freertos][park]") {
  std::atomic<std::uint32_t> w{5};
  const std::uint64_t start = port::now_ns();
  port::wait_on(w, 5, start + 3000000);  // 3 ms
  REQUIRE(port::now_ns() >= start + 3000000);
  port::wait_on(w, 4, errgroup::no_deadline);  // word != expected: returns without blocking
  port::wait_on(w, 5, start);                  // deadline passed: returns
  REQUIRE(pending_notifications() == 0);
  REQUIRE(slots_in(shared::phase_free) == ERRGROUP_FREERTOS_MAX_BLOCKED);
}

TEST_CASE("wake(one) wakes one blocked task, wake(all) the rest", "[freertos][park]") {
  std::atomic<std::uint32_t> w{0};
  std::atomic<int> returned{0}, stale{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] {
      port::wait_on(w, 0, errgroup::no_deadline);
      returned.fetch_add(1);
      if (pending_notifications() != 0) stale.fetch_add(1);
    });
  await([&] { return waiting_on(w) == 3; });
  port::wake(w, false);
  await([&] { return returned.load() == 1; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(returned.load() == 1);
  REQUIRE(waiting_on(w) == 2);
  port::wake(w, true);
  for (auto& t : ts) t.join();
  REQUIRE(returned.load() == 3);
  REQUIRE(stale.load() == 0);
  REQUIRE(slots_in(shared::phase_free) == ERRGROUP_FREERTOS_MAX_BLOCKED);
}

TEST_CASE("wake racing timeouts: every commit is consumed by its own waiter", "[freertos][park]") {
  std::atomic<std::uint32_t> w{0};
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i)
    waiters.emplace_back([&] {
      for (int k = 0; k < 400; ++k) {
        port::wait_on(w, w.load(), port::now_ns() + (k % 3) * 1000000);  // 0..2 ms deadlines
        if (ulTaskNotifyTakeIndexed(ERRGROUP_FREERTOS_NOTIFY_INDEX, pdTRUE, 0) != 0)
          bad.fetch_add(1);
      }
    });
  std::thread waker([&] {
    while (!stop.load()) {
      w.fetch_add(1, std::memory_order_seq_cst);
      port::wake(w, (w.load() & 1) != 0);
    }
  });
  for (auto& t : waiters) t.join();
  stop.store(true);
  waker.join();
  REQUIRE(bad.load() == 0);
  REQUIRE(slots_in(shared::phase_free) == ERRGROUP_FREERTOS_MAX_BLOCKED);
}

TEST_CASE("a full blocked-task table degrades to polling, and still wakes everyone",
          "[freertos][park]") {
  const std::uint32_t before = port::blocked_table_overflows();
  std::atomic<std::uint32_t> w{0};
  std::atomic<int> returned{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < ERRGROUP_FREERTOS_MAX_BLOCKED + 4; ++i)
    ts.emplace_back([&] {
      while (w.load() == 0) port::wait_on(w, 0, errgroup::no_deadline);
      returned.fetch_add(1);
    });
  await([&] { return waiting_on(w) == ERRGROUP_FREERTOS_MAX_BLOCKED; });
  await([&] { return port::blocked_table_overflows() > before; });
  w.store(1, std::memory_order_seq_cst);
  port::wake(w, true);
  for (auto& t : ts) t.join();
  REQUIRE(returned.load() == ERRGROUP_FREERTOS_MAX_BLOCKED + 4);
  REQUIRE(slots_in(shared::phase_free) == ERRGROUP_FREERTOS_MAX_BLOCKED);
}

TEST_CASE("workers: static tasks named, prioritised, reported, deleted by the destructor",
          "[freertos][executor]") {
  const auto s0 = freertos_double::stats();
  errgroup::executor_options o;
  o.workers = 3;
  o.name = "sensor";
  o.policy = errgroup::sched_policy::round_robin;
  o.priority = 3;
  static const int cpus[] = {0};
  o.cpus = cpus;
  o.cpu_count = 1;
  {
    errgroup::freertos_executor<8, 3, 256> ex(o);
    REQUIRE(ex.setup_ok(3));
    REQUIRE(freertos_double::stats().tasks_created == s0.tasks_created + 3);
    // The worker's TCB and stack are inside the executor object.
    REQUIRE(sizeof(ex) > 3 * 256 * sizeof(StackType_t));
    errgroup::group<4> g(ex);
    std::atomic<TaskHandle_t> seen{nullptr};
    REQUIRE(g.go([&] { seen.store(xTaskGetCurrentTaskHandle()); }) == status::ok);
    REQUIRE_FALSE(g.wait());
    // (the waiter may have run it itself: only check names/priorities of worker tasks)
    if (seen.load() != xTaskGetCurrentTaskHandle()) {
      const char* n = freertos_double::name_of(seen.load());
      REQUIRE(std::strncmp(n, "sensor-", 7) == 0);
      REQUIRE(freertos_double::priority_of(seen.load()) == 3);
    }
  }
  REQUIRE(freertos_double::stats().tasks_deleted == s0.tasks_deleted + 3);

  errgroup::executor_options bad;
  bad.workers = 2;
  bad.policy = errgroup::sched_policy::fifo;  // FreeRTOS time-slices: FIFO cannot be honoured
  bad.priority = configMAX_PRIORITIES + 5;
  static const int no_such_cpu[] = {1};
  bad.cpus = no_such_cpu;
  bad.cpu_count = 1;
  errgroup::freertos_executor<8, 2, 256> ex2(bad);
  REQUIRE(ex2.report(0).started);
  REQUIRE(ex2.report(0).sched_result == EINVAL);
  REQUIRE(ex2.report(0).affinity_result == EINVAL);
  REQUIRE_FALSE(ex2.setup_ok(2));
  errgroup::executor_options fifo;
  fifo.workers = 1;
  fifo.policy = errgroup::sched_policy::fifo;
  fifo.priority = 2;
  errgroup::freertos_executor<8, 1, 256> ex3(fifo);
  REQUIRE(ex3.report(0).sched_result == ENOTSUP);
}

TEST_CASE("long names are truncated to configMAX_TASK_NAME_LEN", "[freertos][executor]") {
  errgroup::executor_options o;
  o.workers = 1;
  o.name = "a-very-long-worker-name";
  errgroup::freertos_executor<8, 1, 256> ex(o);
  errgroup::group<2> g(ex, [] {
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;
    return go;
  }());
  std::atomic<TaskHandle_t> seen{nullptr};
  REQUIRE(g.go([&] { seen.store(xTaskGetCurrentTaskHandle()); }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(std::strlen(freertos_double::name_of(seen.load())) == configMAX_TASK_NAME_LEN - 1);
}

TEST_CASE("wait_for takes kernel ticks and freertos_clock deadlines, never early",
          "[freertos][clock]") {
  errgroup::executor_options o;
  o.workers = 1;
  errgroup::freertos_executor<8, 1, 256> ex(o);
  errgroup::group<4> g(ex);
  std::atomic<bool> open{false};
  std::atomic<int> started{0};
  REQUIRE(g.go([&] {
    started.fetch_add(1);
    while (!open.load()) vTaskDelay(1);
  }) == status::ok);
  while (started.load() == 0) vTaskDelay(1);
  const std::uint64_t t0 = port::now_ns();
  REQUIRE(g.wait_for(errgroup::freertos_ticks(pdMS_TO_TICKS(5))) == status::timeout);
  REQUIRE(port::now_ns() - t0 >= 5000000u);
  const auto d = errgroup::freertos_clock::now() + std::chrono::milliseconds(3);
  REQUIRE(g.wait_until(d) == status::timeout);
  REQUIRE(errgroup::freertos_clock::now() >= d);
  open.store(true);
  REQUIRE(g.wait_for(errgroup::freertos_ticks(pdMS_TO_TICKS(10000))) == status::ok);
}

TEST_CASE("try_go_from_isr: FromISR wake of a parked worker, never blocks, reports refusal",
          "[freertos][isr]") {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 0;  // workers park at once
  errgroup::freertos_executor<4, 2, 256> ex(o);
  errgroup::group<4> g(ex);
  await([&] { return slots_in(shared::phase_waiting) >= 2; });  // both workers parked
  const auto s0 = freertos_double::stats();
  std::atomic<int> ran{0};
  BaseType_t woken = pdFALSE;
  {
    freertos_double::interrupt irq;  // task-only API calls in here fail configASSERT
    REQUIRE(errgroup::try_go_from_isr(
                g, [&] { ran.fetch_add(1); }, &woken) == status::ok);
    portYIELD_FROM_ISR(woken);
  }
  REQUIRE(woken == pdTRUE);
  REQUIRE(freertos_double::stats().from_isr_calls == s0.from_isr_calls + 1);
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == 1);

  // Refusals from an interrupt: stopped, capacity_full; the C form too.
  g.stop();
  {
    freertos_double::interrupt irq;
    REQUIRE(errgroup::try_go_from_isr(
                g, [&] { ran.fetch_add(100); }, nullptr) == status::stopped);
  }
  REQUIRE(g.reset() == status::ok);
  std::atomic<bool> open{false};
  errgroup::group<1> one(ex);
  REQUIRE(one.go([&] {
    while (!open.load()) vTaskDelay(1);
  }) == status::ok);
  int v = 0;  // outlives the task that writes it (the task runs after the handler returns)
  {
    freertos_double::interrupt irq;
    REQUIRE(errgroup::try_go_from_isr(
                one, [] {}, nullptr) == status::capacity_full);
    REQUIRE(errgroup::try_go_from_isr(
                g, [](void* p) -> error { return error(*static_cast<int*>(p) = 7); }, &v,
                nullptr) == status::ok);
  }
  open.store(true);
  REQUIRE_FALSE(one.wait());
  REQUIRE(g.wait() == error(7));
  REQUIRE(v == 7);
  REQUIRE(ran.load() == 1);
}

TEST_CASE("interrupt submits racing task submits: every accepted task runs once",
          "[freertos][isr]") {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 50;
  errgroup::freertos_executor<64, 2, 256> ex(o);
  errgroup::group<32> g(ex);
  std::atomic<int> ran{0}, accepted_isr{0};
  std::atomic<bool> done{false};
  std::thread irq_source([&] {  // a periodic interrupt handler that defers work to the group
    while (!done.load()) {
      {
        freertos_double::interrupt irq;
        BaseType_t woken = pdFALSE;
        if (errgroup::try_go_from_isr(
                g, [&] { ran.fetch_add(1); }, &woken) == status::ok)
          accepted_isr.fetch_add(1);
        portYIELD_FROM_ISR(woken);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  int accepted_task = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int round = 0;
       round < 200 || (accepted_isr.load() < 50 && std::chrono::steady_clock::now() < until);
       ++round) {
    for (int i = 0; i < 8; ++i)
      if (g.try_go([&] { ran.fetch_add(1); }) == status::ok) ++accepted_task;
    (void)g.wait();
  }
  done.store(true);
  irq_source.join();
  REQUIRE_FALSE(g.wait());
  REQUIRE(ran.load() == accepted_task + accepted_isr.load());
  REQUIRE(accepted_isr.load() > 0);
}

TEST_CASE("task contexts: pooled per task, returned by release_task_context, overflow parks",
          "[freertos][context]") {
  errgroup::executor_options o;
  o.workers = 1;
  errgroup::freertos_executor<16, 1, 256> ex(o);
  auto free_contexts = [] {
    int n = 0;
    for (auto& c : shared::contexts) n += c.owner.load() == nullptr ? 1 : 0;
    return n;
  };
  const int free0 = free_contexts();
  {
    std::atomic<int> ok{0}, in_use{-1};
    std::thread t([&] {
      {
        errgroup::group<4> g(ex);
        if (g.go([] {}) == status::ok && !g.wait()) ok.store(1);
        in_use.store(free0 - free_contexts());
      }  // ~group asks for the context too: release after the task's last errgroup call
      port::release_task_context();
    });
    t.join();
    REQUIRE(ok.load() == 1);
    REQUIRE(in_use.load() == 1);
  }
  REQUIRE(free_contexts() == free0);

  // More tasks than the pool: the extra ones still work (they park instead of helping).
  const std::uint32_t over0 = port::context_pool_overflows();
  const int n = free0 + 2;
  std::atomic<int> holding{0}, ok{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i)
    ts.emplace_back([&] {
      {
        errgroup::group<4> g(ex);
        bool all = true;
        for (int k = 0; k < 20; ++k) all = all && g.go([] {}) == status::ok;
        if (all && !g.wait()) ok.fetch_add(1);
      }
      holding.fetch_add(1);
      while (!release.load()) std::this_thread::yield();
      port::release_task_context();
    });
  await([&] { return holding.load() == n; });
  REQUIRE(port::context_pool_overflows() > over0);
  release.store(true);
  for (auto& t : ts) t.join();
  REQUIRE(ok.load() == n);
  REQUIRE(free_contexts() == free0);
}

TEST_CASE(
    "on_worker_start runs in each worker task before its first job, and worker_index names it",
    "[freertos][executor][worker_start]") {
  errgroup::freertos_executor<16, 2> other(errgroup::executor_options{});
  const test::worker_start_result r =
      test::check_worker_start<errgroup::freertos_executor<16, 4>>(3, other);
  REQUIRE(r.rendezvous);
  REQUIRE(r.hook_calls == 3);
  REQUIRE(r.bad_index == 0);
  REQUIRE(r.ran_on == 0x7u);
  REQUIRE(r.before_hook == 0);
  REQUIRE(r.not_a_worker_in_task == 0);
  REQUIRE(r.caller_index == errgroup::not_a_worker);
  REQUIRE(r.other_index == errgroup::not_a_worker);
  errgroup::freertos_inline_executor inl;
  REQUIRE(inl.worker_index() == errgroup::not_a_worker);
}
