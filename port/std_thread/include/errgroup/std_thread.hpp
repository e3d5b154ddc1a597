// SPDX-License-Identifier: BSL-1.0
// errgroup/std_thread.hpp — the hosted port: workers are std::threads, parking is a Linux futex,
// the clock is CLOCK_MONOTONIC (read through the vDSO: no system call).
//
// Provides:
//   errgroup::std_thread_port                      the port traits (see errgroup/port.hpp)
//   errgroup::thread_executor<QueueCapacity = 1024>  the hosted default: the in-house mpmc_ring
//                                                  (ring_thread_executor is the same type)
//   errgroup::boost_thread_executor<QueueCapacity = 1024>  Boost.Lockfree queue backend
//   errgroup::inline_executor                      runs each task on the submitting thread
//
// Why the ring is the default: in the same benchmark runs it costs a fraction of Boost.Lockfree's
// per task (bench/reference/, workloads W1-W4), it can look at its oldest entry (so a waiter takes
// its own group's oldest task cheaply, and a full queue frees taken-back entries), and it runs
// clean under ThreadSanitizer with no suppression (Boost.Lockfree's optimistic node reads are
// reported inside Boost: boostorg/lockfree#78).
//
// Linux only for now: parking needs futex(2) with an absolute CLOCK_MONOTONIC timeout. Porting to
// another OS means another wait_on/wake pair (e.g. __ulock_wait on macOS, WaitOnAddress on
// Windows); nothing else here is OS-specific beyond pthread settings.
#ifndef ERRGROUP_STD_THREAD_HPP
#define ERRGROUP_STD_THREAD_HPP

#if !defined(__linux__)
#error "errgroup std_thread port: parking is implemented with Linux futex(2) only"
#endif

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <thread>

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <errgroup/errgroup.hpp>
#include <errgroup/queue/boost_lockfree.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

namespace errgroup {

struct std_thread_port {
  using thread_handle = std::thread;

  static bool start_thread(std::thread& h, void (*entry)(void*), void* arg,
                           const executor_options& o, std::uint32_t index,
                           worker_report& report) noexcept {
#if ERRGROUP_HAS_EXCEPTIONS
    try {
      h = std::thread(entry, arg);
    } catch (...) {
      return false;
    }
#else
    h = std::thread(entry, arg);  // without exceptions, a failed creation terminates
#endif
    const pthread_t t = h.native_handle();
    if (o.name != nullptr) {
      char buf[16];  // Linux limit: 15 characters + NUL
      std::snprintf(buf, sizeof buf, "%s-%u", o.name, static_cast<unsigned>(index));
      report.name_result = pthread_setname_np(t, buf);
    }
    if (o.policy != sched_policy::inherit) {
      sched_param p{};
      p.sched_priority = o.priority;
      const int pol = o.policy == sched_policy::fifo ? SCHED_FIFO : SCHED_RR;
      report.sched_result = pthread_setschedparam(t, pol, &p);
    }
    if (o.cpus != nullptr && o.cpu_count != 0) {
      const int cpu = o.cpus[index % o.cpu_count];
      if (cpu < 0 || cpu >= CPU_SETSIZE) {
        report.affinity_result = EINVAL;
      } else {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(static_cast<std::size_t>(cpu), &set);  // in range: checked above
        report.affinity_result = pthread_setaffinity_np(t, sizeof set, &set);
      }
    }
    return true;
  }

  static void join_thread(std::thread& h) noexcept {
    if (h.joinable()) h.join();
  }

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    static_assert(sizeof(atomic<std::uint32_t>) == sizeof(std::uint32_t),
                  "futex needs a plain 32-bit word");
    timespec ts{};
    const timespec* tp = nullptr;
    if (deadline_ns != no_deadline) {
      ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000u);
      ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000u);
      tp = &ts;
    }
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. Returns on wake, timeout,
    // EAGAIN (word != expected) or a signal; the caller re-checks in every case.
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
            FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tp, nullptr, FUTEX_BITSET_MATCH_ANY);
  }

  static void wake(atomic<std::uint32_t>& word, bool all) noexcept {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
            all ? INT_MAX : 1, nullptr, nullptr, 0);
  }

  static constexpr bool fine_clock = true;  // vDSO clock_gettime: executor_options::spin_us applies
  // executor_options::max_depth by default: nested task frames per thread. Each frame costs the
  // library's few hundred bytes of stack plus the task's own (docs/realtime.md, "Stack per
  // nesting level"), well inside the 8 MB a Linux thread gets by default.
  static constexpr std::uint32_t default_max_depth = 4096;
  static std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: no system call
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
  }

  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);  // compiler barrier only
#endif
  }

  static void yield() noexcept { sched_yield(); }

  // A thread_local with constant initialisation: one TLS access, no call, in an executable or a
  // library loaded at start-up. (A library dlopen'ed later may allocate a thread's TLS block on
  // its first access: touch it once, e.g. with one try_go, before the thread goes real-time.)
  static thread_context& context() noexcept ERRGROUP_NONBLOCKING {
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    static thread_local thread_context ctx;
    return ctx;
    ERRGROUP_EFFECTS_UNCHECKED_END
  }

  static std::uint32_t default_workers() noexcept {
    const unsigned n = std::thread::hardware_concurrency();
    return n > 1 ? n - 1 : 1;  // the waiting thread helps: N-1 workers + the caller use N cores
  }
};

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using thread_executor = basic_executor<std_thread_port, mpmc_ring<job*, QueueCapacity>, MaxWorkers>;

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using ring_thread_executor = thread_executor<QueueCapacity, MaxWorkers>;

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using boost_thread_executor =
    basic_executor<std_thread_port, boost_lockfree_queue<job*, QueueCapacity>, MaxWorkers>;

using inline_executor = basic_inline_executor<std_thread_port>;

}  // namespace errgroup

#endif  // ERRGROUP_STD_THREAD_HPP
