// SPDX-License-Identifier: BSL-1.0
// A user of the installed / added errgroup package: go + wait + set_limit through
// errgroup::std_thread. Exits non-zero, naming the failed check, on wrong behaviour.
#include <errgroup/std_thread.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "consumer: FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  errgroup::executor_options opts;
  opts.workers = 3;  // more workers than the limit, so set_limit(2) is what bounds concurrency
  errgroup::thread_executor<> ex(opts);
  errgroup::group<8> g(ex);

  check(g.set_limit(0) == errgroup::status::invalid_argument, "set_limit(0) is invalid_argument");
  check(g.set_limit(2) == errgroup::status::ok, "set_limit(2) is ok");

  constexpr int tasks = 16;
  std::atomic<int> ran{0};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  for (int i = 0; i < tasks; ++i) {
    const errgroup::status st = g.go([&, i]() -> errgroup::error {
      // relaxed: a counter and a high-water mark; wait() publishes the final values.
      const int now = running.fetch_add(1, std::memory_order_relaxed) + 1;
      int seen = max_running.load(std::memory_order_relaxed);
      while (now > seen &&
             !max_running.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      running.fetch_sub(1, std::memory_order_relaxed);
      ran.fetch_add(1, std::memory_order_relaxed);
      return i == 5 ? errgroup::error(42) : errgroup::error{};
    });
    check(st == errgroup::status::ok, "go() accepted the task");
  }
  const errgroup::error err = g.wait();
  check(ran.load(std::memory_order_relaxed) == tasks, "every task ran");
  check(max_running.load(std::memory_order_relaxed) <= 2, "set_limit(2) bounded concurrency");
  check(static_cast<bool>(err) && err.code() == 42, "wait() returned the task's error");
  check(g.outstanding() == 0, "nothing outstanding after wait()");

  // Next round: a void task, no error.
  check(g.reset() == errgroup::status::ok, "reset() after wait() is ok");
  check(g.set_limit(errgroup::no_limit) == errgroup::status::ok, "set_limit(no_limit) is ok");
  std::atomic<bool> flag{false};
  check(g.go([&flag]() { flag.store(true, std::memory_order_relaxed); }) == errgroup::status::ok,
        "go() accepted a void task");
  check(!g.wait(), "wait() is success when no task failed");
  check(flag.load(std::memory_order_relaxed), "the void task ran");

  if (failures == 0) std::puts("consumer: ok");
  return failures == 0 ? 0 : 1;
}
