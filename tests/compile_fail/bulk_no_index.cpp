// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: a go_n task that takes no index (go_n calls f(i) or f(i, stop_token)).
// The expected diagnostic is the static_assert "a go_n task must be callable as f(std::uint32_t)".
#include <errgroup/std_thread.hpp>

int main() {
  errgroup::thread_executor<> ex;
  errgroup::group<4> g(ex);
  (void)g.go_n(8, [] {});
  return g.wait() ? 1 : 0;
}
