// SPDX-License-Identifier: BSL-1.0
// errgroup/bare_metal.hpp — the bare-metal port: no RTOS, no threads, one core. For the superloop
// firmware that has a main loop and interrupt handlers and nothing else. This file assumes no
// architecture; the target's file (bare_metal_cortex_m.hpp, included here on Cortex-M) supplies the
// clock, the idle and the interrupt test.
//
// Provides:
//   errgroup::basic_bare_metal_port<Clock, Idle, Interrupts>  the port traits (errgroup/port.hpp)
//   errgroup::basic_cooperative_executor<Port, Queue>  basic_executor with no workers: jobs run on
//                                                  the main loop, from poll(), and inside wait()
//                                                  and a blocked go() (helping)
//   errgroup::spin_idle, errgroup::no_clock, errgroup::no_interrupts
// and on Cortex-M (bare_metal_cortex_m.hpp): errgroup::cooperative_executor<QueueCapacity = 32>,
//   errgroup::bare_metal_port, errgroup::systick_clock, errgroup::wfi_idle, cortex_m_interrupts.
//
// How tasks run. Nothing runs a task behind the main loop's back: a task submitted with go() or
// try_go() sits in the executor's queue until the main loop calls ex.poll() (which runs any
// group's queued jobs: the main loop's explicit choice), or until the main loop waits for a group
// — wait() and a go() blocked at the limit run that group's own queued tasks (the core's
// help_policy::own_tasks, the default; never another group's). A timed wait (wait_for) runs
// nothing by default: with no workers, give the group help_policy::own_tasks_timed or call
// ex.poll() before it, or its tasks wait for the next poll(). So a group with a limit of n never
// has more than n of its tasks outstanding, and "at once" means "started and not finished", which
// on one core is at most the nesting depth of waits inside tasks (executor_options::max_depth,
// default 16 here: go() beyond it refuses with status::too_deep).
//
//   errgroup::cooperative_executor<32> ex;       // static storage: a global or a static local
//   errgroup::group<8> g(ex, errgroup::group_options::with_context());
//   (void)g.set_limit(2);
//   for (auto& ch : channels) (void)g.go([&ch] { return ch.calibrate(); });
//   errgroup::error err = g.wait();                // runs the tasks here, stops at the first error
//
// Interrupt handlers may submit with try_go() (never go(), wait() or anything that blocks): the
// task runs later, on the main loop, from poll() or a wait(). The queue and the group's counters
// are atomic, so an interrupt that preempts the main loop half-way through a submit or a pop
// finds a consistent state (at worst a full cell it reports as status::queue_full). An interrupt's
// submit is not nested in the main loop's task frames (Interrupts::in_interrupt()), so it never
// gets status::too_deep. help_policy::never is refused on this port (asserted): with no workers,
// nobody else would ever run the tasks.
//
// Waiting. With no threads, a waiter's condition can only change in an interrupt handler (a task
// submitted from an ISR) or never. wait_on() therefore never sleeps unconditionally: it runs
// Idle::idle_unless(changed) once and returns (callers re-check and re-read the clock).
// spin_idle (default): a compiler barrier, safe with no interrupt source at all. A sleeping idle
// (Cortex-M: wfi_idle) checks the word with interrupts masked, then sleeps until an interrupt.
//
// Clock. now_ns() is Clock::now_ns(): a type with `static std::uint64_t now_ns() noexcept`,
// monotonic (Cortex-M: systick_clock; or a hardware timer, DWT->CYCCNT extended to 64 bits: a
// one-function type). no_clock reads 0: every deadline in the future then never expires
// (wait_for only returns ok).
//
// context() is one global thread_context: the main loop and the interrupt handlers share it, and
// the core touches it only on paths an ISR must not take (go(), wait(), running a task).
//
// Requirements: 32-bit compare-and-swap (armv7-m: Cortex-M3/M4/M7, armv8-m: M23 main, M33, M55;
// anything with lock-free std::atomic<uint32_t>), or the opt-in critical-section mode for cores
// without it (Cortex-M0/M0+: ERRGROUP_ATOMIC_CRITICAL, errgroup/atomic.hpp). Build with
// ERRGROUP_STATS 0 on 32-bit cores without lock-free 64-bit atomics (all Cortex-M): the stats
// counters are 64-bit.
#ifndef ERRGROUP_BARE_METAL_HPP
#define ERRGROUP_BARE_METAL_HPP

