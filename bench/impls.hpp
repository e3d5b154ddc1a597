// SPDX-License-Identifier: BSL-1.0
// bench/impls.hpp — every implementation behind one small interface, so each workload is written
// once. All pools are persistent: constructed before any timed region, with the same worker count
// (cores - 1 workers; the caller helps where the library lets it: errgroup, oneTBB, ideal).
//
//   fork_join(n, f)      W1: submit n copies of f (void()), wait for all
//   limited(n, lim, f)   W4: same with at most lim outstanding (errgroup: set_limit; others: an
//                        emulated counting semaphore, marked "emulated" in the output)
//   submit_one(f)/wait_one()   W2: one task, the caller does NOT help (so a worker runs it)
//   cancel_round(n, ...)       W3: see run_cancel() in bench_latency.cpp
#ifndef ERRGROUP_BENCH_IMPLS_HPP
#define ERRGROUP_BENCH_IMPLS_HPP

#include <cstdlib>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <errgroup/std_thread_boost.hpp>

#include "bench_common.hpp"

#ifndef BENCH_HAVE_TBB
#define BENCH_HAVE_TBB 0
#endif
#ifndef BENCH_HAVE_ASIO
#define BENCH_HAVE_ASIO 0
#endif

#if BENCH_HAVE_TBB
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#endif
#if BENCH_HAVE_ASIO
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#endif

namespace bench {

constexpr std::size_t max_tasks = 4096;

[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "bench: %s\n", what);
  std::abort();
}

// Emulated limit for peers without one: the submitter waits (running `help` meanwhile) while
// `lim` tasks are outstanding.
struct limiter {
  std::atomic<std::uint32_t> inflight{0};
  template <class Help>
  void acquire(std::uint32_t lim, Help&& help) noexcept {
    while (inflight.load(std::memory_order_acquire) >= lim) help();
    inflight.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept { inflight.fetch_sub(1, std::memory_order_release); }
};

// ---- errgroup on a thread pool (Queue = Boost.Lockfree or the in-house ring) -------------------
template <class Exec>
struct errgroup_pool {
  static errgroup::executor_options opts(std::uint32_t spin) {
    errgroup::executor_options o;
    o.workers = pool_workers();
    o.spin = spin;
    o.name = "bench";
    return o;
  }
  explicit errgroup_pool(std::uint32_t spin = errgroup::executor_options{}.spin)
      : ex(new Exec(opts(spin))),
        g(new errgroup::group<max_tasks>(*ex)),
        gl(new errgroup::group<max_tasks>(*ex)),
        g1(new errgroup::group<16>(*ex, no_help())),
        gc(new errgroup::group<max_tasks>(*ex, errgroup::group_options::with_context())) {
    if (gl->set_limit(2) != errgroup::status::ok) die("set_limit");
  }
  ~errgroup_pool() {  // groups before their executor
    g.reset();
    gl.reset();
    g1.reset();
    gc.reset();
    ex.reset();
  }
  static errgroup::group_options no_help() {
    errgroup::group_options o;
    o.help = errgroup::help_policy::never;
    return o;
  }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    for (std::uint32_t i = 0; i < n; ++i)
      if (g->go([&f] { f(); }) != errgroup::status::ok) die("go refused");
    if (g->wait()) die("wait returned an error");
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    if (lim != 2) die("limited: the group's limit is set to 2 at construction");
    for (std::uint32_t i = 0; i < n; ++i)
      if (gl->go([&f] { f(); }) != errgroup::status::ok) die("go refused");
    if (gl->wait()) die("wait returned an error");
  }
  template <class F>
  void submit_one(const F& f) {
    if (g1->go([&f] { f(); }) != errgroup::status::ok) die("go refused");
  }
  void wait_one() {
    if (g1->wait()) die("wait returned an error");
  }
  static constexpr bool emulated_limit = false;
  std::unique_ptr<Exec> ex;
  std::unique_ptr<errgroup::group<max_tasks>> g, gl;
  std::unique_ptr<errgroup::group<16>> g1;
  std::unique_ptr<errgroup::group<max_tasks>> gc;  // W3: with_context (stop on first error)
};

using eg_boost = errgroup_pool<errgroup::boost_thread_executor<max_tasks>>;
using eg_ring = errgroup_pool<errgroup::ring_thread_executor<max_tasks>>;

// ---- errgroup inline executor: every task runs inside go() -------------------------------------
struct eg_inline {
  eg_inline()
      : ex(new errgroup::inline_executor()),
        g(new errgroup::group<max_tasks>(*ex)),
        gl(new errgroup::group<max_tasks>(*ex)) {
    if (gl->set_limit(2) != errgroup::status::ok) die("set_limit");
  }
  ~eg_inline() {
    g.reset();
    gl.reset();
    ex.reset();
  }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    for (std::uint32_t i = 0; i < n; ++i)
      if (g->go([&f] { f(); }) != errgroup::status::ok) die("go refused");
    if (g->wait()) die("wait returned an error");
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t, const F& f) {
    for (std::uint32_t i = 0; i < n; ++i)
      if (gl->go([&f] { f(); }) != errgroup::status::ok) die("go refused");
    if (gl->wait()) die("wait returned an error");
  }
  static constexpr bool emulated_limit = false;
  std::unique_ptr<errgroup::inline_executor> ex;
  std::unique_ptr<errgroup::group<max_tasks>> g, gl;
};

