// SPDX-License-Identifier: BSL-1.0
// errgroup/freertos.hpp — the FreeRTOS port: workers are FreeRTOS tasks created with
// xTaskCreateStatic (their stacks and TCBs live inside the executor object), parking is a
// direct-to-task notification on an index of the port's own, the clock is the tick count.
// Nothing here calls pvPortMalloc: the port works with configSUPPORT_DYNAMIC_ALLOCATION 0.
//
// Provides:
//   errgroup::basic_freertos_port<StackDepth>   the port traits (see errgroup/port.hpp)
//   errgroup::freertos_port                     the same with ERRGROUP_FREERTOS_STACK_DEPTH
//   errgroup::freertos_executor<QueueCapacity = 16, MaxWorkers = 4, StackDepth = ...>
//                                               worker tasks + the in-house mpmc_ring queue
//   errgroup::freertos_inline_executor          runs each task inside go(), on the caller
//   errgroup::try_go_from_isr(g, f, &woken)     submit from an interrupt handler (never blocks)
//   errgroup::freertos_ticks, errgroup::freertos_clock   std::chrono types in kernel ticks
//
//   static errgroup::freertos_executor<16, 3, 512> ex;  // 3 worker tasks, 512-word stacks each
//   void sensor_task(void*) {
//     errgroup::group<8> g(ex, errgroup::group_options::with_context());
//     for (auto& s : sensors) (void)g.go([&s](errgroup::stop_token st) { return s.read(st); });
//     if (g.wait_for(errgroup::freertos_ticks(pdMS_TO_TICKS(50))) == errgroup::status::timeout) ...
//   }
//
// Supported kernels: FreeRTOS-Kernel V10.4 and later (indexed notifications), single core and SMP
// (configNUMBER_OF_CORES > 1). The FreeRTOSConfig.h options the port needs are checked below with
// #error, one sentence each; docs/freertos.md lists them.
//
// Parking (wait_on / wake). The core's event count calls wait_on(word, expected, deadline) after
// registering itself and re-checking its condition, and wake(word, all) after changing the word.
// FreeRTOS has no futex, so the port keeps one fixed table of blocked tasks for the whole program
// (ERRGROUP_FREERTOS_MAX_BLOCKED entries, default 16: every worker of every executor plus every
// task blocked in wait()/go() at the same time): the core's detail/notify_table.hpp over task
// notifications (freertos_notifier below; the protocol and why no notification is lost or left
// over: that file). A waiter sleeps in ulTaskNotifyTakeIndexed on the port's own index; a waker
// gives with xTaskNotifyGiveIndexed, or the FromISR form inside try_go_from_isr. If the table is
// full, the extra waiter polls: it
// sleeps one tick (vTaskDelay(1)) and returns, and the caller re-checks (counted in
// freertos_port::blocked_table_overflows(); size the table so that stays 0).
//
// Rejected design: one StaticSemaphore_t per table slot (or per worker). It works the same way but
// costs ~80 B of kernel object per slot against none (the TCB already holds the notification
// array), and xSemaphoreGive is slower than a notification. Notifications need one index that
// nothing else uses: ERRGROUP_FREERTOS_NOTIFY_INDEX (default: the last one,
// configTASK_NOTIFICATION_ARRAY_ENTRIES - 1; stream and message buffers use index 0).
//
// Interrupts. try_go_from_isr(g, f, &higher_priority_task_woken) is group::try_go inside an
// "ISR frame" pushed on a per-core stack: try_go never blocks and never touches the calling
// thread's context (it does not help and does not wait); the only kernel call it can make is
// waking a parked worker (or a waiter, if the submit is refused), and wake() sees the frame and
// uses vTaskNotifyGiveIndexedFromISR with the caller's woken flag. The caller ends its handler with
// portYIELD_FROM_ISR(higher_priority_task_woken). wait_on(), context() and now_ns() assert that no
// ISR frame is active, so a task-context path taken from an interrupt fires ERRGROUP_ASSERT (e.g.
// a group bound to the inline executor, whose tasks would run inside the handler).
// How wake() knows it runs inside an interrupt: on a single core, an active ISR frame on the one
// core is proof (a task cannot run while a handler is active). On SMP a task could read another
// core's frame after migrating, so the port asks the port layer: ERRGROUP_FREERTOS_IN_ISR() if the
// user defines it (e.g. xPortIsInsideInterrupt() on Cortex-M), else portCHECK_IF_IN_ISR() where
// the port provides it (RP2040); an SMP build with neither is refused at compile time.
//
// Per-task bookkeeping (context()): a thread-local storage pointer of the port's own
// (ERRGROUP_FREERTOS_TLS_INDEX, default 0). Workers point it at a thread_context inside their
// thread_handle. Any other task that calls go()/wait() gets one from a fixed pool
// (ERRGROUP_FREERTOS_TASK_CONTEXTS, default 8) on first use; a task that is going to be deleted
// returns its entry with freertos_port::release_task_context(). If the pool is exhausted the task
// gets a shared context that forbids helping: it parks instead of running queued jobs (correct,
// slower; counted in freertos_port::context_pool_overflows()). With the inline executor every
// calling task needs its own entry.
//
// Clock. now_ns() is the tick count extended to 64 bits with the kernel's own overflow count
// (vTaskSetTimeOutState), times 1e9 / configTICK_RATE_HZ: its resolution is one tick (1 ms at
// 1 kHz). A deadline is rounded up to whole ticks, so wait_for(d) returns no earlier than d and at
// most one tick late (plus, with help_policy::own_tasks_timed, one of the group's own tasks: see
// group::wait_for).
//
// yield() is vTaskDelay(1), not taskYIELD(): the core yields when it must let other tasks make
// progress (an outside go() under help_policy::never on a full queue), and taskYIELD only runs
// tasks of equal priority, so a caller above its workers' priority would spin forever on one core.
//
// Workers: priority is ERRGROUP_FREERTOS_DEFAULT_PRIORITY (tskIDLE_PRIORITY + 1) for
// sched_policy::inherit and options.priority for fifo/round_robin (EINVAL in report().sched_result
// and clamped if >= configMAX_PRIORITIES). FreeRTOS time-slices equal priorities globally
// (configUSE_TIME_SLICING), so `fifo` with time slicing on, or `round_robin` with it off, is
// reported as ENOTSUP (the priority is still applied). Names are "<name>-<index>", truncated to
// configMAX_TASK_NAME_LEN. options.cpus: on SMP kernels with configUSE_CORE_AFFINITY the worker is
// created with xTaskCreateStaticAffinitySet; EINVAL for a core that does not exist, ENOTSUP on an
// SMP kernel without affinity support.
//
// Lifetimes: destroy an executor from a task while the scheduler runs (the destructor waits for its
// workers to finish, then deletes them; a worker's TCB and stack are inside the executor, so it
// must never be deleted by the idle task later), or never (the firmware norm). On 32-bit cores
// without lock-free 64-bit atomics (every Cortex-M) define ERRGROUP_STATS 0.
#ifndef ERRGROUP_FREERTOS_HPP
#define ERRGROUP_FREERTOS_HPP

