// SPDX-License-Identifier: BSL-1.0
// "Allocation-free" as a measured claim: global operator new/delete are replaced (and, outside
// sanitizer builds, malloc/calloc/realloc/free are interposed over glibc's) with counting
// versions. After the executor and group exist, a million task submissions across go/try_go/go_n/wait
// rounds — with errors, stops, limits, nested groups, timeouts and parking — make zero heap calls
// on any thread (and the same for errgroup::compact, the single-core group).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include <errgroup/bare_metal.hpp>

#include "test_util.hpp"

namespace heap {
std::atomic<bool> counting{false};
std::atomic<long> calls{0};
inline void note() noexcept {
  if (counting.load(std::memory_order_relaxed)) calls.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace heap

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HEAP_COUNTS_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HEAP_COUNTS_MALLOC 0
#endif
#endif
#if !defined(HEAP_COUNTS_MALLOC) && !defined(__GLIBC__)
// __libc_malloc and friends are glibc's (Windows' CRT has none): operator new/delete only.
#define HEAP_COUNTS_MALLOC 0
#endif
#ifndef HEAP_COUNTS_MALLOC
#define HEAP_COUNTS_MALLOC 1
#endif

#if HEAP_COUNTS_MALLOC
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t n) {
  heap::note();
  return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
  heap::note();
  return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
  heap::note();
  return __libc_realloc(p, n);
}
void free(void* p) {
  if (p != nullptr) heap::note();
  __libc_free(p);
}
}
#endif

// The replacements below pair operator new with std::free by design (they are the allocator).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  heap::note();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  heap::note();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  heap::note();
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  heap::note();
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept {
  if (p != nullptr) heap::note();
  std::free(p);
}
void operator delete[](void* p) noexcept {
  if (p != nullptr) heap::note();
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  if (p != nullptr) heap::note();
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  if (p != nullptr) heap::note();
  std::free(p);
}

using errgroup::error;
using errgroup::status;

namespace {
#if HEAP_COUNTS_MALLOC
constexpr long total_tasks = 1000000;
#else
constexpr long total_tasks = 100000;  // sanitizer builds: same paths, fewer rounds
#endif

template <class Exec>
long run_rounds(Exec& ex) {
  errgroup::group<16> g(ex, errgroup::group_options::with_context());
  errgroup::group<8> plain(ex);
  std::atomic<long> ran{0};
  long submitted = 0;
  // Warm-up round outside the counted window: first-use of thread_local storage etc.
  (void)g.go([] {});
  (void)g.wait();
  heap::calls.store(0);
  heap::counting.store(true);
  for (long round = 0; submitted < total_tasks; ++round) {
    const int n = 16;
    (void)g.set_limit(round % 4 == 0 ? 3 : errgroup::no_limit);
    for (int i = 0; i < n; ++i) {
      auto task = [&ran, &plain, i, round](errgroup::stop_token st) -> error {
        ran.fetch_add(1, std::memory_order_relaxed);
        if (i == 0 && round % 5 == 0) (void)plain.try_go([] {});  // nested submission
        if (st.stop_requested()) return error{};
        return (round % 7 == 0 && i == 5) ? error(i) : error{};  // error traffic (stops the group)
      };
      const status s = (i % 2 == 0) ? g.go(task) : g.try_go(task);
      if (s == status::ok) ++submitted;
    }
    // Bulk tasks: go_n / try_go_n of 64 indices (first error, stop and limit traffic as above).
    auto bulk = [&ran, round](std::uint32_t i, errgroup::stop_token) -> error {
      ran.fetch_add(1, std::memory_order_relaxed);
      return (round % 9 == 0 && i == 40) ? error(3) : error{};
    };
    if (((round & 1) == 0 ? g.go_n(64, bulk) : g.try_go_n(64, bulk, 8)) == status::ok)
      submitted += 64;
    if (round % 11 == 0) g.stop();                                        // stop traffic
    if (round % 13 == 0) (void)g.wait_for(std::chrono::microseconds(1));  // timeout path
    (void)g.wait();
    (void)plain.wait();
    for (const error& e : g.errors()) (void)e;
    (void)g.reset();
  }
  heap::counting.store(false);
  return heap::calls.load();
}
}  // namespace

TEST_CASE("zero heap calls per task after set-up: Boost.Lockfree pool", "[alloc]") {
  errgroup::executor_options o;
  o.workers = 2;
  errgroup::boost_thread_executor<256> ex(o);
  REQUIRE(run_rounds(ex) == 0);
}

TEST_CASE("zero heap calls per task after set-up: ring pool, parking workers", "[alloc]") {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 0;     // park and wake on every gap: the futex path must not allocate either
  o.spin_us = 0;  // count only: the tests choose when workers park
  errgroup::ring_thread_executor<256> ex(o);
  REQUIRE(run_rounds(ex) == 0);
}

TEST_CASE("zero heap calls per task after set-up: inline executor", "[alloc]") {
  errgroup::inline_executor ex;
  REQUIRE(run_rounds(ex) == 0);
}

namespace {
struct step_clock {  // advances 1 us per read: timed waits reach their deadlines
  static inline std::uint64_t t = 0;
  static std::uint64_t now_ns() noexcept { return t += 1000; }
};
}  // namespace

TEST_CASE("zero heap calls per task after set-up: errgroup::compact", "[alloc]") {
  errgroup::compact::basic_executor<errgroup::basic_bare_metal_port<step_clock>> ex;
  errgroup::compact::group<16> g(ex, errgroup::group_options::with_context());
  errgroup::compact::group<8> plain(ex);
  long ran = 0, submitted = 0;
  heap::calls.store(0);
  heap::counting.store(true);
  for (long round = 0; submitted < total_tasks; ++round) {
    (void)g.set_limit(round % 4 == 0 ? 3 : errgroup::no_limit);
    for (int i = 0; i < 16; ++i) {
      auto task = [&ran, &plain, i, round](errgroup::compact::stop_token st) -> error {
        ++ran;
        if (i == 0 && round % 5 == 0) (void)plain.try_go([] {});  // nested submission
        if (st.stop_requested()) return error{};
        return (round % 7 == 0 && i == 5) ? error(i) : error{};  // error traffic (stops the group)
      };
      if (((i % 2 == 0) ? g.go(task) : g.try_go(task)) == status::ok) ++submitted;
    }
    if (round % 11 == 0) g.stop();                                        // stop traffic
    if (round % 13 == 0) (void)g.wait_for(std::chrono::microseconds(3));  // timeout path
    if (round % 3 == 0) (void)ex.poll(4);
    (void)g.wait();
    (void)plain.wait();
    for (const error& e : g.errors()) (void)e;
    (void)g.reset();
  }
  heap::counting.store(false);
  REQUIRE(heap::calls.load() == 0);
  REQUIRE(ran > total_tasks / 2);
}

TEST_CASE("the counter sees heap calls (the test can fail)", "[alloc]") {
  heap::calls.store(0);
  heap::counting.store(true);
  auto* p = new int(7);
  *static_cast<volatile int*>(p) = 8;
  delete p;
  heap::counting.store(false);
  // new + delete; with malloc interposed, also the malloc/free they call.
  REQUIRE(heap::calls.load() == (HEAP_COUNTS_MALLOC ? 4 : 2));
}
