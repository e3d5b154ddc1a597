// SPDX-License-Identifier: BSL-1.0
// ERRGROUP_THREADS=0 (errgroup/config.hpp): a single-threaded image, as on a bare-metal superloop.
// Waits never park; with nothing to run they idle once through the port (check an event word with
// interrupts masked, then sleep until an interrupt) and look again. This binary is compiled with
// ERRGROUP_THREADS=0 (tests/CMakeLists.txt) on the bare-metal port, with a simulated core: the
// test's idle policy is the "wfi", and what it does there is the "interrupt" (advance a manual
// clock, submit with try_go, stop a group). An interrupt can also be made to arrive between the
// waiter's look and its idle (at the look's last clock read), the window a lost wake-up would need. Sleeping with no interrupt left to come
// is recorded as a hang and fails the test instead of hanging it. The protocol itself:
// tests/model/idle.pml.
#include <cstdint>
#include <cstdlib>

#include <catch2/catch.hpp>

#include <errgroup/bare_metal.hpp>

static_assert(!errgroup::has_threads, "this test is built with ERRGROUP_THREADS=0");

namespace {

// The simulated core. Its "interrupt handler" runs when the main loop executes wfi (isr, at most
// `budget` times) or once between the main loop's last look and its idle (early: the window a lost
// wake-up would need).
struct sim {
  static inline std::uint64_t now = 1000000000;  // the clock, in ns
  static inline void (*isr)() = nullptr;         // what an interrupt during wfi does
  static inline void (*early)() = nullptr;       // fires once, at clock read early_after_reads
  static inline int early_after_reads = 0;
  static inline int budget = 0;        // interrupts left to come during wfi
  static inline int sleeps = 0;        // wfi executed (the masked check saw no change)
  static inline int looked_again = 0;  // the masked check saw a change: no sleep
  static inline int hangs = 0;         // wfi with no interrupt to come
  static void reset() {
    isr = early = nullptr;
    budget = 0;
    sleeps = looked_again = hangs = 0;
  }
};

// The early interrupt arrives right after the clock read that ends the waiter's look (its
// deadline check): after the look, before the idle.
struct sim_clock {
  static std::uint64_t now_ns() noexcept {
    const std::uint64_t t = sim::now;
    if (sim::early != nullptr && --sim::early_after_reads == 0) {
      void (*e)() = sim::early;
      sim::early = nullptr;
      e();
    }
    return t;
  }
};
struct sim_idle {
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    if (changed()) {  // masked: no handler can run between this check and the wfi
      ++sim::looked_again;
      return;
    }
    ++sim::sleeps;
    if (sim::budget > 0 && sim::isr != nullptr) {  // the wfi ends on this interrupt
      --sim::budget;
      sim::isr();
      return;
    }
    // Nothing would ever wake this core. Record it, and end any timed wait, so that the test
    // fails on the count instead of hanging; an untimed wait here would hang on hardware too.
    ++sim::hangs;
    sim::now += 1000000000;
    if (sim::hangs > 1000) std::abort();
  }
};
// A handler's submit is not nested in the main loop's frames: the interrupt test says so while
// the simulated handler runs.
struct sim_interrupts {
  static inline bool in_handler = false;
  static bool in_interrupt() noexcept { return in_handler; }
};

using sim_port = errgroup::basic_bare_metal_port<sim_clock, sim_idle, sim_interrupts>;
using sim_executor =
    errgroup::basic_cooperative_executor<sim_port, errgroup::mpmc_ring<errgroup::job*, 16>>;

errgroup::group<8>* g_group = nullptr;
int g_ran = 0;
errgroup::status g_isr_status = errgroup::status::ok;

void tick_1ms() { sim::now += 1000000; }
void isr_submits() {
  sim_interrupts::in_handler = true;
  g_isr_status = g_group->try_go([] { ++g_ran; });
  sim_interrupts::in_handler = false;
}
void isr_stops() {
  sim_interrupts::in_handler = true;
  g_group->stop();
  sim_interrupts::in_handler = false;
}

}  // namespace