#include <FreeRTOS.h>
#include <task.h>

// ---- configuration checks -----------------------------------------------------------------------

// #error messages stay on one line (clang-format would break them after "#error").
// clang-format off
#if !defined(tskKERNEL_VERSION_MAJOR) || (tskKERNEL_VERSION_MAJOR < 10) || \
    (tskKERNEL_VERSION_MAJOR == 10 && tskKERNEL_VERSION_MINOR < 4)
#error "errgroup FreeRTOS port: needs FreeRTOS-Kernel V10.4 or later (it uses the indexed task-notification API introduced in V10.4.0)."
#endif
#if !defined(configSUPPORT_STATIC_ALLOCATION) || (configSUPPORT_STATIC_ALLOCATION != 1)
#error "errgroup FreeRTOS port: set configSUPPORT_STATIC_ALLOCATION to 1 in FreeRTOSConfig.h: worker tasks are created with xTaskCreateStatic, their stacks and TCBs inside the executor."
#endif
#if defined(configUSE_TASK_NOTIFICATIONS) && (configUSE_TASK_NOTIFICATIONS != 1)
#error "errgroup FreeRTOS port: set configUSE_TASK_NOTIFICATIONS to 1 in FreeRTOSConfig.h: blocked tasks are woken with direct-to-task notifications."
#endif
#ifndef ERRGROUP_FREERTOS_NOTIFY_INDEX
#if !defined(configTASK_NOTIFICATION_ARRAY_ENTRIES) || (configTASK_NOTIFICATION_ARRAY_ENTRIES < 2)
#error "errgroup FreeRTOS port: set configTASK_NOTIFICATION_ARRAY_ENTRIES to at least 2 in FreeRTOSConfig.h, so the port parks tasks on a notification index of its own (the last one); or define ERRGROUP_FREERTOS_NOTIFY_INDEX 0 if nothing else in the firmware (stream/message buffers included) uses task notifications."
#endif
#define ERRGROUP_FREERTOS_NOTIFY_INDEX (configTASK_NOTIFICATION_ARRAY_ENTRIES - 1)
#endif
#if defined(configTASK_NOTIFICATION_ARRAY_ENTRIES) && \
    (ERRGROUP_FREERTOS_NOTIFY_INDEX >= configTASK_NOTIFICATION_ARRAY_ENTRIES)
#error "errgroup FreeRTOS port: ERRGROUP_FREERTOS_NOTIFY_INDEX must be below configTASK_NOTIFICATION_ARRAY_ENTRIES."
#endif
#ifndef ERRGROUP_FREERTOS_TLS_INDEX
#define ERRGROUP_FREERTOS_TLS_INDEX 0
#endif
#if !defined(configNUM_THREAD_LOCAL_STORAGE_POINTERS) || \
    (configNUM_THREAD_LOCAL_STORAGE_POINTERS <= ERRGROUP_FREERTOS_TLS_INDEX)
