// SPDX-License-Identifier: BSL-1.0
// errgroup/hosted/semaphore.hpp — the std::thread port's portable wait/wake for any POSIX system
// without an address wait (and macOS): the core's notify table (detail/notify_table.hpp) over one
// semaphore per thread. Parking uses no mutex and no condition variable: a waiter registers in a
// lock-free table and sleeps on its own semaphore; a waker posts the semaphore of each waiter it
// commits to (sem_post is async-signal-safe). The real-time configuration never parks, so it
// never reaches this file's system calls.
//   POSIX (Linux, the BSDs): an unnamed sem_t per thread; sem_clockwait on CLOCK_MONOTONIC where
//     glibc has it (2.30+), else sem_timedwait on CLOCK_REALTIME with the remaining time.
//   Apple: a dispatch semaphore per thread (macOS has no unnamed POSIX semaphores). These lines
//     are untested here: CI has no macOS.
// On Linux the std::thread port uses the futex; ERRGROUP_PORTABLE_WAIT (CMake option of the same
// name) makes it use this file instead, so this logic runs in CI.
//
// Why this and not a parking lot (a mutex + condition variable on the park path only) or Apple's
// os_sync_wait_on_address (macOS 14.4+): the table is the mechanism the FreeRTOS port already runs
// (one implementation, one set of tests, lock-free on every path), it needs only "notify this
// thread" from the OS, and it works on every macOS version and every POSIX system.
#ifndef ERRGROUP_HOSTED_SEMAPHORE_HPP
#define ERRGROUP_HOSTED_SEMAPHORE_HPP

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <thread>

#if defined(__APPLE__)
#include <dispatch/dispatch.h>
#else
#include <semaphore.h>
#endif

#include <errgroup/config.hpp>
#include <errgroup/detail/notify_table.hpp>
#include <errgroup/port.hpp>

// Threads blocked at once across the program (every worker of every executor plus every thread
// parked in wait()/go()); more poll every 50 µs (counted in semaphore_wait::overflows()).
#ifndef ERRGROUP_HOSTED_MAX_BLOCKED
#define ERRGROUP_HOSTED_MAX_BLOCKED 256
#endif

namespace errgroup {
namespace detail {

inline std::uint64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// wait_until() results.
enum class sem_wait_result { got, timed_out, interrupted };

#if defined(__APPLE__)
struct thread_semaphore {
  dispatch_semaphore_t sem = dispatch_semaphore_create(0);
  ~thread_semaphore() { dispatch_release(sem); }
  void post() noexcept { dispatch_semaphore_signal(sem); }
  sem_wait_result wait_until(std::uint64_t deadline_ns) noexcept {
    dispatch_time_t when = DISPATCH_TIME_FOREVER;
    if (deadline_ns != no_deadline) {
      const std::uint64_t now = monotonic_ns();
      when = now >= deadline_ns
                 ? DISPATCH_TIME_NOW
                 : dispatch_time(DISPATCH_TIME_NOW, static_cast<std::int64_t>(deadline_ns - now));
    }
    return dispatch_semaphore_wait(sem, when) == 0 ? sem_wait_result::got
                                                   : sem_wait_result::timed_out;
  }
};
#else
struct thread_semaphore {
  sem_t sem;
  thread_semaphore() noexcept { (void)sem_init(&sem, 0, 0); }
  ~thread_semaphore() { (void)sem_destroy(&sem); }
  thread_semaphore(const thread_semaphore&) = delete;
  thread_semaphore& operator=(const thread_semaphore&) = delete;
  void post() noexcept { (void)sem_post(&sem); }
  sem_wait_result wait_until(std::uint64_t deadline_ns) noexcept {
    int r;
    if (deadline_ns == no_deadline) {
      r = sem_wait(&sem);
    } else {
      r = timed(deadline_ns);
    }
    if (r == 0) return sem_wait_result::got;
    return errno == EINTR ? sem_wait_result::interrupted : sem_wait_result::timed_out;
  }

 private:
  int timed(std::uint64_t deadline_ns) noexcept {
#if defined(__GLIBC__) && ((__GLIBC__ > 2) || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000u);
    ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000u);
    return sem_clockwait(&sem, CLOCK_MONOTONIC, &ts);
#else
    const std::uint64_t now = monotonic_ns();
    if (now >= deadline_ns) return sem_trywait(&sem);
    timespec rt{};
    clock_gettime(CLOCK_REALTIME, &rt);
    const std::uint64_t at = static_cast<std::uint64_t>(rt.tv_sec) * 1000000000u +
                             static_cast<std::uint64_t>(rt.tv_nsec) + (deadline_ns - now);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(at / 1000000000u);
    ts.tv_nsec = static_cast<long>(at % 1000000000u);
    return sem_timedwait(&sem, &ts);
#endif
  }
};
#endif

// The notify table's notifier: the calling thread's semaphore, created on its first park.
struct semaphore_notifier {
  using handle = thread_semaphore*;
  static handle self() noexcept {
    static thread_local thread_semaphore s;
    return &s;
  }
  static bool take(std::uint64_t deadline_ns) noexcept {
    handle s = self();
    for (;;) {
      const sem_wait_result r = s->wait_until(deadline_ns);
      if (r == sem_wait_result::got) return true;
      if (r == sem_wait_result::timed_out) return false;
      // A signal: keep waiting (for no_deadline, take must return only with a notification).
    }
  }
  static void give(handle h) noexcept { h->post(); }
  static void poll_once() noexcept { std::this_thread::sleep_for(std::chrono::microseconds(50)); }
};

}  // namespace detail

struct semaphore_wait {
  static constexpr const char* name = "semaphore";
  static constexpr bool fine_clock = true;  // clock_gettime (vDSO on Linux)
  using table = detail::notify_table<detail::semaphore_notifier, ERRGROUP_HOSTED_MAX_BLOCKED>;

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    if (deadline_ns != no_deadline && now_ns() >= deadline_ns) return;
    table::wait(word, expected, deadline_ns);
  }
  static void wake(atomic<std::uint32_t>& word, bool all) noexcept { table::wake(word, all); }
  static std::uint64_t now_ns() noexcept { return detail::monotonic_ns(); }
  // Parks that found the table full and polled instead: size ERRGROUP_HOSTED_MAX_BLOCKED so this
  // stays 0.
  static std::uint32_t overflows() noexcept { return table::overflows(); }
};

}  // namespace errgroup

#endif  // ERRGROUP_HOSTED_SEMAPHORE_HPP
