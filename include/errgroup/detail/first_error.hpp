// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/first_error.hpp — the first-error slot: exactly one task's error wins.
//
// A one-word state CAS (empty -> writing, strong, one shot) decides the winner, which writes the
// error (and, with exceptions, the exception it threw) and then publishes it (writing -> set,
// release). Losers read nothing. A reader sees the error only once it is set (acquire).
//
// Rejected design: one atomic<error>: error is two words, so a CAS on it is not lock-free on
// targets without a double-width CAS.
#ifndef ERRGROUP_DETAIL_FIRST_ERROR_HPP
#define ERRGROUP_DETAIL_FIRST_ERROR_HPP

#include <atomic>
#include <cstdint>
#include <utility>

#include "../config.hpp"
#include "../error.hpp"
#include "task_slot.hpp"

namespace errgroup {
namespace detail {

class first_error_slot {
 public:
  // Offers e (and the exception in *thrown, if any) as the first error. True if it won.
  bool offer(const error& e, exception_holder* thrown) noexcept {
    std::uint32_t expected = empty;
    // Strong CAS, one shot: exactly one task wins. acquire on success: orders our write of the
    // error after winning; relaxed on failure: losers read nothing.
    if (!state_.compare_exchange_strong(expected, writing, std::memory_order_acquire,
                                        std::memory_order_relaxed))
      return false;
    error_ = e;
#if ERRGROUP_HAS_EXCEPTIONS
    if (thrown != nullptr && *thrown) exception_ = std::move(*thrown);
#else
    (void)thrown;
#endif
    // (R2) release: publishes the error; pairs with (A2) in get().
    state_.store(set, std::memory_order_release);
    return true;
  }

  // The first error, or success if none is set (yet).
  error get() const noexcept ERRGROUP_NONBLOCKING {
    // (A2) acquire: pairs with (R2): the winner's write of the error is visible.
    if (state_.load(std::memory_order_acquire) == set) return error_;
    return error{};
  }

#if ERRGROUP_HAS_EXCEPTIONS
  // The first failure's exception (null if it returned an error). Call after get() saw it set.
  const std::exception_ptr& exception() const noexcept { return exception_; }
#endif

  // Precondition: no task can offer meanwhile (the group is idle).
  void reset() noexcept ERRGROUP_NONBLOCKING_WITHOUT_EXCEPTIONS {
    // relaxed: reset happens after wait() observed every task finished, and before the next
    // go(), whose queue push (release) publishes it to the workers.
    state_.store(empty, std::memory_order_relaxed);
    error_ = error{};
#if ERRGROUP_HAS_EXCEPTIONS
    exception_ = nullptr;
#endif
  }

 private:
  static constexpr std::uint32_t empty = 0, writing = 1, set = 2;
  atomic<std::uint32_t> state_{empty};
  error error_{};
#if ERRGROUP_HAS_EXCEPTIONS
  std::exception_ptr exception_{};
#endif
};

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_FIRST_ERROR_HPP