#error "errgroup FreeRTOS port: set configNUM_THREAD_LOCAL_STORAGE_POINTERS to at least ERRGROUP_FREERTOS_TLS_INDEX + 1 (default index 0) in FreeRTOSConfig.h: each task's errgroup bookkeeping hangs off a thread-local storage pointer the port reserves."
#endif
#if !defined(INCLUDE_xTaskGetCurrentTaskHandle) || (INCLUDE_xTaskGetCurrentTaskHandle != 1)
#error "errgroup FreeRTOS port: set INCLUDE_xTaskGetCurrentTaskHandle to 1 in FreeRTOSConfig.h: a blocking task registers its own handle to be woken."
#endif
#if !defined(INCLUDE_vTaskDelay) || (INCLUDE_vTaskDelay != 1)
#error "errgroup FreeRTOS port: set INCLUDE_vTaskDelay to 1 in FreeRTOSConfig.h: yield() sleeps one tick so lower-priority workers can run."
#endif
#if !defined(INCLUDE_vTaskDelete) || (INCLUDE_vTaskDelete != 1)
#error "errgroup FreeRTOS port: set INCLUDE_vTaskDelete to 1 in FreeRTOSConfig.h: an executor's destructor deletes its worker tasks."
#endif
#if !defined(INCLUDE_vTaskSuspend) || (INCLUDE_vTaskSuspend != 1)
#error "errgroup FreeRTOS port: set INCLUDE_vTaskSuspend to 1 in FreeRTOSConfig.h: waits without a deadline block with portMAX_DELAY, and a finished worker suspends itself until it is deleted."
#endif
#if !((defined(INCLUDE_xTaskGetSchedulerState) && INCLUDE_xTaskGetSchedulerState == 1) || \
      (defined(configUSE_TIMERS) && configUSE_TIMERS == 1))
#error "errgroup FreeRTOS port: set INCLUDE_xTaskGetSchedulerState to 1 in FreeRTOSConfig.h: an executor destroyed before the scheduler started deletes its workers without waiting for them."
#endif

#if defined(configNUMBER_OF_CORES)
#define ERRGROUP_FREERTOS_CORES configNUMBER_OF_CORES
#else
#define ERRGROUP_FREERTOS_CORES 1  // FreeRTOS before V11: single core only
#endif

#if !defined(ERRGROUP_FREERTOS_IN_ISR) && defined(portCHECK_IF_IN_ISR)
#define ERRGROUP_FREERTOS_IN_ISR() (portCHECK_IF_IN_ISR() != 0)
#endif
#if (ERRGROUP_FREERTOS_CORES > 1)
#if !defined(ERRGROUP_FREERTOS_IN_ISR)
#error "errgroup FreeRTOS port: on an SMP kernel, define ERRGROUP_FREERTOS_IN_ISR() to your port's in-interrupt test (e.g. xPortIsInsideInterrupt() on Cortex-M) before including errgroup/freertos.hpp, so a task that migrated between cores never mistakes another core's interrupt for its own."
#endif
#endif
#if !defined(INCLUDE_eTaskGetState) || (INCLUDE_eTaskGetState != 1)
#error "errgroup FreeRTOS port: set INCLUDE_eTaskGetState to 1 in FreeRTOSConfig.h: an executor's destructor deletes a worker task only once it has suspended itself (not while it runs, on another core or mid-call)."
#endif
// clang-format on

#ifndef ERRGROUP_FREERTOS_MAX_BLOCKED
#define ERRGROUP_FREERTOS_MAX_BLOCKED 16
#endif
#ifndef ERRGROUP_FREERTOS_TASK_CONTEXTS
#define ERRGROUP_FREERTOS_TASK_CONTEXTS 8
#endif
#ifndef ERRGROUP_FREERTOS_STACK_DEPTH
#define ERRGROUP_FREERTOS_STACK_DEPTH (configMINIMAL_STACK_SIZE * 4)
#endif
#ifndef ERRGROUP_FREERTOS_DEFAULT_PRIORITY
#define ERRGROUP_FREERTOS_DEFAULT_PRIORITY (tskIDLE_PRIORITY + 1)
#endif

// configASSERT is the FreeRTOS precondition hook; use it unless the user chose another.
#if !defined(ERRGROUP_ASSERT) && defined(configASSERT_DEFINED) && (configASSERT_DEFINED == 1)
#define ERRGROUP_ASSERT(cond, msg) configASSERT((cond) && (msg))
#endif

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ratio>
#include <utility>

#include <errgroup/detail/notify_table.hpp>
#include <errgroup/errgroup.hpp>
#include <errgroup/queue/mpmc_ring.hpp>

