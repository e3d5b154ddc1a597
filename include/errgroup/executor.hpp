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
#include "port.hpp"

namespace errgroup {

class executor_base;

namespace detail {

// An event count: lets a thread check a condition and then sleep without losing a wake-up that
// arrives in between. Word layout: [epoch: 20 bits][registered sleepers: 12 bits]. A sleeper
// registers (prepare_wait), re-checks its condition, then waits until the epoch moves; a notifier
// changes the condition, then bumps the epoch and wakes sleepers if any are registered.
// Protocol model: the steps are labelled (E1)..(E4) and referenced by group.hpp.
// Model-checked: tests/model/wakeup.pml (SPIN; ctest model_wakeup*).
class eventcount {
 public:
  static constexpr std::uint32_t sleeper_one = 1;
  static constexpr std::uint32_t sleeper_mask = 0xFFFu;  // up to 4095 concurrent sleepers
  static constexpr std::uint32_t epoch_one = 1u << 12;

  // (E1) Register as a sleeper; returns the key to pass to wait(). seq_cst RMW: orders the
  // registration before the caller's re-check of its condition (store->load, Dekker-style against
  // the notifier's change-then-(E3)).
  std::uint32_t prepare_wait() noexcept {
    return word_.fetch_add(sleeper_one, std::memory_order_seq_cst) + sleeper_one;
  }
  // Unregister without sleeping (the re-check found the condition satisfied).
  void cancel_wait() noexcept {
    // relaxed: unregistering publishes nothing; a notifier that still sees us just wakes nobody.
    word_.fetch_sub(sleeper_one, std::memory_order_relaxed);
  }
  // (E2) Sleep once: until woken, until the epoch differs from key's, or until the deadline (or
  // spuriously). Unregisters on return. Returns false if the deadline had passed, true otherwise.
  // One futex wait, not a loop until the epoch moves: a notify-one can be taken by a sleeper that
  // registered after that notify (the kernel picks whom to wake; a higher-priority late sleeper
  // first). Returning lets every sleeper's caller re-check its own condition — a worker or a
  // helping waiter then finds the queued job itself — so no wake-up is lost to such a theft.
  template <class Exec>
  bool wait(std::uint32_t key, std::uint64_t deadline_ns, Exec& ex) noexcept {
    bool in_time = true;
    if (deadline_ns != no_deadline && ex.now_ns() >= deadline_ns) {
      in_time = false;
    } else {
      ex.wait_on(word_, key, deadline_ns);  // futex: sleeps only while word_ == key
      // (E4) acquire: pairs with (E3); what the notifier did before notifying is visible.
      const std::uint32_t cur = word_.load(std::memory_order_acquire);
      if ((cur & ~sleeper_mask) == (key & ~sleeper_mask) && deadline_ns != no_deadline &&
          ex.now_ns() >= deadline_ns)
        in_time = false;
    }
    // relaxed: see cancel_wait().
    word_.fetch_sub(sleeper_one, std::memory_order_relaxed);
    return in_time;
  }
  // (E3) Bump the epoch; wake one or all registered sleepers. seq_cst RMW: the caller changed the
  // condition before calling; pairs with (E1)/(E4).
  // Not nonblocking: a futex wake when a sleeper is registered. The real-time entry points that
  // call it (try_submit, group::stop, try_go's queue_full path) mark the call unchecked, with the
  // reason; RealtimeSanitizer then reports the wake if a real-time caller ever makes it.
  template <class Exec>
  void notify(Exec& ex, bool all) noexcept {
    const std::uint32_t prev = word_.fetch_add(epoch_one, std::memory_order_seq_cst);
    if ((prev & sleeper_mask) != 0) ex.wake(word_, all);
  }
  // For the submit fast path, after a seq_cst fence: are there sleepers to wake at all?
  bool has_sleepers() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: ordered by the caller's seq_cst fence (F1), which pairs with (E1).
    return (word_.load(std::memory_order_relaxed) & sleeper_mask) != 0;
  }

 private:
  std::atomic<std::uint32_t> word_{0};
};

}  // namespace detail

// What a group needs from an executor. Implemented by basic_executor and basic_inline_executor.
class executor_base {
 public:
  executor_base(const executor_base&) = delete;
  executor_base& operator=(const executor_base&) = delete;

