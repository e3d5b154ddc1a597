// SPDX-License-Identifier: BSL-1.0
// errgroup/executor.hpp — the worker pool groups run on.
//
// basic_executor<Port, Queue, MaxWorkers>: a fixed set of workers created once, in the
// constructor, by the Port (std::thread, FreeRTOS tasks, ...). Workers take jobs from a bounded
// lock-free Queue (mpmc_ring or boost_lockfree_queue of job*), spin `options.spin` times when it is
// empty, then park on an event count (a futex word) until a submit wakes one of them.
//
// basic_inline_executor<Port>: runs every job on the submitting thread, inside try_submit. For a
// single core, for tests, and for work too small to be worth a thread.
//
// Groups hold an executor_base&, so a group is not templated on the executor it runs on.
//
// What a group may do with the queue (and nothing else): queue its jobs; take back one of its own
// queued jobs by the ticket the queue gave it (try_revoke); take the oldest queued job when that
// job is its own (try_take_oldest). It never pops or runs another group's job: a thread that waits
// for group G runs only G's tasks (group.hpp, "Helping").
//
// Contract: every group bound to an executor is destroyed before the executor (asserted in debug
// builds: ERRGROUP_ASSERT). An executor is neither copyable nor movable.
//
// Rejected design: a condition variable per executor (std::mutex + notify on each submit): a lock
// on the submit path, which a real-time caller must not take.
#ifndef ERRGROUP_EXECUTOR_HPP
#define ERRGROUP_EXECUTOR_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/eventcount.hpp"
#include "detail/job_state.hpp"
#include "port.hpp"

namespace errgroup {

class executor_base;

namespace detail {
// The event count every group of one port family parks on (wait(), a go() waiting for room):
// one per program and family, so that a stop() of a parent group can wake a thread parked in a
// linked child whose executor it does not know (stop.hpp, "Waking a descendant"), and so that a
// finishing task's wake-up touches static storage only, never its group, which may already be
// destroyed. Constant-initialised.
template <class Family>
struct parking {
  static inline eventcount ec{};
};
}  // namespace detail

// What a group needs from an executor. Implemented by basic_executor and basic_inline_executor.
class executor_base {
 public:
  executor_base(const executor_base&) = delete;
  executor_base& operator=(const executor_base&) = delete;

  // Queue j and wake a parked worker if one sleeps. Before any other thread can take j, the queue
  // stores job_state::queued(ticket) into j->state: the ticket names j's queue entry. False if the
  // queue is full (j->state is then untouched). The inline executor runs j before returning.
  virtual bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING = 0;
  // Take the oldest queued job if its address lies in [first, last) — one group's task slots —
  // freeing revoked entries in front of it. nullptr if the oldest job is another group's, nothing
  // is queued, or the queue cannot look at its oldest entry (boost_lockfree_queue). The caller
  // owns the job it gets and must run (or skip) it.
  virtual job* try_take_oldest(const void* first, const void* last) noexcept = 0;
  // As try_take_oldest, but the run of up to max such jobs at the head, claimed at once and
  // stored in out[] in queue order; every queue entry is free again before it returns (the
  // caller may run user code on them). Returns how many; 0 where try_take_oldest gives nullptr.
  virtual std::uint32_t try_take_oldest_run(const void* first, const void* last, job** out,
                                            std::uint32_t max) noexcept = 0;
  // Take a queued job back by its ticket (read from j->state). True: the caller owns j and no
  // worker will ever see this entry. False: a worker or another taker has it (or the ticket is
  // stale).
  virtual bool try_revoke(job* j, std::uint32_t ticket) noexcept = 0;
  // True if nothing is queued (a snapshot; exact when no push or pop is in flight). A queued job
  // has an entry, so "nothing queued" means no job of any group can be taken back right now.
  virtual bool nothing_queued() const noexcept = 0;
  // Port services, forwarded so groups stay port-agnostic.
  virtual void wait_on(atomic<std::uint32_t>& w, std::uint32_t expected,
                       std::uint64_t deadline_ns) noexcept = 0;
  virtual void wake(atomic<std::uint32_t>& w, bool all) noexcept = 0;
  virtual std::uint64_t now_ns() noexcept = 0;
  virtual void relax() noexcept = 0;
  virtual void yield() noexcept = 0;
  virtual thread_context& context() noexcept ERRGROUP_NONBLOCKING = 0;
  // The calling thread's context, or nullptr inside an interrupt handler (which has none).
  virtual const thread_context* try_context() noexcept ERRGROUP_NONBLOCKING = 0;
  // How many task frames the calling thread's stack holds (thread_context::depth), or 0 inside an
  // interrupt handler (whose submits are not nested in the interrupted code's frames).
  virtual std::uint32_t submit_depth() noexcept ERRGROUP_NONBLOCKING = 0;
  // The event count groups on this executor park on (detail::parking: one per port family).
  virtual detail::eventcount& park_ec() noexcept ERRGROUP_NONBLOCKING = 0;

