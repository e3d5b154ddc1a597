// SPDX-License-Identifier: BSL-1.0
// bench/bench_latency.cpp — W2 dispatch latency, W3 cancellation latency, and the floors they are
// judged against (cross-core cache-line round trip, futex wake round trip), with heap calls per
// task for each. Every sample goes into an allocation-free log-linear histogram; implementations
// are interleaved (rep 1 of every implementation, then rep 2, ...) and the histograms of all reps
// are merged. Writes one JSON document (percentiles plus a percentile curve for the plot).
//
//   errgroup_bench_latency [--out FILE] [--scale X] [--only w2|w3]
//     --scale multiplies every sample count (default 1; the defaults keep the run ~1 minute)
//     --only runs the floors and one workload (for development; the JSON then lacks the other)
//
// W2: one task into an executor; the submitting thread does not help (errgroup: help_policy::never,
//   oneTBB: task_arena::enqueue, others: post/submit + a latch), so a worker runs it.
//   submit->start: ticks before go() to the task's first instruction; end->return: the task's last
//   instruction to wait() returning; submit cost: how long go()/post() itself took.
//   warm: the next sample is submitted as soon as the last returned (workers still spinning);
//     each pool's rep starts after 3 ms of quiet (other pools' workers park) and 200 discarded
//     samples;
//   idle: 3 ms sleep before each sample, so every worker has parked.
// W3: n tasks that poll the stop token; task 0 fails once all n are submitted; time from its
//   failure to wait() returning (the other running task must notice, the queued ones be skipped).
#include <time.h>
#include <cerrno>
#include <cmath>
#include <string>

#include "impls.hpp"

