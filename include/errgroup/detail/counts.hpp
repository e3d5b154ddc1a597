// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/counts.hpp — how a group counts its outstanding tasks on two cache lines, and who
// is parked waiting for the count to move.
//
// Counting. Submitting and finishing write different cache lines, so that a task's round trip
// does not move one contended line back and forth twice:
//  * A reservation CASes `submitted` (the submitters' line). Without a limit below the capacity it
//    checks the room against `finished_seen`, a finished count read earlier, and reads the
//    finishers' line (A1) only when that shows the group full.
//  * A finisher adds to the finished count in `done` (R1), its last access to the group.
//  * Outstanding = submitted - finished (mod 2^16: Capacity < 2^16), read as done (acquire) THEN
//    submitted. Why that order is exact: every finish counted in the done value read was of a
//    task whose reservation happens-before that finish (go() -> queue push -> take -> run), and
//    so before our later load of submitted, which therefore counts it too. So finished <=
//    submitted in what we read, and equality means every task submitted by then has finished.
//
// The done word, as a value (done_word): [finished: 16][waiters' target: 8][blocked go(): 4]
// [parked wait(): 4]. The finished count is the top field, so adding to it wraps out of the word
// instead of carrying into the others. Threads register in it before they park (detail/park.hpp),
// so that the finisher's one RMW (R1) also tells it whether anyone must be woken:
//  * a parked wait() registers the submitted count it saw (its target, low 8 bits) and is woken
//    when the finished count passes it (so also once per 256 finishes before it, spuriously; it
//    re-checks);
//  * a go() waiting for room is woken by every finish.
// The wake-up goes to the port's park event count (executor.hpp, park_ec()), never to the group,
// which may be destroyed the moment (R1) lets its waiter return.
#ifndef ERRGROUP_DETAIL_COUNTS_HPP
#define ERRGROUP_DETAIL_COUNTS_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"

namespace errgroup {
namespace detail {

inline constexpr std::uint32_t count_mask = (1u << 16) - 1;

// Who is parked on a group's count.
enum class parker : std::uint8_t { waiter, submitter };

class done_word {
 public:
  constexpr explicit done_word(std::uint32_t bits) noexcept : bits_(bits) {}

  constexpr std::uint32_t bits() const noexcept { return bits_; }
  constexpr std::uint32_t finished() const noexcept { return bits_ >> finished_shift; }
  constexpr std::uint32_t target() const noexcept { return (bits_ >> target_shift) & target_mask; }
  constexpr std::uint32_t parked(parker p) const noexcept { return (bits_ & field(p)) / one(p); }
  constexpr bool anyone_parked() const noexcept {
    return (bits_ & (field(parker::waiter) | field(parker::submitter))) != 0;
  }
  constexpr bool full(parker p) const noexcept { return (bits_ & field(p)) == field(p); }

  // The value after one more parker of kind p (a waiter also writes its target).
  constexpr done_word with(parker p, std::uint32_t target) const noexcept {
    const std::uint32_t b = bits_ + one(p);
    if (p == parker::submitter) return done_word(b);
    return done_word((b & ~(target_mask << target_shift)) |
                     ((target & target_mask) << target_shift));
  }
  // What to subtract when a parker of kind p leaves.
  static constexpr std::uint32_t one(parker p) noexcept {
    return p == parker::waiter ? waiter_one : blocked_one;
  }
  // What to add for n finished tasks.
  static constexpr std::uint32_t finishes(std::uint32_t n) noexcept { return n << finished_shift; }

  // This is the value before n finishes: must the finisher wake the parked threads?
  constexpr bool wake_after(std::uint32_t n) const noexcept {
    const std::uint32_t passed = (target() - finished() - 1) & target_mask;
    return (parked(parker::waiter) != 0 && passed < n) || parked(parker::submitter) != 0;
  }

 private:
  static constexpr std::uint32_t waiter_one = 1u;
  static constexpr std::uint32_t blocked_one = 1u << 4;
  static constexpr std::uint32_t target_shift = 8;
  static constexpr std::uint32_t target_mask = 0xFFu;
  static constexpr std::uint32_t finished_shift = 16;
  static constexpr std::uint32_t field(parker p) noexcept {
    return p == parker::waiter ? 0xFu : 0xFu << 4;
  }
  std::uint32_t bits_;
};

// Tasks submitted and not finished, from a submitted count and a done word.
constexpr std::uint32_t outstanding(std::uint32_t submitted, done_word d) noexcept {
  return (submitted - d.finished()) & count_mask;
}

static_assert(done_word(0).with(parker::waiter, 7).target() == 7, "target field");
static_assert(done_word(0).with(parker::submitter, 0).parked(parker::submitter) == 1, "blocked");
static_assert(done_word(done_word::finishes(0xFFFF)).finished() == 0xFFFF, "16-bit finished");
static_assert(!done_word(0).with(parker::waiter, 3).wake_after(2) &&
                  done_word(0).with(parker::waiter, 3).wake_after(3),
              "a waiter with target 3 is woken by the finish that makes the count 3");

// The counting fields, grouped by who writes them: `done` on the finishers' line, the rest on
// the submitters' line. The layout is checked at compile time below.
struct counts {
  // Written by finishers (R1), and by threads registering to park (A3)/(B1).
  alignas(cache_line) atomic<std::uint32_t> done{0};
  // Written by submitters only (and set_limit()).
  alignas(cache_line) atomic<std::uint32_t> submitted{0};
  atomic<std::uint32_t> finished_seen{0};  // reserve()'s hint: a finished count read earlier
  atomic<std::uint32_t> cursor{0};         // claim_slot()'s first probe
  atomic<std::uint32_t> limit{~std::uint32_t{0}};
};

static_assert(offsetof(counts, submitted) - offsetof(counts, done) >= cache_line,
              "a submitter's fields must not share the finishers' cache line");
static_assert(offsetof(counts, limit) - offsetof(counts, submitted) ==
                  3 * sizeof(atomic<std::uint32_t>),
              "the submitters' fields are packed together after `submitted`");

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_COUNTS_HPP
