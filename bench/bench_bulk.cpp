// SPDX-License-Identifier: BSL-1.0
// bench/bench_bulk.cpp — W6, bulk fork-join: a round runs f(i) for i in [0, n) and waits, as an
// audio block renders n voices or a game frame updates n bodies. Per round size n = 16, 256, 4096,
// with empty bodies and ~1 us bodies: the round time (p50, p99) and ns per index (p50 / n).
//
// Columns, each with every core of the machine (the caller plus cores - 1 workers, or the
// library's own team of `cores` threads):
//   serial           the loop on one thread: the floor for empty bodies, the cost for 1 us ones
//   omp_static       #pragma omp parallel for schedule(static)            (libgomp, -fopenmp)
//   tbb_auto         tbb::parallel_for, auto_partitioner, in a task_arena  (oneTBB)
//   tbb_simple       tbb::parallel_for, simple_partitioner (grain 1)
//   errgroup_go_n    this library's bulk form: one go_n(n, f) on a ring executor, then wait()
//                    (the waiter claims indices too), default grain
//   errgroup_go      n go() calls on the same executor, then wait() (helping): what go_n replaces
// --grains G1,G2,...  adds one errgroup_go_n column per grain (gN), for choosing the default.
//
// Interleaved: every configuration runs a slice of its rounds in turn, `reps` times, so a noisy
// phase of the VM hits every column alike. Usage: errgroup_bench_bulk [--rounds-scale X] [--out F]
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#if defined(BENCH_HAVE_OPENMP)
#include <omp.h>
#endif
#if defined(BENCH_HAVE_TBB)
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#endif

#include <errgroup/std_thread.hpp>

#include "bench_common.hpp"

using namespace bench;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bench_bulk: %s\n", what);
  std::exit(1);
}

volatile std::uint32_t g_sink[4096];

struct body_empty {
  static constexpr const char* name = "empty";
  void operator()(std::uint32_t i) const noexcept { g_sink[i] = i; }
};
struct body_1us {
  static constexpr const char* name = "1us";
  void operator()(std::uint32_t i) const noexcept {
    one_us();
    g_sink[i] = i;
  }
};

// One implementation: run(n, body) is one round.
struct impl {
  const char* name;
  std::function<void(std::uint32_t, bool)> run;  // (n, one_us_body) — bench code, not the library
};

template <class Body>
void serial_round(std::uint32_t n, const Body& b) {
  for (std::uint32_t i = 0; i < n; ++i) b(i);
}

#if defined(BENCH_HAVE_OPENMP)
template <class Body>
void omp_round(std::uint32_t n, const Body& b) {
  const int nn = static_cast<int>(n);
#pragma omp parallel for schedule(static)
  for (int i = 0; i < nn; ++i) b(static_cast<std::uint32_t>(i));
}
#endif

struct eg_bulk {
  errgroup::thread_executor<4096, 64> ex;
  errgroup::group<4096> g;
  static errgroup::executor_options opts() {
    errgroup::executor_options o;
    o.workers = pool_workers();
    o.name = "bench";
    return o;
  }
  eg_bulk() : ex(opts()), g(ex) {}
  template <class Body>
  void round_n(std::uint32_t n, const Body& b, std::uint32_t grain) {
    if (g.go_n(
            n, [&b](std::uint32_t i) { b(i); }, grain) != errgroup::status::ok)
      die("go_n refused");
    if (g.wait()) die("wait returned an error");
  }
  template <class Body>
  void round(std::uint32_t n, const Body& b) {
    for (std::uint32_t i = 0; i < n; ++i)
      if (g.go([&b, i] { b(i); }) != errgroup::status::ok) die("go refused");
    if (g.wait()) die("wait returned an error");
  }
};

struct result {
  std::string impl, body;
  std::uint32_t n;
  histogram h;  // round time, ns
};

}  // namespace

int main(int argc, char** argv) {
  double scale = 1.0;
  const char* out = nullptr;
  std::vector<std::uint32_t> grains;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds-scale") == 0 && i + 1 < argc) {
      scale = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out = argv[++i];
    } else if (std::strcmp(argv[i], "--grains") == 0 && i + 1 < argc) {
      for (const char* p = argv[++i]; *p != 0;) {
        grains.push_back(static_cast<std::uint32_t>(std::strtoul(p, nullptr, 10)));
        p = std::strchr(p, ',');
        if (p == nullptr) break;
        ++p;
      }
    } else {
      std::fprintf(stderr, "usage: %s [--rounds-scale X] [--out FILE] [--grains G1,G2]\n", argv[0]);
      return 2;
    }
  }
  calibrate_clock();
  calibrate_work();
  const std::uint32_t threads = cores();
  std::fprintf(stderr, "bench_bulk: %u cores; ~1 us body = %llu iterations\n", threads,
               static_cast<unsigned long long>(work_iters()));

  std::vector<impl> impls;
  impls.push_back({"serial", [](std::uint32_t n, bool us) {
                     if (us) serial_round(n, body_1us{});
                     else
                       serial_round(n, body_empty{});
                   }});
