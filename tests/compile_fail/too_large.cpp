// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a task whose callable (a 256-byte capture) is larger than group<4>'s slot.
// The expected diagnostic is group::check_fits' static_assert ("... larger than the group's
// slot ..."); tests/packaging.cmake builds this target and matches that text.
#include <errgroup/std_thread.hpp>

int main() {
  errgroup::thread_executor<> ex;
  errgroup::group<4> g(ex);
  unsigned char big[256] = {};
  (void)g.go([big]() -> errgroup::error { return errgroup::error(big[0]); });
  return g.wait() ? 1 : 0;
}
