// Both queue backends pass the same tests: FIFO order, bounds, and exactly-once delivery under
// multi-producer multi-consumer contention.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <errgroup/queue/boost_lockfree.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

using ring8 = errgroup::mpmc_ring<std::uint32_t, 8>;
using boost8 = errgroup::boost_lockfree_queue<std::uint32_t, 8>;
using ring1k = errgroup::mpmc_ring<std::uint32_t, 1024>;
using boost1k = errgroup::boost_lockfree_queue<std::uint32_t, 1024>;

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "");

TEMPLATE_TEST_CASE("queue: FIFO, full and empty", "[queue]", ring8, boost8) {
  TestType q;
  std::uint32_t v = 0;
  REQUIRE_FALSE(q.try_pop(v));
  for (std::uint32_t i = 0; i < 8; ++i) REQUIRE(q.try_push(i));
  REQUIRE_FALSE(q.try_push(99));  // full: refused, never grown
  for (std::uint32_t i = 0; i < 8; ++i) {
    REQUIRE(q.try_pop(v));
    REQUIRE(v == i);
  }
  REQUIRE_FALSE(q.try_pop(v));
  // Wrap around several laps.
  for (std::uint32_t lap = 0; lap < 5; ++lap) {
    for (std::uint32_t i = 0; i < 5; ++i) REQUIRE(q.try_push(lap * 10 + i));
    for (std::uint32_t i = 0; i < 5; ++i) {
      REQUIRE(q.try_pop(v));
      REQUIRE(v == lap * 10 + i);
    }
  }
}

TEST_CASE("queue: Boost.Lockfree backend reports lock-free", "[queue]") {
  boost8 q;
  REQUIRE(q.is_lock_free());
}

// Producers push producers * per_producer distinct values while consumers call
// consume(q, mark, i) (i counts each consumer's calls; mark(v) records a delivery) until all are
// delivered. Returns whether every value was delivered exactly once and the queue is left empty.
constexpr std::uint32_t producers = 3, consumers = 3, per_producer = 20000;
template <class Q, class Consume>
bool delivers_exactly_once(Q& q, Consume consume) {
  constexpr std::uint32_t total = producers * per_producer;
  std::vector<std::atomic<std::uint8_t>> seen(total);
  for (auto& s : seen) s.store(0, std::memory_order_relaxed);
  std::atomic<std::uint32_t> popped{0};
  std::vector<std::thread> threads;
  for (std::uint32_t p = 0; p < producers; ++p)
    threads.emplace_back([&q, p] {
      for (std::uint32_t i = 0; i < per_producer; ++i)
        while (!q.try_push(p * per_producer + i)) std::this_thread::yield();
    });
  for (std::uint32_t c = 0; c < consumers; ++c)
    threads.emplace_back([&] {
      auto mark = [&](std::uint32_t v) {
        seen[v].fetch_add(1, std::memory_order_relaxed);
        popped.fetch_add(1, std::memory_order_relaxed);
      };
      for (std::uint32_t i = 0; popped.load(std::memory_order_relaxed) < total; ++i)
        if (!consume(q, mark, i)) std::this_thread::yield();
    });
  for (auto& t : threads) t.join();
  std::uint32_t once = 0;
  for (auto& s : seen) once += s.load(std::memory_order_relaxed) == 1 ? 1u : 0u;
  typename Q::value_type v;
  return once == total && !q.try_pop(v);
}

TEMPLATE_TEST_CASE("queue: MPMC delivers every value exactly once", "[queue]", ring1k, boost1k) {
  TestType q;
  REQUIRE(delivers_exactly_once(q, [](TestType& qq, auto& mark, std::uint32_t) {
    std::uint32_t v;
    if (!qq.try_pop(v)) return false;
    mark(v);
    return true;
  }));
}

TEST_CASE("queue: mpmc_ring size is 4 + sizeof(T) per entry plus two lines", "[queue]") {
  // The compact backend's point: RAM on a microcontroller.
  using r = errgroup::mpmc_ring<void*, 64>;
  REQUIRE(sizeof(r) <= 64 * (4 + sizeof(void*) + 4) + 3 * errgroup::cache_line);
}

TEST_CASE("queue: mpmc_ring try_pop_run claims the matching run at the head, in order", "[queue]") {
  ring8 q;
  std::vector<std::uint32_t> got;
  auto take = [&got](std::uint32_t v) { got.push_back(v); };
  auto odd = [](std::uint32_t v) { return (v & 1u) != 0; };
  REQUIRE(q.try_pop_run(8, odd, take) == 0);  // empty
  // 1 3 5 | 6 | 7 9 11 13 (wrapping the 8 cells after two pops)
  for (std::uint32_t v : {1u, 3u, 5u, 6u, 7u, 9u}) REQUIRE(q.try_push(v));
  REQUIRE(q.try_pop_run(2, odd, take) == 2);  // bounded by max
  REQUIRE(got == std::vector<std::uint32_t>{1, 3});
  REQUIRE(q.try_pop_run(8, odd, take) == 1);  // ends at the first value that does not match
  REQUIRE(got == std::vector<std::uint32_t>{1, 3, 5});
  REQUIRE(q.try_pop_run(8, odd, take) == 0);  // head (6) does not match: nothing popped
  std::uint32_t v = 0;
  REQUIRE(q.try_pop(v));
  REQUIRE(v == 6);
  for (std::uint32_t w : {11u, 13u, 15u, 17u, 19u}) REQUIRE(q.try_push(w));
  REQUIRE(q.try_pop_run(64, odd, take) == 7);  // ends at the last published value
  REQUIRE(got == std::vector<std::uint32_t>{1, 3, 5, 7, 9, 11, 13, 15, 17, 19});
  REQUIRE_FALSE(q.try_pop(v));
  // Every cell was handed back: the ring takes a full lap again.
  for (std::uint32_t i = 0; i < 8; ++i) REQUIRE(q.try_push(2 * i + 1));
  REQUIRE_FALSE(q.try_push(99));
  REQUIRE(q.try_pop_run(8, odd, take) == 8);
}

TEST_CASE("queue: mpmc_ring try_pop_run and try_pop together deliver every value once",
          "[queue]") {
  // A 64-cell ring, so producers wrap it many times. Every consumer alternates: a run of
  // producer 0's values (v < per_producer), then a single pop, so both paths race whichever
  // consumers the scheduler runs.
  errgroup::mpmc_ring<std::uint32_t, 64> q;
  std::atomic<std::uint32_t> in_runs{0};
  REQUIRE(delivers_exactly_once(q, [&in_runs](auto& qq, auto& mark, std::uint32_t i) {
    if ((i & 1u) == 0) {
      const std::uint32_t k =
          qq.try_pop_run(16, [](std::uint32_t v) { return v < per_producer; }, mark);
      in_runs.fetch_add(k, std::memory_order_relaxed);
      return k != 0;
    }
    std::uint32_t v;
    if (!qq.try_pop(v)) return false;
    mark(v);
    return true;
  }));
  // The run path delivered some: a producer-0 value at the head meets a run half the time.
  REQUIRE(in_runs.load() > 0);
}
