// SPDX-License-Identifier: BSL-1.0
// tests/critical/spin_critical.hpp — force-included (-include) by test_critical_atomic: runs the
// hosted suite with errgroup::atomic<T> in its ERRGROUP_ATOMIC_CRITICAL form (errgroup/atomic.hpp),
// the mode for cores without compare-and-swap. The section here is one global test-and-set
// spinlock, the host's stand-in for an RP2040 hardware spinlock: real threads on two cores run every
// read-modify-write and store of the core through it, so the mode's logic is tested here, where it
// can race, and not only on a one-core QEMU board.
#ifndef ERRGROUP_TEST_SPIN_CRITICAL_HPP
#define ERRGROUP_TEST_SPIN_CRITICAL_HPP

#include <atomic>
#include <cstdint>

namespace errgroup_test {
struct spin_critical {
  static std::uint32_t enter() noexcept {
    // acquire: pairs with leave()'s release; the previous holder's section happens-before ours.
    while (lock().test_and_set(std::memory_order_acquire)) {
    }
    sections().fetch_add(1,
                         std::memory_order_relaxed);  // relaxed: a count the tests read after joins
    return 0;
  }
  static void leave(std::uint32_t) noexcept {
    lock().clear(std::memory_order_release);  // release: pairs with enter()'s acquire
  }
  static std::atomic<std::uint64_t>& sections() noexcept {
    static std::atomic<std::uint64_t> n{0};
    return n;
  }

 private:
  static std::atomic_flag& lock() noexcept {
    static std::atomic_flag f = ATOMIC_FLAG_INIT;
    return f;
  }
};
}  // namespace errgroup_test

#define ERRGROUP_ATOMIC_CRITICAL ::errgroup_test::spin_critical

#endif  // ERRGROUP_TEST_SPIN_CRITICAL_HPP