// A threaded port: its executors have workers, and waiters park and are woken.
static_assert(errgroup::has_threads, "errgroup: freertos.hpp (the FreeRTOS port) has threads; "
                                     "ERRGROUP_THREADS=0 is for single-threaded images "
                                     "(the bare-metal port, errgroup/config.hpp)");

namespace errgroup {

namespace detail {
// The kernel's and FreeRTOSConfig.h's constants, expanded once. FreeRTOS writes them as C casts
// (portMAX_DELAY is ( TickType_t ) 0xffffffffUL, demo configs give configTICK_RATE_HZ as
// ( ( TickType_t ) 1000 )): expanded here under a pragma, so a user building with
// -Wold-style-cast sees no warning from this header. The rest of it names only these.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif
inline constexpr TickType_t freertos_max_delay = portMAX_DELAY;
inline constexpr BaseType_t freertos_true = pdTRUE;
inline constexpr BaseType_t freertos_not_started = taskSCHEDULER_NOT_STARTED;
inline constexpr std::uint64_t freertos_tick_hz = static_cast<std::uint64_t>(configTICK_RATE_HZ);
inline constexpr std::size_t freertos_min_stack =
    static_cast<std::size_t>(configMINIMAL_STACK_SIZE);
inline constexpr std::size_t freertos_default_stack = ERRGROUP_FREERTOS_STACK_DEPTH;
inline constexpr UBaseType_t freertos_default_priority = ERRGROUP_FREERTOS_DEFAULT_PRIORITY;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
}  // namespace detail

// Kernel ticks as a std::chrono duration: g.wait_for(errgroup::freertos_ticks(pdMS_TO_TICKS(5))).
using freertos_ticks =
    std::chrono::duration<std::int64_t,
                          std::ratio<1, static_cast<std::intmax_t>(detail::freertos_tick_hz)>>;

namespace detail {

static_assert(ERRGROUP_FREERTOS_MAX_BLOCKED >= 1, "ERRGROUP_FREERTOS_MAX_BLOCKED must be >= 1");
static_assert(ERRGROUP_FREERTOS_TASK_CONTEXTS >= 0, "ERRGROUP_FREERTOS_TASK_CONTEXTS must be >= 0");
static_assert(ERRGROUP_FREERTOS_CORES >= 1, "configNUMBER_OF_CORES must be >= 1");

// One interrupt handler's submit in progress on one core (see try_go_from_isr).
struct freertos_isr_frame {
  BaseType_t* woken;
  freertos_isr_frame* prev;
};

// The blocked-task table's notifier: direct-to-task notifications on the port's own index (see
// "Parking" above). take() and give() are defined after the port (they use its tick conversion).
struct freertos_notifier {
  using handle = TaskHandle_t;
  static handle self() noexcept { return xTaskGetCurrentTaskHandle(); }
  static bool take(std::uint64_t deadline_ns) noexcept;
  static void give(handle t) noexcept;
  static void poll_once() noexcept { vTaskDelay(1); }  // table full: sleep one tick
};
using freertos_table = notify_table<freertos_notifier, ERRGROUP_FREERTOS_MAX_BLOCKED>;
// One pooled thread_context, owned by the task that claimed it.
struct freertos_context_slot {
  atomic<TaskHandle_t> owner{nullptr};
  thread_context ctx{};
};

// State shared by every instantiation of basic_freertos_port (one table, one pool per program).
struct freertos_shared {
  // ---- blocked-task table (detail/notify_table.hpp) ----
  static constexpr std::uint32_t phase_mask = freertos_table::phase_mask;
  static constexpr std::uint32_t phase_free = freertos_table::phase_free,
                                 phase_waiting = freertos_table::phase_waiting;
  static constexpr auto& blocked = freertos_table::slots;

  // ---- per-task contexts for tasks that are not workers ----
  using context_slot = freertos_context_slot;
  static inline context_slot
      contexts[ERRGROUP_FREERTOS_TASK_CONTEXTS > 0 ? ERRGROUP_FREERTOS_TASK_CONTEXTS : 1];
  static inline atomic<std::uint32_t> context_overflows{0};
  // Pool exhausted: a shared context that never runs a task (thread_context::shared), so the
  // tasks sharing it never push a frame on it: they park instead of helping.
  static inline thread_context no_help_context{nullptr, 0, /*shared=*/true};

  // ---- interrupt frames, one stack per core ----
  static inline atomic<freertos_isr_frame*> isr_top[ERRGROUP_FREERTOS_CORES] = {};

