// SPDX-License-Identifier: BSL-1.0
// Both queue backends pass the same tests: FIFO order, bounds, tickets (an entry taken back by its
// ticket is delivered to its revoker and never popped), and exactly-once delivery under
// multi-producer multi-consumer contention with revokers racing the consumers.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <errgroup/queue/boost_lockfree.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

using ring8 = errgroup::mpmc_ring<std::uint32_t, 8>;
using boost8 = errgroup::boost_lockfree_queue<std::uint32_t, 8>;
using ring64 = errgroup::mpmc_ring<std::uint32_t, 64>;
using boost64 = errgroup::boost_lockfree_queue<std::uint32_t, 64>;

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "");

// Values are never 0: T{} marks a revoked entry.
TEMPLATE_TEST_CASE("queue: FIFO, full and empty", "[queue]", ring8, boost8) {
  TestType q;
  std::uint32_t v = 0;
  REQUIRE_FALSE(q.try_pop(v));
  for (std::uint32_t i = 1; i <= 8; ++i) REQUIRE(q.try_push(i));
  REQUIRE_FALSE(q.try_push(99));  // full: refused, never grown
  for (std::uint32_t i = 1; i <= 8; ++i) {
    REQUIRE(q.try_pop(v));
    REQUIRE(v == i);
  }
  REQUIRE_FALSE(q.try_pop(v));
  // Wrap around several laps.
  for (std::uint32_t lap = 1; lap <= 5; ++lap) {
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

TEMPLATE_TEST_CASE("queue: a revoked entry goes to its revoker and is never popped", "[queue]",
                   ring8, boost8) {
  TestType q;
  std::uint32_t tickets[4] = {};
  for (std::uint32_t i = 0; i < 4; ++i)
    REQUIRE(q.try_push(100 + i, [&tickets, i](std::uint32_t t) noexcept { tickets[i] = t; }));
  REQUIRE(q.try_revoke(tickets[1], 101));        // taken back while queued
  REQUIRE_FALSE(q.try_revoke(tickets[1], 101));  // once only
  REQUIRE_FALSE(q.try_revoke(tickets[2], 999));  // the ticket's entry is another value
  std::uint32_t v = 0;
  REQUIRE(q.try_pop(v));
  REQUIRE(v == 100);
  REQUIRE_FALSE(q.try_revoke(tickets[0], 100));  // already popped
  REQUIRE(q.try_pop(v));
  REQUIRE(v == 102);  // 101 was skipped
  REQUIRE(q.try_revoke(tickets[3], 103));
  REQUIRE_FALSE(q.try_pop(v));  // only a revoked entry was left
  // Every cell and index is usable again: a full lap.
  for (std::uint32_t i = 1; i <= 8; ++i) REQUIRE(q.try_push(i));
  for (std::uint32_t i = 1; i <= 8; ++i) {
    REQUIRE(q.try_pop(v));
    REQUIRE(v == i);
  }
}

TEST_CASE("queue: mpmc_ring try_pop_if takes the oldest live entry only if it matches", "[queue]") {
  ring8 q;
  auto odd = [](std::uint32_t v) { return (v & 1u) != 0; };
  std::uint32_t v = 0;
  REQUIRE_FALSE(q.try_pop_if(odd, v));  // empty
  std::uint32_t t2 = 0;
  REQUIRE(q.try_push(2, [&t2](std::uint32_t t) noexcept { t2 = t; }));
  REQUIRE(q.try_push(3));
  REQUIRE(q.try_push(4));
  REQUIRE_FALSE(q.try_pop_if(odd, v));  // the oldest (2) does not match: nothing taken
  REQUIRE(q.try_revoke(t2, 2));
  REQUIRE(q.try_pop_if(odd, v));  // the revoked 2 is freed on the way to 3
  REQUIRE(v == 3);
  REQUIRE_FALSE(q.try_pop_if(odd, v));
  REQUIRE(q.try_pop(v));
  REQUIRE(v == 4);
}

TEST_CASE("queue: mpmc_ring drop_revoked frees the room of revoked entries at the head",
          "[queue]") {
  ring8 q;
  std::uint32_t t[8] = {};
  for (std::uint32_t i = 0; i < 8; ++i)
    REQUIRE(q.try_push(i + 1, [&t, i](std::uint32_t x) noexcept { t[i] = x; }));
  for (std::uint32_t i = 0; i < 3; ++i) REQUIRE(q.try_revoke(t[i], i + 1));
  REQUIRE_FALSE(q.try_push(50));  // revoked entries still hold their cells
  q.drop_revoked();
  for (std::uint32_t i = 0; i < 3; ++i) REQUIRE(q.try_push(60 + i));
  REQUIRE_FALSE(q.try_push(70));
  std::uint32_t v = 0;
  for (std::uint32_t i = 3; i < 8; ++i) {
    REQUIRE(q.try_pop(v));
    REQUIRE(v == i + 1);
  }
  for (std::uint32_t i = 0; i < 3; ++i) {
    REQUIRE(q.try_pop(v));
    REQUIRE(v == 60 + i);
  }
}

// Producers push producers * per_producer distinct values (1-based) and record each value's
// ticket; consumers pop while revokers take values back by ticket. Returns whether every value
// was delivered exactly once (by a pop or a revoke), how many went to revokers, and that the queue
// is left empty.
constexpr std::uint32_t producers = 2, per_producer = 20000;
template <class Q>
bool delivers_exactly_once(Q& q, std::uint32_t consumers, std::uint32_t revokers,
                           std::uint32_t& revoked_out) {
  constexpr std::uint32_t total = producers * per_producer;
  std::vector<std::atomic<std::uint32_t>> seen(total +
                                               1);  // not uint8_t: riscv64 has no 1-byte RMW
  std::vector<std::atomic<std::uint32_t>> ticket(total + 1);  // ticket + 1; 0: not pushed yet
  for (auto& s : seen) s.store(0, std::memory_order_relaxed);
  for (auto& t : ticket) t.store(0, std::memory_order_relaxed);
  std::atomic<std::uint32_t> delivered{0}, revoked{0};
  auto mark = [&](std::uint32_t v) {
    seen[v].fetch_add(1, std::memory_order_relaxed);
    delivered.fetch_add(1, std::memory_order_relaxed);
  };
  std::vector<std::thread> threads;
  for (std::uint32_t p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      for (std::uint32_t i = 0; i < per_producer; ++i) {
        const std::uint32_t v = p * per_producer + i + 1;
        while (!q.try_push(v, [&](std::uint32_t t) noexcept {
          ticket[v].store(t + 1, std::memory_order_relaxed);
        }))
          std::this_thread::yield();
      }
    });
  for (std::uint32_t c = 0; c < consumers; ++c)
    threads.emplace_back([&] {
      // With revokers, consumers start once they have taken some entries back from the full
      // queue, so that both paths certainly take part (no timing assumption).
      while (revokers != 0 && revoked.load(std::memory_order_relaxed) < 16)
        std::this_thread::yield();
      while (delivered.load(std::memory_order_relaxed) < total) {
        std::uint32_t v = 0;
        if (q.try_pop(v)) mark(v);
        else
          std::this_thread::yield();
      }
    });
  for (std::uint32_t r = 0; r < revokers; ++r)
    threads.emplace_back([&, r] {
      std::uint32_t v = 1 + r;
      while (delivered.load(std::memory_order_relaxed) < total) {
        const std::uint32_t t = ticket[v].load(std::memory_order_relaxed);
        if (t != 0 && q.try_revoke(t - 1, v)) {
          mark(v);
          revoked.fetch_add(1, std::memory_order_relaxed);
        }
        v = v + 7 > total ? 1 + (v + 7) % total : v + 7;
      }
    });
  for (auto& t : threads) t.join();
  std::uint32_t once = 0;
  for (std::uint32_t v = 1; v <= total; ++v) once += seen[v].load(std::memory_order_relaxed) == 1;
  revoked_out = revoked.load();
  typename Q::value_type v;
  return once == total && !q.try_pop(v);
}

TEMPLATE_TEST_CASE("queue: MPMC delivers every value exactly once", "[queue]", ring64, boost64) {
  TestType q;
  std::uint32_t revoked = 0;
  REQUIRE(delivers_exactly_once(q, 2, 0, revoked));
  REQUIRE(revoked == 0);
}

TEMPLATE_TEST_CASE("queue: MPMC with revokers racing the consumers: every value exactly once",
                   "[queue]", ring64, boost64) {
  TestType q;
  std::uint32_t revoked = 0;
  REQUIRE(delivers_exactly_once(q, 1, 2, revoked));
  INFO("values taken back by their ticket: " << revoked);
  REQUIRE(revoked >= 16);  // the revoke path took part
}

TEST_CASE("queue: mpmc_ring size is 4 + sizeof(T) per entry plus two lines", "[queue]") {
  // The compact backend's point: RAM on a microcontroller.
  using r = errgroup::mpmc_ring<void*, 64>;
  REQUIRE(sizeof(r) <= 64 * (4 + sizeof(void*) + 4) + 3 * errgroup::cache_line);
}