namespace {

using namespace bench;

double g_scale = 1.0;
int scaled(int n) { return std::max(1, static_cast<int>(n * g_scale)); }

// ---- JSON output (tiny, append-only) ------------------------------------------------------------
std::string out;
void jkey(const char* k) {
  out += '"';
  out += k;
  out += "\":";
}
void jnum(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  out += b;
}
void jhist(const histogram& h, double heap_allocs_per_task = -1, const char* note = nullptr) {
  out += '{';
  jkey("count"), jnum(static_cast<double>(h.count())), out += ',';
  jkey("p50"), jnum(h.quantile(0.50)), out += ',';
  jkey("p99"), jnum(h.quantile(0.99)), out += ',';
  jkey("p999"), jnum(h.quantile(0.999)), out += ',';
  jkey("max"), jnum(static_cast<double>(h.max())), out += ',';
  jkey("mean"), jnum(h.mean()), out += ',';
  if (heap_allocs_per_task >= 0) jkey("allocs_per_task"), jnum(heap_allocs_per_task), out += ',';
  if (note != nullptr) jkey("note"), out += '"', out += note, out += "\",";
  // The percentile curve: x = -log10(1 - q) from 0 (p0) to 5 (p99.999) in steps of 0.1.
  jkey("curve"), out += '[';
  for (int i = 0; i <= 50; ++i) {
    const double x = i / 10.0;
    const double q = 1.0 - std::pow(10.0, -x);
    if (i) out += ',';
    out += '[', jnum(q * 100.0), out += ',', jnum(h.quantile(q)), out += ']';
  }
  out += ",[100,", jnum(static_cast<double>(h.max())), out += "]]}";
}

void sleep_us(long us) {
  timespec ts{us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

std::uint64_t g_t0 = 0;
void section(const char* what) {
  std::fprintf(stderr, "[%6.1f s] %s\n", static_cast<double>(mono_ns() - g_t0) / 1e9, what);
}

void print(const char* what, const histogram& h) {
  std::fprintf(stderr, "  %-44s n=%-7llu p50 %9.0f  p99 %9.0f  p99.9 %9.0f  max %9llu ns\n", what,
               static_cast<unsigned long long>(h.count()), h.quantile(0.5), h.quantile(0.99),
               h.quantile(0.999), static_cast<unsigned long long>(h.max()));
}

// ---- floors ---------------------------------------------------------------------------------------
histogram cacheline_round_trip(int samples) {
  histogram h;
  std::atomic<std::uint64_t> x{0};
  std::thread b([&] {
    for (std::uint64_t k = 0; k < static_cast<std::uint64_t>(samples); ++k) {
      while (x.load(std::memory_order_acquire) != 2 * k + 1) cpu_relax();
      x.store(2 * k + 2, std::memory_order_release);
    }
  });
  for (std::uint64_t k = 0; k < static_cast<std::uint64_t>(samples); ++k) {
    const std::uint64_t t0 = ticks();
    x.store(2 * k + 1, std::memory_order_release);
    while (x.load(std::memory_order_acquire) != 2 * k + 2) cpu_relax();
    h.record(ticks_to_ns(static_cast<std::int64_t>(ticks() - t0)));
  }
  b.join();
  return h;
}

// A wakes B through a futex, B wakes A: both sleep in the kernel (no spinning).
histogram futex_round_trip(int samples) {
  histogram h;
  std::atomic<std::uint32_t> w{0};
  std::thread b([&] {
    for (int k = 0; k < samples; ++k) {
      std::uint32_t v;
      while ((v = w.load(std::memory_order_acquire)) != 1) futex_wait(w, v);
      w.store(2, std::memory_order_release);
      futex_wake(w, 1);
    }
  });
  sleep_us(1000);
  for (int k = 0; k < samples; ++k) {
    const std::uint64_t t0 = ticks();
    w.store(1, std::memory_order_release);
    futex_wake(w, 1);
    std::uint32_t v;
    while ((v = w.load(std::memory_order_acquire)) != 2) futex_wait(w, v);
    h.record(ticks_to_ns(static_cast<std::int64_t>(ticks() - t0)));
  }
  b.join();
  return h;
}

// ---- W2 -------------------------------------------------------------------------------------------
std::uint64_t g_start, g_end;  // written by the task, read after wait_one() (which synchronises)
struct probe {
  void operator()() const noexcept {
    g_start = ticks();
    g_end = ticks();
  }
};

struct w2_result {
  histogram submit_start, end_return, submit_cost;
};

template <class Impl>
void w2_samples(Impl& im, int samples, long idle_us, w2_result& r) {
  const probe p{};
  for (int s = 0; s < samples; ++s) {
    if (idle_us > 0) sleep_us(idle_us);
    const std::uint64_t t0 = ticks();
    im.submit_one(p);
    const std::uint64_t t1 = ticks();
    im.wait_one();
    const std::uint64_t t3 = ticks();
    r.submit_start.record(ticks_to_ns(static_cast<std::int64_t>(g_start - t0)));
    r.end_return.record(ticks_to_ns(static_cast<std::int64_t>(t3 - g_end)));
    r.submit_cost.record(ticks_to_ns(static_cast<std::int64_t>(t1 - t0)));
  }
}

template <class Impl>
double w2_heap(Impl& im) {
  const probe p{};
  for (int s = 0; s < 100; ++s) im.submit_one(p), im.wait_one();
  heap_scope hs;
  for (int s = 0; s < 1000; ++s) im.submit_one(p), im.wait_one();
  return static_cast<double>(hs.stop().allocs) / 1000.0;
}

// ---- W3 -------------------------------------------------------------------------------------------
constexpr std::uint64_t bail_ns = 2000000000;  // a polling task gives up after 2 s (never hang)

struct w3_shared {
  std::atomic<bool> submitted{false};
  std::atomic<bool> stop{false};  // for peers without a stop token
  std::atomic<std::uint64_t> t_fail{0};
  std::uint64_t t_begin = 0;
  void fail_when_submitted() noexcept {
    while (!submitted.load(std::memory_order_acquire)) cpu_relax();
    t_fail.store(ticks(), std::memory_order_release);
  }
  template <class Stopped>
  void poll(Stopped&& stopped) const noexcept {
    const std::uint64_t t0 = mono_ns();
    for (std::uint32_t i = 0; !stopped(); ++i) {
      cpu_relax();
      if ((i & 1023) == 0 && mono_ns() - t0 > bail_ns) return;
    }
  }
};

template <class P>
void w3_round(P& p, std::uint32_t n, w3_shared& sh) {  // errgroup pools
  auto& g = *p.gc;
  if (g.reset() != errgroup::status::ok) die("reset");
  for (std::uint32_t i = 0; i < n; ++i) {
    errgroup::status st;
    if (i == 0)
      st = g.go([&sh]() -> errgroup::error {
        sh.fail_when_submitted();
        return errgroup::error(1);
      });
    else
      st = g.go([&sh](errgroup::stop_token tok) { sh.poll([&] { return tok.stop_requested(); }); });
    if (st != errgroup::status::ok) die("go refused in W3");
  }
  sh.submitted.store(true, std::memory_order_release);
  if (g.wait().code() != 1) die("W3: wait did not return the failure");
}

void w3_round(ideal& im, std::uint32_t n, w3_shared& sh) {
  struct ctx {
    w3_shared* sh;
    latch* l;
    static void fail(void* p) noexcept {
      ctx* c = static_cast<ctx*>(p);
      c->sh->fail_when_submitted();
      c->sh->stop.store(true, std::memory_order_release);
      c->l->count_down();
    }
    static void poll(void* p) noexcept {
      ctx* c = static_cast<ctx*>(p);
      c->sh->poll([c] { return c->sh->stop.load(std::memory_order_acquire); });
      c->l->count_down();
    }
  };
  ctx c{&sh, &im.l};
  im.l.reset(n);
  for (std::uint32_t i = 0; i < n; ++i) im.pool->submit({i == 0 ? &ctx::fail : &ctx::poll, &c});
  sh.submitted.store(true, std::memory_order_release);
  im.pool->help_until(im.l);
}

#if BENCH_HAVE_TBB
void w3_round(tbb_tg& im, std::uint32_t n, w3_shared& sh) {
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == 0)
      im.tg.run([&sh, &im] {
        sh.fail_when_submitted();
        im.tg.cancel();
      });
    else
      im.tg.run([&sh] { sh.poll([] { return tbb::is_current_task_group_canceling(); }); });
  }
  sh.submitted.store(true, std::memory_order_release);
  if (im.tg.wait() != tbb::task_group_status::canceled) die("W3: tbb wait was not canceled");
}
#endif

#if BENCH_HAVE_ASIO
void w3_round(asio_pool& im, std::uint32_t n, w3_shared& sh) {
  im.l.reset(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i == 0)
      boost::asio::post(im.pool, [&sh, &im] {
        sh.fail_when_submitted();
        sh.stop.store(true, std::memory_order_release);
        im.l.count_down();
      });
    else
      boost::asio::post(im.pool, [&sh, &im] {
        sh.poll([&sh] { return sh.stop.load(std::memory_order_acquire); });
        im.l.count_down();
      });
  }
  sh.submitted.store(true, std::memory_order_release);
  im.l.wait();
}
#endif

