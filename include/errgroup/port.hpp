// SPDX-License-Identifier: BSL-1.0
// errgroup/port.hpp — the port boundary: what an operating-system port must provide, written down
// once. A port is a traits class of static functions (no virtuals, no state), chosen at compile time
// as the first template argument of basic_executor / basic_inline_executor. Ports hold OS glue only;
// all lock-free logic lives in the core.
//
// Required interface of a port `P` (checked by errgroup::detail::check_port<P>()):
//
//   using thread_handle = ...;           // storage for one worker thread, default-constructible
//   static bool start_thread(thread_handle& h, void (*entry)(void*), void* arg,
//                            const executor_options& o, std::uint32_t index,
//                            worker_report& report) noexcept;
//       Create a worker running entry(arg). Apply o's name / priority / affinity to it and record
//       each setting's result in `report` (0 or an errno-style code; never ignore a failure).
//       Returns false only if the thread could not be created at all.
//   static void join_thread(thread_handle& h) noexcept;
//   static void wait_on(errgroup::atomic<std::uint32_t>& word, std::uint32_t expected,
//                       std::uint64_t deadline_ns) noexcept;
//       Block while word == expected, until woken, until now_ns() >= deadline_ns (no_deadline:
//       never), or spuriously. A futex wait. Callers always re-check their condition.
//   static void wake(errgroup::atomic<std::uint32_t>& word, bool all) noexcept;
//       Wake one (all == false) or every thread blocked in wait_on(word, ...).
//   static std::uint64_t now_ns() noexcept;  // monotonic clock, nanoseconds
//   static void relax() noexcept;            // CPU spin-wait hint (pause / yield instruction)
//   static void yield() noexcept;            // give the CPU to another ready thread
//   static thread_context& context() noexcept;  // this thread's errgroup bookkeeping
//   static std::uint32_t default_workers() noexcept;  // e.g. hardware threads - 1 (>= 1)
//
// Optional:
//   static constexpr bool fine_clock = true;  // now_ns() resolves microseconds cheaply (e.g. a
//       vDSO clock_gettime): idle workers may then spin for executor_options::spin_us. Without
//       it (tick clocks: FreeRTOS, SysTick) workers spin `spin` iterations only.
//   static bool in_interrupt() noexcept;  // true inside an interrupt handler (the thread's
//       context then belongs to the interrupted code): submits from there skip the depth check.
//       Absent: never in an interrupt.
//   static constexpr std::uint32_t default_max_depth = N;  // executor_options::max_depth when it
//       is 0: how many task frames one thread's stack may nest (see executor_options). Absent: 16.
//   using parking_family = Tag;  // ports that share wait_on/wake (every StackDepth of the FreeRTOS
//       port) name one tag, so that their groups park on one event count (executor.hpp,
//       park_ec()). Absent: the port type itself.
#ifndef ERRGROUP_PORT_HPP
#define ERRGROUP_PORT_HPP

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "config.hpp"

namespace errgroup {

inline constexpr std::uint64_t no_deadline = ~std::uint64_t{0};

// One unit of work in an executor's queue. `state` is the job's claim word (a detail::job_state:
// phase + ticket, detail/job_state.hpp): a group writes the phases; the executor, when it queues
// the job, writes "queued" with the ticket that names the job's queue entry, so that the job's
// group can take it back (executor_base::try_revoke). run() executes (or skips) the job.
struct job {
  void (*run)(job* self) noexcept = nullptr;
  atomic<std::uint32_t> state{0};
};

// A record, on the stack of the thread running a task, of which group the task belongs to. The
// chain of frames lets wait() and go() detect calls that would wait for the caller itself.
struct task_frame {
  const void* group;
  task_frame* prev;
};

// Per-thread bookkeeping a port keeps (thread_local on hosted ports, a task-local pointer on an
// RTOS, a single global on bare metal).
struct thread_context {
  task_frame* top = nullptr;
  std::uint32_t depth = 0;  // task frames on this thread's stack (nested by waits that help)
  // True for a context several threads share (the FreeRTOS port's overflow context): its threads
  // never run a task (they wait for workers instead), so nothing is pushed on it. (False is the
  // zero value: a context stays in .bss.)
  bool shared = false;
  // Set once by a worker thread before its first job: which executor's worker, and its index
  // there (basic_executor::worker_index()). Null on every other thread.
  const void* worker_of = nullptr;
  std::uint32_t worker_index = 0;
};

// basic_executor::worker_index() on a thread that is not one of that executor's workers.
inline constexpr std::uint32_t not_a_worker = ~std::uint32_t{0};

enum class sched_policy : std::uint8_t {
  inherit,      // leave the OS default (SCHED_OTHER on Linux)
  fifo,         // real-time FIFO (Linux SCHED_FIFO; needs CAP_SYS_NICE or an rtprio limit)
  round_robin,  // real-time round robin (Linux SCHED_RR)
};

// How a submit reaches a parked worker.
enum class wake_policy : std::uint8_t {
  on_submit,  // a submit wakes one parked worker: one futex wake, a system call (lowest latency)
  poll,       // a submit never makes a system call; parked workers re-check the queue every
  // poll_interval_us (for real-time submitters; a helping waiter runs the work meanwhile)
};

// Settings applied to each worker at construction. Everything a port cannot honour is reported in
// the worker's worker_report, never silently ignored.
struct executor_options {
  std::uint32_t workers = 0;  // 0: the port's default_workers()
  std::uint32_t spin = 2000;  // relax() iterations a worker / waiter spins before parking
  // An idle worker also keeps polling the queue until spin_us microseconds have passed since it
  // ran out of work, yielding between looks (ports with a fine clock only; see
  // Port::fine_clock). A burst of tasks a little apart then finds the worker awake instead of
  // paying a futex wake (bench/reference/: W2). A wait() with nothing to help with (and
  // wait_policy::park) likewise keeps looking for spin_us before it parks, so a task that ends
  // within that time is seen at once rather than through a futex wake of the waiter.
  // The price: each worker (and waiter) burns up to spin_us of CPU, yielding, after its last
  // job. 0: count only, so spin = 0 and spin_us = 0 park at once. A CPU-dependent count (a
  // pause is 10 to 140 cycles) is why this is a time.
  std::uint32_t spin_us = 200;
  errgroup::wake_policy wake = errgroup::wake_policy::on_submit;
  std::uint32_t poll_interval_us = 200;  // wake_policy::poll: how often a parked worker looks
  const char* name = "errgroup";  // workers are named "<name>-<index>" (truncated to OS limit)
  sched_policy policy = sched_policy::inherit;
  int priority = 0;           // policy priority (Linux: 1..99 for fifo/round_robin)
  const int* cpus = nullptr;  // if set: worker i is pinned to cpus[i % cpu_count]
  std::uint32_t cpu_count = 0;
  // Windows: register each worker with MMCSS under this task name (e.g. "Pro Audio", "Games":
  // AvSetMmThreadCharacteristicsW, from the worker thread, before its first job). Elsewhere a
  // non-null value is reported as ENOTSUP (use on_worker_start for the OS's own mechanism).
  const char* mmcss_task = nullptr;
  // How many task frames one thread's stack may hold. A thread that waits (wait(), or a go() at
  // the limit) runs its group's queued tasks on its own stack, and a task that waits for a child
  // group runs the child's tasks on top of itself: nesting costs stack, one task frame per level.
  // go()/try_go() from a thread already this deep refuse with status::too_deep instead of letting
  // a wait go deeper. 0: the port's default (std::thread: 4096, FreeRTOS and bare metal: 16).
  std::uint32_t max_depth = 0;
  // Run on each worker thread, before its first job, with on_worker_start_context and the
  // worker's index (0 .. workers-1): the place to join an audio workgroup (os_workgroup_join),
  // register with MMCSS, pick a scheduler class, pin, or set up per-worker scratch memory. A plain
  // function pointer and a context (no allocation, no std::function); the worker runs no job until
  // it returns, and the executor's destructor joins no worker before it has. Record any outcome
  // through the context: the constructor does not wait for workers to start (a FreeRTOS executor
  // may be built before the scheduler runs them).
  void (*on_worker_start)(void* context, std::uint32_t worker_index) noexcept = nullptr;
  void* on_worker_start_context = nullptr;
};

// What happened to each setting of one worker: 0 = applied (or not requested), otherwise an
// errno-style code from the OS (e.g. EPERM for SCHED_FIFO without privilege, EINVAL for a CPU that
// does not exist).
struct worker_report {
  bool started = false;
  int name_result = 0;
  int sched_result = 0;
  int affinity_result = 0;
  int mmcss_result = 0;  // executor_options::mmcss_task
  bool ok() const noexcept {
    return started && name_result == 0 && sched_result == 0 && affinity_result == 0 &&
           mmcss_result == 0;
  }
};

namespace detail {
template <class P, class = void>
struct port_fine_clock : std::false_type {};
template <class P>
struct port_fine_clock<P, std::enable_if_t<P::fine_clock>> : std::true_type {};
// P declares `static constexpr bool threadless = true;`: it starts no threads (bare metal).
template <class P, class = void>
struct port_threadless : std::false_type {};
template <class P>
struct port_threadless<P, std::enable_if_t<P::threadless>> : std::true_type {};
template <class P, class = void>
struct port_interrupts {
  static bool in_interrupt() noexcept { return false; }
};
template <class P>
struct port_interrupts<P, std::void_t<decltype(P::in_interrupt())>> {
  static bool in_interrupt() noexcept { return P::in_interrupt(); }
};
template <class P, class = void>
struct port_max_depth : std::integral_constant<std::uint32_t, 16> {};
template <class P>
struct port_max_depth<P, std::void_t<decltype(P::default_max_depth)>>
    : std::integral_constant<std::uint32_t, P::default_max_depth> {};
template <class P, class = void>
struct port_parking_family {
  using type = P;
};
template <class P>
struct port_parking_family<P, std::void_t<typename P::parking_family>> {
  using type = typename P::parking_family;
};
template <class P>
constexpr bool check_port() {
  static_assert(std::is_default_constructible<typename P::thread_handle>::value,
                "port: thread_handle must be default-constructible");
  using start_t = bool (*)(typename P::thread_handle&, void (*)(void*), void*,
                           const executor_options&, std::uint32_t, worker_report&) noexcept;
  static_assert(std::is_convertible<decltype(&P::start_thread), start_t>::value,
                "port: missing static bool start_thread(thread_handle&, void(*)(void*), void*, "
                "const executor_options&, uint32_t, worker_report&) noexcept");
  static_assert(std::is_convertible<decltype(&P::join_thread),
                                    void (*)(typename P::thread_handle&) noexcept>::value,
                "port: missing static void join_thread(thread_handle&) noexcept");
  static_assert(
      std::is_convertible<decltype(&P::wait_on), void (*)(atomic<std::uint32_t>&, std::uint32_t,
                                                          std::uint64_t) noexcept>::value,
      "port: missing static void wait_on(errgroup::atomic<uint32_t>&, uint32_t, uint64_t) "
      "noexcept");
  static_assert(std::is_convertible<decltype(&P::wake),
                                    void (*)(atomic<std::uint32_t>&, bool) noexcept>::value,
                "port: missing static void wake(errgroup::atomic<uint32_t>&, bool) noexcept");
  static_assert(std::is_convertible<decltype(&P::now_ns), std::uint64_t (*)() noexcept>::value,
                "port: missing static uint64_t now_ns() noexcept");
  static_assert(std::is_convertible<decltype(&P::relax), void (*)() noexcept>::value,
                "port: missing static void relax() noexcept");
  static_assert(std::is_convertible<decltype(&P::yield), void (*)() noexcept>::value,
                "port: missing static void yield() noexcept");
  static_assert(std::is_convertible<decltype(&P::context), thread_context& (*)() noexcept>::value,
                "port: missing static thread_context& context() noexcept");
  static_assert(
      std::is_convertible<decltype(&P::default_workers), std::uint32_t (*)() noexcept>::value,
      "port: missing static uint32_t default_workers() noexcept");
  return true;
}
}  // namespace detail

}  // namespace errgroup

#endif  // ERRGROUP_PORT_HPP