TEST_CASE("no threads: wait() runs the group's tasks on the caller and never idles",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  REQUIRE(ex.worker_count() == 0);
  errgroup::group<8> g(ex, errgroup::group_options::with_context());
  REQUIRE(g.set_limit(2) == errgroup::status::ok);
  int ran = 0;
  int accepted = 0;
  // Beyond the limit, go() runs queued tasks itself to make room; after the first error (the
  // fourth task) the group is stopped and go() refuses.
  for (int i = 0; i < 6; ++i) {
    const errgroup::status st = g.go([&ran, i]() -> errgroup::error {
      ++ran;
      return errgroup::error(i == 3 ? 7 : 0);
    });
    if (st == errgroup::status::ok) ++accepted;
    else
      CHECK(st == errgroup::status::stopped);
  }
  REQUIRE(g.wait().code() == 7);
  CHECK(ran >= 4);
  CHECK(ran <= accepted);
  CHECK(sim::sleeps == 0);
  CHECK(sim::hangs == 0);
}

TEST_CASE("no threads: wait_for idles until its deadline and runs nothing by default",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  int ran = 0;
  REQUIRE(g.go([&ran] { ++ran; }) == errgroup::status::ok);
  sim::isr = tick_1ms;  // a 1 ms SysTick
  sim::budget = 100;
  const std::uint64_t t0 = sim::now;
  REQUIRE(g.wait_for(std::chrono::milliseconds(5)) == errgroup::status::timeout);
  CHECK(sim::now - t0 == 5000000);  // back at the deadline: the tick that reached it
  CHECK(sim::sleeps == 5);          // one wfi per tick
  CHECK(ran == 0);
  CHECK(sim::hangs == 0);
  REQUIRE(!g.wait());
  CHECK(ran == 1);
}

// wait_for(1 ms) runs nothing by default: it looks, finds its deadline ahead and idles. `isr`
// arrives after that look and before the idle (at the deadline check's clock read; the first read
// is wait_for's own deadline). The idle's masked check must see it and look again instead of
// sleeping: returns how often it did (1), and how often the core slept to the tick (then 1 with
// `ticks`, since one tick reaches the deadline; 0 without, as sleeping then would be for good).
struct race_outcome {
  int looked_again, sleeps, hangs;
};
race_outcome wait_for_with_interrupt_in_window(errgroup::group<8>& g, void (*isr)(), bool ticks) {
  sim::early = isr;
  sim::early_after_reads = 2;
  sim::isr = ticks ? tick_1ms : nullptr;
  sim::budget = ticks ? 100 : 0;
  REQUIRE(g.wait_for(std::chrono::milliseconds(1)) == errgroup::status::timeout);
  return {sim::looked_again, sim::sleeps, sim::hangs};
}

TEST_CASE("no threads: an interrupt's try_go between the look and the idle is seen",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  g_group = &g;
  g_ran = 0;
  int ran = 0;
  REQUIRE(g.go([&ran] { ++ran; }) == errgroup::status::ok);
  const race_outcome r = wait_for_with_interrupt_in_window(g, isr_submits, true);
  CHECK(g_isr_status == errgroup::status::ok);
  CHECK(r.looked_again == 1);  // the submit bumped the event word after the key was read
  CHECK(r.sleeps == 1);
  CHECK(r.hangs == 0);
  REQUIRE(!g.wait());
  CHECK(ran == 1);
  CHECK(g_ran == 1);  // the handler's task ran on the main loop, in wait()
}

TEST_CASE("no threads: an interrupt's stop() between the look and the idle is seen",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  g_group = &g;
  int ran = 0;
  REQUIRE(g.go([&ran] { ++ran; }) == errgroup::status::ok);
  const race_outcome r = wait_for_with_interrupt_in_window(g, isr_stops, true);
  CHECK(g.stop_requested());
  CHECK(r.looked_again == 1);  // stop() bumped the event word
  CHECK(r.sleeps == 1);
  CHECK(r.hangs == 0);
  REQUIRE(!g.wait());  // the stopped group's queued task is skipped, not run
  CHECK(ran == 0);
}