template <class Impl>
void w3_samples(Impl& im, std::uint32_t n, int samples, histogram& h) {
  for (int s = 0; s < samples; ++s) {
    w3_shared sh;
    w3_round(im, n, sh);
    const std::uint64_t t = ticks();
    h.record(ticks_to_ns(static_cast<std::int64_t>(t - sh.t_fail.load(std::memory_order_acquire))));
  }
}
template <class Impl>
double w3_heap(Impl& im, std::uint32_t n) {
  w3_shared sh0;
  w3_round(im, n, sh0);
  heap_scope hs;
  for (int s = 0; s < 3; ++s) {
    w3_shared sh;
    w3_round(im, n, sh);
  }
  return static_cast<double>(hs.stop().allocs) / (3.0 * n);
}

// ---- the driver -----------------------------------------------------------------------------------
// One row per implementation, each a set of type-erased steps; reps interleave implementations.
struct row {
  const char* name;
  void (*w2)(int samples, long idle_us, w2_result& r);
  double (*w2_heap)();
  void (*w3)(std::uint32_t n, int samples, histogram& h);
  double (*w3_heap)(std::uint32_t n);
  w2_result warm, idle;
  histogram w3h[2];
  double heap_w2 = -1, heap_w3[2] = {-1, -1};
};

template <class Impl>
row make_row(const char* name, bool with_w3) {
  row r{};
  r.name = name;
  r.w2 = [](int s, long idle, w2_result& res) { w2_samples(instance<Impl>(), s, idle, res); };
  r.w2_heap = [] { return w2_heap(instance<Impl>()); };
  if constexpr (!std::is_same<Impl, std_async>::value &&
                !std::is_same<Impl, thread_per_task>::value) {
    if (with_w3) {
      r.w3 = [](std::uint32_t n, int s, histogram& h) { w3_samples(instance<Impl>(), n, s, h); };
      r.w3_heap = [](std::uint32_t n) { return w3_heap(instance<Impl>(), n); };
    }
  }
  return r;
}

