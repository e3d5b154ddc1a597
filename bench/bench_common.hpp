// SPDX-License-Identifier: BSL-1.0
// bench/bench_common.hpp — pieces every benchmark binary shares: a TSC clock calibrated to ns, an
// allocation-free log-linear latency histogram, the heap-call counter (defined in heap_count.cpp),
// a futex, a counting latch for peers that have no wait(), calibrated ~1 us of work, and the
// "ideal" reference pool (a bounded ring, one parking worker per core but one, a helping caller).
//
// Benchmark code only: it is not part of the library and is never built by default.
#ifndef ERRGROUP_BENCH_COMMON_HPP
#define ERRGROUP_BENCH_COMMON_HPP

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace bench {

// ---- heap-call counter (heap_count.cpp replaces operator new/delete and interposes malloc) ----
extern std::atomic<bool> heap_counting;
extern std::atomic<long> heap_calls;  // allocations (malloc/calloc/realloc/aligned, new)
extern std::atomic<long> heap_frees;  // free/delete of a non-null pointer
struct heap_count {
  long allocs = 0, frees = 0;
};
struct heap_scope {  // counts every heap call on any thread between construction and stop()
  heap_scope() noexcept {
    heap_calls.store(0, std::memory_order_relaxed);
    heap_frees.store(0, std::memory_order_relaxed);
    heap_counting.store(true, std::memory_order_seq_cst);
  }
  heap_count stop() noexcept {
    heap_counting.store(false, std::memory_order_seq_cst);
    return {heap_calls.load(std::memory_order_relaxed), heap_frees.load(std::memory_order_relaxed)};
  }
};

// ---- clock ---------------------------------------------------------------------------------------
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

inline std::uint64_t mono_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// Raw timestamp: the TSC on x86 (constant and synchronised across cores on this VM: constant_tsc,
// nonstop_tsc), otherwise CLOCK_MONOTONIC. Convert differences with ticks_to_ns().
inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned aux;
  return __rdtscp(&aux);
#else
  return mono_ns();
#endif
}

inline double& ns_per_tick() {
  static double v = 1.0;
  return v;
}
inline void calibrate_clock() {
#if defined(__x86_64__) || defined(__i386__)
  const std::uint64_t n0 = mono_ns(), t0 = ticks();
  while (mono_ns() - n0 < 50000000u) {
  }
  const std::uint64_t n1 = mono_ns(), t1 = ticks();
  ns_per_tick() = static_cast<double>(n1 - n0) / static_cast<double>(t1 - t0);
#endif
}
inline std::uint64_t ticks_to_ns(std::int64_t dt) noexcept {
  if (dt <= 0) return 0;  // cross-core TSC skew of a few ticks
  return static_cast<std::uint64_t>(static_cast<double>(dt) * ns_per_tick() + 0.5);
}

// ---- histogram ------------------------------------------------------------------------------------
// Log-linear buckets (HdrHistogram's layout): values below 2^S exact; above, 2^S linear sub-buckets
// per power of two (S = 5: <= 3.1% relative error). Fixed storage, record() never allocates.
class histogram {
 public:
  static constexpr int sub_bits = 5;
  static constexpr int sub = 1 << sub_bits;
  static constexpr int max_exp = 44;  // values up to 2^44 ns (~4.9 hours)
  static constexpr int buckets = (max_exp - sub_bits + 2) * sub;

