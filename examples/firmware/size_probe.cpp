// SPDX-License-Identifier: BSL-1.0
// firmware/size_probe.cpp — built twice, with FW_USE_ERRGROUP=1 and =0, to measure the library's
// share of an image: the same work (4 jobs, first error, a limit of 2) done through an errgroup
// group on the cooperative executor, or by a plain loop. The difference of the two images'
// .text/.data/.bss is errgroup's cost (tools/size_report.cmake prints it).
#include <cstdint>

#if FW_USE_ERRGROUP
#include <errgroup/bare_metal.hpp>
#endif

#include "semihosting.hpp"

// The expected first error. fw_must_fail expects a wrong one, to prove a failing image fails ctest.
#ifndef FW_EXPECT
#define FW_EXPECT 5
#endif

namespace {
volatile std::int32_t sink[4];
std::int32_t work(std::int32_t i) {
  sink[i] = i * 3;
  return i == 2 ? 5 : 0;
}
#if FW_USE_ERRGROUP
errgroup::cooperative_executor<8> ex;
#endif
}  // namespace

int main() {
  std::int32_t first = 0;
#if FW_USE_ERRGROUP
  errgroup::group<4> g(ex, errgroup::group_options::with_context());
  (void)g.set_limit(2);
  for (std::int32_t i = 0; i < 4; ++i)
    (void)g.go([i]() -> errgroup::error { return errgroup::error(work(i)); });
  first = g.wait().code();
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
