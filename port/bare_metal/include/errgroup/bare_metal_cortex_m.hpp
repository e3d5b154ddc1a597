// SPDX-License-Identifier: BSL-1.0
// errgroup/bare_metal_cortex_m.hpp — the bare-metal port's Cortex-M file: everything of the port
// that knows the architecture (errgroup/bare_metal.hpp knows none). Included by bare_metal.hpp on
// any Cortex-M target; a port to another architecture (RV32: an mtime clock, wfi with
// mstatus.MIE cleared, mcause for in_interrupt) is one file like this one.
//
// Provides:
//   errgroup::wfi_idle             sleep until an interrupt, race-free (PRIMASK around check + wfi)
//   errgroup::systick_clock        a monotonic clock from SysTick
//   errgroup::cortex_m_interrupts  in_interrupt() from IPSR
//   errgroup::bare_metal_port      basic_bare_metal_port<systick_clock, spin_idle, cortex_m_interrupts>
//   errgroup::cooperative_executor<QueueCapacity = 32>  on bare_metal_port with the in-house
//                                  mpmc_ring (4 B + 1 pointer per entry)
// Cortex-M0/M0+ (armv6-m, no compare-and-swap) need ERRGROUP_ATOMIC_CRITICAL (errgroup/atomic.hpp).
#ifndef ERRGROUP_BARE_METAL_CORTEX_M_HPP
#define ERRGROUP_BARE_METAL_CORTEX_M_HPP

#include <atomic>
#include <cstdint>

#include <errgroup/bare_metal.hpp>

#if !(defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
#error "errgroup/bare_metal_cortex_m.hpp: not a Cortex-M target"
#endif

namespace errgroup {

// Sleep until an interrupt: PRIMASK set around check-then-wfi, so an interrupt that becomes
// pending between the check and the wfi still ends the wfi (it is taken after PRIMASK is
// restored). Needs an interrupt that fires eventually (e.g. systick_clock's tick).
struct wfi_idle {
  static void idle() noexcept { __asm__ __volatile__("wfi" ::: "memory"); }
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    const std::uint32_t primask = irq_mask_critical::enter();  // errgroup/atomic.hpp
    if (!changed()) __asm__ __volatile__("dsb\n wfi" ::: "memory");
    irq_mask_critical::leave(primask);
    __asm__ __volatile__("isb" ::: "memory");  // the pending interrupt is taken here
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
    // Nanoseconds per processor cycle as 32.32 fixed point, so now_ns() multiplies and shifts
    // instead of dividing 64 bits (__udivmoddi4: ~700 B of code on Cortex-M). The fraction by
    // long division in 32-bit steps: no 64-bit division anywhere.
    s.ns_per_cycle = 1000000000u / cpu_hz;
    std::uint64_t rem = 1000000000u % cpu_hz;
    std::uint32_t frac = 0;
    for (int i = 0; i < 32; ++i) {
      rem <<= 1;
      frac <<= 1;
      if (rem >= cpu_hz) {
        rem -= cpu_hz;
        frac |= 1u;
      }
    }
    s.ns_per_cycle_frac = frac;
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
    const std::uint32_t cycles = s.reload - cvr;  // < 2^24
    const std::uint64_t in_tick =
        std::uint64_t{cycles} * s.ns_per_cycle +
        ((std::uint64_t{cycles} * s.ns_per_cycle_frac) >> 32);  // error < 2 ns
    return ticks * s.ns_per_tick + in_tick;
  }

 private:
  static constexpr std::uintptr_t syst_csr = 0xE000E010u, syst_rvr = 0xE000E014u,
                                  syst_cvr = 0xE000E018u, scb_icsr = 0xE000ED04u;
  static volatile std::uint32_t& reg(std::uintptr_t a) noexcept {
    return *reinterpret_cast<volatile std::uint32_t*>(a);
  }
  struct state {
    atomic<std::uint32_t> ticks{0};
    atomic<std::uint32_t> wraps{0};
    std::uint32_t reload = 0, ns_per_tick = 0, cpu_hz = 0, ns_per_cycle = 0, ns_per_cycle_frac = 0;
  };
  static state& st() noexcept {
    static state s;  // constant-initialised: no guard, no constructor call
    return s;
  }
};

// An interrupt handler's submit (try_go) is not nested in the main loop's task frames: it skips
// the depth check (executor_options::max_depth; default 16 on this port).
struct cortex_m_interrupts {
  static bool in_interrupt() noexcept {
    std::uint32_t ipsr;
    __asm__ __volatile__("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;  // the active exception number; 0 in thread mode
  }
};

using bare_metal_port = basic_bare_metal_port<systick_clock, spin_idle, cortex_m_interrupts>;

template <std::size_t QueueCapacity = 32>
using cooperative_executor =
    basic_cooperative_executor<bare_metal_port, mpmc_ring<job*, QueueCapacity>>;

// The compact group's executor on this port (errgroup/compact.hpp).
namespace compact {
using executor = basic_executor<bare_metal_port>;
}  // namespace compact

}  // namespace errgroup

#endif  // ERRGROUP_BARE_METAL_CORTEX_M_HPP
