// SPDX-License-Identifier: BSL-1.0
// errgroup/atomic.hpp — errgroup::atomic<T>, the one atomic type the core, its queues and its ports
// use. It is std::atomic<T>, except in the opt-in mode for cores without compare-and-swap.
//
// Cores without compare-and-swap (armv6-m: Cortex-M0/M0+; RP2040, STM32G0/L0/C0, SAMD21, nRF51)
// have atomic 32-bit loads and stores but no LDREX/STREX: std::atomic's read-modify-writes become
// calls to __atomic_*_4 functions that the toolchain does not provide. Define
//   ERRGROUP_ATOMIC_CRITICAL=<type>
// (before the first errgroup include, e.g. -DERRGROUP_ATOMIC_CRITICAL=errgroup::irq_mask_critical)
// and errgroup::atomic<T> becomes critical_atomic<T, type>: loads are plain atomic loads; every
// store, exchange, compare-exchange and fetch_op runs as load-modify-store between
// type::enter() and type::leave(). <type> has
//   static std::uint32_t enter() noexcept;       // begin the section; returns what leave() restores
//   static void leave(std::uint32_t) noexcept;   // end it
// and must make the section atomic with respect to every other errgroup access on the machine:
//   errgroup::irq_mask_critical  (below) PRIMASK save + cpsid i / restore: one core, so nothing but
//                                an interrupt can interleave, and it is masked. About 4 instructions
//                                of masking per operation. Not valid on a multi-core part.
//   a hardware spinlock          dual-core RP2040 (FreeRTOS SMP): mask interrupts and take one of
//                                the SIO spinlocks (pico-sdk spin_lock_blocking / spin_unlock),
//                                so the other core is excluded too. Stores go through the section
//                                for this case: a plain store from the other core could otherwise
//                                land inside a read-modify-write and be lost.
// This is not lock-free, and errgroup says so (errgroup::atomic_is_lock_free is false); it is still
// bounded: a section is a handful of instructions with no loop and no wait inside, so an interrupt
// is delayed by at most that many cycles (plus, with a spinlock, the other core's section). No
// global __atomic_* function is defined: they would collide with pico-sdk's and newlib's shims.
#ifndef ERRGROUP_ATOMIC_HPP
#define ERRGROUP_ATOMIC_HPP

#include <atomic>
#include <cstdint>
#include <type_traits>

// armv6-m without the opt-in: refuse with the way out, rather than fail to link on __atomic_*_4.
// clang-format off
#if !defined(ERRGROUP_ATOMIC_CRITICAL) && \
    (defined(__ARM_ARCH_6M__) || (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && \
                                  defined(__ARM_ARCH) && __ARM_ARCH < 7 && !defined(__ARM_ARCH_8M_BASE__)))
#error "errgroup: Cortex-M0/M0+ (armv6-m) has no compare-and-swap (no LDREX/STREX): std::atomic's read-modify-writes become __atomic_*_4 calls this toolchain does not provide. Opt in to the critical-section mode (not lock-free, still bounded): define ERRGROUP_ATOMIC_CRITICAL=errgroup::irq_mask_critical on a single-core part, or a hardware-spinlock type on a dual-core RP2040 (see errgroup/atomic.hpp)."
#endif
// clang-format on

namespace errgroup {

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
// One core: interrupts masked for the section (PRIMASK), restored to what they were (nests; safe
// from an interrupt handler). The "memory" clobbers keep the compiler from moving accesses across.
struct irq_mask_critical {
  static std::uint32_t enter() noexcept {
    std::uint32_t primask;
    __asm__ __volatile__("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
  }
  static void leave(std::uint32_t primask) noexcept {
    __asm__ __volatile__("msr primask, %0" ::"r"(primask) : "memory");
  }
};
#endif

// std::atomic<T>'s interface, as errgroup uses it, with read-modify-writes made atomic by
// Critical's section instead of by the hardware. T: at most a word (an integer or a pointer),
// whose plain loads and stores the hardware does atomically.
template <class T, class Critical>
class critical_atomic {
  static_assert(sizeof(T) <= sizeof(void*) && std::is_trivially_copyable<T>::value,
                "critical_atomic: word-sized (or smaller) integers and pointers only");

 public:
  static constexpr bool is_always_lock_free = false;