  // Enqueue j and wake a parked worker if one sleeps. False if the queue is full. The inline
  // executor runs j before returning.
  virtual bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING = 0;
  // Pop one queued job and run it on the calling thread (helping). False if none was queued.
  virtual bool try_run_one() noexcept = 0;
  // Pop the run of jobs at the queue's head whose addresses lie in [first, last) (one group's
  // task slots), at most max of them, with one claim, and pass each to take(j, arg) in queue
  // order. Returns how many: 0 if the head is not such a job, or if the queue cannot look ahead
  // (boost_lockfree_queue; the inline executor queues nothing). A stopped group's drain: the
  // thread that skips one of its tasks takes the ones queued behind it in runs, instead of every
  // thread popping and counting them one at a time.
  virtual std::uint32_t try_pop_run(const void* first, const void* last, std::uint32_t max,
                                    void (*take)(job* j, void* arg) noexcept,
                                    void* arg) noexcept = 0;
  // Port services, forwarded so groups stay port-agnostic.
  virtual void wait_on(std::atomic<std::uint32_t>& w, std::uint32_t expected,
                       std::uint64_t deadline_ns) noexcept = 0;
  virtual void wake(std::atomic<std::uint32_t>& w, bool all) noexcept = 0;
  virtual std::uint64_t now_ns() noexcept = 0;
  virtual void relax() noexcept = 0;
  virtual void yield() noexcept = 0;
  virtual thread_context& context() noexcept ERRGROUP_NONBLOCKING = 0;

  std::uint32_t spin() const noexcept { return spin_; }
  // executor_options::spin_us in ns on ports with a fine clock (0 otherwise): how long an idle
  // worker, or a waiter with nothing to help with, keeps looking (yielding) before it parks.
  std::uint64_t spin_ns() const noexcept { return spin_ns_; }
  std::uint32_t worker_count() const noexcept { return workers_; }

  // Executor-wide counters (ERRGROUP_STATS). Relaxed snapshots.
  struct statistics {
    std::uint64_t jobs_run = 0;        // by workers (helpers count in their groups' stats)
    std::uint32_t max_queue_depth = 0;  // high-water mark of jobs queued at once
  };
  statistics stats() const noexcept {
    statistics s;
    // relaxed: statistics are snapshots and order nothing.
    s.jobs_run = jobs_run_.load(std::memory_order_relaxed);
    s.max_queue_depth = max_depth_.load(std::memory_order_relaxed);
    return s;
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

  // Event counts: workers and helping waiters park on work_ec; non-helping waiters on done_ec.
  detail::eventcount& work_ec() noexcept { return work_ec_; }
  detail::eventcount& done_ec() noexcept { return done_ec_; }

 protected:
  explicit executor_base(std::uint32_t spin, std::uint64_t spin_ns = 0) noexcept
      : spin_(spin), spin_ns_(spin_ns) {}
  ~executor_base() {
    ERRGROUP_ASSERT(attached_groups() == 0,
                    "errgroup: executor destroyed while a group still uses it; destroy every "
                    "group bound to an executor before the executor");
  }

  void count_enqueued() noexcept {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    const std::uint32_t d = depth_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::uint32_t m = max_depth_.load(std::memory_order_relaxed);
    while (d > m && !max_depth_.compare_exchange_weak(m, d, std::memory_order_relaxed,
                                                      std::memory_order_relaxed)) {
    }
#endif
  }
  void count_dequeued(bool by_worker, std::uint32_t n = 1) noexcept {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    depth_.fetch_sub(n, std::memory_order_relaxed);
    if (by_worker) jobs_run_.fetch_add(1, std::memory_order_relaxed);
#else
    (void)by_worker;
    (void)n;
#endif
  }

  std::uint32_t spin_;
  const std::uint64_t spin_ns_;
  std::uint32_t workers_ = 0;
  alignas(cache_line) detail::eventcount work_ec_;
  alignas(cache_line) detail::eventcount done_ec_;
  alignas(cache_line) std::atomic<std::uint32_t> groups_{0};
  std::atomic<std::uint64_t> jobs_run_{0};
  std::atomic<std::uint32_t> depth_{0};
  std::atomic<std::uint32_t> max_depth_{0};
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
              "errgroup needs lock-free 32-bit atomics (compare-and-swap); Cortex-M0/M0+ "
              "(armv6-m) has none and is not supported");
static_assert(std::atomic<bool>::is_always_lock_free, "errgroup needs lock-free atomic<bool>");

namespace detail {
// Does Queue have mpmc_ring's try_pop_run(max, match, take)?
template <class Queue, class = void>
struct has_pop_run : std::false_type {};
template <class Queue>
struct has_pop_run<Queue, std::void_t<decltype(std::declval<Queue&>().try_pop_run(
                              std::uint32_t{1}, static_cast<bool (*)(job*)>(nullptr),
                              static_cast<void (*)(job*)>(nullptr)))>> : std::true_type {};

// executor_base's port services, forwarded to a port's static functions.
template <class Port>
class port_executor : public executor_base {
  static_assert(check_port<Port>(), "");