#include <atomic>
#include <cstdint>
#include <utility>

#include <errgroup/compact.hpp>
#include <errgroup/errgroup.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

namespace errgroup {

// ---- idle policies ------------------------------------------------------------------------------

// Spin once: never sleeps. Safe with no interrupt source at all.
struct spin_idle {
  static void idle() noexcept {
    std::atomic_signal_fence(std::memory_order_seq_cst);  // a compiler barrier: re-read memory
  }
  // Masking is not needed for a spin: the caller re-checks right after.
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    if (!changed()) idle();
  }
};

// Reads 0: deadlines never expire. For firmware that never uses wait_for/wait_until.
struct no_clock {
  static std::uint64_t now_ns() noexcept { return 0; }
};

// No interrupt handler ever submits (or the target cannot tell): every submit counts as nested in
// the main loop's frames for the depth check. A target's file supplies the real one (Cortex-M:
// cortex_m_interrupts reads IPSR).
struct no_interrupts {
  static bool in_interrupt() noexcept { return false; }
};

// ---- the port -----------------------------------------------------------------------------------

template <class Clock, class Idle = spin_idle, class Interrupts = no_interrupts>
struct basic_bare_metal_port {
  struct thread_handle {};                  // no threads
  static constexpr bool threadless = true;  // so ERRGROUP_THREADS=0 may use it (config.hpp)

  // There are no threads to start: an executor on this port has no workers.
  static bool start_thread(thread_handle&, void (*)(void*), void*, const executor_options&,
                           std::uint32_t, worker_report&) noexcept {
    return false;
  }
  static void join_thread(thread_handle&) noexcept {}

  // Returns at once if word != expected or the deadline has passed; otherwise runs Idle once
  // (checking both again with interrupts masked first, for wfi_idle) and returns. Never blocks
  // for good: the core's callers loop, re-check their condition and the deadline. The deadline is
  // in the masked check because the clock's interrupt does not move the word: a tick that reaches
  // the deadline between the caller's look and the masking would otherwise be slept through, to
  // the next tick (tests/model/idle.pml, BROKEN_CLOCK_UNMASKED).
  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    // relaxed: the caller's (E4)/(I1) acquire re-load orders what follows; one core.
    Idle::idle_unless([&] {
      return word.load(std::memory_order_relaxed) != expected ||
             (deadline_ns != no_deadline && Clock::now_ns() >= deadline_ns);
    });
  }
  // Idle once unless changed() (checked with interrupts masked by a sleeping Idle): the compact
  // executor's sleep and its watching timed wait (errgroup/compact.hpp).
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    Idle::idle_unless(std::forward<F>(changed));
  }
  // Nothing sleeps but the main loop, and it is woken by the interrupt that called this.
  static void wake(atomic<std::uint32_t>&, bool) noexcept {}

  static std::uint64_t now_ns() noexcept { return Clock::now_ns(); }
  static void relax() noexcept { spin_idle::idle(); }
  static void yield() noexcept { spin_idle::idle(); }  // no other thread to yield to

  static thread_context& context() noexcept {
    static thread_context ctx;  // constant-initialised: one per program, no guard
    return ctx;
  }
  static std::uint32_t default_workers() noexcept { return 0; }
  // An interrupt handler's submit (try_go) is not nested in the main loop's task frames: it skips
  // the depth check (executor_options::max_depth; default 16 on this port).
  static bool in_interrupt() noexcept { return Interrupts::in_interrupt(); }
};

// ---- the executor -------------------------------------------------------------------------------

// The core's basic_executor on this port: start_thread() starts nothing and default_workers() is
// 0, so it has no workers. Jobs wait in the bounded lock-free queue until the main loop drains
// it (ex.poll()) or a waiter helps. try_submit is the core's (push, fence (F1), notify if a
// waiter is registered): callable from an interrupt handler; a main loop parked in wait() on the
// event count sees a task an ISR submitted.
template <class Port, class Queue>
using basic_cooperative_executor = basic_executor<Port, Queue, 1>;

}  // namespace errgroup

// The target's own file: clock, idle and interrupt hooks, and the ready-made aliases. An RV32 (or
// any other) target is one more such file; nothing above assumes an architecture.
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#include "bare_metal_cortex_m.hpp"
#endif

#endif  // ERRGROUP_BARE_METAL_HPP
