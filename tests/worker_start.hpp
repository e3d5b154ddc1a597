// SPDX-License-Identifier: BSL-1.0
// tests/worker_start.hpp — executor_options::on_worker_start and basic_executor::worker_index(),
// checked the same way on every port with workers (test_executor.cpp: the std::thread port;
// test_freertos_port.cpp: the FreeRTOS port on its test double).
#ifndef ERRGROUP_TEST_WORKER_START_HPP
#define ERRGROUP_TEST_WORKER_START_HPP

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <errgroup/errgroup.hpp>

namespace test {

struct worker_start_record {
  static constexpr std::uint32_t max = 8;
  std::atomic<std::uint32_t> calls{0};
  std::atomic<std::uint32_t> started[max] = {};  // 1 once the hook ran for that index
  std::atomic<std::uint32_t> bad_index{0};
  static void hook(void* ctx, std::uint32_t index) noexcept {
    auto* r = static_cast<worker_start_record*>(ctx);
    // relaxed: counts read after the executor is destroyed (its join orders them).
    r->calls.fetch_add(1, std::memory_order_relaxed);
    if (index >= max) {
      r->bad_index.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    r->started[index].store(1, std::memory_order_release);  // pairs with the task's acquire load
  }
};

struct worker_start_result {
  std::uint32_t hook_calls = 0, bad_index = 0;
  std::uint32_t ran_on = 0;                // bit i: a task ran on worker i
  std::uint32_t before_hook = 0;           // tasks that ran on a worker whose hook had not run
  std::uint32_t not_a_worker_in_task = 0;  // tasks that saw not_a_worker (none may: help is never)
  std::uint32_t caller_index = 0;          // worker_index() on the test's own thread
  std::uint32_t other_index = 0;  // this executor's worker_index() from another executor's worker
  bool rendezvous = false;        // all n tasks were running at once (one per worker)
};

// n workers; n tasks that wait for each other, so each worker runs exactly one. help_policy::never:
// the test's thread runs none. Every wait is bounded (no hang on a broken build).
template <class Executor, class OtherExecutor>
worker_start_result check_worker_start(std::uint32_t n, OtherExecutor& other) {
  worker_start_result out;
  worker_start_record rec;
  {
    errgroup::executor_options o;
    o.workers = n;
    o.spin_us = 0;
    o.on_worker_start = &worker_start_record::hook;
    o.on_worker_start_context = &rec;
    Executor ex(o);
    out.caller_index = ex.worker_index();
    errgroup::group_options go;
    go.help = errgroup::help_policy::never;
    errgroup::group<worker_start_record::max> g(ex, go);
    struct shared_state {
      Executor& ex;
      worker_start_record& rec;
      std::uint32_t n;
      std::atomic<std::uint32_t> arrived{0}, ran_on{0}, before{0}, not_worker{0};
    } st{ex, rec, n};
    shared_state* sp = &st;
    for (std::uint32_t t = 0; t < n; ++t)
      (void)g.go([sp] {
        const std::uint32_t i = sp->ex.worker_index();
        if (i == errgroup::not_a_worker || i >= worker_start_record::max) {
          sp->not_worker.fetch_add(1, std::memory_order_relaxed);
        } else {
          sp->ran_on.fetch_or(1u << i, std::memory_order_relaxed);
          // acquire: pairs with the hook's release store.
          if (sp->rec.started[i].load(std::memory_order_acquire) == 0)
            sp->before.fetch_add(1, std::memory_order_relaxed);
        }
        sp->arrived.fetch_add(1, std::memory_order_acq_rel);
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (sp->arrived.load(std::memory_order_acquire) < sp->n &&
               std::chrono::steady_clock::now() < give_up)
          std::this_thread::yield();
      });
    (void)g.wait();
    out.rendezvous = st.arrived.load() == n;
    out.ran_on = st.ran_on.load();
    out.before_hook = st.before.load();
    out.not_a_worker_in_task = st.not_worker.load();
    // Another executor's worker asks this executor: not one of ours.
    errgroup::group<1> og(other, go);
    struct ask {
      Executor& ex;
      std::atomic<std::uint32_t> seen{0};
    } a{ex};
    ask* ap = &a;
    (void)og.go([ap] { ap->seen.store(ap->ex.worker_index(), std::memory_order_relaxed); });
    (void)og.wait();
    out.other_index = a.seen.load();
  }
  out.hook_calls = rec.calls.load();
  out.bad_index = rec.bad_index.load();
  return out;
}

}  // namespace test

#endif  // ERRGROUP_TEST_WORKER_START_HPP
