// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a compact group's task that takes errgroup::stop_token (errgroup::group's
// token, which stop_callback can arm) instead of errgroup::compact::stop_token. The expected
// diagnostic is compact's static_assert ("callable as f() or f(errgroup::compact::stop_token)");
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
  errgroup::compact::group<4> g(ex);
  (void)g.go([](errgroup::stop_token) {});
  return g.wait() ? 1 : 0;
}
