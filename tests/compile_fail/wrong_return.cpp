// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a task that returns int (neither errgroup::error nor void).
// The expected diagnostic is the static_assert "a task must return errgroup::error or void".
#include <errgroup/std_thread.hpp>

int main() {
  errgroup::thread_executor<> ex;
  errgroup::group<4> g(ex);
  (void)g.go([]() -> int { return 1; });
  return g.wait() ? 1 : 0;
}
