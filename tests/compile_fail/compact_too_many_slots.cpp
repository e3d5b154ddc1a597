// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a compact group of 33 slots. Its free and ready sets are one 32-bit word each;
// the expected diagnostic is compact::group's static_assert ("Capacity must be at most 32");
// tests/packaging.cmake builds this target and matches that text.
#include <cstdint>
#include <errgroup/bare_metal.hpp>

namespace {
struct zero_clock {
  static std::uint64_t now_ns() noexcept { return 0; }
};
}  // namespace

int main() {
  static errgroup::compact::basic_executor<errgroup::basic_bare_metal_port<zero_clock>> ex;
  errgroup::compact::group<33> g(ex);
  return g.wait() ? 1 : 0;
}
