// SPDX-License-Identifier: BSL-1.0
// Test helpers shared by the suites: gates and latches built on atomics (no sleeps), a type that
// counts its constructions and destructions, and the list of executors every behavioural test
// runs against.
#ifndef ERRGROUP_TEST_UTIL_HPP
#define ERRGROUP_TEST_UTIL_HPP

#include <atomic>
#include <cstdint>
#include <thread>

#include <errgroup/std_thread_boost.hpp>

// Called by a test's own std::thread after its last errgroup call: a port that pools per-thread
// contexts gets the entry back (the FreeRTOS port: release_task_context()).
#ifndef ERRGROUP_TEST_THREAD_EXIT
#define ERRGROUP_TEST_THREAD_EXIT() ((void)0)
#endif

namespace test {

// Opens once; waiters spin with yield (test code only, never in the library).
struct gate {
  std::atomic<bool> is_open{false};
  void open() noexcept { is_open.store(true, std::memory_order_release); }
  void wait() const noexcept {
    while (!is_open.load(std::memory_order_acquire)) std::this_thread::yield();
  }
};

// Executor options with n workers (and the defaults otherwise).
inline errgroup::executor_options workers(std::uint32_t n) {
  errgroup::executor_options o;
  o.workers = n;
  return o;
}

// Spin until counter >= n.
inline void await_count(const std::atomic<int>& counter, int n) {
  while (counter.load(std::memory_order_acquire) < n) std::this_thread::yield();
}

// Submits a task that holds its thread until `until` opens, and returns once that task is running
// (so a later wait() on this thread cannot pick it up and spin in it). Returns go()'s status.
template <class Group>
errgroup::status hold_a_thread(Group& g, const gate& until) {
  std::atomic<int> started{0};  // the task touches it only before await_count() returns
  const errgroup::status s = g.go([&started, &until] {
    started.fetch_add(1, std::memory_order_release);
    until.wait();
  });
  if (s == errgroup::status::ok) await_count(started, 1);
  return s;
}

// Counts live instances: constructions (incl. copies and moves) minus destructions.
struct lifetime {
  static std::atomic<int>& live() {
    static std::atomic<int> n{0};
    return n;
  }
  lifetime() noexcept { live().fetch_add(1, std::memory_order_relaxed); }
  lifetime(const lifetime&) noexcept { live().fetch_add(1, std::memory_order_relaxed); }
  lifetime(lifetime&&) noexcept { live().fetch_add(1, std::memory_order_relaxed); }
  lifetime& operator=(const lifetime&) = default;
  ~lifetime() { live().fetch_sub(1, std::memory_order_relaxed); }
};

// Raise a high-water mark.
inline void raise_max(std::atomic<int>& m, int v) {
  int cur = m.load(std::memory_order_relaxed);
  while (v > cur && !m.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

// The executors the behavioural suite runs against. `concurrent` is false for the inline
// executor, whose tasks run inside go(): tests that block a task on a gate need real workers.
struct boost_pool {
  static constexpr bool concurrent = true;
  static constexpr const char* name = "boost_thread_executor";
  using type = errgroup::boost_thread_executor<256>;
  template <std::size_t Q>
  using with_queue = errgroup::boost_thread_executor<Q>;
};
struct ring_pool {
  static constexpr bool concurrent = true;
  static constexpr const char* name = "ring_thread_executor";
  using type = errgroup::ring_thread_executor<256>;
  template <std::size_t Q>
  using with_queue = errgroup::ring_thread_executor<Q>;
};
struct inline_exec {
  static constexpr bool concurrent = false;
  static constexpr const char* name = "inline_executor";
  using type = errgroup::inline_executor;
};

template <class E>
struct executor_holder;
template <>
struct executor_holder<inline_exec> {
  errgroup::inline_executor ex;
  explicit executor_holder(std::uint32_t = 2, std::uint32_t = 0) {}
};
template <class E>
struct executor_holder {
  typename E::type ex;
  static errgroup::executor_options opts(std::uint32_t workers, std::uint32_t spin) {
    errgroup::executor_options o;
    o.workers = workers;
    o.spin = spin;
    o.spin_us = 0;  // count only: the tests choose when workers park
    return o;
  }
  explicit executor_holder(std::uint32_t workers = 2, std::uint32_t spin = 200)
      : ex(opts(workers, spin)) {}
};

}  // namespace test

#endif
