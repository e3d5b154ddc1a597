// SPDX-License-Identifier: BSL-1.0
// go_n / try_go_n: the behavioural cases of bulk tasks. Included at the end of tests/test_group.cpp,
// so they run on every executor list that suite runs on (the std::thread pools, the inline
// executor, the portable wait, the FreeRTOS port double).
#include <mutex>

namespace bulk_test {

// Per-index hit counters, one cache line apart would be kinder, but exactness is the point here.
struct hits {
  std::vector<std::atomic<int>> v;
  explicit hits(std::size_t n) : v(n) {}
  void clear(std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) v[i].store(0, std::memory_order_relaxed);
  }
  // How many of [0, n) ran exactly once; the others are reported by the caller.
  std::uint32_t exactly_once(std::uint32_t n) const {
    std::uint32_t k = 0;
    for (std::uint32_t i = 0; i < n; ++i) k += v[i].load(std::memory_order_relaxed) == 1 ? 1 : 0;
    return k;
  }
  std::uint32_t ran(std::uint32_t n) const {
    std::uint32_t k = 0;
    for (std::uint32_t i = 0; i < n; ++i) k += v[i].load(std::memory_order_relaxed) != 0 ? 1 : 0;
    return k;
  }
};

// The distinct threads that ran indices (test bookkeeping, outside the library).
struct threads_seen {
  std::mutex m;
  std::set<std::thread::id> ids;
  void note() {
    std::lock_guard<std::mutex> l(m);
    ids.insert(std::this_thread::get_id());
  }
  std::size_t size() {
    std::lock_guard<std::mutex> l(m);
    return ids.size();
  }
  bool only(std::thread::id id) {
    std::lock_guard<std::mutex> l(m);
    return ids.size() == 1 && *ids.begin() == id;
  }
  bool contains(std::thread::id id) {
    std::lock_guard<std::mutex> l(m);
    return ids.count(id) != 0;
  }
};

}  // namespace bulk_test

TEMPLATE_TEST_CASE("go_n runs f(i) exactly once for every i, for any n and grain", "[group][bulk]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  bulk_test::hits hit(5000);
  const std::uint32_t sizes[] = {1, 2, 3, 7, 16, 63, 64, 65, 256, 1000, 4096, 4999};
  const std::uint32_t grains[] = {0, 1, 2, 5, 64, 10000};
  for (std::uint32_t n : sizes)
    for (std::uint32_t grain : grains) {
      hit.clear(n);
      bulk_test::hits* p = &hit;
      REQUIRE(g.go_n(
                  n, [p](std::uint32_t i) { p->v[i].fetch_add(1, std::memory_order_relaxed); },
                  grain) == status::ok);
      REQUIRE_FALSE(g.wait());
      INFO("n = " << n << ", grain = " << grain);
      REQUIRE(hit.exactly_once(n) == n);
      REQUIRE(g.outstanding() == 0);
    }
  // One task each: the capacity counts a bulk task once.
  REQUIRE(g.stats().tasks_run == (ERRGROUP_STATS ? std::size(sizes) * std::size(grains) : 0));
}

