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
struct stop_state {
  std::atomic<std::uint32_t> flag{0};
  const stop_state* parent = nullptr;

  bool requested() const noexcept {
    for (const stop_state* s = this; s != nullptr; s = s->parent)
      // (T1) acquire: pairs with (T2) in request(); what the stopper did before stop() is
      // visible to a task that sees the stop.
      if (s->flag.load(std::memory_order_acquire) != 0) return true;
    return false;
  }
  // Returns true if this call set the flag.
  bool request() noexcept {
    // (T2) seq_cst: release half pairs with (T1); seq_cst because group::stop() follows it with a
    // load of the group's done_ word (store->load against a parked go(), see group.hpp).
    return flag.exchange(1, std::memory_order_seq_cst) == 0;
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