// errgroup with workers that do not park between samples (spin budget 2^20 pauses, ~10 ms here,
// longer than the 3 ms idle gap): the configuration in which the submitter makes no system call.
// Burns a core per worker, so it lives only for its samples. (Not 2^32: a worker checks for
// shutdown only after its whole spin budget, so the destructor would wait ~50 s; see README.)
struct eg_ring_nopark : eg_ring {
  eg_ring_nopark() : eg_ring(1u << 20) {}
};

double pause_ns() {
  const std::uint64_t t0 = ticks();
  for (int i = 0; i < 100000; ++i) cpu_relax();
  return static_cast<double>(ticks_to_ns(static_cast<std::int64_t>(ticks() - t0))) / 100000.0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* out_path = nullptr;
  bool run_w2 = true, run_w3 = true;  // --only: one workload, for development (floors always run)
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--out") && i + 1 < argc) out_path = argv[++i];
    else if (!std::strcmp(argv[i], "--scale") && i + 1 < argc)
      g_scale = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      const char* w = argv[++i];
      run_w2 = !std::strcmp(w, "w2");
      run_w3 = !std::strcmp(w, "w3");
      if (!run_w2 && !run_w3) {
        std::fprintf(stderr, "--only takes w2 or w3\n");
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: %s [--out FILE] [--scale X] [--only w2|w3]\n", argv[0]);
      return 2;
    }
  }
  g_t0 = mono_ns();
  calibrate_clock();
  calibrate_work();
  const double pns = pause_ns();
  std::fprintf(stderr,
               "bench latency: %u cores, %u pool workers; TSC %.4f ns/tick; pause %.1f ns "
               "(errgroup's default spin budget of 2000 pauses ~ %.0f us)\n",
               cores(), pool_workers(), ns_per_tick(), pns, pns * 2000 / 1000);

  const int reps = 5;
  std::vector<row> rows;
  rows.push_back(make_row<eg_boost>("errgroup_boost", true));
  rows.push_back(make_row<eg_ring>("errgroup_ring", true));
  rows.push_back(make_row<ideal>("ideal", true));
#if BENCH_HAVE_TBB
  rows.push_back(make_row<tbb_tg>("tbb", true));
#endif
#if BENCH_HAVE_ASIO
  rows.push_back(make_row<asio_pool>("asio", true));
