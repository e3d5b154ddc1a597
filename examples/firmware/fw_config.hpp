// SPDX-License-Identifier: BSL-1.0
// firmware/fw_config.hpp — errgroup configuration for the firmware images, force-included
// (-include) before any errgroup header.
//  * ERRGROUP_ASSERT: the default (assert) pulls __assert_func -> fiprintf -> malloc into the
//    image; report through semihosting instead.
//  * ERRGROUP_STATS 0: Cortex-M has no lock-free 64-bit atomics (the counters are 64-bit).
//  * ERRGROUP_CACHE_LINE 8: Cortex-M3/M4 have no data cache and one core; padding hot fields to
//    64 B would only waste RAM (8 = alignof(max_align_t), the slots' own alignment).
//  * ERRGROUP_ATOMIC_CRITICAL on armv6-m (below).
#ifndef FW_CONFIG_HPP
#define FW_CONFIG_HPP

extern "C" [[noreturn]] void fw_assert_failed(const char* msg) noexcept;
#if FW_NO_ASSERTS  // the size probe's variant that measures what the checks cost
#define ERRGROUP_ASSERT(cond, msg) ((void)sizeof(cond))
#elif FW_ASSERT_NO_MESSAGE  // ... and the one that keeps the checks, drops their messages' text
#define ERRGROUP_ASSERT(cond, msg) ((cond) ? (void)0 : fw_assert_failed("errgroup"))
#else
#define ERRGROUP_ASSERT(cond, msg) ((cond) ? (void)0 : fw_assert_failed(msg))
#endif
#define ERRGROUP_STATS 0
// A superloop image: no threads, so waits idle instead of parking (errgroup/config.hpp). The
// workload is also built with 1, the default (firmware_workload_threads).
#ifndef ERRGROUP_THREADS
#define ERRGROUP_THREADS 0
#endif
#define ERRGROUP_CACHE_LINE 8
// Cortex-M0/M0+ (armv6-m, no compare-and-swap): the opt-in critical-section mode
// (errgroup/atomic.hpp). One core, so masking interrupts is enough; the RP2040 image
// (fw_rp2040_spinlock) defines a hardware-spinlock section before this.
#if defined(__ARM_ARCH_6M__) && !defined(ERRGROUP_ATOMIC_CRITICAL)
#define ERRGROUP_ATOMIC_CRITICAL errgroup::irq_mask_critical
#endif

#endif  // FW_CONFIG_HPP