TEST_CASE("no threads: a tick that reaches the deadline between the look and the idle is seen",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  REQUIRE(g.go([] {}) == errgroup::status::ok);
  // The tick's handler does not move the event word; the idle's masked check reads the clock.
  const race_outcome r = wait_for_with_interrupt_in_window(g, tick_1ms, false);
  CHECK(r.looked_again == 1);
  CHECK(r.sleeps == 0);
  CHECK(r.hangs == 0);
  REQUIRE(!g.wait());
}

TEST_CASE("no threads: own_tasks_timed runs the group's tasks in wait_for", "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group_options o;
  o.help = errgroup::help_policy::own_tasks_timed;
  errgroup::group<8> g(ex, o);
  int ran = 0;
  for (int i = 0; i < 3; ++i) REQUIRE(g.go([&ran] { ++ran; }) == errgroup::status::ok);
  REQUIRE(g.wait_for(std::chrono::milliseconds(1)) == errgroup::status::ok);
  CHECK(ran == 3);
  CHECK(sim::sleeps == 0);
}

TEST_CASE("no threads: a group deadline stops the group at its tick", "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  int ran = 0;
  REQUIRE(g.stop_after(std::chrono::milliseconds(3)) == errgroup::status::ok);  // before go()
  REQUIRE(g.go([&ran] { ++ran; }) == errgroup::status::ok);
  sim::isr = tick_1ms;
  sim::budget = 100;
  const std::uint64_t t0 = sim::now;
  REQUIRE(g.wait_for(std::chrono::milliseconds(10)) == errgroup::status::timeout);
  CHECK(sim::now - t0 == 10000000);
  CHECK(g.stop_requested());  // noticed at its deadline, while idling
  CHECK(g.wait().code() == static_cast<std::int32_t>(errgroup::errc::deadline_exceeded));
  CHECK(ran == 0);
  CHECK(sim::hangs == 0);
}

TEST_CASE("no threads: wait() runs a round in the order it was submitted", "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<8> g(ex);
  for (int round = 0; round < 3; ++round) {
    int order[6] = {};
    int next = 0;
    for (int i = 0; i < 6; ++i)
      REQUIRE(g.go([&order, &next, i] { order[next++] = i; }) == errgroup::status::ok);
    REQUIRE(!g.wait());
    REQUIRE(next == 6);
    for (int i = 0; i < 6; ++i) CHECK(order[i] == i);
  }
}

TEST_CASE("no threads: the queue cells of tasks a waiter took back are reused", "[no_threads]") {
  // The waiter takes its tasks back by ticket, leaving revoked cells in the queue (16 cells);
  // a push that finds the queue full frees those at its head. 20 rounds of 12 try_go: each
  // accepted, so no cell is lost.
  sim::reset();
  sim_executor ex;
  errgroup::group<16> g(ex);
  int ran = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 12; ++i) REQUIRE(g.try_go([&ran] { ++ran; }) == errgroup::status::ok);
    REQUIRE(!g.wait());
  }
  CHECK(ran == 240);
}

TEST_CASE("no threads: go_n runs every index on the main loop", "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<4> g(ex);
  int hits[64] = {};
  REQUIRE(g.go_n(64, [&hits](std::uint32_t i) { ++hits[i]; }) == errgroup::status::ok);
  REQUIRE(!g.wait());
  for (int h : hits) REQUIRE(h == 1);
  CHECK(sim::sleeps == 0);
}

TEST_CASE("no threads: waiting for a task lower on the stack is refused, not idled through",
          "[no_threads]") {
  sim::reset();
  sim_executor ex;
  errgroup::group<4> g(ex);
  errgroup::error inner;
  REQUIRE(g.go([&g, &inner] { inner = g.wait(); }) == errgroup::status::ok);
  REQUIRE(!g.wait());
  CHECK(inner.code() == static_cast<std::int32_t>(errgroup::errc::wait_inside_task));
  CHECK(sim::sleeps == 0);
}
