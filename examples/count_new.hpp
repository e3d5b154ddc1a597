// SPDX-License-Identifier: BSL-1.0
// examples/count_new.hpp — an allocation counter for one example program: replaces the global
// operator new/delete and counts every `new` in g_allocations. Include it in exactly one
// translation unit (each example is one). Not under clang's ThreadSanitizer, whose runtime
// defines operator new itself (a link error if we do too): there EXAMPLE_COUNT_ALLOCATIONS is 0
// and the examples skip the check and say so.
#ifndef ERRGROUP_EXAMPLES_COUNT_NEW_HPP
#define ERRGROUP_EXAMPLES_COUNT_NEW_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) && defined(__clang__)
#define EXAMPLE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef EXAMPLE_COUNT_ALLOCATIONS
#define EXAMPLE_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

#if EXAMPLE_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  // relaxed: a counter read by the same thread that brackets the loop; orders nothing.
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
#if defined(__cpp_exceptions)
  throw std::bad_alloc();
#else
  std::abort();  // -fno-exceptions: nothing to throw to
#endif
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

#endif  // ERRGROUP_EXAMPLES_COUNT_NEW_HPP