#endif
  rows.push_back(make_row<std_async>("std_async", false));
  rows.push_back(make_row<thread_per_task>("thread", false));
  auto per_thread = [](const row& r) {
    return !std::strcmp(r.name, "std_async") || !std::strcmp(r.name, "thread");
  };

  // Floors, interleaved with nothing else running.
  section("floors");
  histogram cl, fx;
  for (int rep = 0; rep < reps; ++rep) {
    cl.merge(cacheline_round_trip(scaled(20000)));
    fx.merge(futex_round_trip(scaled(2000)));
  }
  print("cache-line round trip", cl);
  print("futex wake round trip", fx);

  w2_result nopark_warm, nopark_idle;
  if (run_w2) {
    // W2 warm: 5 reps x 20000 samples per pool (thread-per-task peers: 5 x 1000). Before each
    // pool's rep: 3 ms for every other pool's workers to finish spinning and park (otherwise the
    // previous pool's spinning workers compete for the 2 cores with this pool's samples, and which
    // pool suffers depends on the order), then 200 discarded samples to wake this pool up.
    section("W2 warm");
    static w2_result discard;
    for (int rep = 0; rep < reps; ++rep)
      for (row& r : rows) {
        sleep_us(3000);
        r.w2(200, 0, discard);
        r.w2(scaled(per_thread(r) ? 1000 : 20000), 0, r.warm);
      }
    // W2 idle: 5 reps x 200 samples, 3 ms apart.
    section("W2 idle");
    for (int rep = 0; rep < reps; ++rep)
      for (row& r : rows) r.w2(scaled(per_thread(r) ? 40 : 200), 3000, r.idle);
    section("W2 no-park configuration");
    {
      std::unique_ptr<eg_ring_nopark> np(new eg_ring_nopark());
      w2_samples(*np, 200, 0, nopark_warm);
      nopark_warm = w2_result{};
      w2_samples(*np, scaled(100000), 0, nopark_warm);
      w2_samples(*np, scaled(1000), 3000, nopark_idle);
    }  // its forever-spinning worker stops here, before anything else runs
    section("W2 heap");
    for (row& r : rows) r.heap_w2 = r.w2_heap();
    for (row& r : rows) {
      std::fprintf(stderr, " %s (heap allocs per task: %.3g)\n", r.name, r.heap_w2);
      print("warm submit->start", r.warm.submit_start);
      print("warm end->wait return", r.warm.end_return);
      print("warm submit cost", r.warm.submit_cost);
      print("idle submit->start", r.idle.submit_start);
      print("idle end->wait return", r.idle.end_return);
      print("idle submit cost", r.idle.submit_cost);
    }
    std::fprintf(stderr, " errgroup_ring, workers do not park (spin budget 2^20 pauses)\n");
    print("warm submit->start", nopark_warm.submit_start);
    print("idle submit->start", nopark_idle.submit_start);
    print("idle submit cost", nopark_idle.submit_cost);
  }
  if (run_w3) {
    // W3: 5 reps x 60 rounds per pool and n.
    section("W3 cancellation (failure -> wait return)");
    const std::uint32_t ns[2] = {256, 4096};
    for (int k = 0; k < 2; ++k)
      for (row& r : rows)
        if (r.w3) r.w3(ns[k], 5, r.w3h[k]), r.w3h[k].clear();  // warm-up
    for (int rep = 0; rep < reps; ++rep)
      for (int k = 0; k < 2; ++k)
        for (row& r : rows)
          if (r.w3) r.w3(ns[k], scaled(60), r.w3h[k]);
    for (row& r : rows)
      if (r.w3)
        for (int k = 0; k < 2; ++k) r.heap_w3[k] = r.w3_heap(ns[k]);
    for (row& r : rows)
      if (r.w3) {
        std::fprintf(stderr, " %s (heap allocs per task: %.3g / %.3g)\n", r.name, r.heap_w3[0],
                     r.heap_w3[1]);
        print("n=256", r.w3h[0]);
        print("n=4096", r.w3h[1]);
      }
  }
  section("done");
  // JSON
  out += '{';
  jkey("cores"), jnum(cores()), out += ',';
  jkey("pool_workers"), jnum(pool_workers()), out += ',';
  jkey("ns_per_tick"), jnum(ns_per_tick()), out += ',';
  jkey("pause_ns"), jnum(pns), out += ',';
  jkey("floors"), out += '{';
  jkey("cacheline_round_trip"), jhist(cl), out += ',';
  jkey("futex_wake_round_trip"), jhist(fx), out += "},";
  jkey("w2"), out += '{';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const row& r = rows[i];
    jkey(r.name), out += '{';
    jkey("allocs_per_task"), jnum(r.heap_w2), out += ',';
    jkey("warm_submit_start"), jhist(r.warm.submit_start), out += ',';
    jkey("warm_end_return"), jhist(r.warm.end_return), out += ',';
    jkey("warm_submit_cost"), jhist(r.warm.submit_cost), out += ',';
    jkey("idle_submit_start"), jhist(r.idle.submit_start), out += ',';
    jkey("idle_end_return"), jhist(r.idle.end_return), out += ',';
    jkey("idle_submit_cost"), jhist(r.idle.submit_cost), out += "},";
  }
  jkey("errgroup_ring_nopark"), out += '{';
  jkey("warm_submit_start"), jhist(nopark_warm.submit_start), out += ',';
  jkey("warm_end_return"), jhist(nopark_warm.end_return), out += ',';
  jkey("idle_submit_start"), jhist(nopark_idle.submit_start), out += ',';
  jkey("idle_end_return"), jhist(nopark_idle.end_return), out += ',';
  jkey("idle_submit_cost"), jhist(nopark_idle.submit_cost), out += "}},";
  jkey("w3"), out += '{';
  bool first = true;
  for (const row& r : rows) {
    if (!r.w3) continue;
    if (!first) out += ',';
    first = false;
    jkey(r.name), out += '{';
    jkey("256"), jhist(r.w3h[0], r.heap_w3[0]), out += ',';
    jkey("4096"), jhist(r.w3h[1], r.heap_w3[1]), out += '}';
  }
  out += "}}\n";
  if (out_path != nullptr) {
    FILE* f = std::fopen(out_path, "w");
    if (f == nullptr) die("cannot open --out file");
    std::fputs(out.c_str(), f);
    std::fclose(f);
  } else {
    std::fputs(out.c_str(), stdout);
  }
  std::fflush(nullptr);
  std::_Exit(0);  // persistent pools are process-lifetime
}