  static std::uint32_t core() noexcept {
#if (ERRGROUP_FREERTOS_CORES > 1)
    return static_cast<std::uint32_t>(portGET_CORE_ID());
#else
    return 0;
#endif
  }
  // The active ISR frame if the caller is inside try_go_from_isr, else nullptr.
  static freertos_isr_frame* current_isr() noexcept {
#if defined(ERRGROUP_FREERTOS_IN_ISR)
    if (!(ERRGROUP_FREERTOS_IN_ISR())) return nullptr;
#endif
    // relaxed: written only by interrupt handlers on this same core, which nest (LIFO) and restore
    // the previous value before returning; a task reading it sees nullptr.
    return isr_top[core()].load(std::memory_order_relaxed);
  }
};

static_assert(!atomic_is_lock_free || std::atomic<const void*>::is_always_lock_free,
              "errgroup needs lock-free pointers");
static_assert(!atomic_is_lock_free || std::atomic<TaskHandle_t>::is_always_lock_free,
              "errgroup needs lock-free pointers");

// Pushes an ISR frame for the duration of one try_go_from_isr.
class freertos_isr_scope {
 public:
  explicit freertos_isr_scope(BaseType_t* woken) noexcept
      : core_(freertos_shared::core()), frame_{woken, nullptr} {
    // relaxed: see current_isr(); only this core's handlers touch this entry.
    frame_.prev = freertos_shared::isr_top[core_].load(std::memory_order_relaxed);
    freertos_shared::isr_top[core_].store(&frame_, std::memory_order_relaxed);
  }
  ~freertos_isr_scope() {
    // relaxed: see current_isr().
    freertos_shared::isr_top[core_].store(frame_.prev, std::memory_order_relaxed);
  }
  freertos_isr_scope(const freertos_isr_scope&) = delete;
  freertos_isr_scope& operator=(const freertos_isr_scope&) = delete;

 private:
  std::uint32_t core_;
  freertos_isr_frame frame_;
};

}  // namespace detail

// The port traits. StackDepth: each worker's stack, in StackType_t units (words on Cortex-M), as
// xTaskCreateStatic counts it. The stack and the TCB are members of thread_handle, so they live
// inside the executor object.
template <std::size_t StackDepth = detail::freertos_default_stack>
struct basic_freertos_port {
  static_assert(StackDepth >= detail::freertos_min_stack,
                "errgroup FreeRTOS port: StackDepth is below configMINIMAL_STACK_SIZE");

  static_assert(static_cast<std::uint64_t>(StackDepth) <=
                    static_cast<std::uint64_t>(std::numeric_limits<configSTACK_DEPTH_TYPE>::max()),
                "errgroup FreeRTOS port: StackDepth does not fit configSTACK_DEPTH_TYPE; define "
                "configSTACK_DEPTH_TYPE as a wider type (e.g. uint32_t) in FreeRTOSConfig.h");

  static constexpr std::size_t stack_depth = StackDepth;
  // Every StackDepth shares one blocked-task table, so groups of every freertos executor park on
  // one event count (a parent's stop() wakes a child's parked task whatever its executor).
  using parking_family = detail::freertos_shared;
  // executor_options::max_depth by default: nested task frames on one task's stack. Size a
  // waiting task's stack for it (docs/freertos.md, "Stack of a waiting task").
  static constexpr std::uint32_t default_max_depth = 16;
  // Inside try_go_from_isr: the submit is not nested in the interrupted task's frames.
  static bool in_interrupt() noexcept { return detail::freertos_shared::current_isr() != nullptr; }
  static constexpr auto depth_arg = static_cast<configSTACK_DEPTH_TYPE>(StackDepth);

  struct thread_handle {
    StackType_t stack[StackDepth];  // first: a stack that grows down grows away from the TCB
    StaticTask_t tcb;
    TaskHandle_t task = nullptr;
    void (*entry)(void*) = nullptr;
    void* arg = nullptr;
    thread_context ctx{};
    atomic<std::uint32_t> done{0};
    atomic<std::uint32_t> ran{0};
  };

