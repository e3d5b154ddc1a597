// SPDX-License-Identifier: BSL-1.0
// firmware/main.cpp — an errgroup workload on the bare-metal port, checked on the target and
// reported through semihosting. Exit code 0: every check passed; otherwise the number of the
// first failed check (ctest reports QEMU's non-zero exit as a failure).
//
// Checks: a limit holds while go() blocks and runs queued tasks itself (helping); the first error
// wins and stops the group (later tasks skipped, go() refused); a task waiting on its own group is
// refused; nested groups run through helping; a chain of nested groups runs on the main stack (its
// stack per level is measured and printed) and go() refuses with too_deep at max_depth; an
// interrupt handler (SysTick) submits with try_go and the main loop runs the tasks from poll();
// wait_for's deadline uses the SysTick clock, and a timed wait runs no task unless asked to; and
// the same on errgroup::compact (the single-core group), whose superloop sleeps with wfi between
// SysTick interrupts that submit.
#include <cstdint>

#include <errgroup/bare_metal.hpp>

#include "semihosting.hpp"

namespace sh = fw::semihosting;

namespace {

constexpr errgroup::error_domain fw_domain{"fw", [](std::int32_t c) noexcept -> const char* {
                                             return c == 42 ? "sensor 3 failed" : "fw error";
                                           }};

errgroup::cooperative_executor<16> ex;  // static storage: constructed by the init arrays
// The compact group's executor, on a port whose idle is wfi (interrupts masked around the check):
// constant-initialised, no constructor runs.
using wfi_port = errgroup::basic_bare_metal_port<errgroup::systick_clock, errgroup::wfi_idle,
                                                 errgroup::cortex_m_interrupts>;
errgroup::compact::basic_executor<wfi_port> cex;

int failures = 0;
int first_failed = 0;
void check(bool ok, int id, const char* what) {
  sh::write0(ok ? "  ok   " : "  FAIL ");
  sh::write0(what);
  sh::write0("\n");
  if (!ok && failures++ == 0) first_failed = id;
}

// 1. Limit: 12 tasks, limit 3. go() blocks at the limit and runs queued tasks (helping), so at
//    most 3 are ever outstanding.
void test_limit() {
  errgroup::group<8> g(ex);
  check(g.set_limit(3) == errgroup::status::ok, 1, "set_limit(3)");
  struct ctx_t {
    errgroup::group<8>* g;
    std::uint32_t max_outstanding = 0;
    std::uint32_t sum = 0;
  } c{&g};
  bool all_ok = true;
  for (std::uint32_t i = 1; i <= 12; ++i) {
    all_ok &= g.go([&c, i] {
      const std::uint32_t o = c.g->outstanding();
      if (o > c.max_outstanding) c.max_outstanding = o;
      c.sum += i;
    }) == errgroup::status::ok;
  }
  check(all_ok, 2, "go() accepted 12 tasks at limit 3");
  check(!g.wait(), 3, "wait() returns success");
  check(c.sum == 78, 4, "every task ran once (sum 1..12 == 78)");
  check(c.max_outstanding <= 3 && c.max_outstanding >= 1, 5, "never more than 3 outstanding");
  check(g.try_go([] {}) == errgroup::status::ok && g.try_go([] {}) == errgroup::status::ok &&
            g.try_go([] {}) == errgroup::status::ok &&
            g.try_go([] {}) == errgroup::status::limit_reached,
        6, "try_go at the limit: limit_reached");
  check(!g.wait(), 7, "wait() after try_go");
}

// 2. First error + stop (Go's WithContext): task 3 fails; tasks queued after it are skipped.
void test_first_error() {
  errgroup::group<8> g(ex, errgroup::group_options::with_context());
  std::uint32_t ran = 0;
  for (std::int32_t i = 0; i < 8; ++i) {
    (void)g.go([&ran, i]() -> errgroup::error {
      ++ran;
      if (i == 3) return errgroup::error(42, fw_domain);
      if (i > 3) return errgroup::error(7);  // never runs: the group stopped at task 3
      return {};
    });
  }
  const errgroup::error e = g.wait();
  check(e.code() == 42, 10, "wait() returns the first error (42)");
  check(e.message()[0] == 's', 11, "its message comes from the error_domain");
  check(ran == 4, 12, "tasks after the failure were skipped (4 ran)");
  check(g.stop_requested(), 13, "the first error stopped the group");
  check(g.go([] {}) == errgroup::status::stopped, 14, "go() on a stopped group: stopped");
  check(g.reset() == errgroup::status::ok && g.go([] {}) == errgroup::status::ok && !g.wait(), 15,
        "reset() starts a new round");
}

// 3. Nested groups and the self-wait refusal.
void test_nested() {
  errgroup::group<4> outer(ex);
  std::uint32_t inner_sum = 0;
  errgroup::error self_wait{};
  (void)outer.go([&]() -> errgroup::error {
    errgroup::group<4> inner(ex);
    for (std::uint32_t i = 1; i <= 4; ++i) (void)inner.go([&inner_sum, i] { inner_sum += i; });
    self_wait = outer.wait();  // waiting for ourselves: refused at once
    return inner.wait();
  });
  check(!outer.wait(), 20, "nested group: outer wait succeeds");
  check(inner_sum == 10, 21, "nested group: inner tasks ran (helping)");
  check(self_wait.code() == static_cast<std::int32_t>(errgroup::errc::wait_inside_task), 22,
        "wait() inside its own task: errc::wait_inside_task");
}

// 4. Nesting depth: each level's task go()es the next level into a child group and waits for it.
//    With no workers the whole chain runs on the main stack, one task frame per level.
std::uintptr_t level_sp[48];
errgroup::status nest(int level, int depth, int& deepest) {
  volatile std::uint32_t probe = 0;
  level_sp[level] = reinterpret_cast<std::uintptr_t>(&probe);
  if (level > deepest) deepest = level;
  if (level == depth) return errgroup::status::ok;
  errgroup::group<1> child(ex);
  errgroup::status inner = errgroup::status::ok;
  const errgroup::status s =
      child.go([level, depth, &deepest, &inner] { inner = nest(level + 1, depth, deepest); });
  if (s != errgroup::status::ok) return s;
  (void)child.wait();
  return inner == errgroup::status::ok && probe == 0 ? errgroup::status::ok : inner;
}

void test_depth() {
  int deepest = 0;
  check(nest(0, 12, deepest) == errgroup::status::ok && deepest == 12, 40,
        "a chain of 12 nested groups completes on the main stack");
  const std::uintptr_t per_level = (level_sp[1] - level_sp[12]) / 11;
  sh::write0("  stack per nesting level (bytes): ");
  sh::write_u32(static_cast<std::uint32_t>(per_level));
  sh::write0("\n");
  check(per_level > 0 && per_level < 2048, 41, "one level costs less than 2 KB of stack");
  deepest = 0;
  // Level k runs at depth k; the go() at depth 16 (the port's default max_depth) is refused.
  check(nest(0, 40, deepest) == errgroup::status::too_deep && deepest == 16, 42,
        "go() at max_depth (16) returns too_deep, not a stack overflow");
}

// 5. Interrupts submit; the main loop runs. SysTick fires at 1 kHz and submits 5 tasks.
errgroup::group<8>* isr_group = nullptr;
volatile std::uint32_t isr_submitted = 0;
volatile std::uint32_t isr_ran = 0;
errgroup::compact::group<4>* isr_compact = nullptr;
volatile std::uint32_t isr_compact_submitted = 0;
volatile std::uint32_t isr_compact_ran = 0;

}  // namespace

