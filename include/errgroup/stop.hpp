// errgroup/stop.hpp — cooperative cancellation: an atomic stop flag per group, optionally linked to
// a parent group's flag so that stopping a parent stops every descendant (Go: a context derived
// from a parent context).
#ifndef ERRGROUP_STOP_HPP
#define ERRGROUP_STOP_HPP

#include <atomic>
#include <cstdint>

#include "config.hpp"

namespace errgroup {

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
  std::atomic<std::uint32_t> flag{0};
  std::atomic<std::uint32_t> parked_below{0};  // threads parked in linked descendants
  stop_state* parent = nullptr;

  bool requested() const noexcept ERRGROUP_NONBLOCKING {
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      // (T1) acquire: pairs with (T2) in request(); what the stopper did before stop() is
      // visible to a task that sees the stop.
      if (s->flag.load(std::memory_order_acquire) != 0) return true;
    return false;
  }
  // The re-check of a thread about to park, after its registrations (P1) and (A3)/(B1).
  bool requested_after_registering() const noexcept {
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      // (T3) seq_cst: the load half of store->load against stop() (T2 then P2 / its done_ load).
      if (s->flag.load(std::memory_order_seq_cst) != 0) return true;
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
  const detail::stop_state* s_;
};

}  // namespace errgroup

#endif  // ERRGROUP_STOP_HPP
