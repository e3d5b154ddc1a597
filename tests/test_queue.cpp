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

TEMPLATE_TEST_CASE("queue: MPMC delivers every value exactly once", "[queue]", ring1k, boost1k) {
  constexpr std::uint32_t producers = 3, consumers = 3, per_producer = 20000;
  constexpr std::uint32_t total = producers * per_producer;
  TestType q;
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
      std::uint32_t v;
      while (popped.load(std::memory_order_relaxed) < total) {
        if (q.try_pop(v)) {
          seen[v].fetch_add(1, std::memory_order_relaxed);
          popped.fetch_add(1, std::memory_order_relaxed);
        } else {
          std::this_thread::yield();
        }
      }
    });
  for (auto& t : threads) t.join();
  std::uint32_t once = 0;
  for (auto& s : seen) once += s.load(std::memory_order_relaxed) == 1 ? 1u : 0u;
  REQUIRE(once == total);
  std::uint32_t v;
  REQUIRE_FALSE(q.try_pop(v));
}

TEST_CASE("queue: mpmc_ring size is 4 + sizeof(T) per entry plus two lines", "[queue]") {
  // The compact backend's point: RAM on a microcontroller.
  using r = errgroup::mpmc_ring<void*, 64>;
  REQUIRE(sizeof(r) <= 64 * (4 + sizeof(void*) + 4) + 3 * errgroup::cache_line);
}