  std::uint32_t spin() const noexcept { return spin_; }
  // executor_options::spin_us in ns on ports with a fine clock (0 otherwise): how long an idle
  // worker, or a waiter with nothing to do, keeps looking (yielding) before it parks.
  std::uint64_t spin_ns() const noexcept { return spin_ns_; }
  // ERRGROUP_THREADS=0: 0, a constant (an image without threads has no workers), so the code
  // that works around other threads folds away.
  std::uint32_t worker_count() const noexcept { return has_threads ? workers_ : 0; }
  // False for the inline executor, which runs every job inside try_submit: nothing is ever queued.
  bool queues_jobs() const noexcept { return queues_jobs_; }
  // executor_options::max_depth, resolved: go()/try_go() refuse with status::too_deep from a
  // thread whose stack already holds this many task frames.
  std::uint32_t max_depth() const noexcept ERRGROUP_NONBLOCKING { return max_depth_; }

  // Executor-wide counters (ERRGROUP_STATS). Relaxed snapshots.
  struct statistics {
    std::uint64_t jobs_run = 0;         // by workers (helpers count in their groups' stats)
    std::uint32_t max_queue_depth = 0;  // high-water mark of jobs queued at once
  };
  statistics stats() const noexcept {
    statistics s;
#if ERRGROUP_STATS
    // relaxed: statistics are snapshots and order nothing.
    s.jobs_run = jobs_run_.load(std::memory_order_relaxed);
    s.max_queue_depth = max_depth_seen_.load(std::memory_order_relaxed);
#endif
    return s;  // without ERRGROUP_STATS: zeros, no 64-bit atomic touched (see group_base)
  }

  // Bookkeeping for the destruction contract (groups call these from their ctor/dtor).
  void attach() noexcept {
    // relaxed: a count checked only by the destructor, after the user's own synchronisation.
    groups_.fetch_add(1, std::memory_order_relaxed);
  }
  void detach() noexcept {
    // relaxed: see attach().
    groups_.fetch_sub(1, std::memory_order_relaxed);
  }
  std::uint32_t attached_groups() const noexcept {
    // relaxed: see attach().
    return groups_.load(std::memory_order_relaxed);
  }

  // The event count idle workers park on; submits notify it.
  detail::eventcount& work_ec() noexcept { return work_ec_; }

 protected:
  executor_base(std::uint32_t spin, std::uint64_t spin_ns, std::uint32_t max_depth,
                bool queues_jobs) noexcept
      : spin_(spin), spin_ns_(spin_ns), max_depth_(max_depth), queues_jobs_(queues_jobs) {}
  ~executor_base() {
    ERRGROUP_ASSERT(attached_groups() == 0,
                    "errgroup: executor destroyed while a group still uses it; destroy every "
                    "group bound to an executor before the executor");
  }

  void count_enqueued() noexcept {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    detail::raise_mark(max_depth_seen_, depth_.fetch_add(1, std::memory_order_relaxed) + 1);
#endif
  }
  void count_dequeued(bool by_worker) noexcept {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    depth_.fetch_sub(1, std::memory_order_relaxed);
    if (by_worker) jobs_run_.fetch_add(1, std::memory_order_relaxed);
#else
    (void)by_worker;
#endif
  }

  std::uint32_t spin_;
  const std::uint64_t spin_ns_;
  const std::uint32_t max_depth_;
  const bool queues_jobs_;
  std::uint32_t workers_ = 0;
  alignas(cache_line) detail::eventcount work_ec_;
  alignas(cache_line) atomic<std::uint32_t> groups_{0};
  std::atomic<std::uint64_t> jobs_run_{0};
  atomic<std::uint32_t> depth_{0};
  atomic<std::uint32_t> max_depth_seen_{0};
};

// Lock-free unless the build opted into ERRGROUP_ATOMIC_CRITICAL (errgroup/atomic.hpp).
static_assert(!atomic_is_lock_free || std::atomic<std::uint32_t>::is_always_lock_free,
              "errgroup needs lock-free 32-bit atomics (compare-and-swap); on Cortex-M0/M0+ "
              "(armv6-m) define ERRGROUP_ATOMIC_CRITICAL (errgroup/atomic.hpp)");
static_assert(!atomic_is_lock_free || std::atomic<job*>::is_always_lock_free,
              "errgroup needs lock-free pointers");

namespace detail {
// Does Queue have mpmc_ring's try_pop_if(match, out) (can it look at its oldest entry)?
template <class Queue, class = void>
struct has_pop_if : std::false_type {};
template <class Queue>
struct has_pop_if<Queue, std::void_t<decltype(std::declval<Queue&>().try_pop_if(
                             static_cast<bool (*)(job* const&)>(nullptr), std::declval<job*&>()))>>
    : std::true_type {};

// executor_base's port services, forwarded to a port's static functions.
template <class Port>
class port_executor : public executor_base {
  static_assert(check_port<Port>(), "");

 public:
  void wait_on(atomic<std::uint32_t>& w, std::uint32_t expected,
               std::uint64_t deadline_ns) noexcept override {
    Port::wait_on(w, expected, deadline_ns);
  }
  void wake(atomic<std::uint32_t>& w, bool all) noexcept override { Port::wake(w, all); }
  std::uint64_t now_ns() noexcept override { return Port::now_ns(); }
  void relax() noexcept override { Port::relax(); }
  void yield() noexcept override { Port::yield(); }
  thread_context& context() noexcept ERRGROUP_NONBLOCKING override { return Port::context(); }
  const thread_context* try_context() noexcept ERRGROUP_NONBLOCKING override {
    // Unchecked: as submit_depth().
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if (port_interrupts<Port>::in_interrupt()) return nullptr;
    ERRGROUP_EFFECTS_UNCHECKED_END
    return &Port::context();
  }
  std::uint32_t submit_depth() noexcept ERRGROUP_NONBLOCKING override {
    // Unchecked: in_interrupt() is a port's register read or a relaxed load (FreeRTOS: its ISR
    // frame), never a system call; clang cannot see through the port's inline assembly.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if (port_interrupts<Port>::in_interrupt()) return 0;
    ERRGROUP_EFFECTS_UNCHECKED_END
    return Port::context().depth;
  }
  eventcount& park_ec() noexcept ERRGROUP_NONBLOCKING override {
    return parking<typename port_parking_family<Port>::type>::ec;
  }

 protected:
  port_executor(std::uint32_t spin, std::uint64_t spin_ns, std::uint32_t max_depth,
                bool queues_jobs) noexcept
      : executor_base(spin, spin_ns, max_depth == 0 ? port_max_depth<Port>::value : max_depth,
                      queues_jobs) {}
  // Protected and non-virtual, as executor_base's: nothing is ever destroyed through a base.
  ~port_executor() = default;
};
}  // namespace detail

template <class Port, class Queue, std::size_t MaxWorkers = 64>
class basic_executor final : public detail::port_executor<Port> {
  using base = detail::port_executor<Port>;
  using base::spin_;
  using base::spin_ns_;
  using base::workers_;
  using base::work_ec_;
  using base::count_enqueued;
  using base::count_dequeued;
  static_assert(std::is_same<typename Queue::value_type, job*>::value,
                "basic_executor: Queue must hold job* (e.g. mpmc_ring<job*, N>)");
  static_assert(MaxWorkers >= 1, "basic_executor: MaxWorkers must be >= 1");
  static_assert(has_threads || detail::port_threadless<Port>::value,
                "errgroup: ERRGROUP_THREADS=0 says the image has no threads, but this port may "
                "start worker threads (a port without threads declares `static constexpr bool "
                "threadless = true;`, as the bare-metal port does)");

 public:
  using port_type = Port;
  using queue_type = Queue;
  static constexpr std::size_t queue_capacity = Queue::capacity;
  static constexpr std::size_t max_workers = MaxWorkers;

  // Effects: starts min(options.workers or Port::default_workers(), MaxWorkers) workers and
  //   applies options' name / scheduling / affinity to each; outcomes are in report(i).
  // Not real-time: creates threads (the port may allocate their stacks).
  explicit basic_executor(const executor_options& options = {}) noexcept
      : base(options.spin,
             detail::port_fine_clock<Port>::value
                 ? static_cast<std::uint64_t>(options.spin_us) * 1000u
                 : 0,
             options.max_depth, /*queues_jobs=*/true),
        w_(options) {
    std::uint32_t n = options.workers != 0 ? options.workers : Port::default_workers();
    ERRGROUP_ASSERT(n <= MaxWorkers, "errgroup: options.workers exceeds the executor's MaxWorkers");
    if (n > MaxWorkers) n = static_cast<std::uint32_t>(MaxWorkers);
    if constexpr (!threadless) {
      for (std::uint32_t i = 0; i < n; ++i) {
        w_.args[i] = worker_arg{this, i};
        if (!Port::start_thread(w_.threads[i], &worker_entry, &w_.args[i], options, i,
                                w_.reports[i]))
          break;
        w_.reports[i].started = true;
        workers_ = i + 1;
      }
    }
  }

  // Effects: stops and joins the workers. Precondition: no group uses this executor any more.
  ~basic_executor() {
    if constexpr (!threadless) {
      // (S1) release: pairs with (S2) in the worker loop.
      w_.stopping.store(1, std::memory_order_release);
      work_ec_.notify(*this, /*all=*/true);
      for (std::uint32_t i = 0; i < workers_; ++i) Port::join_thread(w_.threads[i]);
    }
  }

  // Worker i's outcome (i < MaxWorkers). On a port without threads no worker ever starts: every
  // report is the one of a worker that did not start.
  const worker_report& report(std::uint32_t i) const noexcept {
    if constexpr (threadless) {
      (void)i;
      static constexpr worker_report not_started{};
      return not_started;
    } else {
      return w_.reports[i];
    }
  }
  // Which of this executor's workers the calling thread is (0 .. workers-1), or not_a_worker (a
  // thread helping in wait(), an interrupt handler, another executor's worker). Constant time:
  // one read of the thread's context. For per-worker scratch memory: a task indexes its
  // worker's buffer with it, and a helping thread (not_a_worker) uses its own.
  std::uint32_t worker_index() const noexcept ERRGROUP_NONBLOCKING {
    // Unchecked: as try_context().
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if (detail::port_interrupts<Port>::in_interrupt()) return not_a_worker;
    ERRGROUP_EFFECTS_UNCHECKED_END
    const thread_context& c = Port::context();
    return c.worker_of == this ? c.worker_index : not_a_worker;
  }
  // True if every requested worker started and every setting was applied.
  bool setup_ok(std::uint32_t requested) const noexcept {
    if (workers_ != requested) return false;
    for (std::uint32_t i = 0; i < workers_; ++i)
      if (!report(i).ok()) return false;
    return true;
  }

  // Non-blocking guarantee: one queue push; a system call (futex wake) only if a worker is parked
  // and the wake policy is on_submit. Under wake_policy::poll: never a system call.
  bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING override {
    auto write_ticket = [j](std::uint32_t ticket) noexcept {
      // relaxed: published with the entry ((Q2) in the queue, release).
      j->state.store(detail::job_state::queued(ticket).bits(), std::memory_order_relaxed);
    };
    bool pushed = queue_.try_push(j, write_ticket);
    if (!pushed) {
      // Full: entries taken back by their groups (revoked) may be what fills it. Free those at
      // the head and try once more.
      queue_.drop_revoked();
      pushed = queue_.try_push(j, write_ticket);
    }
    if (!pushed) return false;
    count_enqueued();
    if constexpr (!has_threads) {
      // (I2) after the push: a main loop idling in this group's wait looks again (config.hpp,
      // ERRGROUP_THREADS). There are no workers to wake.
      this->park_ec().bump();
    } else if constexpr (!threadless) {
      if (w_.wake_on_submit)
        wake_a_worker();  // else parked workers find it within poll_interval_us
    }
    return true;
  }

 private:
  void wake_a_worker() noexcept ERRGROUP_NONBLOCKING {
    // (F1) seq_cst fence: orders the push before the sleeper check (store->load); pairs with the
    // seq_cst registration (E1) + fence (F2) of a parking worker, so either it sees the job or we
    // see it registered. ThreadSanitizer does not model fences: this pair is checked by the SPIN
    // model (tests/model/wakeup.pml, "try_submit(F1)" and "worker"; its broken variant without
    // the fence fails), not by the TSan runs.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // Unchecked: the one system call try_go can make, a futex wake, only when a worker is parked
    // and the wake policy is on_submit. Never under wake_policy::poll (the caller checks).
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if (work_ec_.has_sleepers()) work_ec_.notify(*this, /*all=*/false);
    ERRGROUP_EFFECTS_UNCHECKED_END
  }

