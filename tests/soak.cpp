// SPDX-License-Identifier: BSL-1.0
// Soak test: random mixes of every group operation across several groups on ONE executor, for a
// chosen time, on both hosted executors.
//
//   soak [seconds = 20] [seed = time]      ctest runs 20 s (10 s per executor); hours on demand
//
// Per executor: 4 driver threads, each owning a group it re-creates every round with random
// options (help own_tasks/own_tasks_timed/never, on_error stop/keep_going, wait_policy park/spin, limit 1..4 or
// none), plus a stopper thread that stops groups on request (a "cancel from elsewhere": it never
// helps, so a task spinning until stopped is always stopped eventually). The executor's spin
// budget alternates between 0 (workers and waiters park at once: every wake-up goes through the
// futex) and 300. Tasks: succeed, fail, spin until stopped, submit into their own group (try_go),
// or run a nested child group (with_context(parent), half of them with a limit of 1, so that
// go() inside the task waits for room) and wait for it.
// Operations: go, try_go, wait, wait_for with short deadlines, stop, close, reset, set_limit,
// group destruction with tasks outstanding.
// Invariants, checked every round (a failure prints the round and aborts):
//  * every accepted task (go/try_go returned ok, including the nested ones) ran or was skipped
//    exactly once: our own counter of runs == stats().tasks_run delta, and run + skipped ==
//    accepted; zero live callables after wait() and at the end;
//  * running tasks never exceed the limit;
//  * the error wait() returns is success or one some task returned;
//  * go/try_go/wait_for return only the documented statuses;
//  * every wait returns: a watchdog aborts if no driver finishes a round for 60 s.
#include <errgroup/std_thread_boost.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using errgroup::error;
using errgroup::status;