  static bool start_thread(thread_handle& h, void (*entry)(void*), void* arg,
                           const executor_options& o, std::uint32_t index,
                           worker_report& report) noexcept {
    h.entry = entry;
    h.arg = arg;
    // relaxed: the task that reads it is created below (task creation orders it).
    h.done.store(0, std::memory_order_relaxed);
    h.ran.store(0, std::memory_order_relaxed);

    report.mmcss_result = o.mmcss_task != nullptr ? ENOTSUP : 0;  // a Windows setting
    char name[configMAX_TASK_NAME_LEN];
    format_name(name, o.name != nullptr ? o.name : "errgroup", index);
    report.name_result = 0;

    UBaseType_t prio = detail::freertos_default_priority;
    if (o.policy != sched_policy::inherit) {
      if (o.priority < 0) {
        report.sched_result = EINVAL;
      } else if (static_cast<unsigned long>(o.priority) >= configMAX_PRIORITIES) {
        report.sched_result = EINVAL;
        prio = configMAX_PRIORITIES - 1;
      } else {
        prio = static_cast<UBaseType_t>(o.priority);
#if defined(configUSE_TIME_SLICING) && (configUSE_TIME_SLICING == 0)
        if (o.policy == sched_policy::round_robin) report.sched_result = ENOTSUP;
#else
        if (o.policy == sched_policy::fifo) report.sched_result = ENOTSUP;
#endif
      }
    }

    bool pinned = false;
    std::uint32_t cpu = 0;
    if (o.cpus != nullptr && o.cpu_count != 0) {
      const int c = o.cpus[index % o.cpu_count];
      if (c < 0 || c >= ERRGROUP_FREERTOS_CORES) {
        report.affinity_result = EINVAL;
      } else {
#if (ERRGROUP_FREERTOS_CORES > 1) && defined(configUSE_CORE_AFFINITY) && \
    (configUSE_CORE_AFFINITY == 1)
        pinned = true;
        cpu = static_cast<std::uint32_t>(c);
#elif (ERRGROUP_FREERTOS_CORES > 1)
        report.affinity_result = ENOTSUP;  // SMP kernel built without configUSE_CORE_AFFINITY
#else
        report.affinity_result = 0;  // core 0 of a single-core kernel: trivially satisfied
#endif
      }
    }
    (void)cpu;

#if (ERRGROUP_FREERTOS_CORES > 1) && defined(configUSE_CORE_AFFINITY) && \
    (configUSE_CORE_AFFINITY == 1)
    if (pinned)
      h.task = xTaskCreateStaticAffinitySet(&task_main, name, depth_arg, &h, prio, h.stack, &h.tcb,
                                            static_cast<UBaseType_t>(1u << cpu));
    else
#endif
      h.task = xTaskCreateStatic(&task_main, name, depth_arg, &h, prio, h.stack, &h.tcb);
    (void)pinned;
    return h.task != nullptr;
  }

  // Effects: waits until the worker's loop has returned, then deletes the task. Called by the
  //   executor's destructor after it told the workers to stop.
  static void join_thread(thread_handle& h) noexcept {
    if (h.task == nullptr) return;
    if (xTaskGetSchedulerState() == detail::freertos_not_started) {
      // Before vTaskStartScheduler(): a worker that never ran is deleted at once. After
      // vTaskEndScheduler() (a host build's exit): nothing runs any more; leave the tasks alone.
      // relaxed: with no scheduler running there is no other thread to synchronise with.
      if (h.ran.load(std::memory_order_relaxed) == 0) {
        // Suspend, then delete. Before the scheduler each new task of the highest priority so far
        // becomes the kernel's current task; vTaskDelete alone would leave pxCurrentTCB on this
        // deleted worker, whose TCB and stack are inside the executor, and vTaskStartScheduler
        // would start it. vTaskSuspend of the current task before the scheduler runs moves
        // pxCurrentTCB to another task, or to NULL if none is ready (tasks.c, vTaskSuspend:
        // "pxCurrentTCB must be adjusted to point to a different task").
        vTaskSuspend(h.task);
        vTaskDelete(h.task);
      }
      h.task = nullptr;
      return;
    }
    // (J2) acquire: pairs with (J1) in task_main; the worker is done with the executor.
    while (h.done.load(std::memory_order_acquire) == 0) wait_on(h.done, 0, no_deadline);
    // Delete it only once it sits in vTaskSuspend(): a task still running on another core (SMP)
    // would be left on the kernel's termination list, to be touched by the idle task after the
    // executor is gone; and the GCC/Posix port deletes a task with pthread_cancel, whose forced
    // unwind through a noexcept frame (a worker preempted inside wake()) calls std::terminate.
    while (eTaskGetState(h.task) != eSuspended) vTaskDelay(1);
    vTaskDelete(h.task);  // not running: removed at once, nothing left for the idle task
    h.task = nullptr;
  }

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    ERRGROUP_ASSERT(detail::freertos_shared::current_isr() == nullptr,
                    "errgroup: a blocking wait was reached from an interrupt handler");
    if (deadline_ns != no_deadline && now_ns() >= deadline_ns) return;
    detail::freertos_table::wait(word, expected, deadline_ns);
  }

  // From a task, or from try_go_from_isr (the notifier sees the ISR frame and uses the FromISR
  // form with the caller's woken flag).
  static void wake(atomic<std::uint32_t>& word, bool all) noexcept {
    detail::freertos_table::wake(word, all);
  }

  static std::uint64_t now_ns() noexcept {
    ERRGROUP_ASSERT(detail::freertos_shared::current_isr() == nullptr,
                    "errgroup: now_ns() was called from an interrupt handler");
    return ticks_to_ns(now_ticks());
  }

