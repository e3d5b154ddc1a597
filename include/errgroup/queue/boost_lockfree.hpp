// SPDX-License-Identifier: BSL-1.0
// errgroup/queue/boost_lockfree.hpp — the second queue backend: boost::lockfree::queue with a
// compile-time capacity, so it never allocates after construction and reports is_lock_free() ==
// true on x86-64, aarch64 and Cortex-M3/M4/M7/M33.
//
// Same interface as mpmc_ring (try_push with a ticket, try_pop, try_revoke, capacity), so both run
// the same tests. Boost's queue cannot take an entry back, so entries live in a table of
// std::atomic<T> owned by this object and the Boost queues carry table indices: `work_` holds the
// indices of queued entries in FIFO order, `free_` the unused ones. The index is the ticket:
//   push:   at most Capacity live entries (`live_`, else full); take a free index i,
//           on_claimed(i), table[i] = v (release), push i to work_;
//   pop:    pop i from work_, v = table[i].exchange(T{}) (acquire), give i back to free_; T{} means
//           the entry was revoked: skip it and pop again;
//   revoke: table[i].compare_exchange(v -> T{}) (acquire): exactly one of the popper and the
//           revoker gets v.
// A revoked entry keeps its index until a consumer pops it, and Boost cannot free it earlier
// without popping the live entries in front of it (which would change their order). So there are
// 2 x Capacity indices: up to Capacity live entries, and as many revoked ones waiting to be
// passed; only when both are used up is the queue full early. FIFO order is never changed.
// Requirements: T trivially copyable with lock-free atomics; T{} reserved (never pushed);
//   2 <= Capacity <= 32767 (2 x Capacity indices in Boost's 16-bit tagged indices; the capacity<>
//   form uses an index-based freelist, so no 64-bit CAS).
// Memory ordering: everything a producer wrote before try_push(v) (and everything on_claimed
//   wrote) is visible to the consumer whose try_pop returned v, and to a successful revoker.
// Cost: two Boost queues of 2 x Capacity entries, whose nodes are padded to a cache line
//   (4 x Capacity x 64 B), plus the table (2 x Capacity x sizeof(T)); two Boost operations and
//   one count per push and per pop. The ring
//   (mpmc_ring.hpp) is the faster and smaller default; see bench/reference/ for the figures.
#ifndef ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP
#define ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <boost/lockfree/queue.hpp>

#include "../config.hpp"

namespace errgroup {

template <class T, std::size_t Capacity>
class boost_lockfree_queue {
  static_assert(Capacity >= 2 && Capacity <= 32767,
                "boost_lockfree_queue: Capacity must be in [2, 32767] (2 x Capacity Boost indices "
                "of 16 bits)");
  static_assert(std::is_trivially_copyable<T>::value,
                "boost_lockfree_queue: T must be trivially copyable");
  static_assert(std::atomic<T>::is_always_lock_free,
                "boost_lockfree_queue: T must have lock-free atomics (a pointer or an integer)");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;

  boost_lockfree_queue() noexcept {
    for (std::uint32_t i = 0; i < indices; ++i) {
      // relaxed: construction happens before the queue is shared.
      table_[i].store(T{}, std::memory_order_relaxed);
      const bool pushed = free_.bounded_push(static_cast<std::uint16_t>(i));
      ERRGROUP_ASSERT(pushed, "boost_lockfree_queue: the free list holds Capacity indices");
      (void)pushed;
    }
  }
  boost_lockfree_queue(const boost_lockfree_queue&) = delete;
  boost_lockfree_queue& operator=(const boost_lockfree_queue&) = delete;

  template <class OnClaimed>
  [[nodiscard]] bool try_push(const T& v, OnClaimed&& on_claimed) noexcept {
    // relaxed: a count that bounds, not publishes (the entry is published by (BQ1)); the RMW
    // order on live_ is all it needs.
    if (live_.fetch_add(1, std::memory_order_relaxed) >= Capacity) {
      live_.fetch_sub(1, std::memory_order_relaxed);
      return false;  // Capacity live entries: full
    }
    std::uint16_t i = 0;
    if (!free_.pop(i)) {  // every index is queued (live or revoked) or being popped: full early
      live_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    on_claimed(static_cast<std::uint32_t>(i));
    // (BQ1) release: publishes v and what on_claimed wrote; pairs with (BQ2) and (BQ3). (The index
    // also travels through work_, whose push/pop are release/acquire: Boost's contract.)
    table_[i].store(v, std::memory_order_release);
    // Cannot fail: only Capacity indices exist, and work_ holds Capacity entries.
    const bool pushed = work_.bounded_push(i);
    ERRGROUP_ASSERT(pushed, "boost_lockfree_queue: work queue overflow");
    (void)pushed;
    return true;
  }
  [[nodiscard]] bool try_push(const T& v) noexcept {
    return try_push(v, [](std::uint32_t) noexcept {});
  }

  [[nodiscard]] bool try_pop(T& out) noexcept {
    std::uint16_t i = 0;
    while (work_.pop(i)) {
      // (BQ2) acquire: pairs with (BQ1); the exchange leaves T{}, so a later revoker fails.
      const T v = table_[i].exchange(T{}, std::memory_order_acquire);
      // The index is free again (a revoker that still holds it compares against our T{}).
      const bool pushed = free_.bounded_push(i);
      ERRGROUP_ASSERT(pushed, "boost_lockfree_queue: free list overflow");
      (void)pushed;
      if (!(v == T{})) {
        // relaxed: see try_push.
        live_.fetch_sub(1, std::memory_order_relaxed);
        out = v;
        return true;
      }
      // Revoked (it was uncounted by its revoker): skip it.
    }
    return false;
  }

  [[nodiscard]] bool try_revoke(std::uint32_t ticket, T v) noexcept {
    if (ticket >= indices) return false;
    // (BQ3) acquire on success: pairs with (BQ1). relaxed on failure: we read nothing.
    if (!table_[ticket].compare_exchange_strong(v, T{}, std::memory_order_acquire,
                                                std::memory_order_relaxed))
      return false;
    // relaxed: see try_push. The entry no longer counts as live; its index stays in work_.
    live_.fetch_sub(1, std::memory_order_relaxed);
    return true;
  }

  // Revoked entries keep their indices until a consumer passes them (see above): nothing to do.
  void drop_revoked() noexcept {}

  bool empty_hint() const noexcept { return work_.empty(); }
  bool is_lock_free() const noexcept { return work_.is_lock_free() && free_.is_lock_free(); }

 private:
  static constexpr std::uint32_t indices = 2 * static_cast<std::uint32_t>(Capacity);
  boost::lockfree::queue<std::uint16_t, boost::lockfree::capacity<indices>> work_;
  boost::lockfree::queue<std::uint16_t, boost::lockfree::capacity<indices>> free_;
  std::atomic<T> table_[indices];
  std::atomic<std::uint32_t> live_{0};
};

}  // namespace errgroup

#endif  // ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP
