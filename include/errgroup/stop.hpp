// SPDX-License-Identifier: BSL-1.0
// errgroup/stop.hpp — cooperative cancellation: an atomic stop flag per group, optionally linked to
// a parent group's flag so that stopping a parent stops every descendant (Go: a context derived
// from a parent context).
#ifndef ERRGROUP_STOP_HPP
#define ERRGROUP_STOP_HPP

#include <atomic>
#include <cstdint>

#include "config.hpp"
#include "executor.hpp"

namespace errgroup {

template <class F>
class stop_callback;

namespace detail {
// One group's stop flag plus a link to its parent's. The chain is walked on each query (pull
// model): no registration, no list to lock, cost = one acquire load per level.
//
// Waking a descendant. A thread parked in a linked descendant group (a wait(), or a go() waiting
// for room) must learn of a stop of any ancestor at once, but the ancestor knows nothing of its
// descendants. So the parked thread counts itself in every ancestor's `parked_below` (P1) before
// it re-checks the flags (T3) and sleeps; stop() reads its own `parked_below` (P2) after setting
// its flag (T2) and, if anyone is parked below, notifies the event count they sleep on (all groups
// of one port park on one, executor.hpp park_ec()). Store->load on both sides, all seq_cst: either
// the parked thread sees the flag or the stopper sees the count.
struct stop_state {
  atomic<std::uint32_t> flag{0};
  atomic<std::uint32_t> parked_below{0};  // threads parked in linked descendants
  stop_state* parent = nullptr;
  executor_base* ex = nullptr;  // the group's executor (a stop_callback's thread identity, wait)
  // The group's deadline (group_base::stop_at: Go's WithDeadline) on the port's clock, in ns, as
  // two halves (a 64-bit atomic is not lock-free on 32-bit cores); high half ~0: none. Written
  // only while the group is idle, before the go() calls that publish it (their queue push).
  atomic<std::uint32_t> deadline_hi{~std::uint32_t{0}};
  atomic<std::uint32_t> deadline_lo{~std::uint32_t{0}};

  bool has_deadline() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: written while idle and published by go() (see above).
    return deadline_hi.load(std::memory_order_relaxed) != ~std::uint32_t{0};
  }
  std::uint64_t deadline() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: as has_deadline().
    return (std::uint64_t{deadline_hi.load(std::memory_order_relaxed)} << 32) |
           deadline_lo.load(std::memory_order_relaxed);
  }
  void set_deadline(std::uint64_t ns) noexcept ERRGROUP_NONBLOCKING {
    // relaxed: as has_deadline(). Stored low half first: a reader that sees the high half set
    // by this call (published by go()) sees both.
    deadline_lo.store(static_cast<std::uint32_t>(ns), std::memory_order_relaxed);
    deadline_hi.store(static_cast<std::uint32_t>(ns >> 32), std::memory_order_relaxed);
  }
  // This group's own deadline has passed (a clock read only if it has one).
  bool own_deadline_passed() const noexcept ERRGROUP_NONBLOCKING {
    if (!has_deadline()) return false;
    // Unchecked: the port's clock (a vDSO clock_gettime, a tick-count read), never blocking.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    return ex->now_ns() >= deadline();
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  // The earliest deadline of this group and its ancestors (no_deadline if none): how long a
  // thread parked in this group may sleep before a deadline must be noticed.
  std::uint64_t earliest_deadline() const noexcept {
    std::uint64_t d = ~std::uint64_t{0};
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      if (s->has_deadline() && s->deadline() < d) d = s->deadline();
    return d;
  }

  bool requested() const noexcept ERRGROUP_NONBLOCKING {
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      // (T1) acquire: pairs with (T2) in request(); what the stopper did before stop() is
      // visible to a task that sees the stop.
      if (s->flag.load(std::memory_order_acquire) != 0 || s->own_deadline_passed()) return true;
    return false;
  }
  // The re-check of a thread about to park, after its registrations (P1) and (A3)/(B1).
  bool requested_after_registering() const noexcept {
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      // (T3) seq_cst: the load half of store->load against stop() (T2 then P2 / its done_ load).
      if (s->flag.load(std::memory_order_seq_cst) != 0 || s->own_deadline_passed()) return true;
    return false;
  }
  // Returns true if this call set the flag.
  bool request() noexcept {
    // (T2) seq_cst: release half pairs with (T1); seq_cst because stop() follows it with loads of
    // parked_below and the group's done_ word (store->load against a parking thread, see above).
    return flag.exchange(1, std::memory_order_seq_cst) == 0;
  }
  // A thread parks in (delta = +1) or leaves (-1) this group: count it in every ancestor.
  void count_parked_in_ancestors(std::uint32_t delta) noexcept {
    for (stop_state* s = parent; s != nullptr; s = s->parent)
      // (P1) seq_cst: the store half of store->load: the registration precedes the re-check (T3);
      // stop() reads it with (P2). Unregistering (delta = -1) publishes nothing but stays seq_cst
      // for simplicity: it is on the park path only.
      s->parked_below.fetch_add(delta, std::memory_order_seq_cst);
  }
  // (P2) seq_cst: anyone parked in a linked descendant? The load half of store->load after (T2).
  bool anyone_parked_below() const noexcept ERRGROUP_NONBLOCKING {
    return parked_below.load(std::memory_order_seq_cst) != 0;
  }
};
}  // namespace detail

// Handed to tasks that take one: `g.go([](errgroup::stop_token st) { while (!st.stop_requested())
// ...; })`. Valid while the task runs. Non-blocking guarantee: stop_requested() is loads only.
class stop_token {
 public:
  explicit stop_token(const detail::stop_state& s) noexcept : s_(&s) {}
  bool stop_requested() const noexcept ERRGROUP_NONBLOCKING { return s_->requested(); }

 private:
  template <class F>
  friend class stop_callback;
  const detail::stop_state* s_;
};

}  // namespace errgroup

#endif  // ERRGROUP_STOP_HPP