  // The tick count extended to 64 bits with the kernel's overflow counter.
  static std::uint64_t now_ticks() noexcept {
    TimeOut_t t;
    vTaskSetTimeOutState(&t);  // a consistent {overflow count, tick count} pair
    if (sizeof(TickType_t) >= sizeof(std::uint64_t))
      return static_cast<std::uint64_t>(t.xTimeOnEntering);
    constexpr unsigned bits = sizeof(TickType_t) * 8u;
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(t.xOverflowCount))
            << (bits % 64u)) |
           static_cast<std::uint64_t>(t.xTimeOnEntering);
  }
  static constexpr std::uint64_t ticks_to_ns(std::uint64_t ticks) noexcept {
    constexpr std::uint64_t hz = detail::freertos_tick_hz;
    return (ticks / hz) * 1000000000u + (ticks % hz) * 1000000000u / hz;
  }
  // Whole ticks covering ns (rounded up), capped below portMAX_DELAY (which means "forever").
  static TickType_t ticks_for(std::uint64_t ns) noexcept {
    constexpr std::uint64_t hz = detail::freertos_tick_hz;
    const std::uint64_t whole = ns / 1000000000u;
    const std::uint64_t rest = ns % 1000000000u;
    std::uint64_t t = whole * hz + (rest * hz + 999999999u) / 1000000000u;
    const std::uint64_t cap = static_cast<std::uint64_t>(detail::freertos_max_delay) - 1;
    if (whole > cap || t > cap) t = cap;
    return static_cast<TickType_t>(t == 0 ? 1 : t);
  }

  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__arm__) || defined(__aarch64__)
    __asm__ __volatile__("yield");         // a NOP-class hint on Cortex-M
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);  // compiler barrier only
#endif
  }

  static void yield() noexcept { vTaskDelay(1); }

  static thread_context& context() noexcept {
    using S = detail::freertos_shared;
    ERRGROUP_ASSERT(S::current_isr() == nullptr,
                    "errgroup: a task-context path (running a task, helping, waiting) was taken "
                    "from an interrupt handler; try_go_from_isr needs an executor with workers");
    void* p = pvTaskGetThreadLocalStoragePointer(nullptr, ERRGROUP_FREERTOS_TLS_INDEX);
    if (p != nullptr) return *static_cast<thread_context*>(p);
    const TaskHandle_t me = xTaskGetCurrentTaskHandle();
    for (std::size_t i = 0; i < ERRGROUP_FREERTOS_TASK_CONTEXTS; ++i) {
      S::context_slot& s = S::contexts[i];
      TaskHandle_t none = nullptr;
      // acquire: pairs with the release in release_task_context(); the previous owner is done.
      if (s.owner.compare_exchange_strong(none, me, std::memory_order_acquire,
                                          std::memory_order_relaxed)) {
        s.ctx = thread_context{};
        vTaskSetThreadLocalStoragePointer(nullptr, ERRGROUP_FREERTOS_TLS_INDEX, &s.ctx);
        return s.ctx;
      }
    }
    // relaxed: a statistic.
    S::context_overflows.fetch_add(1, std::memory_order_relaxed);
    return S::no_help_context;
  }

  // Effects: returns the calling task's pooled context (if it holds one) to the pool. Call it from
  //   a task that used errgroup and is about to be deleted; workers need not.
  // Precondition: the task is not inside any errgroup call.
  static void release_task_context() noexcept {
    using S = detail::freertos_shared;
    void* p = pvTaskGetThreadLocalStoragePointer(nullptr, ERRGROUP_FREERTOS_TLS_INDEX);
    for (std::size_t i = 0; i < ERRGROUP_FREERTOS_TASK_CONTEXTS; ++i) {
      S::context_slot& s = S::contexts[i];
      if (p != &s.ctx) continue;
      vTaskSetThreadLocalStoragePointer(nullptr, ERRGROUP_FREERTOS_TLS_INDEX, nullptr);
      // release: pairs with the acquire in context(); our use of the entry happens-before reuse.
      s.owner.store(nullptr, std::memory_order_release);
      return;
    }
  }

  static std::uint32_t default_workers() noexcept {
    return ERRGROUP_FREERTOS_CORES > 1 ? ERRGROUP_FREERTOS_CORES - 1 : 1;
  }

  // Diagnostics: both should stay 0 in a correctly sized build.
  static std::uint32_t blocked_table_overflows() noexcept {
    // relaxed: a statistic.
    return detail::freertos_table::overflows();
  }
  static std::uint32_t context_pool_overflows() noexcept {
    // relaxed: a statistic.
    return detail::freertos_shared::context_overflows.load(std::memory_order_relaxed);
  }

 private:
  // The worker task's body. A FreeRTOS task function must never return: after the executor's loop
  // ends it reports done and suspends until join_thread() deletes it. Deliberately not noexcept:
  // the GCC/Posix port deletes a task by cancelling its pthread, a forced unwind through this frame.
  static void task_main(void* param) {
    thread_handle& h = *static_cast<thread_handle*>(param);
    // relaxed: read only when no scheduler runs (join_thread).
    h.ran.store(1, std::memory_order_relaxed);
    vTaskSetThreadLocalStoragePointer(nullptr, ERRGROUP_FREERTOS_TLS_INDEX, &h.ctx);
    h.entry(h.arg);
    // (J1) seq_cst: publishes "done" (release half pairs with (J2)) and orders it before the
    // scan in wake() against the joiner's registration (store->load, see wait_on).
    h.done.store(1, std::memory_order_seq_cst);
    wake(h.done, /*all=*/true);
    for (;;) vTaskSuspend(nullptr);
  }

  // "<prefix>-<index>", truncated to configMAX_TASK_NAME_LEN - 1 characters. No snprintf:
  // newlib-nano's printf family pulls in malloc.
  static void format_name(char (&out)[configMAX_TASK_NAME_LEN], const char* prefix,
                          std::uint32_t index) noexcept {
    constexpr std::size_t cap = configMAX_TASK_NAME_LEN - 1;
    char digits[10];
    std::size_t nd = 0;
    do {
      digits[nd++] = static_cast<char>('0' + index % 10);
      index /= 10;
    } while (index != 0 && nd < sizeof digits);
    std::size_t n = 0;
    for (; prefix[n] != '\0' && n < cap; ++n) out[n] = prefix[n];
    if (n < cap) out[n++] = '-';
    while (nd != 0 && n < cap) out[n++] = digits[--nd];
    out[n] = '\0';
  }
};

