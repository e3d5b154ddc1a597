// SPDX-License-Identifier: BSL-1.0
// errgroup/queue/mpmc_ring.hpp — a bounded multi-producer multi-consumer ring (Dmitry Vyukov's
// sequence-number design) whose entries can be taken back: the default queue backend, hosted and
// on microcontrollers.
//
// Requirements: T trivially copyable with lock-free atomics (a pointer or an integer: the cells
//   hold std::atomic<T>); T{} is reserved (it marks a cell whose entry was taken back, and is never
//   pushed); Capacity a power of two >= 2 and <= 2^30 (checked, never rounded up).
// Guarantees: no allocation (storage in-object); no operation blocks or makes a system call;
//   try_push is one CAS on the producers' position plus stores to its cell; try_pop one CAS on the
//   consumers' position plus an exchange on its cell. Not wait-free: a producer preempted between
//   its CAS and its publishing store delays consumers of that cell (they see it empty), but never
//   loses it.
// Tickets. try_push(v, on_claimed) calls on_claimed(ticket) after it has claimed a cell and before
//   any consumer can see v: the ticket names that cell. try_revoke(ticket, v) takes v back while it
//   is still queued: exactly one of {the consumer that pops the cell, the revoker} gets v — the
//   consumer exchanges the cell's value with T{}, the revoker compare-exchanges v with T{} — and a
//   consumer that finds T{} skips the cell. Nobody who loses touches v again. (A cell that holds v
//   again a lap later holds v's newest entry, which a revoker then takes: the owner of v decides
//   what "v" means; for errgroup a task slot, whose current task is the one taken.)
// Memory ordering: everything a producer wrote before try_push(v) (and everything on_claimed
//   wrote) is visible to the consumer whose try_pop returned v, and to the revoker whose
//   try_revoke succeeded.
// Cost: Capacity * (4 + sizeof(T)) bytes plus two cache lines of positions; 64 entries of a 32-bit
//   pointer take 512 B on a Cortex-M.
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
  static_assert(!atomic_is_lock_free || std::atomic<std::uint32_t>::is_always_lock_free,
                "mpmc_ring needs lock-free 32-bit atomics (or ERRGROUP_ATOMIC_CRITICAL)");
  static_assert(!atomic_is_lock_free || std::atomic<T>::is_always_lock_free,
                "mpmc_ring: T must have lock-free atomics (a pointer or an integer)");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;
  // Tickets are cell positions; this many low bits of a position name its cell and lap.
  static constexpr std::uint32_t ticket_bits = 30;

  mpmc_ring() noexcept {
    for (std::uint32_t i = 0; i < Capacity; ++i) {
      // relaxed: construction happens before the ring is shared (publication is the caller's).
      cells_[i].seq.store(i, std::memory_order_relaxed);
      cells_[i].value.store(T{}, std::memory_order_relaxed);
    }
  }
  mpmc_ring(const mpmc_ring&) = delete;
  mpmc_ring& operator=(const mpmc_ring&) = delete;

  // Pushes v (never T{}); false if the ring is full. on_claimed(ticket) runs once the cell is
  // claimed, before v is published.
  template <class OnClaimed>
  [[nodiscard]] bool try_push(const T& v, OnClaimed&& on_claimed) noexcept {
    // relaxed: the position is only a hint; the cell's seq (acquire below) decides.
    std::uint32_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask];
      // (Q1) acquire: pairs with (Q4): the consumer that freed this cell is done with it.
      const std::uint32_t seq = c.seq.load(std::memory_order_acquire);
      const std::int32_t diff = static_cast<std::int32_t>(seq - pos);
      if (diff == 0) {
        // relaxed: claiming the position orders nothing; the data is published by (Q2).
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed,
                                               std::memory_order_relaxed)) {
          on_claimed(pos & ticket_mask);
          // (Q2) release (both): publishes v and what on_claimed wrote. The value's release pairs
          // with (Q6) in try_revoke, which reads the value and not the seq; the seq's with (Q3).
          c.value.store(v, std::memory_order_release);
          c.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // full: the cell still holds the entry from one lap ago
      } else {
        // relaxed: another producer advanced; reload the hint.
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }
  [[nodiscard]] bool try_push(const T& v) noexcept {
    return try_push(v, [](std::uint32_t) noexcept {});
  }

  // Pops the oldest entry that was not taken back (cells whose entry was revoked are skipped and
  // freed on the way). False if there is none.
  [[nodiscard]] bool try_pop(T& out) noexcept {
    return try_pop_if([](const T&) noexcept { return true; }, out);
  }

  // As try_pop, but only if the oldest live entry v satisfies match(v); revoked cells in front of
  // it are freed either way. match() sees an entry not yet claimed: it must only inspect the value
  // itself (e.g. compare a pointer), never dereference it — another consumer may pop it and its
  // owner free it meanwhile (our claim then fails and we look again).
  template <class Match>
  [[nodiscard]] bool try_pop_if(Match&& match, T& out) noexcept {
    // relaxed: hint only; the cells' seqs decide.
    std::uint32_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask];
      // (Q3) acquire: pairs with (Q2): the producer's entry (and its on_claimed) are visible.
      const std::uint32_t seq = c.seq.load(std::memory_order_acquire);
      const std::int32_t diff = static_cast<std::int32_t>(seq - (pos + 1));
      if (diff < 0) return false;  // empty (or the head is not yet published)
      if (diff > 0) {
        // relaxed: another consumer took the head; reload the hint.
        pos = dequeue_pos_.load(std::memory_order_relaxed);
        continue;
      }
      // relaxed: a look before claiming, as documented above; a value rewritten after a whole
      // lap fails the CAS below.
      const T seen = c.value.load(std::memory_order_relaxed);
      if (!(seen == T{}) && !match(seen)) return false;
      // relaxed: claiming orders nothing; (Q3) above and (Q5)/(Q4) below order the cell.
      if (!dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed,
                                              std::memory_order_relaxed))
        continue;  // the CAS reloaded pos: look at the new head
      // (Q5) acquire: the entry is ours unless a revoker took it first (then we read T{}); pairs
      // with (Q2). The exchange leaves T{}, so a later revoker's CAS fails.
      const T v = c.value.exchange(T{}, std::memory_order_acquire);
      // (Q4) release: we are done with the cell; pairs with (Q1).
      c.seq.store(pos + static_cast<std::uint32_t>(Capacity), std::memory_order_release);
      if (!(v == T{})) {
        out = v;
        return true;
      }
      // Revoked: the cell is free again; look at the next one. relaxed: as above.
      pos = dequeue_pos_.load(std::memory_order_relaxed);
    }
  }

  // Pops, with one CAS, the run of at most `max` cells at the head whose entries satisfy
  // match(v) (or were revoked), and stores the live ones in out[] in queue order. Every cell of
  // the run is freed before this returns, so the caller may run user code on the entries (a
  // destructor that pushes into this ring finds its room). Returns how many cells were taken;
  // *live says how many entries are in out. match() as for try_pop_if.
  template <class Match>
  std::uint32_t try_pop_run(std::uint32_t max, Match&& match, T* out,
                            std::uint32_t* live) noexcept {
    *live = 0;
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
        // relaxed: a look before claiming (see try_pop_if).
        const T seen = c.value.load(std::memory_order_relaxed);
        if (!(seen == T{}) && !match(seen)) break;
      }
      if (k == 0) {
        if (!moved) return 0;  // empty, or the head does not match
        // relaxed: reload the hint.
        pos = dequeue_pos_.load(std::memory_order_relaxed);
        continue;
      }
      // relaxed: claiming orders nothing; (Q3) above and (Q5)/(Q4) below order the cells.
      if (!dequeue_pos_.compare_exchange_weak(pos, pos + k, std::memory_order_relaxed,
                                              std::memory_order_relaxed))
        continue;  // the CAS reloaded pos: look at the new head
      for (std::uint32_t i = 0; i < k; ++i) {
        cell& c = cells_[(pos + i) & mask];
        // (Q5) acquire: as in try_pop_if; T{}: revoked meanwhile, skip it.
        const T v = c.value.exchange(T{}, std::memory_order_acquire);
        // (Q4) release: pairs with (Q1).
        c.seq.store(pos + i + static_cast<std::uint32_t>(Capacity), std::memory_order_release);
        if (!(v == T{})) out[(*live)++] = v;
      }
      return k;
    }
  }

  // Takes v back if it is still queued in the cell its ticket names. True: the caller owns v and
  // no consumer will ever return this entry. False: a consumer (or another revoker) has it, or it
  // is not published yet.
  [[nodiscard]] bool try_revoke(std::uint32_t ticket, T v) noexcept {
    // (Q6) acquire on success: pairs with (Q2)'s value release: what the producer wrote before
    // try_push is visible. relaxed on failure: we read nothing.
    return cells_[ticket & mask].value.compare_exchange_strong(v, T{}, std::memory_order_acquire,
                                                               std::memory_order_relaxed);
  }

  // Frees the revoked cells at the head, so that their room is usable again. (Revoked cells
  // behind a live entry keep their room until consumers pass them: FIFO order is never changed.)
  void drop_revoked() noexcept {
    T none{};
    // A match that refuses every live entry: try_pop_if then only frees revoked cells.
    (void)try_pop_if([](const T&) noexcept { return false; }, none);
  }

  // True if no entry is queued (a snapshot: exact when no operation is in flight).
  bool empty_hint() const noexcept { return size_approx() == 0; }

  // Approximate number of queued entries, revoked ones included (exact when nothing is in flight).
  std::size_t size_approx() const noexcept {
    // relaxed: a racy snapshot by design; used for statistics and the helpers' shortcut only.
    const std::uint32_t e = enqueue_pos_.load(std::memory_order_relaxed);
    const std::uint32_t d = dequeue_pos_.load(std::memory_order_relaxed);
    const std::int32_t n = static_cast<std::int32_t>(e - d);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }

 private:
  static constexpr std::uint32_t mask = static_cast<std::uint32_t>(Capacity - 1);
  static constexpr std::uint32_t ticket_mask = (std::uint32_t{1} << ticket_bits) - 1;
  struct cell {
    atomic<std::uint32_t> seq;
    atomic<T> value;
  };
  // Producers and consumers each own a line; cells follow on their own lines.
  alignas(cache_line) atomic<std::uint32_t> enqueue_pos_{0};
  alignas(cache_line) atomic<std::uint32_t> dequeue_pos_{0};
  alignas(cache_line) cell cells_[Capacity];
};

}  // namespace errgroup

#endif  // ERRGROUP_QUEUE_MPMC_RING_HPP
