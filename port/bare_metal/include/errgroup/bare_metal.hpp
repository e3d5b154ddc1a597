// SPDX-License-Identifier: BSL-1.0
// errgroup/bare_metal.hpp — the bare-metal port: no RTOS, no threads, one core. For the superloop
// firmware that has a main loop and interrupt handlers and nothing else.
//
// Provides:
//   errgroup::basic_bare_metal_port<Clock, Idle>  the port traits (see errgroup/port.hpp)
//   errgroup::basic_cooperative_executor<Port, Queue>  basic_executor with no workers: jobs run on
//                                                  the main loop, from poll(), and inside wait()
//                                                  and a blocked go() (helping)
//   errgroup::cooperative_executor<QueueCapacity = 32>  the above with the systick clock (Cortex-M)
//                                                  and the in-house mpmc_ring (4 B + 1 pointer
//                                                  per entry)
//   errgroup::systick_clock, errgroup::wfi_idle, errgroup::spin_idle
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
// are lock-free, so an interrupt that preempts the main loop half-way through a submit or a pop
// finds a consistent state (at worst a full cell it reports as status::queue_full). An interrupt's
// submit is not nested in the main loop's task frames (in_interrupt(): IPSR), so it never gets
// status::too_deep. help_policy::never is refused on this port (asserted): with no workers,
// nobody else would ever run the tasks.
//
// Waiting. With no threads, a waiter's condition can only change in an interrupt handler (a task
// submitted from an ISR) or never. wait_on() therefore never sleeps unconditionally: it checks
// the word with interrupts masked and then runs the Idle policy once and returns (callers
// re-check and re-read the clock). Idle = spin_idle (default): a `nop`-class hint, safe with no
// interrupt source at all. Idle = wfi_idle: `wfi` with PRIMASK set, the race-free Cortex-M idiom
// (an interrupt that becomes pending after the check still ends the wfi) — choose it only when a
// periodic interrupt runs (e.g. systick_clock's), or a wait without deadline with nothing left to
// run would sleep until the next interrupt instead of spinning.
//
// Clock. now_ns() is Clock::now_ns(): a type with `static std::uint64_t now_ns() noexcept`,
// monotonic. systick_clock (Cortex-M only) counts SysTick interrupts: call
// systick_clock::start(cpu_hz, tick_hz) once, and systick_clock::on_tick() from SysTick_Handler;
// the reading interpolates inside the tick from SysTick's current value. Any other clock (a
// hardware timer, DWT->CYCCNT extended to 64 bits) is a one-function type. no_clock reads 0:
// every deadline in the future then never expires (wait_for only returns ok).
//
// context() is one global thread_context: the main loop and the interrupt handlers share it, and
// the core touches it only on paths an ISR must not take (go(), wait(), running a task).
//
// Requirements: a core with 32-bit compare-and-swap (armv7-m: Cortex-M3/M4/M7, armv8-m: M23 main,
// M33, M55; anything with lock-free std::atomic<uint32_t>). Cortex-M0/M0+ (armv6-m) are refused at
// compile time (below). Build with ERRGROUP_STATS 0 on 32-bit cores without lock-free 64-bit
// atomics (all Cortex-M): the core's counters are 64-bit.
#ifndef ERRGROUP_BARE_METAL_HPP
#define ERRGROUP_BARE_METAL_HPP

// clang-format off
#if defined(__ARM_ARCH_6M__) || (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && \
                                 defined(__ARM_ARCH) && __ARM_ARCH < 7 && !defined(__ARM_ARCH_8M_BASE__))
#error "errgroup: Cortex-M0/M0+ (armv6-m) is not supported: it has no compare-and-swap (no LDREX/STREX), so std::atomic<uint32_t> is not lock-free and every CAS/fetch_add becomes an __atomic_*_4 call this toolchain does not provide. errgroup needs lock-free 32-bit atomics: use a Cortex-M3/M4/M7/M33 (or run the group's work inline on the M0 yourself)."
#endif
// clang-format on

#include <atomic>
#include <cstdint>

#include <errgroup/errgroup.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

namespace errgroup {

// ---- idle policies ------------------------------------------------------------------------------

// Spin once: never sleeps. Safe with no interrupt source at all.
struct spin_idle {
  static void idle() noexcept {
#if defined(__arm__) || defined(__aarch64__)
    __asm__ __volatile__("nop" ::: "memory");
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);  // compiler barrier only
#endif
  }
  // Masking is not needed for a spin: the caller re-checks right after.
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    if (!changed()) idle();
  }
};

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
// Sleep until an interrupt: PRIMASK set around check-then-wfi, so an interrupt that becomes
// pending between the check and the wfi still ends the wfi (it is taken after PRIMASK is
// restored). Needs an interrupt that fires eventually (e.g. systick_clock's tick).
struct wfi_idle {
  static void idle() noexcept { __asm__ __volatile__("wfi" ::: "memory"); }
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    std::uint32_t primask;
    __asm__ __volatile__("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    if (!changed()) __asm__ __volatile__("dsb\n wfi" ::: "memory");
    __asm__ __volatile__("msr primask, %0\n isb" ::"r"(primask) : "memory");
  }
};