using freertos_port = basic_freertos_port<>;

namespace detail {
inline bool freertos_notifier::take(std::uint64_t deadline_ns) noexcept {
  TickType_t ticks = freertos_max_delay;
  if (deadline_ns != no_deadline) {
    const std::uint64_t now = freertos_port::now_ns();
    if (now >= deadline_ns) return false;
    ticks = freertos_port::ticks_for(deadline_ns - now);
  }
  return ulTaskNotifyTakeIndexed(ERRGROUP_FREERTOS_NOTIFY_INDEX, freertos_true, ticks) != 0;
}
inline void freertos_notifier::give(TaskHandle_t t) noexcept {
  if (freertos_isr_frame* isr = freertos_shared::current_isr())
    vTaskNotifyGiveIndexedFromISR(t, ERRGROUP_FREERTOS_NOTIFY_INDEX, isr->woken);
  else
    (void)xTaskNotifyGiveIndexed(t, ERRGROUP_FREERTOS_NOTIFY_INDEX);
}
}  // namespace detail

// Worker tasks on the in-house ring queue (4 B + one pointer per entry). The executor object holds
// MaxWorkers stacks of StackDepth words and MaxWorkers TCBs: give it static storage.
template <std::size_t QueueCapacity = 16, std::size_t MaxWorkers = 4,
          std::size_t StackDepth = detail::freertos_default_stack>
using freertos_executor =
    basic_executor<basic_freertos_port<StackDepth>, mpmc_ring<job*, QueueCapacity>, MaxWorkers>;

using freertos_inline_executor = basic_inline_executor<freertos_port>;

// Effects: group::try_go(f) from an interrupt handler. Never blocks, never waits, never runs a
//   task, never touches the interrupted task's errgroup context; if a parked worker (or a parked
//   waiter, when the submit is refused) must be woken it uses vTaskNotifyGiveIndexedFromISR and
//   sets *higher_priority_task_woken to pdTRUE when that task should preempt the interrupted one
//   (higher_priority_task_woken may be nullptr, as in the FreeRTOS APIs).
// Returns: as try_go: ok, or limit_reached, capacity_full, queue_full, stopped, closed (f never
//   runs). The task runs later on a worker.
// Preconditions: called from an interrupt handler whose priority allows FreeRTOS FromISR calls
//   (at or below configMAX_SYSCALL_INTERRUPT_PRIORITY); g is bound to a freertos_executor (not the
//   inline executor: its tasks would run inside the handler, which ERRGROUP_ASSERT reports).
//   End the handler with portYIELD_FROM_ISR(*higher_priority_task_woken).
// Memory ordering: as try_go; everything the handler did before the call is visible to f.
template <std::size_t Capacity, std::size_t SlotBytes, class F>
[[nodiscard]] status try_go_from_isr(group<Capacity, SlotBytes>& g, F&& f,
                                     BaseType_t* higher_priority_task_woken) noexcept {
  detail::freertos_isr_scope scope(higher_priority_task_woken);
  return g.try_go(std::forward<F>(f));
}
// The C form: fn(ctx) is the task.
template <std::size_t Capacity, std::size_t SlotBytes>
[[nodiscard]] status try_go_from_isr(group<Capacity, SlotBytes>& g, error (*fn)(void*), void* ctx,
                                     BaseType_t* higher_priority_task_woken) noexcept {
  detail::freertos_isr_scope scope(higher_priority_task_woken);
  return g.try_go(fn, ctx);
}

// A std::chrono clock on the kernel tick count (64-bit, never wraps), for wait_until:
//   g.wait_until(errgroup::freertos_clock::now() + std::chrono::milliseconds(20))
struct freertos_clock {
  using duration = freertos_ticks;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<freertos_clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept {
    return time_point(duration(static_cast<rep>(freertos_port::now_ticks())));
  }
};

}  // namespace errgroup

#endif  // ERRGROUP_FREERTOS_HPP