 public:
  // With no threads (ERRGROUP_THREADS=0) groups take their own entries by ticket only
  // (group.hpp, take_own()): these two return nothing and link no code.
  job* try_take_oldest(const void* first, const void* last) noexcept override {
    if constexpr (has_threads && detail::has_pop_if<Queue>::value) {
      // Addresses compared as integers: the queue may hold any job, not only these slots.
      const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(first);
      const std::uintptr_t hi = reinterpret_cast<std::uintptr_t>(last);
      job* j = nullptr;
      if (!queue_.try_pop_if(
              [lo, hi](job* const& v) noexcept {
                const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(v);
                return a >= lo && a < hi;
              },
              j))
        return nullptr;
      count_dequeued(/*by_worker=*/false);
      return j;
    } else {
      (void)first, (void)last;
      return nullptr;
    }
  }

  std::uint32_t try_take_oldest_run(const void* first, const void* last, job** out,
                                    std::uint32_t max) noexcept override {
    if constexpr (has_threads && detail::has_pop_if<Queue>::value) {
      const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(first);
      const std::uintptr_t hi = reinterpret_cast<std::uintptr_t>(last);
      auto mine = [lo, hi](job* const& v) noexcept {
        const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(v);
        return a >= lo && a < hi;
      };
      for (;;) {
        std::uint32_t live = 0;
        if (queue_.try_pop_run(max, mine, out, &live) == 0) return 0;
        if (live != 0) {
          for (std::uint32_t i = 0; i < live; ++i) count_dequeued(/*by_worker=*/false);
          return live;
        }
        // The run held only revoked entries: its cells are free now; look at the next head.
      }
    } else {
      (void)first, (void)last, (void)out, (void)max;
      return 0;
    }
  }

  bool try_revoke(job* j, std::uint32_t ticket) noexcept override {
    if (!queue_.try_revoke(ticket, j)) return false;
    count_dequeued(/*by_worker=*/false);
    return true;
  }

  bool nothing_queued() const noexcept override { return queue_.empty_hint(); }

  // Effects: runs queued jobs, of any group, on the calling thread until the queue is empty or
  //   max_jobs have run (jobs submitted meanwhile run too). The main loop's call on a port
  //   without threads (bare metal: zero workers); on a threaded port, a way to lend the caller's
  //   core. Unlike a wait(), this is the caller's explicit choice to run anyone's work.
  // Returns: how many jobs ran.
  std::uint32_t poll(std::uint32_t max_jobs = ~std::uint32_t{0}) noexcept {
    std::uint32_t n = 0;
    job* j = nullptr;
    while (n < max_jobs && queue_.try_pop(j)) {
      count_dequeued(/*by_worker=*/false);
      j->run(j);
      ++n;
    }
    return n;
  }

 private:
  struct worker_arg {
    basic_executor* self;
    std::uint32_t index;
  };
  static void worker_entry(void* arg) noexcept {
    const worker_arg& a = *static_cast<worker_arg*>(arg);
    thread_context& c = Port::context();
    c.worker_of = a.self;
    c.worker_index = a.index;
    if (a.self->w_.on_worker_start != nullptr)
      a.self->w_.on_worker_start(a.self->w_.on_worker_start_context, a.index);
    a.self->loop();
  }

  bool pop(job*& j) noexcept {
    if (!queue_.try_pop(j)) return false;
    count_dequeued(/*by_worker=*/true);
    return true;
  }