// ---- the ideal reference ----------------------------------------------------------------------
struct ideal {
  explicit ideal(std::uint32_t spin = 2000) : pool(new ideal_pool(pool_workers(), spin)) {}
  template <class F>
  struct ctx {
    const F* f;
    latch* l;
    limiter* lim;
    static void run(void* p) noexcept {
      ctx* c = static_cast<ctx*>(p);
      (*c->f)();
      if (c->lim != nullptr) c->lim->release();
      c->l->count_down();
    }
  };
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    ctx<F> c{&f, &l, nullptr};
    l.reset(n);
    for (std::uint32_t i = 0; i < n; ++i) pool->submit({&ctx<F>::run, &c});
    pool->help_until(l);
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    ctx<F> c{&f, &l, &lm};
    l.reset(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      lm.acquire(lim, [this] {
        if (!pool->run_one()) cpu_relax();
      });
      pool->submit({&ctx<F>::run, &c});
    }
    pool->help_until(l);
  }
  template <class F>
  void submit_one(const F& f) {
    static thread_local ctx<F> c;
    c = ctx<F>{&f, &l, nullptr};
    l.reset(1);
    pool->submit({&ctx<F>::run, &c});
  }
  void wait_one() { l.wait(); }
  static constexpr bool emulated_limit = true;
  std::unique_ptr<ideal_pool> pool;
  latch l;
  limiter lm;
};

#if BENCH_HAVE_TBB
// ---- oneTBB task_group (1 worker + the caller, which runs tasks inside wait()) ------------------
inline tbb::global_control& tbb_limit() {
  static tbb::global_control gc(tbb::global_control::max_allowed_parallelism, cores());
  return gc;
}
struct tbb_tg {
  tbb_tg() : arena((tbb_limit(), static_cast<int>(cores()))) { arena.initialize(); }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    for (std::uint32_t i = 0; i < n; ++i) tg.run([&f] { f(); });
    tg.wait();
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    for (std::uint32_t i = 0; i < n; ++i) {
      lm.acquire(lim, [] { cpu_relax(); });
      tg.run([this, &f] {
        f();
        lm.release();
      });
    }
    tg.wait();
  }
  // W2: the task goes to a worker (arena.enqueue); the caller waits on a latch, not in the arena.
  template <class F>
  void submit_one(const F& f) {
    l.reset(1);
    arena.enqueue([this, &f] {
      f();
      l.count_down();
    });
  }
  void wait_one() { l.wait(); }
  static constexpr bool emulated_limit = true;
  tbb::task_group tg;
  tbb::task_arena arena;
  latch l;
  limiter lm;
};
#endif

#if BENCH_HAVE_ASIO
// ---- Boost.Asio thread_pool + a counting latch (Asio has no fork-join wait; the caller cannot help)
struct asio_pool {
  asio_pool() : pool(pool_workers()) {}
  ~asio_pool() { pool.join(); }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    l.reset(n);
    for (std::uint32_t i = 0; i < n; ++i)
      boost::asio::post(pool, [this, &f] {
        f();
        l.count_down();
      });
    l.wait();
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    l.reset(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      lm.acquire(lim, [] { cpu_relax(); });
      boost::asio::post(pool, [this, &f] {
        f();
        lm.release();
        l.count_down();
      });
    }
    l.wait();
  }
  template <class F>
  void submit_one(const F& f) {
    l.reset(1);
    boost::asio::post(pool, [this, &f] {
      f();
      l.count_down();
    });
  }
  void wait_one() { l.wait(); }
  static constexpr bool emulated_limit = true;
  boost::asio::thread_pool pool;
  latch l;
  limiter lm;
};
#endif

// ---- std::async(std::launch::async): a new thread per task in libstdc++ ------------------------
struct std_async {
  std_async() { futs.reserve(max_tasks); }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    futs.clear();
    for (std::uint32_t i = 0; i < n; ++i)
      futs.push_back(std::async(std::launch::async, [&f] { f(); }));
    for (auto& x : futs) x.get();
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    futs.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
      lm.acquire(lim, [] { cpu_relax(); });
      futs.push_back(std::async(std::launch::async, [this, &f] {
        f();
        lm.release();
      }));
    }
    for (auto& x : futs) x.get();
  }
  template <class F>
  void submit_one(const F& f) {
    one = std::async(std::launch::async, [&f] { f(); });
  }
  void wait_one() { one.get(); }
  static constexpr bool emulated_limit = true;
  std::vector<std::future<void>> futs;
  std::future<void> one;
  limiter lm;
};

// ---- a thread per task: Go's errgroup translated literally (go f() -> std::thread) -------------
struct thread_per_task {
  thread_per_task() { ts.reserve(max_tasks); }
  template <class F>
  void fork_join(std::uint32_t n, const F& f) {
    ts.clear();
    for (std::uint32_t i = 0; i < n; ++i) ts.emplace_back([&f] { f(); });
    for (auto& t : ts) t.join();
  }
  template <class F>
  void limited(std::uint32_t n, std::uint32_t lim, const F& f) {
    ts.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
      lm.acquire(lim, [] { cpu_relax(); });
      ts.emplace_back([this, &f] {
        f();
        lm.release();
      });
    }
    for (auto& t : ts) t.join();
  }
  template <class F>
  void submit_one(const F& f) {
    one = std::thread([&f] { f(); });
  }
  void wait_one() { one.join(); }
  static constexpr bool emulated_limit = true;
  std::vector<std::thread> ts;
  std::thread one;
  limiter lm;
};

// The instances, created once (lazily, on first use, before any timed region of that workload).
template <class T>
T& instance() {
  static T t;
  return t;
}

}  // namespace bench

#endif  // ERRGROUP_BENCH_IMPLS_HPP