 public:
  void wait_on(std::atomic<std::uint32_t>& w, std::uint32_t expected,
               std::uint64_t deadline_ns) noexcept override {
    Port::wait_on(w, expected, deadline_ns);
  }
  void wake(std::atomic<std::uint32_t>& w, bool all) noexcept override { Port::wake(w, all); }
  std::uint64_t now_ns() noexcept override { return Port::now_ns(); }
  void relax() noexcept override { Port::relax(); }
  void yield() noexcept override { Port::yield(); }
  thread_context& context() noexcept ERRGROUP_NONBLOCKING override { return Port::context(); }

 protected:
  using executor_base::executor_base;
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

 public:
  using port_type = Port;
  using queue_type = Queue;
  static constexpr std::size_t queue_capacity = Queue::capacity;
  static constexpr std::size_t max_workers = MaxWorkers;

  // Effects: starts min(options.workers or Port::default_workers(), MaxWorkers) workers and
  //   applies options' name / scheduling / affinity to each; outcomes are in report(i).
  // Not real-time: creates threads (the port may allocate their stacks).
  explicit basic_executor(const executor_options& options = {}) noexcept
      : base(options.spin, detail::port_fine_clock<Port>::value
                               ? static_cast<std::uint64_t>(options.spin_us) * 1000u
                               : 0),
        wake_on_submit_(options.wake == wake_policy::on_submit),
        poll_ns_(static_cast<std::uint64_t>(options.poll_interval_us == 0 ? 1 : options.poll_interval_us) *
                 1000u) {
    std::uint32_t n = options.workers != 0 ? options.workers : Port::default_workers();
    ERRGROUP_ASSERT(n <= MaxWorkers, "errgroup: options.workers exceeds the executor's MaxWorkers");
    if (n > MaxWorkers) n = static_cast<std::uint32_t>(MaxWorkers);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!Port::start_thread(threads_[i], &worker_entry, this, options, i, reports_[i])) break;
      reports_[i].started = true;
      workers_ = i + 1;
    }
  }

  // Effects: stops and joins the workers. Precondition: no group uses this executor any more.
  ~basic_executor() {
    // (S1) release: pairs with (S2) in the worker loop.
    stopping_.store(true, std::memory_order_release);
    work_ec_.notify(*this, /*all=*/true);
    for (std::uint32_t i = 0; i < workers_; ++i) Port::join_thread(threads_[i]);
  }

  const worker_report& report(std::uint32_t i) const noexcept { return reports_[i]; }
  // True if every requested worker started and every setting was applied.
  bool setup_ok(std::uint32_t requested) const noexcept {
    if (workers_ != requested) return false;
    for (std::uint32_t i = 0; i < workers_; ++i)
      if (!reports_[i].ok()) return false;
    return true;
  }

  // Non-blocking guarantee: one queue push; a system call (futex wake) only if a worker is parked
  // and the wake policy is on_submit. Under wake_policy::poll: never a system call.
  bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING override {
    if (!queue_.try_push(j)) return false;
    count_enqueued();
    if (!wake_on_submit_) return true;  // parked workers find it within poll_interval_us
    // (F1) seq_cst fence: orders the push before the sleeper check (store->load); pairs with the
    // seq_cst registration (E1) + fence (F2) of a parking worker, so either it sees the job or we
    // see it registered.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // Unchecked: the one system call try_go can make, a futex wake, only when a worker is parked
    // and the wake policy is on_submit. Never under wake_policy::poll (returned above).
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if (work_ec_.has_sleepers()) work_ec_.notify(*this, /*all=*/false);
    ERRGROUP_EFFECTS_UNCHECKED_END
    return true;
  }

  bool try_run_one() noexcept override {
    job* j = nullptr;
    if (!queue_.try_pop(j)) return false;
    count_dequeued(false);
    j->run(j);
    return true;
  }

