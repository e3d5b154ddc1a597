// SPDX-License-Identifier: BSL-1.0
// bench/bench_throughput.cpp — W1 fork-join throughput and W4 limit, with W5 heap calls per task,
// on Google Benchmark. Every implementation is a persistent pool (created on first use, outside
// the timed loop). Run with repetitions and random interleaving (the defaults below) and read the
// medians: the machines this runs on are 2-core, noisy VMs.
//
//   W1/<task>/N:<n>/<impl>   submit n tasks (empty, or ~1 us of work), wait; real time per round
//   W4/limit2/N:1024/<impl>  1024 empty tasks, at most 2 outstanding
//
// Counters: tasks (n per round), allocs_per_task and frees_per_task (counted in one untimed round
// after a warm-up round, on every thread).
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "impls.hpp"

namespace {

using namespace bench;

enum class task_kind { empty, work };

struct empty_task {
  void operator()() const noexcept { benchmark::ClobberMemory(); }
};
struct work_task {
  void operator()() const noexcept { one_us(); }
};

template <class Impl, class F>
void set_heap_counters(benchmark::State& st, Impl& im, std::uint32_t n, const F& f, bool limited) {
  // one warm-up round (pools' lazy per-thread caches fill here), then one counted round
  if (limited) im.limited(n, 2, f);
  else
    im.fork_join(n, f);
  heap_scope hs;
  if (limited) im.limited(n, 2, f);
  else
    im.fork_join(n, f);
  const heap_count c = hs.stop();
  st.counters["tasks"] = n;
  st.counters["allocs_per_task"] = static_cast<double>(c.allocs) / n;
  st.counters["frees_per_task"] = static_cast<double>(c.frees) / n;
}

template <class Impl, class F>
void bm_w1(benchmark::State& st, std::uint32_t n) {
  Impl& im = instance<Impl>();
  const F f{};
  set_heap_counters(st, im, n, f, false);
  for (auto _ : st) im.fork_join(n, f);
}

template <class Impl>
void bm_w4(benchmark::State& st, std::uint32_t n) {
  Impl& im = instance<Impl>();
  const empty_task f{};
  set_heap_counters(st, im, n, f, true);
  for (auto _ : st) im.limited(n, 2, f);
  st.counters["emulated_limit"] = Impl::emulated_limit ? 1 : 0;
}

template <class Impl>
void add(const char* name) {
  for (std::uint32_t n : {16u, 256u, 4096u}) {
    const std::string base = "/N:" + std::to_string(n) + "/" + name;
    benchmark::RegisterBenchmark(("W1/empty" + base).c_str(),
                                 [n](benchmark::State& s) { bm_w1<Impl, empty_task>(s, n); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("W1/1us" + base).c_str(),
                                 [n](benchmark::State& s) { bm_w1<Impl, work_task>(s, n); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark((std::string("W4/limit2/N:1024/") + name).c_str(),
                               [](benchmark::State& s) { bm_w4<Impl>(s, 1024); })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  calibrate_work();
  std::fprintf(stderr, "bench: ~1 us task = %llu iterations; %u cores, %u pool workers\n",
               static_cast<unsigned long long>(work_iters()), cores(), pool_workers());

  add<eg_boost>("errgroup_boost");
  add<eg_ring>("errgroup_ring");
  add<eg_inline>("errgroup_inline");
  add<ideal>("ideal");
#if BENCH_HAVE_TBB
  add<tbb_tg>("tbb");
#endif
#if BENCH_HAVE_ASIO
  add<asio_pool>("asio");
#endif
  add<std_async>("std_async");
  add<thread_per_task>("thread");

  // Defaults first: any flag the user passes later overrides them.
  std::vector<char*> args{argv[0]};
  static char d1[] = "--benchmark_repetitions=5";
  static char d2[] = "--benchmark_enable_random_interleaving=true";
  static char d3[] = "--benchmark_min_time=0.05";
  static char d4[] = "--benchmark_report_aggregates_only=true";
  args.insert(args.end(), {d1, d2, d3, d4});
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fflush(nullptr);
  std::_Exit(0);  // persistent pools are process-lifetime; skip static destruction order issues
}