  void record(std::uint64_t v) noexcept {
    counts_[index(v)] += 1;
    total_ += 1;
    if (v > max_) max_ = v;
    if (v < min_) min_ = v;
    sum_ += static_cast<double>(v);
  }
  void merge(const histogram& o) noexcept {
    for (int i = 0; i < buckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
    min_ = std::min(min_, o.min_);
    sum_ += o.sum_;
  }
  void clear() noexcept { *this = histogram{}; }
  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t max() const noexcept { return total_ ? max_ : 0; }
  std::uint64_t min() const noexcept { return total_ ? min_ : 0; }
  double mean() const noexcept { return total_ ? sum_ / static_cast<double>(total_) : 0.0; }
  // The value at quantile q in [0,1]: the midpoint of the bucket holding it (max() for q == 1).
  double quantile(double q) const noexcept {
    if (total_ == 0) return 0;
    if (q >= 1.0) return static_cast<double>(max_);
    std::uint64_t rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    std::uint64_t seen = 0;
    for (int i = 0; i < buckets; ++i) {
      seen += counts_[i];
      if (seen > rank) {
        const double lo = static_cast<double>(lower(i)), hi = static_cast<double>(lower(i + 1));
        double mid = (lo + hi - 1) / 2.0;
        return std::min(mid, static_cast<double>(max_));
      }
    }
    return static_cast<double>(max_);
  }

 private:
  static int index(std::uint64_t v) noexcept {
    if (v < static_cast<std::uint64_t>(sub)) return static_cast<int>(v);
    int e = 63 - __builtin_clzll(v);  // >= sub_bits
    if (e > max_exp) return buckets - 1;
    const int s = static_cast<int>((v >> (e - sub_bits)) & (sub - 1));
    return (e - sub_bits + 1) * sub + s;
  }
  static std::uint64_t lower(int i) noexcept {
    if (i < sub) return static_cast<std::uint64_t>(i);
    const int e = i / sub + sub_bits - 1;
    const int s = i % sub;
    return (std::uint64_t{1} << e) + (static_cast<std::uint64_t>(s) << (e - sub_bits));
  }
  std::uint64_t counts_[buckets] = {};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  double sum_ = 0;
};

// ---- futex, latch -------------------------------------------------------------------------------
inline void futex_wait(std::atomic<std::uint32_t>& w, std::uint32_t expected) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&w), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}
inline void futex_wake(std::atomic<std::uint32_t>& w, int n) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&w), FUTEX_WAKE_PRIVATE, n, nullptr, nullptr,
          0);
}

// A counting latch for peers without a wait(): [waiter bit][count: 31 bits]. The waiter spins, then
// sets the waiter bit and sleeps on the futex; the finisher that brings the count to 0 wakes it only
// if the bit is set, so a warm waiter costs no system call.
class latch {
 public:
  static constexpr std::uint32_t waiter = 1u << 31;
  void reset(std::uint32_t n) noexcept { word_.store(n, std::memory_order_relaxed); }
  void add(std::uint32_t n) noexcept { word_.fetch_add(n, std::memory_order_relaxed); }
  void count_down() noexcept {
    const std::uint32_t prev = word_.fetch_sub(1, std::memory_order_acq_rel);
    if ((prev & ~waiter) == 1 && (prev & waiter) != 0) futex_wake(word_, INT_MAX);
  }
  bool done() const noexcept { return (word_.load(std::memory_order_acquire) & ~waiter) == 0; }
  void wait(std::uint32_t spin = 2000) noexcept {
    for (std::uint32_t i = 0; i < spin; ++i) {
      if (done()) return;
      cpu_relax();
    }
    for (;;) {
      const std::uint32_t v = word_.fetch_or(waiter, std::memory_order_acq_rel) | waiter;
      if ((v & ~waiter) == 0) break;
      futex_wait(word_, v);
    }
    word_.fetch_and(~waiter, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint32_t> word_{0};
};

// ---- ~1 us of work ------------------------------------------------------------------------------
inline std::uint64_t& work_iters() {
  static std::uint64_t v = 1000;
  return v;
}
// A dependent integer chain the compiler cannot remove or vectorise.
inline std::uint64_t spin_work(std::uint64_t iters) noexcept {
  std::uint64_t x = iters;
  for (std::uint64_t i = 0; i < iters; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    __asm__ __volatile__("" : "+r"(x));
  }
  return x;
}
inline void one_us() noexcept { (void)spin_work(work_iters()); }
// Calibrate work_iters() so one_us() takes ~1000 ns (median of 21 trials).
inline void calibrate_work() {
  const std::uint64_t probe = 100000;
  double best[21];
  for (double& b : best) {
    const std::uint64_t t0 = mono_ns();
    (void)spin_work(probe);
    b = static_cast<double>(mono_ns() - t0) / static_cast<double>(probe);
  }
  std::sort(best, best + 21);
  work_iters() = static_cast<std::uint64_t>(1000.0 / best[10]);
}

inline std::uint32_t cores() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 2 : n;
}
inline std::uint32_t pool_workers() { return cores() > 1 ? cores() - 1 : 1; }

// ---- the ideal reference pool ---------------------------------------------------------------------
// What a minimal pool costs: a bounded MPMC ring (Vyukov) of {fn, arg}, N-1 workers that spin 2000
// pauses and then park on one futex word (registration + seq_cst fence, as errgroup does), and a
// caller that runs queued jobs while it waits. No group bookkeeping: no limit, no error slot, no
// stop, no slot bitmap. This is the floor a fork-join library can approach.
class ideal_pool {
 public:
  struct item {
    void (*fn)(void*);
    void* arg;
  };
  static constexpr std::uint32_t capacity = 8192;