  std::uint32_t try_pop_run(const void* first, const void* last, std::uint32_t max,
                            void (*take)(job* j, void* arg) noexcept,
                            void* arg) noexcept override {
    if constexpr (detail::has_pop_run<Queue>::value) {
      // Addresses compared as integers: the queue may hold any job, not only these slots.
      const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(first);
      const std::uintptr_t hi = reinterpret_cast<std::uintptr_t>(last);
      const std::uint32_t n = queue_.try_pop_run(
          max,
          [lo, hi](job* j) noexcept {
            const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(j);
            return a >= lo && a < hi;
          },
          [take, arg](job* j) noexcept { take(j, arg); });
      if (n != 0) count_dequeued(false, n);
      return n;
    } else {
      (void)first, (void)last, (void)max, (void)take, (void)arg;
      return 0;
    }
  }

  // Effects: runs queued jobs on the calling thread until the queue is empty or max_jobs have
  //   run (jobs submitted meanwhile run too). The main loop's call on a port without threads
  //   (bare metal: zero workers); on a threaded port, a way to lend the caller's core.
  // Returns: how many jobs ran.
  std::uint32_t poll(std::uint32_t max_jobs = ~std::uint32_t{0}) noexcept {
    std::uint32_t n = 0;
    while (n < max_jobs && try_run_one()) ++n;
    return n;
  }


 private:
  static void worker_entry(void* self) noexcept { static_cast<basic_executor*>(self)->loop(); }

  bool pop(job*& j) noexcept {
    if (!queue_.try_pop(j)) return false;
    count_dequeued(true);
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
      // relaxed: a shutdown hint checked while spinning (so a large budget cannot delay the
      // destructor); the (S2) acquire load below decides.
      const std::uint64_t idle_since = spin_ns_ != 0 ? Port::now_ns() : 0;
      // A worker woken from a park was likely placed on its waker's core (the kernel's wake
      // affinity); the waker is then waiting for the job this worker just ran, and would see it
      // end only after the pause spin below. So the first look after the jobs it was woken for
      // is a yield (fine-clock ports; W2 idle end->wait return ~33 -> ~1 us). A worker that
      // never parked (warm) does not yield: that would let the submitter's next job wait.
      if (woken && spin_ns_ != 0) Port::yield();
      woken = false;
      for (std::uint32_t i = 0; !got && !stopping_.load(std::memory_order_relaxed); ++i) {
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
      if (stopping_.load(std::memory_order_acquire)) return;
      const std::uint32_t key = work_ec_.prepare_wait();  // (E1)
      // (F2) seq_cst fence: registration before the re-check; pairs with (F1) in try_submit.
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (pop(j)) {
        work_ec_.cancel_wait();
        j->run(j);
        continue;
      }
      // (S2) again: a stop that raced with registration is either seen here or notified (E3).
      if (stopping_.load(std::memory_order_acquire)) {
        work_ec_.cancel_wait();
        return;
      }
      // (E2); under wake_policy::poll, also wake up on our own to look at the queue.
      work_ec_.wait(key, wake_on_submit_ ? no_deadline : Port::now_ns() + poll_ns_, *this);
      woken = true;
    }
  }

  const bool wake_on_submit_;
  const std::uint64_t poll_ns_;
  alignas(cache_line) Queue queue_;
  alignas(cache_line) std::atomic<bool> stopping_{false};
  typename Port::thread_handle threads_[MaxWorkers];
  worker_report reports_[MaxWorkers];
};

// Runs each job on the submitting thread, inside try_submit: go() returns after the task ran.
template <class Port>
class basic_inline_executor final : public detail::port_executor<Port> {
 public:
  basic_inline_executor() noexcept : detail::port_executor<Port>(0) {}
  ~basic_inline_executor() = default;

  bool try_submit(job* j) noexcept ERRGROUP_NONBLOCKING override {
    // The task runs here, on the submitting thread: its effects are the task's own.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    j->run(j);
    ERRGROUP_EFFECTS_UNCHECKED_END
    return true;
  }
  bool try_run_one() noexcept override { return false; }
  std::uint32_t try_pop_run(const void*, const void*, std::uint32_t, void (*)(job*, void*) noexcept,
                            void*) noexcept override {
    return 0;
  }
};

}  // namespace errgroup

#endif  // ERRGROUP_EXECUTOR_HPP