TEMPLATE_TEST_CASE("go_n: f(i, stop_token), error results, and writes visible after wait",
                   "[group][bulk]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> g(h.ex);
  std::vector<std::uint32_t> out(1000, 0);  // plain memory: published by wait()
  std::uint32_t* o = out.data();
  REQUIRE(g.go_n(1000, [o](std::uint32_t i, errgroup::stop_token st) -> error {
    if (st.stop_requested()) return error(99);
    o[i] = i * 3 + 1;
    return error{};
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  for (std::uint32_t i = 0; i < 1000; ++i) REQUIRE(out[i] == i * 3 + 1);
}

TEMPLATE_TEST_CASE("go_n: every failing index is recorded, the first is what wait() returns",
                   "[group][bulk]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<8> g(h.ex);
  // Indices 10, 20, ..., 100 fail: 10 errors, 8 kept (the capacity), 2 dropped.
  REQUIRE(g.go_n(200, [](std::uint32_t i) -> error {
    return i != 0 && i % 10 == 0 && i <= 100 ? error(static_cast<std::int32_t>(i)) : error{};
  }) == status::ok);
  const error e = g.wait();
  REQUIRE(e);
  REQUIRE(e.code() % 10 == 0);
  REQUIRE(g.errors().size == 8);
  REQUIRE(g.errors().dropped == 2);
  REQUIRE(g.errors().data[0] == e);
  std::set<int> codes;
  for (const error& x : g.errors()) codes.insert(x.code());
  REQUIRE(codes.size() == 8);  // distinct indices, each once
  for (int c : codes) REQUIRE((c % 10 == 0 && c >= 10 && c <= 100));
}

TEMPLATE_TEST_CASE("go_n with on_error::stop: the indices not yet claimed are skipped and counted",
                   "[group][bulk]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group_options o;
  o.on_error = errgroup::on_error::stop;
  errgroup::group<4> g(h.ex, o);
  REQUIRE(g.set_limit(1) == status::ok);  // one runner: the order is exact
  bulk_test::hits hit(100);
  bulk_test::hits* p = &hit;
  REQUIRE(g.go_n(
              100,
              [p](std::uint32_t i) -> error {
                p->v[i].fetch_add(1, std::memory_order_relaxed);
                return i == 6 ? error(7) : error{};
              },
              1) == status::ok);
  REQUIRE(g.wait() == error(7));
  REQUIRE(hit.exactly_once(7) == 7);  // 0..6 ran
  REQUIRE(hit.ran(100) == 7);         // nothing after the failure
  if (ERRGROUP_STATS) REQUIRE(g.stats().indices_skipped == 93);
  REQUIRE(g.stop_requested());
  REQUIRE(g.go_n(5, [](std::uint32_t) {}) == status::stopped);
  REQUIRE(g.try_go_n(5, [](std::uint32_t) {}) == status::stopped);
}

TEMPLATE_TEST_CASE("go_n: stop() from an index skips the rest, a claimed range runs to its end",
                   "[group][bulk]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  REQUIRE(g.set_limit(1) == status::ok);
  bulk_test::hits hit(100);
  bulk_test::hits* p = &hit;
  errgroup::group<4>* gp = &g;
  // grain 4: index 5 stops the group; its range [4, 8) still runs to the end.
  REQUIRE(g.go_n(
              100,
              [p, gp](std::uint32_t i) {
                p->v[i].fetch_add(1, std::memory_order_relaxed);
                if (i == 5) gp->stop();
              },
              4) == status::ok);
  REQUIRE_FALSE(g.wait());  // a stop is not an error
  REQUIRE(hit.exactly_once(8) == 8);
  REQUIRE(hit.ran(100) == 8);
  if (ERRGROUP_STATS) REQUIRE(g.stats().indices_skipped == 92);
}

TEMPLATE_TEST_CASE("go_n refuses as go() does, and n == 0 submits nothing", "[group][bulk]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<2> g(h.ex);
  test::lifetime::live().store(0);
  {
    test::lifetime life;
    REQUIRE(g.go_n(0, [life](std::uint32_t) { (void)life; }) == status::ok);
    REQUIRE(g.outstanding() == 0);
    REQUIRE(test::lifetime::live().load() == 1);  // never copied
    g.close();
    REQUIRE(g.try_go_n(3, [life](std::uint32_t) { (void)life; }) == status::closed);
    REQUIRE(g.go_n(3, [life](std::uint32_t) { (void)life; }) == status::closed);
    REQUIRE(test::lifetime::live().load() == 1);
  }
  REQUIRE(g.reset() == status::ok);
  // Slots are shared with go(): a bulk slot goes back to single tasks afterwards.
  std::atomic<int> n{0};
  for (int round = 0; round < 50; ++round) {
    REQUIRE(g.go_n(10, [&n](std::uint32_t) { n.fetch_add(1, std::memory_order_relaxed); }) ==
            status::ok);
    REQUIRE(g.go([&n] { n.fetch_add(100, std::memory_order_relaxed); }) == status::ok);
    REQUIRE_FALSE(g.wait());
  }
  REQUIRE(n.load() == 50 * 110);
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("go_n: one slot for the capacity, the callable is destroyed exactly once",
                   "[group][bulk]", POOLS) {
  test::executor_holder<TestType> h(2);
  errgroup::group<1> g(h.ex);
  test::lifetime::live().store(0);
  test::gate gate;
  std::atomic<int> started{0};
  {
    test::lifetime life;
    REQUIRE(g.try_go_n(64, [life, &gate, &started](std::uint32_t) {
      (void)life;
      started.fetch_add(1, std::memory_order_release);
      gate.wait();
    }) == status::ok);
  }
  test::await_count(started, 1);
  REQUIRE(g.outstanding() == 1);
  REQUIRE(g.try_go([] {}) == status::capacity_full);
  REQUIRE(g.try_go_n(3, [](std::uint32_t) {}) == status::capacity_full);
  gate.open();
  REQUIRE_FALSE(g.wait());
  REQUIRE(started.load() == 64);
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("go_n: at most `limit` threads, and no more threads than claims",
                   "[group][bulk][limit]", POOLS) {
  test::executor_holder<TestType> h(3, 1000);
  errgroup::group<4> g(h.ex);
  for (std::uint32_t limit : {1u, 2u}) {
    REQUIRE(g.set_limit(static_cast<int>(limit)) == status::ok);
    std::atomic<int> running{0}, high{0};
    bulk_test::threads_seen seen;
    for (int round = 0; round < 20; ++round)
      REQUIRE(g.go_n(
                  400,
                  [&](std::uint32_t) {
                    const int r = running.fetch_add(1, std::memory_order_acq_rel) + 1;
                    test::raise_max(high, r);
                    seen.note();
                    for (int k = 0; k < 100; ++k)
                      std::atomic_signal_fence(std::memory_order_seq_cst);
                    running.fetch_sub(1, std::memory_order_acq_rel);
                  },
                  1) == status::ok);
    REQUIRE_FALSE(g.wait());
    REQUIRE(high.load() <= static_cast<int>(limit));
    if (ERRGROUP_STATS) REQUIRE(g.stats().max_running <= limit);
  }
  REQUIRE(g.set_limit(errgroup::no_limit) == status::ok);
  // One claim (n <= grain): one thread, however many workers there are.
  std::atomic<int> running{0}, high{0};
  for (int round = 0; round < 200; ++round) {
    REQUIRE(g.go_n(
                8,
                [&](std::uint32_t) {
                  const int r = running.fetch_add(1, std::memory_order_acq_rel) + 1;
                  test::raise_max(high, r);
                  running.fetch_sub(1, std::memory_order_acq_rel);
                },
                8) == status::ok);
    REQUIRE_FALSE(g.wait());
  }
  REQUIRE(high.load() == 1);
}

TEMPLATE_TEST_CASE("go_n: the waiting thread runs indices when the workers are busy elsewhere",
                   "[group][bulk][help]", POOLS) {
  test::executor_holder<TestType> h(1);
  errgroup::group<4> other(h.ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(other, gate) == status::ok);  // the only worker is held
  errgroup::group<4> g(h.ex);
  bulk_test::threads_seen seen;
  bulk_test::hits hit(300);
  bulk_test::hits* p = &hit;
  REQUIRE(g.go_n(300, [p, &seen](std::uint32_t i) {
    seen.note();
    p->v[i].fetch_add(1, std::memory_order_relaxed);
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(hit.exactly_once(300) == 300);
  REQUIRE(seen.only(std::this_thread::get_id()));
  gate.open();
  REQUIRE_FALSE(other.wait());
}

TEMPLATE_TEST_CASE("go_n under help_policy::never: the waiter runs no index", "[group][bulk][help]",
                   POOLS) {
  test::executor_holder<TestType> h(2);
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  errgroup::group<4> g(h.ex, o);
  bulk_test::threads_seen seen;
  for (int round = 0; round < 20; ++round)
    REQUIRE(g.go_n(
                256, [&seen](std::uint32_t) { seen.note(); }, 1) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE_FALSE(seen.contains(std::this_thread::get_id()));
}

TEST_CASE("go_n under own_tasks_timed: the waiter claims nothing at or after its deadline and "
          "hands the rest on",
          "[group][bulk][deadline]") {
  // The manual clock: index 3 moves it past the deadline. The only worker is held, so the waiter
  // alone runs 0..3, then returns timeout, leaving 4..9 to be run.
  errgroup::executor_options eo;
  eo.workers = 1;
  eo.spin_us = 0;
  manual_executor ex(eo);
  errgroup::group<4> holder(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(holder, gate) == status::ok);
  errgroup::group_options o;
  o.help = errgroup::help_policy::own_tasks_timed;
  errgroup::group<4> g(ex, o);
  const auto me = std::this_thread::get_id();
  std::atomic<int> on_waiter{0}, total{0};
  REQUIRE(g.go_n(
              10,
              [&](std::uint32_t i) {
                if (std::this_thread::get_id() == me)
                  on_waiter.fetch_add(1, std::memory_order_relaxed);
                total.fetch_add(1, std::memory_order_relaxed);
                if (i == 3) g_manual_now.fetch_add(10000000, std::memory_order_acq_rel);
              },
              1) == status::ok);
  REQUIRE(g.wait_until_ns(ex.now_ns() + 5000000) == status::timeout);
  REQUIRE(on_waiter.load() == 4);
  REQUIRE(total.load() == 4);
  gate.open();
  REQUIRE_FALSE(holder.wait());
  // The untimed wait helps: the rest runs on the worker or here, each index once.
  REQUIRE(g.wait_for(std::chrono::hours::max()) == status::ok);
  REQUIRE(total.load() == 10);
}

TEMPLATE_TEST_CASE("go_n: a full queue makes go_n run it on the caller, try_go_n refuses",
                   "[group][bulk]", POOLS) {
  using small = typename TestType::template with_queue<2>;
  errgroup::executor_options eo;
  eo.workers = 1;
  small ex(eo);
  errgroup::group<4> holder(ex);
  test::gate gate;
  REQUIRE(test::hold_a_thread(holder, gate) == status::ok);
  // Fill the queue with the holder's tasks (the worker is busy).
  int queued = 0;
  while (holder.try_go([] {}) == status::ok) ++queued;
  REQUIRE(queued >= 1);
  errgroup::group<4> g(ex);
  test::lifetime::live().store(0);
  {
    test::lifetime life;
    REQUIRE(g.try_go_n(8, [life](std::uint32_t) { (void)life; }) == status::queue_full);
    REQUIRE(test::lifetime::live().load() == 1);  // the copy was destroyed, never run
  }
  std::atomic<int> n{0};
  const auto me = std::this_thread::get_id();
  std::atomic<int> elsewhere{0};
  REQUIRE(g.go_n(50, [&](std::uint32_t) {
    n.fetch_add(1, std::memory_order_relaxed);
    if (std::this_thread::get_id() != me) elsewhere.fetch_add(1, std::memory_order_relaxed);
  }) == status::ok);
  REQUIRE(n.load() == 50);  // ran inside go_n, on this thread
  REQUIRE(elsewhere.load() == 0);
  REQUIRE_FALSE(g.wait());
  gate.open();
  REQUIRE_FALSE(holder.wait());
}

TEMPLATE_TEST_CASE("go_n nested: an index waits for its own child group's go_n", "[group][bulk]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  std::atomic<int> leaves{0};
  auto* exp = &h.ex;
  REQUIRE(g.go_n(8, [exp, &leaves](std::uint32_t) -> error {
    errgroup::group<2> child(*exp);
    if (child.go_n(16, [&leaves](std::uint32_t) {
          leaves.fetch_add(1, std::memory_order_relaxed);
        }) != status::ok)
      return error(1);
    return child.wait();
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(leaves.load() == 8 * 16);
}

TEMPLATE_TEST_CASE("go_n: wait() inside an index is refused, as inside a task", "[group][bulk]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  errgroup::group<4>* gp = &g;
  std::atomic<int> refused{0};
  REQUIRE(g.go_n(4, [gp, &refused](std::uint32_t) {
    if (gp->wait() == errgroup::errc::wait_inside_task)
      refused.fetch_add(1, std::memory_order_relaxed);
  }) == status::ok);
  REQUIRE_FALSE(g.wait());
  REQUIRE(refused.load() == 4);
}

TEMPLATE_TEST_CASE("go_n: destroying the group stops it, skipped indices never run",
                   "[group][bulk]", POOLS) {
  test::executor_holder<TestType> h(1);
  test::lifetime::live().store(0);
  std::atomic<int> ran{0}, started{0};
  test::gate gate;
  std::atomic<errgroup::group<2>*> alive{nullptr};
  // Opens the gate once the destructor's stop is visible (and touches the group no more).
  std::thread opener([&gate, &alive] {
    errgroup::group<2>* g = nullptr;
    while ((g = alive.load(std::memory_order_acquire)) == nullptr) std::this_thread::yield();
    while (!g->stop_requested()) std::this_thread::yield();
    gate.open();
    ERRGROUP_TEST_THREAD_EXIT();
  });
  {
    errgroup::group<2> g(h.ex);
    REQUIRE(g.set_limit(1) == status::ok);  // one runner: index 0 holds it
    test::lifetime life;
    REQUIRE(g.go_n(
                1000,
                [life, &ran, &gate, &started](std::uint32_t i) {
                  (void)life;
                  ran.fetch_add(1, std::memory_order_relaxed);
                  if (i == 0) {
                    started.fetch_add(1, std::memory_order_release);
                    gate.wait();
                  }
                },
                1) == status::ok);
    test::await_count(started, 1);  // index 0 runs on the worker
    alive.store(&g, std::memory_order_release);
    // ~group: stop, then wait.
  }
  opener.join();
  REQUIRE(ran.load() == 1);
  REQUIRE(test::lifetime::live().load() == 0);
}

TEMPLATE_TEST_CASE("go_n under a limit with own_tasks_timed: a hand-off keeps the thread count "
                   "within the limit",
                   "[group][bulk][limit][deadline]", POOLS) {
  // Found by the fuzzer (I4): a timed waiter on a bulk task hands the rest on at its deadline; had
  // it also returned its count, the hand-off's taker would run uncounted and the group would
  // admit one thread more than the limit (3 under set_limit(2), within a few rounds).
  test::executor_holder<TestType> h(2, 64);
  std::atomic<int> running{0}, high{0};
  auto body = [&running, &high] {
    test::raise_max(high, running.fetch_add(1, std::memory_order_acq_rel) + 1);
    const auto t0 = std::chrono::steady_clock::now();  // ~3 us of work, not a wait
    while (std::chrono::steady_clock::now() - t0 < std::chrono::microseconds(3)) {
    }
    running.fetch_sub(1, std::memory_order_acq_rel);
  };
  for (int round = 0; round < 30; ++round) {
    errgroup::group_options o;
    o.help = errgroup::help_policy::own_tasks_timed;
    errgroup::group<8> g(h.ex, o);
    REQUIRE(g.set_limit(2) == status::ok);
    REQUIRE(g.go_n(
                400, [&body](std::uint32_t) { body(); }, 1) == status::ok);
    for (int k = 0; k < 40; ++k) {
      (void)g.wait_for(std::chrono::microseconds(20));  // joins, hands off at its deadline
      (void)g.try_go([&body] { body(); });              // admitted whenever a count is free
    }
    REQUIRE_FALSE(g.wait());
  }
  REQUIRE(high.load() <= 2);
}
