// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/job_state.hpp — a task slot's claim word (job::state) as a value type.
//
// Layout: [ticket: 30 bits][phase: 2 bits]. Phases, in the order a slot goes through them:
//   free     no task in the slot; a submitter may claim it (CAS free -> filling)
//   filling  a submitter owns the slot and is constructing the callable
//   queued   the executor queued the job; the ticket names its queue entry (written by the
//            executor between claiming the entry and publishing it). Whoever takes the entry —
//            a worker popping it, or the group's own helper revoking it by ticket — owns the task.
//   running  the owner runs (or skips) the task; it stores `free` when the callable is destroyed
// Only `free` -> `filling` is a CAS (the slot's allocation). Every other transition is a store by
// the slot's current owner; the queued phase is a hint for the group's helpers, never a claim:
// ownership of a queued task is decided by the queue entry (mpmc_ring.hpp, "Tickets"). A stale
// `queued` (the owner has not yet stored `running`) only makes a helper's revoke fail.
#ifndef ERRGROUP_DETAIL_JOB_STATE_HPP
#define ERRGROUP_DETAIL_JOB_STATE_HPP

#include <cstdint>

namespace errgroup {
namespace detail {

class job_state {
 public:
  enum class phase : std::uint32_t { free = 0, filling = 1, queued = 2, running = 3 };
  static constexpr std::uint32_t ticket_bits = 30;
  static constexpr std::uint32_t ticket_mask = (std::uint32_t{1} << ticket_bits) - 1;

  constexpr explicit job_state(std::uint32_t bits) noexcept : bits_(bits) {}
  static constexpr job_state of(phase p) noexcept {
    return job_state(static_cast<std::uint32_t>(p));
  }
  static constexpr job_state queued(std::uint32_t ticket) noexcept {
    return job_state(((ticket & ticket_mask) << 2) | static_cast<std::uint32_t>(phase::queued));
  }

  constexpr phase get_phase() const noexcept { return static_cast<phase>(bits_ & 3u); }
  constexpr bool is(phase p) const noexcept { return get_phase() == p; }
  constexpr std::uint32_t ticket() const noexcept { return bits_ >> 2; }
  constexpr std::uint32_t bits() const noexcept { return bits_; }

 private:
  std::uint32_t bits_;
};

static_assert(job_state::queued(5).ticket() == 5 &&
                  job_state::queued(5).is(job_state::phase::queued),
              "job_state packs the ticket above the phase");
static_assert(job_state::queued(job_state::ticket_mask).ticket() == job_state::ticket_mask,
              "job_state holds a 30-bit ticket");

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_JOB_STATE_HPP
