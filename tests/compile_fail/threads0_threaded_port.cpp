// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: ERRGROUP_THREADS=0 (an image without threads) with an executor on a port that
// does not declare itself threadless. Such a port may start workers, which the no-threads build
// would neither count nor wake for; the expected diagnostic is basic_executor's static_assert
// ("ERRGROUP_THREADS=0 says the image has no threads"); tests/packaging.cmake matches that text.
#define ERRGROUP_THREADS 0
#include <cstdint>
#include <errgroup/bare_metal.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

namespace {
struct zero_clock {
  static std::uint64_t now_ns() noexcept { return 0; }
};
// A port that hides the bare-metal port's `threadless = true`: as a port that starts threads.
struct threaded_port : errgroup::basic_bare_metal_port<zero_clock> {
  static constexpr bool threadless = false;
};
}  // namespace

int main() {
  static errgroup::basic_executor<threaded_port, errgroup::mpmc_ring<errgroup::job*, 8>, 1> ex;
  errgroup::group<4> g(ex);
  return g.wait() ? 1 : 0;
}
