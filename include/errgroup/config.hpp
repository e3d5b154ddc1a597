// SPDX-License-Identifier: BSL-1.0
// errgroup/config.hpp — compile-time configuration: the precondition hook, feature detection, the
// cache-line constant. Every macro is ERRGROUP_-prefixed; each can be defined by the user before the
// first include.
#ifndef ERRGROUP_CONFIG_HPP
#define ERRGROUP_CONFIG_HPP

#include <cstddef>
#include <cstdint>

// ERRGROUP_ASSERT(cond, "message"): the one hook for violated preconditions (contract breaches that
// have no status to return, such as destroying an executor that groups still use). Default: the
// standard assert, so it is active in debug builds and compiled out with NDEBUG. A FreeRTOS build
// can map it to configASSERT; tests map it to a recorder.
#ifndef ERRGROUP_ASSERT
#include <cassert>
#define ERRGROUP_ASSERT(cond, msg) assert((cond) && (msg))
#endif

// Exceptions: detected from the compiler; the core compiles with -fno-exceptions.
#ifndef ERRGROUP_HAS_EXCEPTIONS
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define ERRGROUP_HAS_EXCEPTIONS 1
#else
#define ERRGROUP_HAS_EXCEPTIONS 0
#endif
#endif

// Tuning counters (tasks run/skipped, high-water marks of concurrency and queue depth). Off by
// default: they cost relaxed read-modify-writes on lines that submitters and workers share (three
// per task in the group, two or three per job in the executor, plus a compare loop when a mark
// rises) — a measurable share of an empty task's cost (bench/reference/README.md). Define to 1
// for a tuning build; with 0 the stats() accessors report zeros.
#ifndef ERRGROUP_STATS
#define ERRGROUP_STATS 0
#endif

// Threads. 1 (default): executors may have worker threads, and a waiter that has nothing to run
// parks (registers, sleeps on the port's event count, is woken by whoever finishes or stops).
// 0: a single-threaded image, for a bare-metal superloop — every executor has no workers
// (cooperative_executor) or runs tasks inline, tasks run only on the main loop, and interrupt
// handlers may only submit (try_go) and stop. A waiter that has nothing to run then idles once
// (the port checks an event word with interrupts masked and sleeps until the next interrupt) and
// looks again: nobody else runs tasks, so nobody needs waking, and the parking protocol (parker
// registration, wake-ups on finish, the spin phases) is not compiled in. Interrupt-side submits
// and stops bump the event word, so a waiter never sleeps through one (tests/model/idle.pml).
// The threaded ports (std_thread.hpp, freertos.hpp) refuse to compile with 0, and so does a
// basic_executor on any port that does not declare `static constexpr bool threadless = true;`
// (the bare-metal port does). Set it the same way
// in every translation unit of the image (as every ERRGROUP_ macro). docs/firmware.md: sizes.
#ifndef ERRGROUP_THREADS
#define ERRGROUP_THREADS 1
#endif

// Cache-line size used for padding between groups of hot fields. 64 on x86-64 and most aarch64
// cores; override (e.g. 128 for Apple M-series, 32 for Cortex-M7's L1) before including.
// Deliberately not std::hardware_destructive_interference_size: GCC warns that it may change
// between compiler versions (ABI drift) and clang 14 with libstdc++ does not provide it.
#ifndef ERRGROUP_CACHE_LINE
#define ERRGROUP_CACHE_LINE 64
#endif

// [[clang::nonblocking]]: on the functions a real-time thread calls (try_go, stop, close, the
// queries). clang 20+ checks at compile time (-Wfunction-effects) that nothing they reach
// allocates, locks, throws or calls an unannotated opaque function, and RealtimeSanitizer
// (-fsanitize=realtime) reports at run time any system call or allocation made while such a
// function is on the stack. Empty where the attribute is unknown. Proven by ctest
// nonblocking_static_check and rtsan_realtime (tests/effects/).
#if defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::nonblocking)
#define ERRGROUP_NONBLOCKING [[clang::nonblocking]]
#endif
#endif
#ifndef ERRGROUP_NONBLOCKING
#define ERRGROUP_NONBLOCKING
#endif

// Nonblocking only without exceptions: reset() may release a stored exception_ptr (a free).
#if ERRGROUP_HAS_EXCEPTIONS
#define ERRGROUP_NONBLOCKING_WITHOUT_EXCEPTIONS
#else
#define ERRGROUP_NONBLOCKING_WITHOUT_EXCEPTIONS ERRGROUP_NONBLOCKING
#endif

// Around the only calls on a nonblocking path that the compile-time analysis cannot prove, each
// with a comment saying why it is still real-time safe in the real-time configuration (a futex
// wake made only when a thread is parked; a task run by the inline executor on the caller's own
// thread). RealtimeSanitizer still checks them at run time.
#if defined(__clang__) && defined(__has_warning)
#if __has_warning("-Wfunction-effects")
#define ERRGROUP_EFFECTS_UNCHECKED_BEGIN \
  _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wfunction-effects\"")
#define ERRGROUP_EFFECTS_UNCHECKED_END _Pragma("clang diagnostic pop")
#endif
#endif
#ifndef ERRGROUP_EFFECTS_UNCHECKED_BEGIN
#define ERRGROUP_EFFECTS_UNCHECKED_BEGIN
#define ERRGROUP_EFFECTS_UNCHECKED_END
#endif

namespace errgroup {
inline constexpr std::size_t cache_line = ERRGROUP_CACHE_LINE;
inline constexpr bool has_threads = ERRGROUP_THREADS != 0;  // see ERRGROUP_THREADS
static_assert((cache_line & (cache_line - 1)) == 0, "ERRGROUP_CACHE_LINE must be a power of two");
}  // namespace errgroup

// errgroup::atomic<T>: std::atomic<T>, or the critical-section form for cores without
// compare-and-swap (ERRGROUP_ATOMIC_CRITICAL).
#include "atomic.hpp"

#endif  // ERRGROUP_CONFIG_HPP
