// SPDX-License-Identifier: BSL-1.0
// The behavioural suite (tests/test_group.cpp), unchanged, run on the FreeRTOS port against the
// FreeRTOS test double (tests/freertos_double): worker tasks from xTaskCreateStatic, parking on
// task notifications, the tick clock. The executor lists test_group.cpp iterates over are defined
// here before it is included (it keeps its own lists when none are given).
#include <errgroup/freertos.hpp>

// The suite's own threads return their pooled task contexts when they end.
#define ERRGROUP_TEST_THREAD_EXIT() errgroup::freertos_port::release_task_context()
#include "test_util.hpp"

// The port's own executors: its pool on the ring (the port's default queue) and its inline
// executor. Not a Boost.Lockfree pool: what the port adds (task creation, parking on task
// notifications, task contexts, the tick clock) does not depend on the queue, and
// tests/test_group.cpp runs the Boost pool with std::thread workers, on the host and on the three
// Linux cross targets.
namespace test {
struct freertos_ring_pool {
  static constexpr bool concurrent = true;
  static constexpr const char* name = "freertos_executor";
  using type = errgroup::freertos_executor<256, 4>;
  template <std::size_t Q>
  using with_queue = errgroup::freertos_executor<Q, 4>;
};
struct freertos_inline {
  static constexpr bool concurrent = false;
  static constexpr const char* name = "freertos_inline_executor";
  using type = errgroup::freertos_inline_executor;
};
template <>
struct executor_holder<freertos_inline> {
  errgroup::freertos_inline_executor ex;
  explicit executor_holder(std::uint32_t = 2, std::uint32_t = 0) {}
};
}  // namespace test

#define ALL_EXECUTORS test::freertos_ring_pool, test::freertos_inline
#define POOLS test::freertos_ring_pool
#define CONTENTION_POOL test::freertos_ring_pool
#define SMALL_QUEUE_EXECUTOR errgroup::freertos_executor<2, 4>
#define INLINE_EXECUTOR errgroup::freertos_inline_executor
// The port's default max_depth (16) is for real task stacks; the double's tasks are pthreads.
#define NESTING_MAX_DEPTH 1100

#include "test_group.cpp"

// clang-format off
#if !defined(ERRGROUP_TEST_GROUP_EXECUTOR_LISTS)
#error "tests/test_group.cpp does not take executor lists from its includer: it must wrap ALL_EXECUTORS, POOLS, CONTENTION_POOL, SMALL_QUEUE_EXECUTOR and INLINE_EXECUTOR in #ifndef and define ERRGROUP_TEST_GROUP_EXECUTOR_LISTS"
#endif
// clang-format on

TEST_CASE("the FreeRTOS suite ran on the port: nothing overflowed", "[freertos]") {
  REQUIRE(errgroup::freertos_port::blocked_table_overflows() == 0);
}