namespace {

using clock_type = std::chrono::steady_clock;

std::atomic<long> g_live{0};  // live task callables (copies included)
std::atomic<long> g_checks{0};

struct probe {
  probe() noexcept { g_live.fetch_add(1, std::memory_order_relaxed); }
  probe(const probe&) noexcept { g_live.fetch_add(1, std::memory_order_relaxed); }
  probe(probe&&) noexcept { g_live.fetch_add(1, std::memory_order_relaxed); }
  probe& operator=(const probe&) = default;
  ~probe() { g_live.fetch_sub(1, std::memory_order_relaxed); }
};

#define SOAK_CHECK(cond)                                                                      \
  do {                                                                                        \
    g_checks.fetch_add(1, std::memory_order_relaxed);                                         \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "soak: invariant failed: %s (%s:%d) driver %d round %ld\n", #cond, \
                   __FILE__, __LINE__, d.id, d.round);                                        \
      std::fflush(stderr);                                                                    \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

using group_t = errgroup::group<16>;

// One driver's round state, shared with its tasks and the stopper.
struct driver {
  int id = 0;
  long round = 0;
  errgroup::executor_base* ex = nullptr;
  std::optional<group_t> g;
  int limit = 0;                 // 0: none
  std::atomic<int> accepted{0};  // nested submissions add here
  std::atomic<int> ran{0}, running{0}, high{0};
  std::atomic<int> nested_rounds{0};
  // stop requests for the stopper: 0 idle, 1 armed, 2 stopping
  std::atomic<int> stop_state{0};
  std::atomic<std::int64_t> stop_at_ns{0};
  // progress for the watchdog
  std::atomic<long> rounds_done{0};
  std::atomic<int> phase{0};
  // tallies
  long tasks = 0, timeouts = 0, refused = 0, destroyed_busy = 0;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

void raise_max(std::atomic<int>& m, int v) {
  int cur = m.load(std::memory_order_relaxed);
  while (v > cur && !m.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

// The task body. kind: 0 ok, 1 fail, 2 spin until stopped, 3 submit into own group, 4 child group.
struct task {
  driver* d;
  int kind;
  int code;
  probe p;
  error operator()(errgroup::stop_token tok) const {
    const int r = d->running.fetch_add(1, std::memory_order_acq_rel) + 1;
    raise_max(d->high, r);
    error result{};
    switch (kind) {
      case 1: result = error(code); break;
      case 2:
        while (!tok.stop_requested()) std::this_thread::yield();
        break;
      case 3: {
        group_t& g = *d->g;
        for (int i = 0; i < 2; ++i) {
          // try_go: a go() here would wait for room in its own group, and two such tasks at a
          // limit of 2 would be Go's own deadlock (every task of the group blocked in Go). The
          // blocking go() from inside tasks is exercised by kind 4 (into a child group).
          const status st = g.try_go(task{d, 0, 0, {}});
          if (st == status::ok) d->accepted.fetch_add(1, std::memory_order_relaxed);
          else if (!(st == status::limit_reached || st == status::capacity_full ||
                     st == status::queue_full || st == status::stopped || st == status::closed)) {
            std::fprintf(stderr, "soak: nested go/try_go returned %d\n", static_cast<int>(st));
            std::abort();
          }
        }
        break;
      }
      case 4: {
        group_t& g = *d->g;
        errgroup::group<4> child(*d->ex, errgroup::group_options::with_context(&g));
        // Half the children have a limit of 1: then go() inside this task waits for room, running
        // the child's queued tasks (Go's Go at the limit).
        if (code % 2 != 0 && child.set_limit(1) != status::ok) std::abort();
        std::atomic<int> n{0};
        int ok = 0;
        for (int i = 0; i < 3; ++i)
          if (child.go([&n] { n.fetch_add(1, std::memory_order_relaxed); }) == status::ok) ++ok;
        const error e = child.wait();
        const auto s = child.stats();
        if (e || n.load() + static_cast<int>(s.tasks_skipped) != ok ||
            static_cast<int>(s.tasks_run + s.tasks_skipped) != ok) {
          std::fprintf(stderr, "soak: child group: ok %d ran %d skipped %d\n", ok, n.load(),
                       static_cast<int>(s.tasks_skipped));
          std::abort();
        }
        d->nested_rounds.fetch_add(1, std::memory_order_relaxed);
        break;
      }
      default: break;
    }
    d->running.fetch_sub(1, std::memory_order_acq_rel);
    d->ran.fetch_add(1, std::memory_order_relaxed);
    return result;
  }
};

// Ask the stopper to stop d's group after delay_ns.
void arm_stop(driver& d, std::int64_t delay_ns) {
  d.stop_at_ns.store(now_ns() + delay_ns, std::memory_order_relaxed);
  d.stop_state.store(1, std::memory_order_release);
}
// Cancel a pending stop request; waits out a stop in progress.
void disarm_stop(driver& d) {
  for (;;) {
    int s = d.stop_state.load(std::memory_order_acquire);
    if (s == 0) return;
    if (s == 1 && d.stop_state.compare_exchange_weak(s, 0, std::memory_order_acq_rel)) return;
    std::this_thread::yield();
  }
}

void one_round(driver& d, std::mt19937& rng) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  errgroup::group_options o;
  o.on_error = pick(3) == 0 ? errgroup::on_error::stop : errgroup::on_error::keep_going;
  {
    const int hp = pick(4);
    o.help = hp == 0   ? errgroup::help_policy::never
             : hp == 1 ? errgroup::help_policy::own_tasks_timed
                       : errgroup::help_policy::own_tasks;
  }
  o.waiting = pick(5) == 0 ? errgroup::wait_policy::spin : errgroup::wait_policy::park;
  d.phase.store(1);
  d.g.emplace(*d.ex, o);
  group_t& g = *d.g;
  const int sub_rounds = 1 + pick(3);  // reuse the group: reset between sub-rounds
  for (int sr = 0; sr < sub_rounds; ++sr) {
    d.limit = pick(3) == 0 ? 0 : 1 + pick(4);
    SOAK_CHECK(g.set_limit(d.limit == 0 ? errgroup::no_limit : d.limit) == status::ok);
    SOAK_CHECK(g.set_limit(0) == status::invalid_argument);
    d.accepted.store(0);
    d.ran.store(0);
    d.running.store(0);
    d.high.store(0);
    const auto before = g.stats();
    const bool spinners = pick(4) == 0;
    if (spinners) arm_stop(d, 200000 + pick(3000000));  // the stopper stops us in 0.2..3.2 ms
    bool stopped = false, closed = false, expect_error_codes = false;
    const int n = pick(24);
    d.phase.store(2);
    for (int i = 0; i < n; ++i) {
      int kind = pick(10);
      kind = kind < 5 ? 0 : kind < 7 ? 1 : kind < 8 ? 3 : kind < 9 ? 4 : (spinners ? 2 : 0);
      const int code = 1000 * (d.id + 1) + i;
      if (kind == 1) expect_error_codes = true;
      // go() may block at the limit; with a spinner outstanding only the stopper unblocks it,
      // and the stopper is armed, so both are allowed. go() never blocks when stopped/closed.
      const bool use_go = pick(2) == 0;
      const status st = use_go ? g.go(task{&d, kind, code, {}})
                               : g.try_go(task{&d, kind, code, {}});
      if (st == status::ok) {
        d.accepted.fetch_add(1, std::memory_order_relaxed);
        ++d.tasks;
      } else {
        ++d.refused;
        if (use_go) SOAK_CHECK(st == status::stopped || st == status::closed);
        else
          SOAK_CHECK(st == status::limit_reached || st == status::capacity_full ||
                     st == status::queue_full || st == status::stopped || st == status::closed);
        if (st == status::stopped) SOAK_CHECK(g.stop_requested());
        if (st == status::closed) SOAK_CHECK(closed);
      }
      const int op = pick(40);
      if (op == 0) {
        g.stop();
        stopped = true;
      } else if (op == 1) {
        g.close();
        closed = true;
      } else if (op == 2) {
        const status w = g.wait_for(std::chrono::microseconds(pick(200)));
        SOAK_CHECK(w == status::ok || w == status::timeout);
        if (w == status::timeout) ++d.timeouts;
      } else if (op == 3) {
        const status ls = g.set_limit(2);  // busy while tasks are outstanding
        SOAK_CHECK(ls == status::ok || ls == status::busy);
        if (ls == status::ok) {  // nothing was outstanding: the new limit governs from here
          d.limit = 2;
          d.high.store(0);
        }
      }
    }
    d.phase.store(3);
    // Short deadlines: lose nothing.
    for (int k = pick(3); k > 0; --k) {
      const status w = g.wait_for(std::chrono::microseconds(pick(500)));
      SOAK_CHECK(w == status::ok || w == status::timeout);
      if (w == status::timeout) ++d.timeouts;
    }
    if (sr + 1 == sub_rounds && pick(6) == 0) {
      // Destroy the group with tasks possibly outstanding: the destructor stops and waits.
      d.phase.store(4);
      if (g.outstanding() != 0) ++d.destroyed_busy;
      disarm_stop(d);  // the stopper must not touch the group we destroy
      d.g.reset();
      SOAK_CHECK(d.ran.load() <= d.accepted.load());
      SOAK_CHECK(d.limit == 0 || d.high.load() <= d.limit);
      SOAK_CHECK(g_live.load() >= 0);
      return;
    }
    d.phase.store(5);
    const error e = (pick(3) == 0) ? g.stop_and_wait() : g.wait();
    d.phase.store(6);
    if (e) {
      SOAK_CHECK(expect_error_codes);
      SOAK_CHECK(e.code() >= 1000 * (d.id + 1) && e.code() < 1000 * (d.id + 2));
    }
    SOAK_CHECK(g.outstanding() == 0);
    SOAK_CHECK(g.wait_for(std::chrono::seconds(0)) == status::ok);
    const auto after = g.stats();
    const long run = static_cast<long>(after.tasks_run - before.tasks_run);
    const long skipped = static_cast<long>(after.tasks_skipped - before.tasks_skipped);
    SOAK_CHECK(run == d.ran.load());
    SOAK_CHECK(run + skipped == d.accepted.load());
    SOAK_CHECK(d.limit == 0 || d.high.load() <= d.limit);
    SOAK_CHECK(d.running.load() == 0);
    if (!stopped && !spinners && !g.stop_requested()) SOAK_CHECK(skipped == 0);
    disarm_stop(d);
    SOAK_CHECK(g.reset() == status::ok);
    SOAK_CHECK(!g.stop_requested() && !g.closed() && !g.first_error());
  }
  d.phase.store(7);
  d.g.reset();  // destroyed idle
}

struct totals {
  long rounds = 0, tasks = 0, timeouts = 0, refused = 0, destroyed_busy = 0, nested = 0;
};

template <class Exec>
bool soak_on(const char* name, double seconds, std::uint32_t seed, std::uint32_t spin, totals& t) {
  errgroup::executor_options eo;
  eo.workers = 2;
  eo.spin = spin;
  eo.spin_us = 0;  // count only: the tests choose when workers park
  Exec ex(eo);
  constexpr int drivers = 4;
  std::vector<driver> ds(drivers);
  std::atomic<bool> done{false};
  std::atomic<int> exited{0};
  for (int i = 0; i < drivers; ++i) {
    ds[i].id = i;
    ds[i].ex = &ex;
  }
  // The stopper: stops a group when its driver's request falls due. Never helps.
  std::thread stopper([&] {
    while (!done.load(std::memory_order_acquire)) {
      for (driver& d : ds) {
        int s = 1;
        if (d.stop_state.load(std::memory_order_acquire) == 1 &&
            d.stop_at_ns.load(std::memory_order_relaxed) <= now_ns() &&
            d.stop_state.compare_exchange_strong(s, 2, std::memory_order_acq_rel)) {
          if (d.g) d.g->stop();
          d.stop_state.store(0, std::memory_order_release);
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  const auto end = clock_type::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < drivers; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 rng(seed * 7919u + static_cast<std::uint32_t>(i));
      driver& d = ds[i];
      while (clock_type::now() < end) {
        one_round(d, rng);
        ++d.round;
        d.rounds_done.fetch_add(1, std::memory_order_release);
      }
      exited.fetch_add(1, std::memory_order_release);
    });
  }
  // Watchdog: every wait returns. No driver progress for 60 s: report and abort.
  std::vector<long> last(drivers, -1);
  auto last_progress = clock_type::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const bool all_done = exited.load(std::memory_order_acquire) == drivers;
    bool progressed = false;
    for (int i = 0; i < drivers; ++i) {
      const long r = ds[i].rounds_done.load(std::memory_order_acquire);
      if (r != last[i]) progressed = true;
      last[i] = r;
    }
    if (progressed) last_progress = clock_type::now();
    if (all_done) break;
    if (clock_type::now() - last_progress > std::chrono::seconds(60)) {
      std::fprintf(stderr, "soak: %s: no driver finished a round for 60 s (lost wake-up?)\n", name);
      std::fflush(stdout);
      for (driver& d : ds)
        std::fprintf(stderr, "  driver %d round %ld phase %d outstanding %u\n", d.id, d.round,
                     d.phase.load(), d.g ? d.g->outstanding() : 0u);
      std::abort();
    }
  }
  for (std::thread& th : threads) th.join();
  done.store(true, std::memory_order_release);
  stopper.join();
  for (driver& d : ds) {
    t.rounds += d.round;
    t.tasks += d.tasks;
    t.timeouts += d.timeouts;
    t.refused += d.refused;
    t.destroyed_busy += d.destroyed_busy;
    t.nested += d.nested_rounds.load();
  }
  const long live = g_live.load();
  if (live != 0) {
    std::fprintf(stderr, "soak: %s: %ld live callables at the end\n", name, live);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
  const std::uint32_t seed = argc > 2
                                 ? static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10))
                                 : static_cast<std::uint32_t>(now_ns());
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("soak: %.1f s, seed %u (rerun: soak %.1f %u)\n", seconds, seed, seconds, seed);
  // Both executors, each with a parking (spin 0) and a spinning (spin 300) half.
  const double quarter = seconds / 4;
  bool ok = true;
  struct phase_result {
    const char* name;
    totals t;
  };
  phase_result r[4] = {{"boost_thread_executor<64>, spin 0", {}},
                       {"boost_thread_executor<64>, spin 300", {}},
                       {"ring_thread_executor<64>, spin 0", {}},
                       {"ring_thread_executor<64>, spin 300", {}}};
  ok &= soak_on<errgroup::boost_thread_executor<64>>(r[0].name, quarter, seed, 0, r[0].t);
  ok &= soak_on<errgroup::boost_thread_executor<64>>(r[1].name, quarter, seed + 1, 300, r[1].t);
  ok &= soak_on<errgroup::ring_thread_executor<64>>(r[2].name, quarter, seed + 2, 0, r[2].t);
  ok &= soak_on<errgroup::ring_thread_executor<64>>(r[3].name, quarter, seed + 3, 300, r[3].t);
  for (const phase_result& p : r)
    std::printf("  %-36s rounds %7ld (%6.0f/s)  tasks %8ld (%8.0f/s)  refused %6ld  timeouts %5ld"
                "  destroyed busy %4ld  child groups %5ld\n",
                p.name, p.t.rounds, static_cast<double>(p.t.rounds) / quarter, p.t.tasks,
                static_cast<double>(p.t.tasks) / quarter, p.t.refused, p.t.timeouts,
                p.t.destroyed_busy, p.t.nested);
  std::printf("soak: %ld invariant checks, live callables %ld: %s\n", g_checks.load(),
              g_live.load(), ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
