// SPDX-License-Identifier: BSL-1.0
// Control for too_large.cpp and wrong_return.cpp: the same setup with a task that fits and
// returns errgroup::error compiles, links and runs, so their failures come from the static_asserts
// and not from a broken build setup.
#include <errgroup/std_thread.hpp>

int main() {
  errgroup::thread_executor<> ex;
  errgroup::group<4> g(ex);
  unsigned char small[16] = {};
  if (g.go([small]() -> errgroup::error { return errgroup::error(small[0]); }) !=
      errgroup::status::ok)
    return 1;
  if (g.go([]() {}) != errgroup::status::ok) return 1;  // void is accepted too
  return g.wait() ? 1 : 0;
}
