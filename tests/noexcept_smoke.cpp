// SPDX-License-Identifier: BSL-1.0
// Built with -fno-exceptions -fno-rtti: the core and the std_thread port compile and behave.
// Exit code 0 on success; prints what failed otherwise.
// Also the users' default configuration: counters compiled out (the other tests turn them on).
#undef ERRGROUP_STATS
#define ERRGROUP_STATS 0

#include <atomic>
#include <cstdio>

#include <errgroup/std_thread.hpp>

#define CHECK(c)                                       \
  do {                                                 \
    if (!(c)) {                                        \
      std::printf("noexcept_smoke: FAILED: %s\n", #c); \
      return 1;                                        \
    }                                                  \
  } while (0)

int main() {
  errgroup::ring_thread_executor<64> ex;
  errgroup::group<16> g(ex, errgroup::group_options::with_context());
  std::atomic<int> n{0};
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 16; ++i) {
      const errgroup::status s = g.go([&n, i, round]() -> errgroup::error {
        n.fetch_add(1, std::memory_order_relaxed);
        return (round % 10 == 0 && i == 3) ? errgroup::error(round + 1) : errgroup::error{};
      });
      // with_context: once task 3 of a failing round has failed, the group refuses new tasks.
      CHECK(s == errgroup::status::ok ||
            (round % 10 == 0 && i > 3 && s == errgroup::status::stopped));
    }
    const errgroup::error e = g.wait();
    CHECK(static_cast<bool>(e) == (round % 10 == 0));
    if (e) CHECK(e.code() == round + 1);
    CHECK(g.reset() == errgroup::status::ok);
  }
  CHECK(n.load() > 0);
  CHECK(g.stats().tasks_run == 0);  // compiled out: reports zeros
  std::printf("noexcept_smoke: ok (%d tasks ran)\n", n.load());
  return 0;
}
