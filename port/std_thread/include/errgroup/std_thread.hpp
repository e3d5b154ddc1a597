// SPDX-License-Identifier: BSL-1.0
// errgroup/std_thread.hpp — the hosted port: workers are std::threads; parking and the clock are
// the OS's (below). Linux, Windows (mingw-w64, tested under Wine), other POSIX (macOS: untested).
//
// Provides:
//   errgroup::std_thread_port                      the port traits (see errgroup/port.hpp)
//   errgroup::basic_std_thread_port<Wait>          the same with a chosen wait (futex_wait,
//                                                  win32_wait, semaphore_wait)
//   errgroup::thread_executor<QueueCapacity = 1024>  the hosted default: the in-house mpmc_ring
//                                                  (ring_thread_executor is the same type)
//   errgroup::boost_thread_executor<QueueCapacity = 1024>  Boost.Lockfree queue backend: in
//                                                  errgroup/std_thread_boost.hpp (needs Boost)
//   errgroup::inline_executor                      runs each task on the submitting thread
//
// Why the ring is the default: in the same benchmark runs it costs a fraction of Boost.Lockfree's
// per task (bench/reference/, workloads W1-W4), it can look at its oldest entry (so a waiter takes
// its own group's oldest task cheaply, and a full queue frees taken-back entries), and it runs
// clean under ThreadSanitizer with no suppression (Boost.Lockfree's optimistic node reads are
// reported inside Boost: boostorg/lockfree#78).
//
// One port, three ways to park, chosen at compile time (errgroup/hosted/*.hpp; each provides
// wait_on, wake, now_ns):
//   Linux    futex_wait       futex(2), CLOCK_MONOTONIC through the vDSO
//   Windows  win32_wait       WaitOnAddress / WakeByAddress*, QueryPerformanceCounter (8 and later)
//   other    semaphore_wait   the core's lock-free notify table over a semaphore per thread
//                             (POSIX sem_t; a dispatch semaphore on Apple): macOS, the BSDs
// ERRGROUP_PORTABLE_WAIT (CMake option of the same name) picks semaphore_wait on Linux too, so its
// logic runs in CI. basic_std_thread_port<Wait> takes any of them explicitly. Thread settings:
// pthreads on Linux (name, SCHED_FIFO/RR, affinity); on Windows SetThreadDescription,
// SetThreadPriority (executor_options::priority is the Windows level, e.g. 15 =
// THREAD_PRIORITY_TIME_CRITICAL), SetThreadAffinityMask; elsewhere the name and scheduling by
// pthreads and no affinity (ENOTSUP). Every outcome is in report(i).
#ifndef ERRGROUP_STD_THREAD_HPP
#define ERRGROUP_STD_THREAD_HPP

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

#if defined(_MSC_VER)
#include <intrin.h>  // _mm_pause, __yield
#endif
#if defined(_WIN32)
#include <errgroup/hosted/win32.hpp>
#else
#include <pthread.h>
#include <sched.h>
#if defined(__linux__)
#include <errgroup/hosted/futex.hpp>
#endif
#endif
#if !defined(_WIN32) || defined(__MINGW32__)  // POSIX semaphores (mingw: winpthreads)
#include <errgroup/hosted/semaphore.hpp>
#endif

#include <errgroup/errgroup.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

// A threaded port: its executors have workers, and waiters park and are woken.
static_assert(errgroup::has_threads, "errgroup: std_thread.hpp (the hosted port) has threads; "
                                     "ERRGROUP_THREADS=0 is for single-threaded images "
                                     "(the bare-metal port, errgroup/config.hpp)");

