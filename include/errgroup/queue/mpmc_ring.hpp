// errgroup/queue/mpmc_ring.hpp — a bounded multi-producer multi-consumer ring (Dmitry Vyukov's
// sequence-number design), the compact queue backend for microcontrollers.
//
// Requirements: T trivially copyable with lock-free atomics (a pointer or an integer: the cells
//   hold std::atomic<T>, read with relaxed loads); Capacity a power of two >= 2 (checked, never
//   rounded up).
// Guarantees: no allocation (storage in-object); try_push/try_pop never block and make no system
//   call; each operation is one CAS on a position counter plus loads/stores on its cell. Not
//   wait-free: a producer preempted between its CAS and its publishing store delays consumers of
//   that cell (they see it empty), but never loses it.
// Memory ordering: everything a producer wrote before try_push(v) is visible to the consumer whose
//   try_pop returned v.
// Cost: Capacity * (4 + sizeof(T)) bytes plus two cache lines of positions; 64 entries of a 32-bit
//   pointer take 512 B on a Cortex-M (Boost.Lockfree's queue pads nodes to 64 B: 4.3 KB).
#ifndef ERRGROUP_QUEUE_MPMC_RING_HPP
#define ERRGROUP_QUEUE_MPMC_RING_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../config.hpp"

namespace errgroup {

template <class T, std::size_t Capacity>
class mpmc_ring {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0,
                "mpmc_ring: Capacity must be a power of two >= 2 (it is never rounded up)");
  static_assert(Capacity <= (std::size_t{1} << 30), "mpmc_ring: Capacity must be <= 2^30");
  static_assert(std::is_trivially_copyable<T>::value, "mpmc_ring: T must be trivially copyable");
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
                "mpmc_ring needs lock-free 32-bit atomics");
  static_assert(std::atomic<T>::is_always_lock_free,
                "mpmc_ring: T must have lock-free atomics (a pointer or an integer)");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;

  mpmc_ring() noexcept {
    for (std::uint32_t i = 0; i < Capacity; ++i)
      // relaxed: construction happens before the ring is shared (publication is the caller's).
      cells_[i].seq.store(i, std::memory_order_relaxed);
  }
  mpmc_ring(const mpmc_ring&) = delete;
  mpmc_ring& operator=(const mpmc_ring&) = delete;

  [[nodiscard]] bool try_push(const T& v) noexcept {
    // relaxed: the position is only a hint; the cell's seq (acquire below) decides.
    std::uint32_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask];
      // (Q1) acquire: pairs with (Q4) — the consumer that freed this cell is done reading it.
      const std::uint32_t seq = c.seq.load(std::memory_order_acquire);
      const std::int32_t diff = static_cast<std::int32_t>(seq - pos);
      if (diff == 0) {
        // relaxed: claiming the position orders nothing; the data is published by (Q2).
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed,
                                               std::memory_order_relaxed)) {
          // relaxed: published by (Q2).
          c.value.store(v, std::memory_order_relaxed);
          // (Q2) release: publishes c.value; pairs with (Q3) in try_pop_run.
          c.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // full: the cell still holds the value from one lap ago
      } else {
        // relaxed: another producer advanced; reload the hint.
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  [[nodiscard]] bool try_pop(T& out) noexcept {
    return try_pop_run(1, [](const T&) noexcept { return true; },
                       [&out](const T& v) noexcept { out = v; }) != 0;
  }

  // Pops, with one CAS, the longest run of at most `max` elements at the head for which
  // match(v) holds, and passes each to take(v) in queue order. Returns how many (0: empty, or the
  // head does not match). match() sees values not yet claimed: it must only inspect the value
  // itself (e.g. compare a pointer), never dereference it — a competing consumer may pop and
  // free that element meanwhile (our CAS then fails and the run is looked at again).
  template <class Match, class Take>
  std::uint32_t try_pop_run(std::uint32_t max, Match&& match, Take&& take) noexcept {
    // relaxed: hint only; the cells' seqs decide.
    std::uint32_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      std::uint32_t k = 0;
      bool moved = false;  // another consumer took the head since we read pos
      for (; k < max; ++k) {
        cell& c = cells_[(pos + k) & mask];
        // (Q3) acquire, per cell of the run: pairs with (Q2).
        const std::uint32_t seq = c.seq.load(std::memory_order_acquire);
        const std::int32_t diff = static_cast<std::int32_t>(seq - (pos + k + 1));
        if (diff != 0) {  // < 0: not yet published (the run ends); > 0: already consumed
          moved = k == 0 && diff > 0;
          break;
        }
        // relaxed: (Q3) above; a value rewritten after a whole lap fails the CAS below.
        if (!match(c.value.load(std::memory_order_relaxed))) break;
      }
      if (k == 0) {
        if (!moved) return 0;  // empty, or the head does not match
        // relaxed: reload the hint.
        pos = dequeue_pos_.load(std::memory_order_relaxed);
        continue;
      }
      // relaxed: claiming orders nothing; (Q3) above and (Q4) below order the cells.
      if (dequeue_pos_.compare_exchange_weak(pos, pos + k, std::memory_order_relaxed,
                                             std::memory_order_relaxed)) {
        for (std::uint32_t i = 0; i < k; ++i) {
          cell& c = cells_[(pos + i) & mask];
          // relaxed: (Q3) above made the producer's store visible.
          const T v = c.value.load(std::memory_order_relaxed);
          // (Q4) release: our read of value completes before a producer reuses the cell; pairs
          // with (Q1).
          c.seq.store(pos + i + static_cast<std::uint32_t>(Capacity), std::memory_order_release);
          take(v);
        }
        return k;
      }
      // The CAS failed and reloaded pos: look at the new head.
    }
  }

  // Approximate number of queued elements (exact when no operation is in flight).
  std::size_t size_approx() const noexcept {
    // relaxed: a racy snapshot by design; used for statistics only.
    const std::uint32_t e = enqueue_pos_.load(std::memory_order_relaxed);
    const std::uint32_t d = dequeue_pos_.load(std::memory_order_relaxed);
    const std::int32_t n = static_cast<std::int32_t>(e - d);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }

 private:
  static constexpr std::uint32_t mask = static_cast<std::uint32_t>(Capacity - 1);
  struct cell {
    std::atomic<std::uint32_t> seq;
    std::atomic<T> value;
  };
  // Producers and consumers each own a line; cells follow on their own lines.
  alignas(cache_line) std::atomic<std::uint32_t> enqueue_pos_{0};
  alignas(cache_line) std::atomic<std::uint32_t> dequeue_pos_{0};
  alignas(cache_line) cell cells_[Capacity];
};

}  // namespace errgroup

#endif  // ERRGROUP_QUEUE_MPMC_RING_HPP