  explicit ideal_pool(std::uint32_t workers, std::uint32_t spin = 2000) : spin_(spin) {
    for (std::uint32_t i = 0; i < capacity; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
    n_ = workers > 8 ? 8 : workers;
    for (std::uint32_t i = 0; i < n_; ++i) threads_[i] = std::thread([this] { loop(); });
  }
  ~ideal_pool() {
    stopping_.store(true, std::memory_order_seq_cst);
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    futex_wake(epoch_, INT_MAX);
    for (std::uint32_t i = 0; i < n_; ++i) threads_[i].join();
  }

  bool try_push(item it) noexcept {
    std::uint64_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & (capacity - 1)];
      const std::uint64_t seq = c.seq.load(std::memory_order_acquire);
      const std::int64_t d = static_cast<std::int64_t>(seq) - static_cast<std::int64_t>(pos);
      if (d == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.it = it;
          c.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (d < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }
  bool try_pop(item& it) noexcept {
    std::uint64_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & (capacity - 1)];
      const std::uint64_t seq = c.seq.load(std::memory_order_acquire);
      const std::int64_t d = static_cast<std::int64_t>(seq) - static_cast<std::int64_t>(pos + 1);
      if (d == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          it = c.it;
          c.seq.store(pos + capacity, std::memory_order_release);
          return true;
        }
      } else if (d < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }
  void submit(item it) noexcept {
    while (!try_push(it)) {
      if (!run_one()) cpu_relax();
    }
    std::atomic_thread_fence(std::memory_order_seq_cst);  // push before the sleeper check
    if (sleepers_.load(std::memory_order_relaxed) != 0) {
      epoch_.fetch_add(1, std::memory_order_seq_cst);
      futex_wake(epoch_, 1);
    }
  }
  bool run_one() noexcept {
    item it;
    if (!try_pop(it)) return false;
    it.fn(it.arg);
    return true;
  }
  // The caller helps until l is done.
  void help_until(const latch& l) noexcept {
    while (!l.done()) {
      if (!run_one()) cpu_relax();
    }
  }

 private:
  void loop() noexcept {
    for (;;) {
      item it;
      bool got = try_pop(it);
      for (std::uint32_t i = 0; !got && i < spin_; ++i) {
        cpu_relax();
        got = try_pop(it);
      }
      if (got) {
        it.fn(it.arg);
        continue;
      }
      if (stopping_.load(std::memory_order_acquire)) return;
      const std::uint32_t key = epoch_.load(std::memory_order_seq_cst);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (try_pop(it)) {
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        it.fn(it.arg);
        continue;
      }
      if (!stopping_.load(std::memory_order_acquire)) futex_wait(epoch_, key);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  struct alignas(64) cell {
    std::atomic<std::uint64_t> seq;
    item it;
  };
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> sleepers_{0};
  std::atomic<bool> stopping_{false};
  std::uint32_t spin_;
  std::uint32_t n_ = 0;
  cell cells_[capacity];
  std::thread threads_[8];
};

}  // namespace bench

#endif  // ERRGROUP_BENCH_COMMON_HPP