namespace errgroup {

#if defined(_WIN32) && !defined(ERRGROUP_PORTABLE_WAIT)
using default_hosted_wait = win32_wait;
#elif defined(__linux__) && !defined(ERRGROUP_PORTABLE_WAIT)
using default_hosted_wait = futex_wait;
#else
using default_hosted_wait = semaphore_wait;
#endif

namespace detail {
// Thread settings, per OS. Each returns 0 or an errno-style code for report(i).
struct hosted_thread_settings {
#if defined(_WIN32)
  // ASCII to UTF-16, truncated to the buffer (names and MMCSS task names are ASCII).
  template <std::size_t N>
  static void widen(const char* s, wchar_t (&out)[N]) noexcept {
    std::size_t i = 0;
    for (; s[i] != 0 && i + 1 < N; ++i)
      out[i] = static_cast<wchar_t>(static_cast<unsigned char>(s[i]));
    out[i] = 0;
  }
  static HANDLE handle_of(std::thread& h) noexcept {
#if defined(__MINGW32__) && !defined(_MSC_VER)
    return pthread_gethandle(h.native_handle());  // winpthreads: std::thread is a pthread
#else
    return static_cast<HANDLE>(h.native_handle());
#endif
  }
  static int name(std::thread& h, const char* prefix, std::uint32_t index) noexcept {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s-%u", prefix, static_cast<unsigned>(index));
    wchar_t wide[64];
    widen(buf, wide);
    // Windows 10 1607+: looked up at run time (absent on older Windows and some Wine versions).
    using set_fn = HRESULT(WINAPI*)(HANDLE, PCWSTR);
    const HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    FARPROC p = k32 != nullptr ? GetProcAddress(k32, "SetThreadDescription") : nullptr;
    if (p == nullptr) return ENOTSUP;
    set_fn set = nullptr;
    static_assert(sizeof set == sizeof p, "function pointer sizes");
    std::memcpy(&set, &p, sizeof set);
    return SUCCEEDED(set(handle_of(h), wide)) ? 0 : EINVAL;
  }
  static int schedule(std::thread& h, sched_policy, int priority) noexcept {
    // Windows has one scheduler: fifo and round_robin both mean "this SetThreadPriority level".
    return SetThreadPriority(handle_of(h), priority) != 0 ? 0 : EINVAL;
  }
  static int pin(std::thread& h, int cpu) noexcept {
    if (cpu < 0 || cpu >= 64) return EINVAL;
    const DWORD_PTR mask = static_cast<DWORD_PTR>(1) << cpu;
    return SetThreadAffinityMask(handle_of(h), mask) != 0 ? 0 : EINVAL;
  }
  // Called on the worker thread itself (MMCSS registers the calling thread). avrt.dll is loaded
  // at run time: no link dependency, and ENOTSUP where it is missing.
  static int mmcss(const char* task) noexcept {
    wchar_t wide[64];
    widen(task, wide);
    const HMODULE avrt = LoadLibraryW(L"avrt.dll");
    FARPROC p = avrt != nullptr ? GetProcAddress(avrt, "AvSetMmThreadCharacteristicsW") : nullptr;
    if (p == nullptr) return ENOTSUP;
    using set_fn = HANDLE(WINAPI*)(LPCWSTR, LPDWORD);
    set_fn set = nullptr;
    std::memcpy(&set, &p, sizeof set);
    DWORD index = 0;
    return set(wide, &index) != nullptr ? 0 : EINVAL;
  }
#else
  static int name(std::thread& h, const char* prefix, std::uint32_t index) noexcept {
#if defined(__linux__)
    char buf[16];  // Linux limit: 15 characters + NUL
    std::snprintf(buf, sizeof buf, "%s-%u", prefix, static_cast<unsigned>(index));
    return pthread_setname_np(h.native_handle(), buf);
#else
    (void)h, (void)prefix, (void)index;
    return ENOTSUP;  // macOS names only the calling thread (name it in on_worker_start)
#endif
  }
  static int schedule(std::thread& h, sched_policy policy, int priority) noexcept {
    sched_param p{};
    p.sched_priority = priority;
    const int pol = policy == sched_policy::fifo ? SCHED_FIFO : SCHED_RR;
    return pthread_setschedparam(h.native_handle(), pol, &p);
  }
  static int pin(std::thread& h, int cpu) noexcept {
#if defined(__linux__)
    if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(cpu), &set);  // in range: checked above
    return pthread_setaffinity_np(h.native_handle(), sizeof set, &set);
#else
    (void)h, (void)cpu;
    return ENOTSUP;  // macOS has no thread affinity (only affinity tags)
#endif
  }
#endif
};
}  // namespace detail