// A monotonic clock from SysTick: interrupt count x period, plus the elapsed part of the current
// period read from SYST_CVR. Call start() once (before interrupts that use the clock), and
// on_tick() from SysTick_Handler. Wraps after 2^32 ticks x 2^32 (never, in practice).
struct systick_clock {
  // Effects: programs SysTick to interrupt tick_hz times a second from the processor clock.
  // Preconditions: cpu_hz / tick_hz - 1 fits SysTick's 24-bit reload (e.g. 25 MHz / 1 kHz).
  static void start(std::uint32_t cpu_hz, std::uint32_t tick_hz) noexcept {
    state& s = st();
    s.reload = cpu_hz / tick_hz - 1;
    s.ns_per_tick = 1000000000u / tick_hz;
    s.cpu_hz = cpu_hz;
    reg(syst_rvr) = s.reload;
    reg(syst_cvr) = 0;
    reg(syst_csr) = 0x7u;  // ENABLE | TICKINT | CLKSOURCE = processor clock
  }
  // Call from SysTick_Handler (and nowhere else).
  static void on_tick() noexcept {
    state& s = st();
    // relaxed (both): single writer (this handler); readers re-read until two reads agree.
    const std::uint32_t t = s.ticks.load(std::memory_order_relaxed) + 1;
    if (t == 0)
      s.wraps.store(s.wraps.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    s.ticks.store(t, std::memory_order_relaxed);
  }
  static std::uint64_t now_ns() noexcept {
    state& s = st();
    if (s.cpu_hz == 0) return 0;  // not started
    std::uint32_t w, t, cvr;
    bool pending;
    do {
      // relaxed: a consistency retry loop against the one writer (on_tick) on the same core.
      w = s.wraps.load(std::memory_order_relaxed);
      t = s.ticks.load(std::memory_order_relaxed);
      cvr = reg(syst_cvr);
      // The counter reloaded but the handler has not run yet (interrupts masked): count the tick.
      pending = (reg(scb_icsr) & (1u << 26)) != 0;
      if (pending) cvr = reg(syst_cvr);  // read after the reload, so it belongs to the new tick
    } while (w != s.wraps.load(std::memory_order_relaxed) ||
             t != s.ticks.load(std::memory_order_relaxed));
    const std::uint64_t ticks = ((std::uint64_t{w} << 32) | t) + (pending ? 1u : 0u);
    const std::uint64_t in_tick =
        static_cast<std::uint64_t>(s.reload - cvr) * 1000000000u / s.cpu_hz;
    return ticks * s.ns_per_tick + in_tick;
  }

 private:
  static constexpr std::uintptr_t syst_csr = 0xE000E010u, syst_rvr = 0xE000E014u,
                                  syst_cvr = 0xE000E018u, scb_icsr = 0xE000ED04u;
  static volatile std::uint32_t& reg(std::uintptr_t a) noexcept {
    return *reinterpret_cast<volatile std::uint32_t*>(a);
  }
  struct state {
    std::atomic<std::uint32_t> ticks{0};
    std::atomic<std::uint32_t> wraps{0};
    std::uint32_t reload = 0, ns_per_tick = 0, cpu_hz = 0;
  };
  static state& st() noexcept {
    static state s;  // constant-initialised: no guard, no constructor call
    return s;
  }
};
#endif

// Reads 0: deadlines never expire. For firmware that never uses wait_for/wait_until.
struct no_clock {
  static std::uint64_t now_ns() noexcept { return 0; }
};

// ---- the port -----------------------------------------------------------------------------------

template <class Clock, class Idle = spin_idle>
struct basic_bare_metal_port {
  struct thread_handle {};  // no threads

  // There are no threads to start: an executor on this port has no workers.
  static bool start_thread(thread_handle&, void (*)(void*), void*, const executor_options&,
                           std::uint32_t, worker_report&) noexcept {
    return false;
  }
  static void join_thread(thread_handle&) noexcept {}

  // Returns at once if word != expected; otherwise runs Idle once (checking the word again with
  // interrupts masked first, for wfi_idle) and returns. Never blocks for good: the core's callers
  // loop, re-check their condition and the deadline.
  static void wait_on(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    (void)deadline_ns;  // the caller re-reads the clock after each return
    // relaxed: the caller's (E4) acquire re-load orders what follows.
    Idle::idle_unless([&] { return word.load(std::memory_order_relaxed) != expected; });
  }
  // Nothing sleeps but the main loop, and it is woken by the interrupt that called this.
  static void wake(std::atomic<std::uint32_t>&, bool) noexcept {}

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
  static bool in_interrupt() noexcept {
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
    std::uint32_t ipsr;
    __asm__ __volatile__("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;  // the active exception number; 0 in thread mode
#else
    return false;
#endif
  }
};

// ---- the executor -------------------------------------------------------------------------------

// The core's basic_executor on this port: start_thread() starts nothing and default_workers() is
// 0, so it has no workers. Jobs wait in the bounded lock-free queue until the main loop drains
// it (ex.poll()) or a waiter helps. try_submit is the core's (push, fence (F1), notify if a
// waiter is registered): callable from an interrupt handler; a main loop parked in wait() on the
// event count sees a task an ISR submitted.
template <class Port, class Queue>
using basic_cooperative_executor = basic_executor<Port, Queue, 1>;

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
using bare_metal_port = basic_bare_metal_port<systick_clock, spin_idle>;

template <std::size_t QueueCapacity = 32>
using cooperative_executor =
    basic_cooperative_executor<bare_metal_port, mpmc_ring<job*, QueueCapacity>>;
#endif

}  // namespace errgroup

#endif  // ERRGROUP_BARE_METAL_HPP