  void loop() noexcept {
    bool woken = false;  // parked since the last time the queue was empty
    for (;;) {
      job* j = nullptr;
      if (pop(j)) {
        j->run(j);
        continue;
      }
      bool got = false;
      // Spin: spin_ relax() iterations, then (fine clocks) until spin_ns_ has passed, yielding
      // between looks: a thread this worker just woke (a waiter) is usually placed on this very
      // core by the scheduler, and a busy spin would keep it off the CPU for the whole budget.
      const std::uint64_t idle_since = spin_ns_ != 0 ? Port::now_ns() : 0;
      // A worker woken from a park was likely placed on its waker's core (the kernel's wake
      // affinity); the waker is then waiting for the job this worker just ran, and would see it
      // end only after the pause spin below. So the first look after the jobs it was woken for
      // is a yield (fine-clock ports). A worker that never parked (warm) does not yield: that
      // would let the submitter's next job wait.
      if (woken && spin_ns_ != 0) Port::yield();
      woken = false;
      // relaxed: a shutdown hint checked while spinning (so a large budget cannot delay the
      // destructor); the (S2) acquire load below decides.
      for (std::uint32_t i = 0; !got && w_.stopping.load(std::memory_order_relaxed) == 0; ++i) {
        if (i < spin_) {
          Port::relax();
        } else {
          if (spin_ns_ == 0 || Port::now_ns() - idle_since >= spin_ns_) break;
          Port::yield();
        }
        got = pop(j);
      }
      if (got) {
        j->run(j);
        continue;
      }
      // (S2) acquire: pairs with (S1) in the destructor.
      if (w_.stopping.load(std::memory_order_acquire) != 0) return;
      const std::uint32_t key = work_ec_.prepare_wait();  // (E1)
      // (F2) seq_cst fence: registration before the re-check; pairs with (F1) in try_submit
      // (checked by the SPIN model, not by ThreadSanitizer: see (F1)).
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (pop(j)) {
        work_ec_.cancel_wait();
        j->run(j);
        continue;
      }
      // (S2) again: a stop that raced with registration is either seen here or notified (E3).
      if (w_.stopping.load(std::memory_order_acquire) != 0) {
        work_ec_.cancel_wait();
        return;
      }
      // (E2); under wake_policy::poll, also wake up on our own to look at the queue.
      work_ec_.wait(key, w_.wake_on_submit ? no_deadline : Port::now_ns() + w_.poll_ns, *this);
      woken = true;
    }
  }

  alignas(cache_line) Queue queue_;
  // The workers' state and settings. A port without threads (bare metal) has no workers, so an
  // executor on it holds none of this and its constructor writes none of it (on Cortex-M: -52 B
  // of code, -56 B of RAM, and no zeroing of reports that linked memset).
  static constexpr bool threadless = detail::port_threadless<Port>::value;
  struct worker_state {
    explicit worker_state(const executor_options& o) noexcept
        : wake_on_submit(o.wake == wake_policy::on_submit),
          on_worker_start(o.on_worker_start),
          on_worker_start_context(o.on_worker_start_context),
          poll_ns(static_cast<std::uint64_t>(o.poll_interval_us == 0 ? 1 : o.poll_interval_us) *
                  1000u) {}
    const bool wake_on_submit;
    void (*const on_worker_start)(void*, std::uint32_t) noexcept;
    void* const on_worker_start_context;
    const std::uint64_t poll_ns;
    // 0/1, a word: no 1-byte atomics (riscv64: libatomic).
    alignas(cache_line) atomic<std::uint32_t> stopping{0};
    typename Port::thread_handle threads[MaxWorkers];
    worker_arg args[MaxWorkers] = {};
    worker_report reports[MaxWorkers];
  };
  struct no_worker_state {
    explicit no_worker_state(const executor_options&) noexcept {}
  };
  std::conditional_t<threadless, no_worker_state, worker_state> w_;
};

// Runs each job on the submitting thread, inside try_submit: go() returns after the task ran.
template <class Port>
class basic_inline_executor final : public detail::port_executor<Port> {
 public:
  explicit basic_inline_executor(const executor_options& options = {}) noexcept
      : detail::port_executor<Port>(0, 0, options.max_depth, /*queues_jobs=*/false) {}
  ~basic_inline_executor() = default;

  bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING override {
    // The task runs here, on the submitting thread: its effects are the task's own.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    j->run(j);
    ERRGROUP_EFFECTS_UNCHECKED_END
    return true;
  }
  job* try_take_oldest(const void*, const void*) noexcept override { return nullptr; }
  std::uint32_t try_take_oldest_run(const void*, const void*, job**,
                                    std::uint32_t) noexcept override {
    return 0;
  }
  bool try_revoke(job*, std::uint32_t) noexcept override { return false; }
  bool nothing_queued() const noexcept override { return true; }
  // No workers: every thread is not_a_worker.
  std::uint32_t worker_index() const noexcept ERRGROUP_NONBLOCKING { return not_a_worker; }
};

}  // namespace errgroup

#endif  // ERRGROUP_EXECUTOR_HPP