template <class Wait = default_hosted_wait>
struct basic_std_thread_port {
  using thread_handle = std::thread;
  using wait_type = Wait;

  static bool start_thread(std::thread& h, void (*entry)(void*), void* arg,
                           const executor_options& o, std::uint32_t index,
                           worker_report& report) noexcept {
    using S = detail::hosted_thread_settings;
#if defined(_WIN32)
    // MMCSS registers the calling thread: the worker does it before its entry, and this thread
    // waits for the outcome (polling the flag: the worker never touches `start` after setting it).
    struct start_info {
      void (*entry)(void*);
      void* arg;
      const char* task;
      int result;
      atomic<std::uint32_t> ready{0};
    } start{entry, arg, o.mmcss_task, 0};
    auto run = [](start_info* s) noexcept {
      void (*e)(void*) = s->entry;
      void* a = s->arg;
      if (s->task != nullptr) s->result = S::mmcss(s->task);
      s->ready.store(1, std::memory_order_release);  // pairs with the acquire load below
      e(a);
    };
    if (!spawn(h, +run, &start)) return false;
    while (start.ready.load(std::memory_order_acquire) == 0)
      Wait::wait_on(start.ready, 0, Wait::now_ns() + 1000000u);  // 1 ms: re-check
    report.mmcss_result = start.result;
#else
    if (!spawn(h, entry, arg)) return false;
    report.mmcss_result = o.mmcss_task != nullptr ? ENOTSUP : 0;  // a Windows setting
#endif
    if (o.name != nullptr) report.name_result = S::name(h, o.name, index);
    if (o.policy != sched_policy::inherit)
      report.sched_result = S::schedule(h, o.policy, o.priority);
    if (o.cpus != nullptr && o.cpu_count != 0)
      report.affinity_result = S::pin(h, o.cpus[index % o.cpu_count]);
    return true;
  }

  template <class F, class A>
  static bool spawn(std::thread& h, F f, A* a) noexcept {
#if ERRGROUP_HAS_EXCEPTIONS
    try {
      h = std::thread(f, a);
    } catch (...) {
      return false;
    }
#else
    h = std::thread(f, a);  // without exceptions, a failed creation terminates
#endif
    return true;
  }

  static void join_thread(std::thread& h) noexcept {
    if (h.joinable()) h.join();
  }

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    Wait::wait_on(word, expected, deadline_ns);
  }
  static void wake(atomic<std::uint32_t>& word, bool all) noexcept { Wait::wake(word, all); }

  static constexpr bool fine_clock = Wait::fine_clock;  // executor_options::spin_us applies
  // executor_options::max_depth by default: nested task frames per thread. Each frame costs the
  // library's ~1.2 KB of stack plus the task's own (docs/realtime.md, "Stack per nesting level"):
  // 4096 is well inside the 8 MB a Linux thread gets by default; a Windows thread gets the
  // executable's stack reserve (2 MB with mingw-w64, 1 MB with MSVC's default), so 1024 there.
#if defined(_WIN32)
  static constexpr std::uint32_t default_max_depth = 1024;
#else
  static constexpr std::uint32_t default_max_depth = 4096;
#endif
  static std::uint64_t now_ns() noexcept { return Wait::now_ns(); }

  static void relax() noexcept {
#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    _mm_pause();
#elif defined(_MSC_VER) && defined(_M_ARM64)
    __yield();
#elif defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);  // compiler barrier only
#endif
  }

  static void yield() noexcept { std::this_thread::yield(); }

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

using std_thread_port = basic_std_thread_port<>;

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using thread_executor = basic_executor<std_thread_port, mpmc_ring<job*, QueueCapacity>, MaxWorkers>;

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using ring_thread_executor = thread_executor<QueueCapacity, MaxWorkers>;

using inline_executor = basic_inline_executor<std_thread_port>;

}  // namespace errgroup

#endif  // ERRGROUP_STD_THREAD_HPP
