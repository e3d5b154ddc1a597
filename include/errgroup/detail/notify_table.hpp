// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/notify_table.hpp — a futex made of per-thread notifications: wait_on/wake for
// ports whose OS has no address wait, only "notify this thread" and "take a notification"
// (FreeRTOS task notifications, a per-thread POSIX semaphore, a dispatch semaphore on Apple).
// One fixed table of blocked threads per Notifier, lock-free, no allocation, no mutex anywhere.
//
// Notifier (a traits type of static functions):
//   using handle = ...;                        // names a thread (trivially copyable, lock-free)
//   static handle self() noexcept;             // the calling thread's handle
//   static bool take(std::uint64_t deadline_ns) noexcept;
//       consume one notification given to the calling thread, blocking until one arrives or
//       the deadline (no_deadline: never) passes; true if one was consumed. Notifications count
//       (a semaphore): one given while nobody takes is consumed by the next take.
//   static void give(handle h) noexcept;       // one notification to h, from any thread (the
//                                              // FreeRTOS notifier also from an ISR frame)
//   static void poll_once() noexcept;          // the table is full: wait a little, return
//
// Protocol. A slot holds {state, word, thread}; state is [generation: 30][phase: 2].
//   waiter: claim a free slot (CAS free -> claimed), write word and thread, publish `waiting`
//           (W1, seq_cst store), re-load the word (seq_cst): if it already differs from
//           `expected` leave, otherwise take() until the deadline.
//   waker:  scan; for a `waiting` slot on this word (K1, seq_cst load), CAS waiting ->
//           `committed` (K2), read the thread, give(). wake-one stops after the first commit.
//   leave:  CAS waiting -> free (W2). If that fails a waker has committed to notify us: take()
//           until its notification arrives (it will: the commit precedes the give), then free
//           (W3).
// So every notification is consumed by the registration it was meant for: nothing is lost
// (Dekker: the waiter's store (W1) then load of the word, against the waker's change of the word
// then load (K1), all seq_cst) and nothing stale is left behind for the thread's next wait. The
// generation prevents ABA when a slot is reused between a waker's scan and its CAS. A full table
// degrades to polling (poll_once, counted in overflows()); size the table so that stays 0.
// Model-checked: tests/model/notify_table.pml (ctest model_notify_table*, with broken variants).
#ifndef ERRGROUP_DETAIL_NOTIFY_TABLE_HPP
#define ERRGROUP_DETAIL_NOTIFY_TABLE_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../port.hpp"

namespace errgroup {
namespace detail {

template <class Handle>
struct notify_slot {
  atomic<std::uint32_t> state{0};  // [generation: 30 bits][phase: 2 bits]
  atomic<const void*> word{nullptr};
  atomic<Handle> thread{Handle{}};
};

template <class Notifier, std::size_t Slots>
struct notify_table {
  static_assert(Slots >= 1, "notify_table: at least one slot");
  using handle = typename Notifier::handle;
  using slot = notify_slot<handle>;
  static constexpr std::uint32_t phase_mask = 3u;
  static constexpr std::uint32_t phase_free = 0, phase_claimed = 1, phase_waiting = 2,
                                 phase_committed = 3;
  static constexpr std::uint32_t gen_one = 4u;

  static inline slot slots[Slots];
  static inline atomic<std::uint32_t> overflow_count{0};

  static std::uint32_t overflows() noexcept {
    return overflow_count.load(std::memory_order_relaxed);  // relaxed: a statistic
  }

  static void wait(atomic<std::uint32_t>& word, std::uint32_t expected,
                   std::uint64_t deadline_ns) noexcept {
    slot* s = nullptr;
    std::uint32_t claimed = 0;
    for (slot& c : slots) {
      // relaxed: a starting value; the CAS below is what claims.
      std::uint32_t st = c.state.load(std::memory_order_relaxed);
      if ((st & phase_mask) != phase_free) continue;
      claimed = ((st & ~phase_mask) + gen_one) | phase_claimed;
      // relaxed: claiming publishes nothing; (W1) below publishes word and thread.
      if (c.state.compare_exchange_strong(st, claimed, std::memory_order_relaxed,
                                          std::memory_order_relaxed)) {
        s = &c;
        break;
      }
    }
    if (s == nullptr) {  // table full: poll, the caller re-checks
      overflow_count.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic
      Notifier::poll_once();
      return;
    }
    // relaxed (both): published by (W1).
    s->word.store(&word, std::memory_order_relaxed);
    s->thread.store(Notifier::self(), std::memory_order_relaxed);
    const std::uint32_t waiting = (claimed & ~phase_mask) | phase_waiting;
    const std::uint32_t freed = (claimed & ~phase_mask) | phase_free;
    // (W1) seq_cst: publishes word/thread to a waker's (K1), and orders this registration before
    // the re-check below against the waker's change-of-word then scan (K1): store->load.
    s->state.store(waiting, std::memory_order_seq_cst);
    bool got = false;
    // seq_cst: the load half of the Dekker pair with (W1) / (K1).
    if (word.load(std::memory_order_seq_cst) == expected) got = Notifier::take(deadline_ns);
    std::uint32_t st = waiting;
    // (W2) acquire: on failure pairs with the waker's commit (K2); on success it orders nothing
    // that matters (leaving without a commit publishes nothing), but C++17 forbids a failure order
    // stronger than the success order.
    if (!s->state.compare_exchange_strong(st, freed, std::memory_order_acquire,
                                          std::memory_order_acquire)) {
      // A waker committed to notify us: consume exactly that notification before freeing.
      while (!got) got = Notifier::take(no_deadline);
      // (W3) release: the slot is free again; the next claimer's writes come after ours.
      s->state.store(freed, std::memory_order_release);
    }
  }

  static void wake(atomic<std::uint32_t>& word, bool all) noexcept {
    for (slot& c : slots) {
      // (K1) seq_cst: pairs with (W1); the caller changed the word (seq_cst) before calling.
      std::uint32_t st = c.state.load(std::memory_order_seq_cst);
      if ((st & phase_mask) != phase_waiting) continue;
      // relaxed: ordered after (K1), which read (W1) of this generation (or the CAS fails).
      if (c.word.load(std::memory_order_relaxed) != &word) continue;
      // (K2) acquire: the thread handle of this generation is visible; release: pairs with (W2).
      if (!c.state.compare_exchange_strong(st, (st & ~phase_mask) | phase_committed,
                                           std::memory_order_acq_rel, std::memory_order_relaxed))
        continue;  // the waiter left, or the slot was reused (generation changed)
      // relaxed: ordered by (K2); the waiter does not free the slot before our notification.
      Notifier::give(c.thread.load(std::memory_order_relaxed));
      if (!all) return;
    }
  }
};

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_NOTIFY_TABLE_HPP