  // As std::atomic's: in C++17 the value is indeterminate until stored (C++20: zero). So an array
  // that its owner fills anyway (mpmc_ring's cells) is not zeroed first (on Cortex-M0+, that
  // zeroing linked memset).
  critical_atomic() noexcept = default;
  constexpr critical_atomic(T v) noexcept : v_{v} {}  // NOLINT: as std::atomic
  critical_atomic(const critical_atomic&) = delete;
  critical_atomic& operator=(const critical_atomic&) = delete;

  T load(std::memory_order o) const noexcept { return v_.load(o); }
  void store(T v, std::memory_order o) noexcept {
    (void)rmw(o, [v](T) { return v; });
  }
  T exchange(T v, std::memory_order o) noexcept {
    return rmw(o, [v](T) { return v; });
  }
  // The orders are required, as everywhere in errgroup (no seq_cst by default). Both std::atomic
  // forms: one order, or success and failure orders (the failure half is the section's and needs
  // nothing more).
  bool compare_exchange_strong(T& expected, T desired, std::memory_order o,
                               std::memory_order = std::memory_order_relaxed) noexcept {
    return cas(expected, desired, o);
  }
  // Never fails spuriously here; kept for the callers written against std::atomic.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order o,
                             std::memory_order = std::memory_order_relaxed) noexcept {
    return cas(expected, desired, o);
  }
  template <class D>
  T fetch_add(D d, std::memory_order o) noexcept {
    return rmw(o, [d](T x) { return static_cast<T>(x + static_cast<T>(d)); });
  }
  template <class D>
  T fetch_sub(D d, std::memory_order o) noexcept {
    return rmw(o, [d](T x) { return static_cast<T>(x - static_cast<T>(d)); });
  }
  T fetch_or(T m, std::memory_order o) noexcept {
    return rmw(o, [m](T x) { return static_cast<T>(x | m); });
  }
  T fetch_and(T m, std::memory_order o) noexcept {
    return rmw(o, [m](T x) { return static_cast<T>(x & m); });
  }

 private:
  // The ordering: a fence before (release half) and after (acquire half) the section, as strong
  // as the caller asked; relaxed asks for none. On one core a fence is only a dmb; with a
  // spinlock it is what orders this core's other accesses against the other core's.
  static void fence_before(std::memory_order o) noexcept {
    if (o != std::memory_order_relaxed && o != std::memory_order_acquire &&
        o != std::memory_order_consume)
      std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  static void fence_after(std::memory_order o) noexcept {
    if (o != std::memory_order_relaxed && o != std::memory_order_release)
      std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  template <class F>
  T rmw(std::memory_order o, F f) noexcept {
    fence_before(o);
    const std::uint32_t s = Critical::enter();
    // relaxed (both): the section makes the pair atomic; the fences order it.
    const T old = v_.load(std::memory_order_relaxed);
    v_.store(f(old), std::memory_order_relaxed);
    Critical::leave(s);
    fence_after(o);
    return old;
  }
  bool cas(T& expected, T desired, std::memory_order o) noexcept {
    fence_before(o);
    const std::uint32_t s = Critical::enter();
    // relaxed (all): inside the section; the fences order it.
    const T old = v_.load(std::memory_order_relaxed);
    const bool ok = old == expected;
    if (ok) v_.store(desired, std::memory_order_relaxed);
    Critical::leave(s);
    fence_after(o);
    expected = old;
    return ok;
  }

  std::atomic<T> v_;  // only its plain load/store are used: native on every core
};

#if defined(ERRGROUP_ATOMIC_CRITICAL)
template <class T>
using atomic = critical_atomic<T, ERRGROUP_ATOMIC_CRITICAL>;
inline constexpr bool atomic_is_lock_free = false;
#else
template <class T>
using atomic = std::atomic<T>;
inline constexpr bool atomic_is_lock_free = true;  // asserted where the core uses it
#endif

namespace detail {
// Raises a statistics high-water mark to v (ERRGROUP_STATS: the executor's queue depth, a group's
// running tasks). relaxed: statistics order nothing.
inline void raise_mark(atomic<std::uint32_t>& mark, std::uint32_t v) noexcept {
  std::uint32_t m = mark.load(std::memory_order_relaxed);
  while (v > m &&
         !mark.compare_exchange_weak(m, v, std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
}
}  // namespace detail

}  // namespace errgroup

#endif  // ERRGROUP_ATOMIC_HPP
