// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a group whose Capacity is 2^16. The counts are compared modulo 2^16, so at
// most 2^16 - 1 tasks may be outstanding; the expected diagnostic is group's static_assert
// ("Capacity must be below 2^16"); tests/packaging.cmake builds this target and matches that text.
#include <errgroup/std_thread.hpp>

int main() {
  errgroup::thread_executor<> ex;
  static errgroup::group<65536, 8> g(ex);
  return g.wait() ? 1 : 0;
}