extern "C" void SysTick_Handler() {
  errgroup::systick_clock::on_tick();
  if (isr_group != nullptr && isr_submitted < 5) {
    if (isr_group->try_go([] { isr_ran = isr_ran + 1; }) == errgroup::status::ok)
      isr_submitted = isr_submitted + 1;
  }
  if (isr_compact != nullptr && isr_compact_submitted < 5) {
    if (isr_compact->try_go([] { isr_compact_ran = isr_compact_ran + 1; }) == errgroup::status::ok)
      isr_compact_submitted = isr_compact_submitted + 1;
  }
}

namespace {

void test_interrupts() {
  errgroup::group<8> g(ex);
  isr_group = &g;
  const std::uint64_t t0 = ex.now_ns();
  while (isr_submitted < 5 && ex.now_ns() - t0 < 2000000000u) (void)ex.poll();  // main loop
  isr_group = nullptr;
  check(isr_submitted == 5, 30, "SysTick handler submitted 5 tasks with try_go");
  check(!g.wait() && isr_ran == 5, 31, "they ran on the main loop (poll/wait)");
  check(ex.now_ns() > t0, 32, "the SysTick clock advances");

  // wait_for runs no task by default: with the 20 ms job queued, wait_for(5 ms) times out after
  // 5 ms (measured with SysTick) and leaves the job to the next wait() or poll().
  static volatile std::uint32_t spins_started = 0;
  auto spin_20ms = [] {
    spins_started = spins_started + 1;
    const std::uint64_t s = ex.now_ns();
    while (ex.now_ns() - s < 20000000u) {
    }
  };
  (void)g.go(spin_20ms);
  std::uint64_t w0 = ex.now_ns();
  errgroup::status st = g.wait_for(std::chrono::milliseconds(5));
  std::uint64_t took = ex.now_ns() - w0;
  // "Runs nothing" is checked directly (the job has not started), not by the time taken: QEMU's
  // clock follows the host's, and a host that deschedules QEMU for 15 ms made a 20 ms bound
  // fail once. The wait is still bounded: at its deadline, well under a second.
  check(st == errgroup::status::timeout && took >= 5000000u && took < 1000000000u &&
            spins_started == 0,
        33, "wait_for(5 ms) returns at its deadline and runs nothing (SysTick clock)");
  check(!g.wait() && spins_started == 1, 34, "wait() then runs the queued job");
  // help_policy::own_tasks_timed: the waiter starts the job before the deadline and is late by
  // at most that one job.
  errgroup::group_options o;
  o.help = errgroup::help_policy::own_tasks_timed;
  errgroup::group<2> h(ex, o);
  (void)h.go(spin_20ms);
  w0 = ex.now_ns();
  st = h.wait_for(std::chrono::milliseconds(5));
  took = ex.now_ns() - w0;
  check(st == errgroup::status::ok && took >= 20000000u && took < 1000000000u, 35,
        "own_tasks_timed: wait_for runs the queued job, late by at most that job");
}

// Stop callbacks and a group deadline on the SysTick clock; stats() with ERRGROUP_STATS=0 (reads
// as zeros and links without 64-bit atomics, which armv7-m lacks).
void test_stop() {
  errgroup::group<4> g(ex);
  int runs = 0;
  errgroup::stop_callback cb([&runs]() noexcept { ++runs; });
  check(cb.arm(g.token()) == errgroup::status::ok && runs == 0, 40, "stop_callback armed");
  g.stop();
  check(runs == 1, 41, "stop() runs the armed callback once, on the stopping thread");

  errgroup::group<4> d(ex);
  // t0 before the deadline is set, so the deadline is at least 5 ms after t0. Read after it, t0
  // is later than the deadline's own clock read by however far the clock moved in between (on
  // a loaded host QEMU delivers delayed ticks in a burst), and `took` can fall short of 5 ms: the
  // likely cause of this check failing once in 40 runs on a loaded host (none in 100 since).
  const std::uint64_t t0 = ex.now_ns();
  (void)d.stop_after(std::chrono::milliseconds(5));
  (void)d.go([](errgroup::stop_token st) {
    while (!st.stop_requested()) {  // the token reads the SysTick clock
    }
  });
  const errgroup::error e = d.wait();  // no workers: the waiter runs the task
  const std::uint64_t took = ex.now_ns() - t0;
  check(e == errgroup::errc::deadline_exceeded && took >= 5000000u && took < 1000000000u, 42,
        "stop_after(5 ms): the group stops itself at its deadline (SysTick clock)");
  check(g.stats().tasks_run == 0 && ex.stats().jobs_run == 0, 43,
        "stats() reads as zeros with ERRGROUP_STATS=0");
}

// errgroup::compact: limit, first error and stop, an interrupt handler submitting while the main
// loop polls and sleeps (wfi), and both kinds of timed wait on the SysTick clock.
void test_compact() {
  {
    errgroup::compact::group<4> g(cex, errgroup::group_options::with_context());
    check(g.set_limit(2) == errgroup::status::ok, 50, "compact: set_limit(2)");
    std::uint32_t most = 0, ran = 0;
    errgroup::status refused = errgroup::status::ok;
    for (std::uint32_t i = 0; i < 8; ++i) {
      const errgroup::status st = g.go([&g, &most, &ran, i]() -> errgroup::error {
        ++ran;
        if (g.outstanding() > most) most = g.outstanding();
        return errgroup::error(i == 4 ? 42 : 0, fw_domain);
      });
      if (st != errgroup::status::ok) refused = st;
    }
    const errgroup::error e = g.wait();
    check(e.code() == 42 && refused == errgroup::status::stopped && ran == 5 && most <= 2, 51,
          "compact: limit 2 holds, the first error stops the group, go() then refuses");
  }
  {
    errgroup::compact::group<4> g(cex);
    isr_compact = &g;
    const std::uint64_t t0 = cex.now_ns();
    std::uint32_t loops = 0;
    while (isr_compact_submitted < 5 && cex.now_ns() - t0 < 2000000000u) {  // the superloop
      (void)cex.poll();
      cex.sleep();  // wfi unless a task is ready
      ++loops;
    }
    isr_compact = nullptr;
    // (How many times the loop went round depends on QEMU's timing: two ticks may come within
    // one round. That every submitted task ran, and the loop ended on the count, does not.)
    check(!g.wait() && isr_compact_submitted == 5 && isr_compact_ran == 5 && loops >= 1, 52,
          "compact: SysTick's try_go tasks ran on the superloop (poll, then wfi)");
  }
  {
    errgroup::compact::group<2> g(cex);
    static volatile std::uint32_t started = 0;
    auto spin_20ms = [] {
      started = started + 1;
      const std::uint64_t s = cex.now_ns();
      while (cex.now_ns() - s < 20000000u) {
      }
    };
    (void)g.go(spin_20ms);
    std::uint64_t w0 = cex.now_ns();
    errgroup::status st = g.wait_for(std::chrono::milliseconds(5));
    std::uint64_t took = cex.now_ns() - w0;
    check(st == errgroup::status::timeout && took >= 5000000u && took < 1000000000u && started == 0,
          53, "compact: wait_for(5 ms) sleeps to its deadline and runs nothing");
    check(!g.wait() && started == 1, 54, "compact: wait() then runs the task");
    errgroup::group_options o;
    o.help = errgroup::help_policy::own_tasks_timed;
    errgroup::compact::group<2> h(cex, o);
    (void)h.go(spin_20ms);
    w0 = cex.now_ns();
    st = h.wait_for(std::chrono::milliseconds(5));
    took = cex.now_ns() - w0;
    check(st == errgroup::status::ok && took >= 20000000u && took < 1000000000u, 55,
          "compact: own_tasks_timed runs the task, late by at most that task");
  }
}

// Which atomics this image runs on: armv6-m has no compare-and-swap and uses the opt-in
// critical-section mode (fw_config.hpp); every other core the lock-free std::atomic.
void test_atomics() {
#if defined(__ARM_ARCH_6M__)
  check(!errgroup::atomic_is_lock_free, 44,
        "armv6-m: read-modify-writes run in ERRGROUP_ATOMIC_CRITICAL's section");
#else
  check(errgroup::atomic_is_lock_free && std::atomic<std::uint32_t>::is_always_lock_free, 44,
        "errgroup::atomic is std::atomic, lock-free");
#endif
}

}  // namespace

int main() {
  sh::write0("errgroup bare-metal firmware\n");
  errgroup::systick_clock::start(25000000u, 1000u);  // MPS2: 25 MHz; 1 ms ticks
  test_limit();
  test_first_error();
  test_nested();
  test_depth();
  test_interrupts();
  test_stop();
  test_atomics();
  test_compact();
  if (failures != 0) {
    sh::write0("FAILED checks: ");
    sh::write_u32(static_cast<std::uint32_t>(failures));
    sh::write0(", first: ");
    sh::write_u32(static_cast<std::uint32_t>(first_failed));
    sh::write0("\n");
    return first_failed;
  }
  sh::write0("all checks passed\n");
  return 0;
}