#if defined(BENCH_HAVE_OPENMP)
  omp_set_num_threads(static_cast<int>(threads));
  impls.push_back({"omp_static", [](std::uint32_t n, bool us) {
                     if (us) omp_round(n, body_1us{});
                     else
                       omp_round(n, body_empty{});
                   }});
#endif
#if defined(BENCH_HAVE_TBB)
  auto arena = std::make_shared<tbb::task_arena>(static_cast<int>(threads));
  impls.push_back({"tbb_auto", [arena](std::uint32_t n, bool us) {
                     arena->execute([&] {
                       tbb::parallel_for(
                           tbb::blocked_range<std::uint32_t>(0, n),
                           [us](const tbb::blocked_range<std::uint32_t>& r) {
                             for (std::uint32_t i = r.begin(); i != r.end(); ++i)
                               us ? body_1us{}(i) : body_empty{}(i);
                           },
                           tbb::auto_partitioner());
                     });
                   }});
  impls.push_back({"tbb_simple", [arena](std::uint32_t n, bool us) {
                     arena->execute([&] {
                       tbb::parallel_for(
                           tbb::blocked_range<std::uint32_t>(0, n, 1),
                           [us](const tbb::blocked_range<std::uint32_t>& r) {
                             for (std::uint32_t i = r.begin(); i != r.end(); ++i)
                               us ? body_1us{}(i) : body_empty{}(i);
                           },
                           tbb::simple_partitioner());
                     });
                   }});
#endif
  auto eg = std::make_shared<eg_bulk>();
  impls.push_back({"errgroup_go_n", [eg](std::uint32_t n, bool us) {
                     if (us) eg->round_n(n, body_1us{}, 0);
                     else
                       eg->round_n(n, body_empty{}, 0);
                   }});
  static std::vector<std::string> grain_names;  // impl names must outlive the results
  grain_names.reserve(grains.size());
  for (std::uint32_t gr : grains) {
    grain_names.push_back("go_n_g" + std::to_string(gr));
    impls.push_back({grain_names.back().c_str(), [eg, gr](std::uint32_t n, bool us) {
                       if (us) eg->round_n(n, body_1us{}, gr);
                       else
                         eg->round_n(n, body_empty{}, gr);
                     }});
  }
  impls.push_back({"errgroup_go", [eg](std::uint32_t n, bool us) {
                     if (us) eg->round(n, body_1us{});
                     else
                       eg->round(n, body_empty{});
                   }});

  const std::uint32_t sizes[] = {16, 256, 4096};
  std::vector<result> results;
  for (const impl& im : impls)
    for (bool us : {false, true})
      for (std::uint32_t n : sizes) results.push_back({im.name, us ? "1us" : "empty", n, {}});

  // Rounds per configuration: ~0.3 s of work per configuration at scale 1 (at least 60 rounds).
  auto rounds_for = [scale](std::uint32_t n, bool us) {
    const double per_round_ns = us ? n * 1000.0 / 2 : n * 50.0 + 2000.0;
    const double r = 0.3e9 / per_round_ns * scale;
    return static_cast<std::uint32_t>(std::max(60.0, std::min(r, 20000.0)));
  };
  const int reps = 5;
  for (int rep = 0; rep < reps; ++rep) {
    std::size_t k = 0;
    for (const impl& im : impls)
      for (bool us : {false, true})
        for (std::uint32_t n : sizes) {
          result& res = results[k++];
          const std::uint32_t rounds = rounds_for(n, us) / reps + 1;
          for (std::uint32_t w = 0; w < 10; ++w) im.run(n, us);  // warm: threads awake, caches
          for (std::uint32_t r = 0; r < rounds; ++r) {
            const std::uint64_t t0 = ticks();
            im.run(n, us);
            res.h.record(ticks_to_ns(static_cast<std::int64_t>(ticks() - t0)));
          }
        }
  }

  std::printf("W6 bulk fork-join, %u threads: round time p50 / p99 (us), ns per index (p50 / n)\n",
              threads);
  std::printf("%-14s %-6s %6s %12s %12s %12s\n", "impl", "body", "n", "p50 us", "p99 us",
              "ns/index");
  for (const result& r : results)
    std::printf("%-14s %-6s %6u %12.2f %12.2f %12.2f\n", r.impl.c_str(), r.body.c_str(), r.n,
                r.h.quantile(0.5) / 1000.0, r.h.quantile(0.99) / 1000.0,
                r.h.quantile(0.5) / static_cast<double>(r.n));
  if (out != nullptr) {
    FILE* f = std::fopen(out, "w");
    if (f == nullptr) die("cannot write --out");
    std::fprintf(f, "{\"threads\": %u, \"rows\": [\n", threads);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const result& r = results[i];
      std::fprintf(f,
                   "  {\"impl\": \"%s\", \"body\": \"%s\", \"n\": %u, \"rounds\": %llu, "
                   "\"p50_ns\": %.1f, \"p99_ns\": %.1f, \"ns_per_index\": %.2f}%s\n",
                   r.impl.c_str(), r.body.c_str(), r.n,
                   static_cast<unsigned long long>(r.h.count()), r.h.quantile(0.5),
                   r.h.quantile(0.99), r.h.quantile(0.5) / static_cast<double>(r.n),
                   i + 1 < results.size() ? "," : "");
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
  }
  return 0;
}
