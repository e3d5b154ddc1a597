// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/eventcount.hpp — an event count: how a thread checks a condition and then sleeps
// without losing a wake-up that arrives in between.
//
// Word layout: [epoch: 20 bits][registered sleepers: 12 bits]. A sleeper registers (prepare_wait),
// re-checks its condition, then waits until the epoch moves; a notifier changes the condition,
// then bumps the epoch and wakes sleepers if any are registered. Protocol labels (E1)..(E4), used
// by executor.hpp (workers) and detail/park.hpp (groups). Model-checked: tests/model/wakeup.pml.
// The event count itself uses RMWs and acquire loads only. The one fence pair around it is the
// executor's submit fast path (has_sleepers() after (F1), a worker's (E1) then (F2)), which
// ThreadSanitizer does not model; the SPIN model covers that pair (executor.hpp says so).
#ifndef ERRGROUP_DETAIL_EVENTCOUNT_HPP
#define ERRGROUP_DETAIL_EVENTCOUNT_HPP

#include <atomic>
#include <cstdint>

#include "../config.hpp"
#include "../port.hpp"

namespace errgroup {
namespace detail {

class eventcount {
 public:
  static constexpr std::uint32_t sleeper_one = 1;
  static constexpr std::uint32_t sleeper_mask = 0xFFFu;  // up to 4095 concurrent sleepers
  static constexpr std::uint32_t epoch_one = 1u << 12;

  // (E1) Register as a sleeper; returns the key to pass to wait(). seq_cst RMW: orders the
  // registration before the caller's re-check of its condition (store->load, Dekker-style against
  // the notifier's change-then-(E3)).
  std::uint32_t prepare_wait() noexcept {
    return word_.fetch_add(sleeper_one, std::memory_order_seq_cst) + sleeper_one;
  }
  // Unregister without sleeping (the re-check found the condition satisfied).
  void cancel_wait() noexcept {
    // relaxed: unregistering publishes nothing; a notifier that still sees us just wakes nobody.
    word_.fetch_sub(sleeper_one, std::memory_order_relaxed);
  }
  // (E2) Sleep once: until woken, until the epoch differs from key's, or until the deadline (or
  // spuriously). Unregisters on return. Returns false if the deadline had passed, true otherwise.
  // One futex wait, not a loop until the epoch moves: a notify-one can be taken by a sleeper that
  // registered after that notify (the kernel picks whom to wake). Returning lets every sleeper's
  // caller re-check its own condition, so no wake-up is lost to such a theft.
  template <class Exec>
  bool wait(std::uint32_t key, std::uint64_t deadline_ns, Exec& ex) noexcept {
    bool in_time = true;
    if (deadline_ns != no_deadline && ex.now_ns() >= deadline_ns) {
      in_time = false;
    } else {
      ex.wait_on(word_, key, deadline_ns);  // futex: sleeps only while word_ == key
      // (E4) acquire: pairs with (E3); what the notifier did before notifying is visible.
      const std::uint32_t cur = word_.load(std::memory_order_acquire);
      if ((cur & ~sleeper_mask) == (key & ~sleeper_mask) && deadline_ns != no_deadline &&
          ex.now_ns() >= deadline_ns)
        in_time = false;
    }
    // relaxed: see cancel_wait().
    word_.fetch_sub(sleeper_one, std::memory_order_relaxed);
    return in_time;
  }
  // (E3) Bump the epoch; wake one or all registered sleepers. seq_cst RMW: the caller changed the
  // condition before calling; pairs with (E1)/(E4).
  // Not nonblocking: a futex wake when a sleeper is registered. The real-time entry points that
  // call it mark the call unchecked, with the reason; RealtimeSanitizer then reports the wake if
  // a real-time caller ever makes it.
  template <class Exec>
  void notify(Exec& ex, bool all) noexcept {
    const std::uint32_t prev = word_.fetch_add(epoch_one, std::memory_order_seq_cst);
    if ((prev & sleeper_mask) != 0) ex.wake(word_, all);
  }
  // ERRGROUP_THREADS=0 (config.hpp): no sleeper registers and nobody is woken; the word is an
  // event epoch the main loop reads before it looks at its condition (idle_key) and the port's
  // idle re-reads with interrupts masked before it sleeps (wait_on). An interrupt handler that
  // changes a waiter's condition bumps it afterwards (bump), so the masked re-read sees it.
  // (I1) acquire: pairs with (I2); what the handler did before bumping is visible.
  std::uint32_t idle_key() const noexcept ERRGROUP_NONBLOCKING {
    return word_.load(std::memory_order_acquire);
  }
  // (I2) release: pairs with (I1) and with the port's masked re-read.
  void bump() noexcept ERRGROUP_NONBLOCKING {
    word_.fetch_add(epoch_one, std::memory_order_release);
  }
  atomic<std::uint32_t>& word() noexcept { return word_; }

  // For the submit fast path, after a seq_cst fence: are there sleepers to wake at all?
  bool has_sleepers() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: ordered by the caller's seq_cst fence (F1), which pairs with (E1).
    return (word_.load(std::memory_order_relaxed) & sleeper_mask) != 0;
  }

 private:
  atomic<std::uint32_t> word_{0};
};

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_EVENTCOUNT_HPP
