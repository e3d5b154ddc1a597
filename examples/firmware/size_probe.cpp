// SPDX-License-Identifier: BSL-1.0
// firmware/size_probe.cpp — built several times to measure errgroup's share of an image and what
// each feature adds (tools/size_report.cmake prints the table). FW_USE_ERRGROUP=0: the same work
// (4 jobs, stop at the first error) done by a plain loop, the baseline. FW_USE_ERRGROUP=1: through
// a group<4> on the cooperative executor; the FW_PROBE_* switches add or remove one feature each:
//   FW_PROBE_CONTEXT   1: group_options::with_context() (the first error stops the group)
//   FW_PROBE_LIMIT     1: set_limit(2)
//   FW_PROBE_ERRORS    1: read every error with errors() after wait()
//   FW_PROBE_DEADLINE  1: wait with wait_for(1 s) (a timed wait) before wait()
//   FW_PROBE_STOP_AT   1: a group deadline, stop_after(1 s)
//   FW_PROBE_BULK      1: the 4 jobs as one go_n(4, f) instead of 4 go() calls
//   FW_PROBE_CALLBACK  1: a stop_callback armed on the group's token (the first error fires it)
//   FW_PROBE_COMPACT   1: the same workload on errgroup::compact (the single-core group)
// (both with the SysTick clock started and its handler: a deadline needs a running clock; with
// systick_clock not started the clock reads 0 and a timed wait with nothing to run never ends)
// and a build option (ERRGROUP_STOP_CALLBACKS=0) is another.
#include <cstdint>

#if FW_USE_ERRGROUP
#include <errgroup/bare_metal.hpp>
#if FW_PROBE_DEADLINE || FW_PROBE_STOP_AT
#include <chrono>
#endif
#if FW_PROBE_CALLBACK
#include <errgroup/stop_callback.hpp>
#endif
#endif

#include "semihosting.hpp"

// The expected first error. fw_must_fail expects a wrong one, to prove a failing image fails ctest.
#ifndef FW_EXPECT
#define FW_EXPECT 5
#endif
#ifndef FW_PROBE_CONTEXT
#define FW_PROBE_CONTEXT 1
#endif
#ifndef FW_PROBE_LIMIT
#define FW_PROBE_LIMIT 1
#endif

namespace {
volatile std::int32_t sink[4];
std::int32_t work(std::int32_t i) {
  sink[i] = i * 3;
  return i == 2 ? 5 : 0;
}
#if FW_USE_ERRGROUP && FW_PROBE_COMPACT
errgroup::compact::executor ex;
namespace eg = errgroup::compact;
#elif FW_USE_ERRGROUP
errgroup::cooperative_executor<8> ex;
namespace eg = errgroup;
#endif
}  // namespace

#if FW_USE_ERRGROUP && (FW_PROBE_DEADLINE || FW_PROBE_STOP_AT)
#define FW_PROBE_CLOCK 1
extern "C" void SysTick_Handler() { errgroup::systick_clock::on_tick(); }
#endif

int main() {
  std::int32_t first = 0;
#if FW_USE_ERRGROUP
#if FW_PROBE_CLOCK
  errgroup::systick_clock::start(25000000u, 1000u);  // MPS2: 25 MHz; 1 ms ticks
#endif
#if FW_PROBE_CONTEXT
  eg::group<4> g(ex, errgroup::group_options::with_context());
#else
  eg::group<4> g(ex);
#endif
#if FW_PROBE_LIMIT
  (void)g.set_limit(2);
#endif
#if FW_PROBE_STOP_AT
  (void)g.stop_after(std::chrono::seconds(1));
#endif
#if FW_PROBE_CALLBACK
  volatile std::int32_t fired = 0;
  errgroup::stop_callback cb([&fired]() { fired = 1; });
  if (cb.arm(g.token()) != errgroup::status::ok) first = -1;
#endif
#if FW_PROBE_BULK
  (void)g.go_n(4, [](std::uint32_t i) -> errgroup::error {
    return errgroup::error(work(static_cast<std::int32_t>(i)));
  });
#else
  for (std::int32_t i = 0; i < 4; ++i)
    (void)g.go([i]() -> errgroup::error { return errgroup::error(work(i)); });
#endif
#if FW_PROBE_DEADLINE
  (void)g.wait_for(std::chrono::seconds(1));
#endif
  {
    const std::int32_t e = g.wait().code();
    if (first == 0) first = e;
  }
#if FW_PROBE_CALLBACK
  if (fired != 1) first = -1;
#endif
#if FW_PROBE_ERRORS
  std::int32_t n = 0;
  for (const errgroup::error& e : g.errors()) n += e ? 1 : 0;
  if (n != 1) first = -1;
#endif
#else
  for (std::int32_t i = 0; i < 4; ++i) {
    const std::int32_t e = work(i);
    if (e != 0) {
      first = e;
      break;
    }
  }
#endif
  fw::semihosting::write0(first == FW_EXPECT ? "size probe ok\n" : "size probe FAILED\n");
  return first == FW_EXPECT ? 0 : 3;
}
