// SPDX-License-Identifier: BSL-1.0
// errgroup/group.hpp — errgroup::group<Capacity>: Go's errgroup.Group with fixed capacity.
//
// A group submits tasks to an executor, waits for them, keeps the first error (and up to Capacity
// errors in all), limits how many run at once, and cancels the rest on request or on the first
// error. After construction nothing allocates and nothing takes a lock.
//
//   errgroup::thread_executor<> ex;            // workers created once
//   errgroup::group<16> g(ex);                 // 16 task slots, in-object
//   for (auto& s : sensors)
//     (void)g.go([&s]() -> errgroup::error { return s.read(); });
//   if (errgroup::error err = g.wait()) report(err.message());
//
// Requirements: 1 <= Capacity < 2^16. A task is any callable invocable as F(), F(stop_token)
//   returning errgroup::error or void, move-constructible, whose size fits SlotBytes (default six
//   pointers) and alignment fits std::max_align_t — checked at compile time.
// Guarantees: no heap use after construction (each callable is constructed in place in its slot);
//   try_go never blocks; each accepted task runs exactly once or is skipped exactly once (if the
//   group was stopped before it started), and its callable is destroyed exactly once either way;
//   no task outlives its group (the destructor stops and waits); a thread that waits for this
//   group runs only this group's tasks (see "Helping").
// Memory ordering: everything a task did is visible to the thread that returns from wait() (or
//   wait_for/wait_until with status::ok) for the same group; everything before go(f) is visible
//   to f.
// Preconditions in prose, as Go states them: the first go() of a round happens before the wait()
//   that waits for it; set_limit() and reset() are not called while tasks are outstanding (they
//   refuse with status::busy if they see any). Several threads may wait at once.
//
// Helping. The executor has a fixed set of workers and no fibers, so a thread that waits — in
// wait(), or in a go() waiting for room under the limit or the capacity — does not just sleep: it
// runs the group's own queued tasks on its own stack (help_policy::own_tasks, the default). It
// finds them through its slots, not by searching the executor's shared queue: each queued task's
// slot holds the ticket of its queue entry, and the waiter takes the entry back by ticket
// (executor_base::try_revoke: exactly one of the waiter and a worker popping it gets the task).
// It never runs another group's task. Why each kind of wait may or may not help:
//  * wait() (no deadline) runs this group's queued tasks. Safe in Go's sense: wait() returns only
//    after every task of the group, so no task can depend on what the caller does after wait();
//    and a task run here that waits for its own child group runs only that child's tasks above
//    it, so whatever is buried under a waiting frame is something that frame must outlive anyway.
//    Nested groups of any depth complete on any number of workers (one worker: the chain runs on
//    its stack, one task frame per level; see executor_options::max_depth).
//  * wait_for()/wait_until() run nothing by default: a timed wait returns at its deadline whatever
//    the tasks do (a task run on the waiter's stack could delay it without bound, or wait for the
//    caller's own stop() after the deadline: a hang). help_policy::own_tasks_timed opts in: the
//    waiter reads the clock before starting each task and returns timeout instead, so it returns
//    at most one task's run time after the deadline.
//  * A go() waiting for room runs this group's queued tasks too, as Go's Go blocks until a task
//    finishes. Where this differs from Go: a task run there cannot return before it finishes, and
//    the go() frame under it cannot return before that either. So a task that waits (directly or
//    through what it calls) for something that happens only after that go() returns — the
//    caller's next statement, or room in a group whose tasks sit in frames under it (y1 -> go(X)
//    runs x2 -> x2's go(Y) needs y1 to finish) — hangs where Go, with a goroutine per task, would
//    not. When every outstanding task of the group is a frame on the caller's own stack, no task
//    can ever make room: go() returns status::would_deadlock instead of hanging (Go deadlocks).
//  * A go() that finds the executor's queue full runs the task itself (the caller-runs policy):
//    a fixed queue must never make a submit wait for a worker that is itself waiting. try_go
//    returns status::queue_full instead.
//  * help_policy::never: a thread outside the group's tasks never runs one (a real-time caller
//    that must not run task code). A thread running a task always helps its own waits (untimed),
//    or a fixed pool could starve: every worker waiting while the tasks they wait for sit queued.
//
// Rejected designs:
//  * Helping by popping the executor's queue (this library's first design): the waiter ran
//    whatever job was at the head, of any group, on its own stack — so a wait_for() came back
//    after another group's long job, a real-time thread ran a default-configuration group's task
//    and made its system calls, and nesting deadlocked at the helping-depth cap.
//  * A heap fallback for large callables (std::function style): a hidden allocation on the path
//    this library exists to keep allocation-free. Too large is a compile error instead.
//  * Propagating a panic/exception by default without a way out: Go did and reverted it
//    (golang/go#53757, #74275). Here the policy is explicit per group (exception_policy).
#ifndef ERRGROUP_GROUP_HPP
#define ERRGROUP_GROUP_HPP

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/counts.hpp"
#include "detail/deadline.hpp"
#include "detail/first_error.hpp"
#include "detail/job_state.hpp"
#include "detail/park.hpp"
#include "detail/slot_fit.hpp"
#include "detail/stop_callbacks.hpp"
#include "detail/task_slot.hpp"
#include "error.hpp"
#include "executor.hpp"
#include "options.hpp"
#include "port.hpp"
#include "stop.hpp"

namespace errgroup {

// Go's SetLimit(-1).
inline constexpr int no_limit = -1;

namespace detail {
// What a group's helpers remember between looks at the slots: the submitted count at the last
// look that found no queued task at all. While it is unchanged, looking again finds nothing new.
struct scan_memo {
  bool valid = false;
  std::uint32_t submitted = 0;
  void forget() noexcept { valid = false; }
};
}  // namespace detail

// The size-erased body of every group<Capacity, SlotBytes>: all logic lives here, so code that
// takes a group_base& is not templated on capacity.
class group_base {
  template <std::size_t, std::size_t>
  friend class group;

 public:
  group_base(const group_base&) = delete;
  group_base& operator=(const group_base&) = delete;

  // Go: g.Wait(). Blocks until every task submitted so far has finished (run or skipped).
  // Returns: the round's first error (success if none). With exception_policy::rethrow and the
  //   first failure an exception, rethrows it. errc::wait_inside_task without waiting if called
  //   from one of this group's own tasks (or from a task that one of them is waiting for on this
  //   thread's stack): it would wait for itself.
  // Waiting: runs this group's queued tasks (help_policy own_tasks / own_tasks_timed; see
  //   "Helping"), spins executor.spin() times, then parks.
  // Memory ordering: every task's effects are visible after return.
  error wait() {
    if (wait_until_ns(no_deadline) == status::would_deadlock) return errc::wait_inside_task;
    return first_failure();
  }

  // As wait(), but gives up at the deadline. Returns ok (all done; read first_error()), timeout
  // (nothing lost: wait again later), or would_deadlock (called from one of its own tasks).
  // Any duration works: <= 0 polls once, a positive one is rounded up to whole nanoseconds of the
  //   port's clock, one beyond ~584 years (e.g. hours::max()) waits without deadline.
  // Deadline precision: by default a timed wait runs no task, so it returns at the deadline (plus
  //   the port clock's resolution and the time to wake up). With help_policy::own_tasks_timed it
  //   reads the clock before starting each of the group's tasks and starts none at or after the
  //   deadline, so it returns at most one task's run time late.
  template <class Rep, class Period>
  [[nodiscard]] status wait_for(std::chrono::duration<Rep, Period> d) noexcept {
    return wait_until_ns(deadline_in(detail::to_ns_ceil(d)));
  }
  // As wait_for(t - Clock::now()), without overflow for any time point (min(): a poll, max(): no
  // deadline): any std::chrono clock (steady_clock for real deadlines).
  template <class Clock, class Duration>
  [[nodiscard]] status wait_until(std::chrono::time_point<Clock, Duration> t) noexcept {
    return wait_until_ns(deadline_in(detail::ns_until(t)));
  }
  // Deadline on the port's monotonic clock (executor().now_ns()), in nanoseconds; no_deadline
  // waits as wait() does.
  [[nodiscard]] status wait_until_ns(std::uint64_t deadline_ns) noexcept;

  // Go: g.SetLimit(n). n < 0: no limit. At most n tasks of this group are outstanding (queued or
  // running) at once, so at most n run at once.
  // Returns: ok; invalid_argument for n == 0 (Go accepts 0 and then blocks every Go forever);
  //   busy if tasks are outstanding (Go panics).
  [[nodiscard]] status set_limit(int n) noexcept ERRGROUP_NONBLOCKING {
    if (n == 0) return status::invalid_argument;
    if (!finished_all()) return status::busy;
    const std::uint32_t lim = n < 0 ? ~std::uint32_t{0} : static_cast<std::uint32_t>(n);
    // relaxed: set_limit happens before the go() calls it governs (same thread or via the
    // caller's synchronisation); finishers read it only while they hold a reservation.
    counts_.limit.store(lim, std::memory_order_relaxed);
    return status::ok;
  }

  // Go: errgroup.WithContext(context.WithDeadline(ctx, t)) / WithTimeout(ctx, d). From t on, the
  // group is stopped as by stop(), with errc::deadline_exceeded recorded as an error (the first
  // error, and so what wait() returns, unless a task failed earlier): tasks not yet started are
  // skipped, stop_requested() is true in its tasks and its linked descendants', go() returns
  // stopped. Lazy, as there is no timer thread: stop_requested() reads the port's clock; the
  // group's (and its descendants') waiters and blocked go() calls wake at t; the error and the
  // stop callbacks come with the first thread to notice: one of those, a submit, a task start,
  // or a task that ends after t. A round whose tasks all ended before t records nothing.
  // Any time point or duration works as for wait_until/wait_for (max(): no deadline).
  // Returns: ok; busy if tasks are outstanding (set it before the round's first go()). reset()
  //   clears it.
  template <class Clock, class Duration>
  [[nodiscard]] status stop_at(std::chrono::time_point<Clock, Duration> t) noexcept {
    return stop_at_ns(deadline_in(detail::ns_until(t)));
  }
  template <class Rep, class Period>
  [[nodiscard]] status stop_after(std::chrono::duration<Rep, Period> d) noexcept {
    return stop_at_ns(deadline_in(detail::to_ns_ceil(d)));
  }
  // On the port's clock (executor().now_ns()), in nanoseconds; no_deadline clears it.
  [[nodiscard]] status stop_at_ns(std::uint64_t deadline_ns) noexcept ERRGROUP_NONBLOCKING {
    if (!finished_all()) return status::busy;
    stop_.set_deadline(deadline_ns);
    return status::ok;
  }

  // Go: cancel(). Requests stop: tasks not yet started are skipped (destroyed, counted in
  // stats().tasks_skipped); running tasks see stop_token::stop_requested(); go/try_go refuse with
  // status::stopped until reset(). Non-blocking; one futex wake if a thread is parked in this
  // group or in a linked descendant (a wait(), or a go() waiting for room, which then returns
  // status::stopped at once).
  // Runs, on this thread, every armed stop_callback of this group and its linked descendants
  // (stop_callback.hpp): real-time safe only if those are.
  void stop() noexcept ERRGROUP_NONBLOCKING {
    const bool first = stop_.request();  // (T2)
    // Unchecked: a futex wake only if another thread is parked in this group or below it, which
    // never happens under wait_policy::spin; the stop callbacks are the user's (none armed: one
    // load).
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    if constexpr (!has_threads) {
      ex_.park_ec().bump();  // (I2) after (T2): a main loop idling in a wait looks again
    } else if (detail::done_word(counts_.done.load(std::memory_order_seq_cst)).anyone_parked() ||
               stop_.anyone_parked_below()) {
      // (P2) seq_cst loads after (T2): anyone registered to park here (A3)/(B1) or below (P1)?
      wake_parked(ex_);
    }
    // (K3) after (T2): only the stop() that set the flag runs the callbacks.
    if (first) detail::stop_callbacks::scan(ex_.try_context());
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  // True if stop() was called on this group or a linked ancestor, or a deadline of theirs passed.
  bool stop_requested() const noexcept ERRGROUP_NONBLOCKING { return stop_.requested(); }
  stop_token token() const noexcept ERRGROUP_NONBLOCKING { return stop_token(stop_); }

  // Graceful twin of stop(): refuse new tasks (status::closed), let submitted ones finish.
  void close() noexcept ERRGROUP_NONBLOCKING {
    // (C1) release: pairs with (C2) in reserve().
    closed_.store(1, std::memory_order_release);
  }
  bool closed() const noexcept ERRGROUP_NONBLOCKING {
    // (C2') acquire: pairs with (C1).
    return closed_.load(std::memory_order_acquire) != 0;
  }
  // stop() then wait(), in one call (golang/go#57534).
  error stop_and_wait() {
    stop();
    return wait();
  }

  // The first error recorded this round (success if none). Safe to call at any time.
  error first_error() const noexcept ERRGROUP_NONBLOCKING { return first_.get(); }
  // Go: context.Cause. This group's first error if it has one; otherwise, if it was stopped
  // through a linked ancestor (the ancestor stopped, the group did not stop itself), the cause of
  // the nearest stopped ancestor, as Go's Cause(child) returns the cause its parent was cancelled
  // with; otherwise success. Success with stop_requested() true: stopped by stop() (Go:
  // context.Canceled). A passed deadline (stop_at) is errc::deadline_exceeded.
  error cause() const noexcept ERRGROUP_NONBLOCKING {
    if (const error e = first_error()) return e;
    for (const group_base* g = this;; g = g->opts_.parent) {
      // (T1') acquire: pairs with (T2): the error that stopped g was recorded before g's stop.
      if (g->stop_.flag.load(std::memory_order_acquire) != 0) return g->first_error();
      // Its deadline passed and nobody has turned it into a stop yet (stop_at()).
      if (g->stop_.own_deadline_passed()) return errc::deadline_exceeded;
      if (g->opts_.parent == nullptr) return error{};
    }
  }

  // All errors of this round (bounded by Capacity; the rest are counted in `dropped`). The first
  // entry is the first error (what wait() returns); the others follow in the order they were
  // recorded. An exception after the first is an errc::task_threw entry (its object is dropped).
  // Precondition: no task outstanding (call after wait()).
  error_list errors() const noexcept {
    ERRGROUP_ASSERT(outstanding() == 0, "errgroup: errors() called while tasks are outstanding");
    // relaxed: the caller's wait() (acquire) already made every task's writes visible. The count
    // holds the errors after the first.
    const std::uint32_t n =
        error_count_.load(std::memory_order_relaxed) + (first_error() ? 1u : 0u);
    error_list l;
    l.size = n < capacity_ ? n : capacity_;
    l.dropped = n - l.size;
    // Entries [0, size) were constructed by record_error(); nothing else is read.
    if (l.size != 0) l.data = std::launder(reinterpret_cast<const error*>(errors_));
    return l;
  }

  // Start a new round: clears the first error, the error list, stop and close. The carry-over
  // rule: until reset(), a group keeps its error (wait() returns it again, as Go's Wait does) and
  // its stop/close state. Returns busy if tasks are outstanding.
  [[nodiscard]] status reset() noexcept ERRGROUP_NONBLOCKING_WITHOUT_EXCEPTIONS {
    if (!finished_all()) return status::busy;
    // relaxed (all): reset happens after wait() observed every task finished, and before the
    // next go(), whose queue push (release) publishes these stores to the workers.
    error_count_.store(0, std::memory_order_relaxed);
    first_.reset();
    stop_.flag.store(0, std::memory_order_relaxed);
    stop_.set_deadline(no_deadline);
    expired_.store(0, std::memory_order_relaxed);
    closed_.store(0, std::memory_order_relaxed);
    return status::ok;
  }

  // True if no task is outstanding. (A6) acquire: pairs with (R1), so every finished task's
  // writes (its error, its slot) happen before what the caller does next, even without a wait().
  bool finished_all() const noexcept ERRGROUP_NONBLOCKING {
    return count(std::memory_order_acquire) == 0;
  }

  // Tasks submitted and not yet finished (a snapshot).
  std::uint32_t outstanding() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: a snapshot; callers that act on 0 (wait) use their own acquire.
    return count(std::memory_order_relaxed);
  }
  std::size_t capacity() const noexcept { return capacity_; }
  executor_base& executor() const noexcept { return ex_; }

  // Tuning counters (ERRGROUP_STATS; zeros when compiled out). Cumulative over rounds.
  struct statistics {
    std::uint64_t tasks_run = 0;
    std::uint64_t tasks_skipped = 0;
    std::uint64_t indices_skipped = 0;  // go_n indices not run (the group stopped first)
    std::uint32_t max_running = 0;      // high-water mark of this group's tasks running at once
  };
  statistics stats() const noexcept {
    statistics s;
#if ERRGROUP_STATS
    // relaxed: statistics are snapshots and order nothing.
    s.tasks_run = tasks_run_.load(std::memory_order_relaxed);
    s.tasks_skipped = tasks_skipped_.load(std::memory_order_relaxed);
    s.indices_skipped = indices_skipped_.load(std::memory_order_relaxed);
    s.max_running = max_running_.load(std::memory_order_relaxed);
#endif
    // Without ERRGROUP_STATS: zeros, and no 64-bit atomic is touched (on a 32-bit core it would
    // need libatomic's __atomic_load_8, which firmware does not link).
    return s;
  }

  static constexpr std::size_t max_capacity = detail::count_mask;

 protected:
  // What group(ex) binds: one constant for every group<Capacity, SlotBytes>.
  static constexpr group_options default_options{};

  group_base(executor_base& ex, const group_options& o, std::size_t capacity, unsigned char* slots,
             std::size_t stride, std::size_t bulk_offset, unsigned char* errors) noexcept
      : ex_(ex),
        opts_(o),
        capacity_(static_cast<std::uint32_t>(capacity)),
        slots_(slots),
        stride_(stride),
        bulk_offset_(static_cast<std::uint32_t>(bulk_offset)),
        errors_(errors) {
    stop_.ex = &ex;
    ERRGROUP_ASSERT(o.help != help_policy::never || ex.worker_count() != 0 || !ex.queues_jobs(),
                    "errgroup: help_policy::never needs an executor with workers (with none, "
                    "nobody would ever run the queued tasks)");
    if (o.parent != nullptr) {
      ERRGROUP_ASSERT(&o.parent->ex_.park_ec() == &ex.park_ec(),
                      "errgroup: a group and the parent it is linked to must run on executors of "
                      "the same port (a parent's stop() wakes the child's parked threads through "
                      "the port's park event count)");
      stop_.parent = &o.parent->stop_;
      // relaxed: a count checked only by the parent's destructor.
      o.parent->children_.fetch_add(1, std::memory_order_relaxed);
    }
    ex_.attach();
  }

  // Effects: if tasks are outstanding, stop() and wait for them, so no task outlives its group.
  // Called by the derived destructor, while the slots it owns still exist.
  void drain() noexcept {
    ERRGROUP_ASSERT(own_frames(ex_.context()) == 0,
                    "errgroup: a group destroyed from inside one of its own tasks");
    // finished_all(): acquire, so the last finisher's accesses (R1) happen before the group's
    // memory is released even when no wait() ran.
    if (!finished_all()) {
      stop();
      (void)wait_until_ns(no_deadline);
    }
  }

  ~group_base() {
    // relaxed: see the constructor.
    ERRGROUP_ASSERT(children_.load(std::memory_order_relaxed) == 0,
                    "errgroup: a parent group destroyed before a child group linked to it");
    if (opts_.parent != nullptr) opts_.parent->children_.fetch_sub(1, std::memory_order_relaxed);
    ex_.detach();
  }

  void init_slot(std::uint32_t i) noexcept {
    detail::slot_header* h = slot_at(i);
    h->run = &group_base::run;
    h->owner = this;
  }

 private:
  using phase = detail::job_state::phase;
  static constexpr std::uint32_t no_slot = ~std::uint32_t{0};
  // How many queued tasks of a stopped group skip_oldest() takes per claim (a local array).
  static constexpr std::uint32_t skip_run = 64;

  // Which wait is asking whether it may run the group's tasks (helps()).
  enum class waiting_for : std::uint8_t { all_tasks, all_tasks_timed, room };

  // Outstanding tasks now: done (with `order`: acquire for (A1)/(A6), pairing with (R1)), THEN
  // submitted (relaxed), the order that makes the difference exact (detail/counts.hpp).
  std::uint32_t count(std::memory_order order) const noexcept ERRGROUP_NONBLOCKING {
    const detail::done_word d(counts_.done.load(order));
    return detail::outstanding(counts_.submitted.load(std::memory_order_relaxed), d);
  }

  detail::slot_header* slot_at(std::uint32_t i) const noexcept {
    return reinterpret_cast<detail::slot_header*>(slots_ + static_cast<std::size_t>(i) * stride_);
  }
  const unsigned char* slots_end() const noexcept {
    return slots_ + static_cast<std::size_t>(capacity_) * stride_;
  }
  // The slots tasks are claimed from: at most `limit` tasks are outstanding, so a window of
  // twice the limit always holds a free slot, and a small window stays warm in the caches (a
  // group with limit 2 and capacity 4096 reuses 4 slots, not 4096 cold ones). set_limit() only
  // changes it while the group is idle, so every outstanding task's slot lies inside it.
  std::uint32_t window() const noexcept {
    // relaxed: see set_limit().
    const std::uint32_t lim = counts_.limit.load(std::memory_order_relaxed);
    return lim < capacity_ / 2 ? 2 * lim : capacity_;
  }
  // The deadline ns from now on the port's clock; forever_ns (a wait beyond ~584 years, e.g.
  // hours::max()) is no deadline, without reading the clock.
  std::uint64_t deadline_in(std::uint64_t ns) noexcept {
    return ns == detail::forever_ns ? no_deadline : detail::deadline_after(ex_.now_ns(), ns);
  }

  // Back off once without blocking: yield the CPU, or only relax() under wait_policy::spin
  // (sched_yield is a system call).
  void pause() noexcept {
    if (opts_.waiting == wait_policy::spin) ex_.relax();
    else
      ex_.yield();
  }

  // May this wait run the group's queued tasks on the calling thread? (See "Helping".)
  bool helps(const thread_context& ctx, waiting_for w) const noexcept {
    if (ctx.shared) return false;
    switch (opts_.help) {
      case help_policy::own_tasks: return w != waiting_for::all_tasks_timed;
      case help_policy::own_tasks_timed: return true;
      case help_policy::never: return ctx.depth != 0 && w != waiting_for::all_tasks_timed;
    }
    return false;
  }

  // Before a group deadline of the chain (stop_at), a waiter that would help only watches, as a
  // timed wait does: a task run on its stack could keep it from noticing the deadline (and so
  // from running the stop callbacks that end such a task). After it, the group is stopped and
  // helping only skips. Not with help_policy::own_tasks_timed (which opts in to that hazard), nor
  // where nobody else runs tasks (no workers).
  bool watching_for_deadline() const noexcept {
    if (opts_.help == help_policy::own_tasks_timed || ex_.worker_count() == 0) return false;
    const std::uint64_t d = stop_.earliest_deadline();
    return d != no_deadline && ex_.now_ns() < d;
  }

  // How many frames of this group are on the calling thread's stack of running tasks.
  std::uint32_t own_frames(const thread_context& ctx) const noexcept {
    std::uint32_t k = 0;
    for (const task_frame* f = ctx.top; f != nullptr; f = f->prev)
      if (f->group == this) ++k;
    return k;
  }
  // Every one of the c outstanding tasks is a frame on this thread's stack, under the caller: no
  // task can finish before the caller returns.
  bool only_own_frames_outstanding(const thread_context& ctx, std::uint32_t c) const noexcept {
    return c != 0 && own_frames(ctx) >= c;
  }

  // Block is a template parameter so that try_go's instantiation contains no parking code at
  // all (clang's function-effect analysis checks what is compiled, not what runs).
  template <std::size_t SlotBytes, bool Block, class F>
  status submit(F&& f) noexcept;
  // The queue push of a bulk task whose callable (of type T) is in slot h: ok, or, when the
  // queue is full, queue_full (Block false: the callable is destroyed) or the caller runs it
  // (Block true). submit() has its own copy of this tail, inline (see there).
  template <std::size_t SlotBytes, bool Block, class T>
  status publish_bulk(detail::slot_header* h) noexcept;
  template <bool Block>
  status reserve(bool exact) noexcept;
  // reserve() then claim_slot(): on ok, slot i is the caller's (phase filling), counted.
  template <bool Block>
  status take_slot(std::uint32_t& i) noexcept;
  status block_until_room(thread_context& ctx) noexcept;
  std::uint32_t claim_slot() noexcept;
  void release_slot(detail::slot_header* h) noexcept {
    // (U2) release: the slot's callable was destroyed; pairs with (U1) in claim_slot().
    h->state.store(detail::job_state::of(phase::free).bits(), std::memory_order_release);
  }
  void finish(std::uint32_t n) noexcept;
  // try_go's queue_full path: return the reservation as a finisher would.
  void give_back() noexcept ERRGROUP_NONBLOCKING {
    // Unchecked: finish() makes a futex wake only if a waiter or a go() is parked on this
    // group, which never happens under wait_policy::spin.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    finish(1);
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  void record_error(const error& e, detail::exception_holder* thrown) noexcept;
  void put_error(std::uint32_t i, const error& e) noexcept;
  // stop_requested(); and each group of the chain (this one, its linked ancestors) whose own
  // deadline is why becomes stopped for real here, once: errc::deadline_exceeded recorded, then
  // stop() (its wake-ups, its stop callbacks).
  bool stopping() noexcept {
    if (!stop_.requested()) return false;
    for (group_base* g = this; g != nullptr; g = g->opts_.parent) g->expire_if_due();
    return true;
  }
  void expire_if_due() noexcept {
    // relaxed (flag): a hint; a stop() racing with the deadline may record both, harmlessly.
    // acq_rel (expired_): exactly one thread turns the deadline into the stop.
    if (stop_.flag.load(std::memory_order_relaxed) == 0 && stop_.own_deadline_passed() &&
        expired_.exchange(1, std::memory_order_acq_rel) == 0) {
      record_error(errc::deadline_exceeded, nullptr);
      stop();
    }
  }
  error first_failure();

  // Taking the group's own queued tasks (see "Helping"). take_own(): one task this thread now
  // owns, or nullptr. take_queued(): scans the slots and takes queued tasks back from the queue:
  // the first one (scan_for::one_to_run, returned), or every one it can, skipping each
  // (scan_for::all_to_skip, counted in *skipped; stops when the stop is withdrawn or at the
  // deadline).
  enum class scan_for : std::uint8_t { one_to_run, all_to_skip };
  detail::slot_header* take_own(detail::scan_memo& memo) noexcept;
  detail::slot_header* take_queued(detail::scan_memo& memo, scan_for what,
                                   std::uint64_t deadline_ns, std::uint32_t* skipped) noexcept;
  // A stopped group's queued tasks, taken back and skipped by the calling thread (which must
  // keep the group from finishing meanwhile: a worker holding one of its tasks, or a waiter).
  // Stops at the deadline. Returns how many; their count is the caller's to give back.
  std::uint32_t skip_queued(detail::scan_memo& memo, std::uint64_t deadline_ns) noexcept;
  // The same from the queue's oldest end, while the oldest entry is this group's; on a queue that
  // cannot look at its oldest entry, skip_queued().
  std::uint32_t skip_oldest() noexcept;
  void skip_owned(detail::slot_header* h) noexcept;
  // The job entry point: the thread that took the job (a worker, or a helper) runs or skips it.
  static void run(job* j) noexcept;
  // One more thread runs a task of this group: the stats' high-water mark (ERRGROUP_STATS).
  void count_running() noexcept {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    detail::raise_mark(max_running_, running_.fetch_add(1, std::memory_order_relaxed) + 1);
#endif
  }

  // Bulk tasks (go_n; see "Bulk tasks" in the implementation below).
  template <std::size_t SlotBytes, bool Block, class F>
  status submit_n(std::uint32_t n, std::uint32_t grain, F&& f) noexcept;
  // bulk_state::spawn: [entry queued: bit 31][counted: bits 16..30][pushed: bits 0..15].
  static constexpr std::uint32_t entry_queued = std::uint32_t{1} << 31;
  static constexpr std::uint32_t counted_one = std::uint32_t{1} << 16;
  static constexpr std::uint32_t pushed_mask = counted_one - 1;
  static constexpr std::uint32_t counted(std::uint32_t spawn) noexcept {
    return (spawn & ~entry_queued) >> 16;
  }
  // How many claims a bulk task is cut into per runner when grain is 0 (bench/bench_bulk.cpp).
  static constexpr std::uint32_t auto_claims_per_runner = 4;
  // The largest claim (bulk_state::grain is 16 bits): larger ones gain nothing measurable.
  static constexpr std::uint32_t max_grain = 0xFFFF;
  // The job entry point of a bulk task's queue entries.
  static void run_bulk(job* j) noexcept;
  // The calling thread took one of h's queue entries (and with it a reference): claim and run
  // indices until none is left, the group stops, or deadline_ns passes (a timed waiter, which
  // then hands the rest on). Then give the reference back; the last one completes the task.
  static void run_bulk_until(detail::slot_header* h, std::uint64_t deadline_ns) noexcept;
  // Compared with run, not run_bulk, and dispatched through bulk_state::op: code that never
  // calls go_n does not link the bulk code.
  static bool is_bulk(const detail::slot_header* h) noexcept { return h->run != &group_base::run; }
  static detail::bulk_state& bulk_of(detail::slot_header* h) noexcept {
    return *std::launder(reinterpret_cast<detail::bulk_state*>(reinterpret_cast<unsigned char*>(h) +
                                                               h->owner->bulk_offset_));
  }
  static void bulk_op(detail::slot_header* h, detail::bulk_call what,
                      std::uint64_t deadline_ns) noexcept;
  // A task this thread took from the queue: run it (a bulk task: join it, until deadline_ns).
  void run_taken(detail::slot_header* h, std::uint64_t deadline_ns) noexcept {
    if (is_bulk(h)) bulk_of(h).op(h, detail::bulk_call::run, deadline_ns);
    else
      run(h);
  }
  // A task this thread took from the queue while the group is stopped: skip it. Returns the
  // count the caller gives back (1), or 0 for a bulk task's entry, which completes the task
  // itself when it holds the last reference.
  std::uint32_t skip_taken(detail::slot_header* h) noexcept {
    if (is_bulk(h)) {
      bulk_of(h).op(h, detail::bulk_call::skip, no_deadline);
      return 0;
    }
    skip_owned(h);
    return 1;
  }
  void bulk_entry_taken(detail::slot_header* h) noexcept;
  // What bulk_push() did: pushed an entry, found none needed (nothing left, one queued already,
  // enough threads, or at the limit), or could not (the queue is full).
  enum class push_result : std::uint8_t { pushed, not_needed, queue_full };
  push_result bulk_push(detail::slot_header* h, bool hand_off) noexcept;
  bool reserve_runner() noexcept;
  static std::uint32_t bulk_claim(detail::slot_header* h, std::uint32_t& end) noexcept;
  static std::uint32_t bulk_claim_rest(detail::slot_header* h) noexcept;
  // handed_off: this thread's hand-off pushed an entry, whose taker takes over its count.
  void bulk_leave(detail::slot_header* h, bool handed_off) noexcept;
  void bulk_complete(detail::slot_header* h) noexcept;
  void bulk_skip_entry(detail::slot_header* h) noexcept;
  static void bulk_error(group_base* g, const error& e, detail::exception_holder* thrown) noexcept {
    g->record_error(e, thrown);
  }

  // (A3)/(B1): adds one parker of kind `who` to the done word (a waiter also writes its target)
  // with a seq_cst CAS; `now` receives the value written. False, registering nothing, if the
  // field is full.
  bool register_in_done(detail::parker who, std::uint32_t target, detail::done_word& now) noexcept {
    // relaxed: a starting value; the CAS decides.
    std::uint32_t d = counts_.done.load(std::memory_order_relaxed);
    for (;;) {
      const detail::done_word cur(d);
      if (cur.full(who)) return false;
      const detail::done_word next = cur.with(who, target);
      // seq_cst: orders the registration before the caller's re-check loads (store->load), and
      // pairs with (R1), which reads it, and with stop()'s (P2).
      if (counts_.done.compare_exchange_weak(d, next.bits(), std::memory_order_seq_cst,
                                             std::memory_order_relaxed)) {
        now = next;
        return true;
      }
    }
  }
  // Parks the calling thread as a parker of kind `who` until notified or the deadline, through
  // the one park routine (detail/park.hpp); recheck() decides, on the done word its
  // registration wrote, whether to sleep at all. A waiter registers `target` (the submitted
  // count it saw); `helping` says whether it skips a stopped group's tasks itself.
  void park_as(detail::parker who, std::uint32_t target, std::uint64_t deadline_ns,
               bool helping) noexcept;
  // ERRGROUP_THREADS=0, instead of park_as(): the event epoch the caller reads (I1) before it
  // looks at its condition, and one idle unless the epoch moved since (config.hpp).
  std::uint32_t idle_key() noexcept { return has_threads ? 0 : ex_.park_ec().idle_key(); }
  void idle_once(std::uint32_t key, std::uint64_t deadline_ns) noexcept {
    if (opts_.waiting == wait_policy::spin) ex_.relax();  // never sleeps, as on a threaded port
    else
      ex_.wait_on(ex_.park_ec().word(), key, deadline_ns);
  }
  detail::after_recheck recheck(detail::parker who, detail::done_word now, std::uint32_t target,
                                bool helping) const noexcept;
  // (E3) on the park event count: wakes every thread parked in wait() or go(). Takes the
  // executor, not the group: a finisher calls it after its last access to the group.
  static void wake_parked(executor_base& ex) noexcept { ex.park_ec().notify(ex, /*all=*/true); }

  executor_base& ex_;
  const group_options opts_;
  const std::uint32_t capacity_;
  unsigned char* const slots_;
  const std::size_t stride_;
  const std::uint32_t bulk_offset_;  // where a slot's bulk_state lies (detail/task_slot.hpp)
  // errors()'s entries: raw storage, constructed by put_error() as errors are recorded, so a
  // group's constructor writes none of it (zeroing it linked memset on Cortex-M, 162 B).
  unsigned char* const errors_;

  detail::counts counts_;

  // Written rarely: stop, close, first error.
  alignas(cache_line) detail::stop_state stop_;
  // Flags are 32-bit words (0/1), not atomic<bool>: 1-byte read-modify-writes are libatomic
  // calls on riscv64 and on armv6-m.
  atomic<std::uint32_t> closed_{0};
  atomic<std::uint32_t> children_{0};
  detail::first_error_slot first_;
  atomic<std::uint32_t> error_count_{0};
  atomic<std::uint32_t> expired_{0};  // the deadline was turned into a stop (stopping())

  // Statistics, written by whoever runs tasks.
  alignas(cache_line) std::atomic<std::uint64_t> tasks_run_{0};
  std::atomic<std::uint64_t> tasks_skipped_{0};
  std::atomic<std::uint64_t> indices_skipped_{0};
  atomic<std::uint32_t> running_{0};
  atomic<std::uint32_t> max_running_{0};
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free || !ERRGROUP_STATS,
              "ERRGROUP_STATS needs lock-free 64-bit atomics; define ERRGROUP_STATS 0");

// ---------------------------------------------------------------------------------------------
// Implementation. Protocol labels: (R*) task completion, (A*)/(B*) waiters and blocked go()s,
// (U*) slot claims, (P*) parked-below counts and (T*) stop flags (stop.hpp), (E*) event counts
// (detail/eventcount.hpp), (Q*) queue entries (queue/mpmc_ring.hpp). Counting and the done word:
// detail/counts.hpp. Sleeping: detail/park.hpp. Claim words: detail/job_state.hpp.

template <std::size_t SlotBytes, bool Block, class F>
status group_base::submit(F&& f) noexcept {
  using T = std::decay_t<F>;
  using traits = detail::task_result<T>;
  static_assert(traits::invocable,
                "errgroup: a task must be callable as f() or f(errgroup::stop_token)");
  static_assert(traits::ok, "errgroup: a task must return errgroup::error or void");
  static_assert(std::is_nothrow_destructible<T>::value,
                "errgroup: a task's destructor must not throw");
  static_assert(std::is_constructible<T, F&&>::value,
                "errgroup: the task must be constructible from what was passed to go()");

  // The hot path, written out here rather than through take_slot()/publish_bulk() as submit_n()
  // is: with those calls (even forced inline) W1 ring empty N=256 took 23-25 us per round
  // against 20-21 us (4 interleaved runs each, 2026-12-02).
  // A thread whose stack already holds max_depth task frames accepts no more work: its wait
  // would run the task one frame deeper (see executor_options::max_depth).
  if (ex_.submit_depth() >= ex_.max_depth()) return status::too_deep;
  std::uint32_t i = no_slot;
  for (bool exact = false; i == no_slot; exact = true) {
    const status st = reserve<Block>(exact);
    if (st != status::ok) return st;  // f was never copied: nothing to run or destroy here
    i = claim_slot();
    // No free slot although the count showed room: the reservation came from a finished count
    // too stale to trust, or slots just freed are not visible here yet. Return it; count again
    // exactly (from the finishers' line, acquire).
    if (i == no_slot) give_back();
  }
  detail::slot_header* h = slot_at(i);
  ::new (static_cast<void*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))
      T(std::forward<F>(f));
  h->call = &detail::call_impl<T, SlotBytes>;
  // The push (release inside the queue) publishes the callable and h->call to the worker, and to
  // a helper that takes the entry back.
  if (ex_.try_submit(h)) return status::ok;
  if constexpr (!Block) {
    // The queue is full: destroy the callable, never run it.
    std::launder(reinterpret_cast<T*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))->~T();
    release_slot(h);
    give_back();
    return status::queue_full;
  } else {
    // The queue is full. The task is ours and counted: run it here (caller-runs), unless this is
    // an outside thread that must not run tasks (help_policy::never), which waits for room.
    thread_context& ctx = ex_.context();
    for (;;) {
      if (helps(ctx, waiting_for::room)) {
        run(h);
        return status::ok;
      }
      pause();
      if (ex_.try_submit(h)) return status::ok;
    }
  }
}

template <std::size_t SlotBytes, bool Block, class T>
status group_base::publish_bulk(detail::slot_header* h) noexcept {
  if (ex_.try_submit(h)) return status::ok;
  if constexpr (!Block) {
    // The queue is full: destroy the callable (its type is known here), never run it.
    std::launder(reinterpret_cast<T*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))->~T();
    h->run = &group_base::run;  // the slot goes back to single tasks
    release_slot(h);
    give_back();
    return status::queue_full;
  } else {
    // The queue is full. The task is ours and counted: run it here (caller-runs), unless this is
    // an outside thread that must not run tasks (help_policy::never), which waits for room.
    thread_context& ctx = ex_.context();
    for (;;) {
      if (helps(ctx, waiting_for::room)) {
        run_bulk_until(h, no_deadline);  // the caller holds the entry's reference
        return status::ok;
      }
      pause();
      if (ex_.try_submit(h)) return status::ok;
    }
  }
}

template <bool Block>
status group_base::take_slot(std::uint32_t& i) noexcept {
  // A thread whose stack already holds max_depth task frames accepts no more work: its wait
  // would run the task one frame deeper (see executor_options::max_depth).
  if (ex_.submit_depth() >= ex_.max_depth()) return status::too_deep;
  for (bool exact = false; i == no_slot; exact = true) {
    const status st = reserve<Block>(exact);
    if (st != status::ok) return st;
    i = claim_slot();
    // No free slot although the count showed room: the reservation came from a finished count
    // too stale to trust, or slots just freed are not visible here yet. Return it; count again
    // exactly (from the finishers' line, acquire).
    if (i == no_slot) give_back();
  }
  return status::ok;
}

template <bool Block>
status group_base::reserve(bool exact) noexcept {
  atomic<std::uint32_t>& submitted = counts_.submitted;
  // relaxed: only submitters write submitted; the CAS below decides.
  std::uint32_t s = submitted.load(std::memory_order_relaxed);
  for (;;) {
    if (stopping()) return status::stopped;
    // (C2) acquire: pairs with (C1) in close().
    if (closed_.load(std::memory_order_acquire) != 0) return status::closed;
    // relaxed: see set_limit().
    const std::uint32_t lim = counts_.limit.load(std::memory_order_relaxed);
    std::uint32_t c = detail::count_mask;
    // Without a limit below the capacity, the finished count last seen will do while it shows
    // room: it is never ahead of the true count, so it can only make the group look fuller. (If
    // it were a whole 2^16 behind, claim_slot() finds no slot and submit() comes back exact.)
    // relaxed: a hint.
    if (!exact && lim >= capacity_)
      c = (s - counts_.finished_seen.load(std::memory_order_relaxed)) & detail::count_mask;
    if (c >= lim || c >= capacity_) {
      // (A1) acquire: pairs with (R1); the slots the finished tasks released are free.
      const std::uint32_t f =
          detail::done_word(counts_.done.load(std::memory_order_acquire)).finished();
      // relaxed, after (A1): see detail/counts.hpp. Read again after the finished count, the
      // difference is exact (an s read before it could be older than a finish it counts).
      s = submitted.load(std::memory_order_relaxed);
      // relaxed: the hint above.
      counts_.finished_seen.store(f, std::memory_order_relaxed);
      c = (s - f) & detail::count_mask;
    }
    if (c < lim && c < capacity_) {
      // relaxed: the reservation publishes nothing (the queue push publishes the task); the RMW
      // total order on submitted is all the counting needs. A failed CAS reloads s.
      if (submitted.compare_exchange_weak(s, s + 1, std::memory_order_relaxed,
                                          std::memory_order_relaxed))
        return status::ok;
      continue;
    }
    if constexpr (!Block) {
      return c >= lim ? status::limit_reached : status::capacity_full;
    } else {
      const status st = block_until_room(ex_.context());
      if (st != status::ok) return st;
    }
    // relaxed: a fresh starting value for the CAS.
    s = submitted.load(std::memory_order_relaxed);
  }
}

// go() at the limit or capacity: run the group's queued tasks (see "Helping"), then park until a
// task of this group finishes or the group (or an ancestor) stops.
inline status group_base::block_until_room(thread_context& ctx) noexcept {
  const bool helping = helps(ctx, waiting_for::room);
  // Help only after watching the count for a while (unless nobody else runs tasks): at the limit
  // at most `limit` tasks are queued or running, and a spinning worker takes each one as it is
  // pushed; taking it at once races the worker for the entry and the task's lines
  // (bench/reference: W4).
  const std::uint32_t help_after = ex_.spin() < 64 ? ex_.spin() : 64;
  detail::scan_memo memo;
  for (std::uint32_t spins = 0;; ++spins) {
    const std::uint32_t key = idle_key();  // (I1) before looking (ERRGROUP_THREADS=0)
    // (A1) acquire: pairs with (R1); a slot freed by a finished task is visible.
    const std::uint32_t c = count(std::memory_order_acquire);
    // relaxed: see set_limit().
    const std::uint32_t lim = counts_.limit.load(std::memory_order_relaxed);
    if (c < lim && c < capacity_) return status::ok;
    if (stopping()) return status::stopped;
    if (helping && (spins >= help_after || ex_.worker_count() == 0) && !watching_for_deadline()) {
      if (detail::slot_header* h = take_own(memo)) {
        run_taken(h, no_deadline);
        continue;
      }
    }
    if (has_threads && (opts_.waiting == wait_policy::spin || spins < ex_.spin())) {
      // The stack walk is not free: look now and then whether we wait for ourselves.
      if ((spins & 1023) == 1023 && only_own_frames_outstanding(ctx, c))
        return status::would_deadlock;
      ex_.relax();
      continue;
    }
    if (only_own_frames_outstanding(ctx, c)) return status::would_deadlock;
    memo.forget();  // after waking, look at every slot again
    if constexpr (has_threads) {
      park_as(detail::parker::submitter, 0, no_deadline, /*helping=*/false);
    } else {
      idle_once(key, no_deadline);
    }
  }
}

inline std::uint32_t group_base::claim_slot() noexcept {
  // The caller holds a reservation, so fewer than capacity_ slots are busy: a free one exists
  // (if the reservation was exact; see reserve()). Returns no_slot after two passes over the
  // window without one. Scan from the cursor, the slot after the last one claimed. Tasks mostly
  // finish in the order they were queued, so the slot under the cursor is usually the oldest and
  // already free: one probe, on a line no finisher wrote recently (a bitmap word shared by 32
  // slots, or a hint pointing at the slot just freed, ping-pongs between submitter and finisher
  // on every task).
  // relaxed: a hint; correctness does not depend on it.
  std::uint32_t i = counts_.cursor.load(std::memory_order_relaxed);
  const std::uint32_t w = window();
  for (std::uint32_t probes = 0; probes < 2 * w; ++probes) {
    if (i >= w) i = 0;
    atomic<std::uint32_t>& state = slot_at(i)->state;
    std::uint32_t expected = detail::job_state::of(phase::free).bits();
    // relaxed pre-load: skip busy slots without taking their line exclusively. (U1) acquire on
    // success: pairs with (U2) in release_slot(); the previous task in this slot has destroyed
    // its callable before we construct ours.
    if (state.load(std::memory_order_relaxed) == expected &&
        state.compare_exchange_strong(expected, detail::job_state::of(phase::filling).bits(),
                                      std::memory_order_acquire, std::memory_order_relaxed)) {
      // relaxed: the hint above.
      counts_.cursor.store(i + 1, std::memory_order_relaxed);
      return i;
    }
    ++i;
  }
  return no_slot;
}

// n tasks finished (n > 1: a run of skipped tasks, counted at once).
inline void group_base::finish(std::uint32_t n) noexcept {
  executor_base& ex = ex_;  // copied before (R1): the group may be destroyed right after it
  // (R1) acq_rel. Release: publishes everything the task did (its error, the destroyed
  // callable); pairs with (A1)/(A3) in the waiter. Acquire: when this RMW reads a waiter's or a
  // blocked go()'s registration (A3)/(B1), that thread's prepare_wait (E1) happens before our
  // notify (E3), so the notify's epoch bump follows the sleeper's key in the event count's
  // modification order and the wake-up cannot be lost. (Every write to done is an RMW, so the
  // registration heads a release sequence this RMW reads from.) This is the finisher's last
  // access to the group.
  const detail::done_word prev(
      counts_.done.fetch_add(detail::done_word::finishes(n), std::memory_order_acq_rel));
  // ERRGROUP_THREADS=0: nobody parks (a waiter on this core looks again after each task it runs).
  if (has_threads && prev.wake_after(n)) wake_parked(ex);  // (E3)
}

inline void group_base::record_error(const error& e, detail::exception_holder* thrown) noexcept {
  // The first error is errors()[0], as wait() returns it: its winner owns entry 0; the others
  // take entries 1, 2, ... in the order they reach the count.
  if (first_.offer(e, thrown)) {
    put_error(0, e);  // published by (R1), as every entry
    if (opts_.on_error == on_error::stop) stop();
    return;
  }
  // relaxed: the index only needs uniqueness; the entry is published by (R1).
  const std::uint32_t n = error_count_.fetch_add(1, std::memory_order_relaxed);
  if (n + 1 < capacity_) put_error(n + 1, e);
}

inline void group_base::put_error(std::uint32_t i, const error& e) noexcept {
  // Constructs entry i (error is trivially destructible: an older entry there ends its life by
  // being reused).
  ::new (static_cast<void*>(errors_ + static_cast<std::size_t>(i) * sizeof(error))) error(e);
}

inline error group_base::first_failure() {
  const error e = first_error();
#if ERRGROUP_HAS_EXCEPTIONS
  if (e && opts_.exceptions == exception_policy::rethrow && first_.exception())
    std::rethrow_exception(first_.exception());
#endif
  return e;
}

inline detail::slot_header* group_base::take_queued(detail::scan_memo& memo, scan_for what,
                                                    std::uint64_t deadline_ns,
                                                    std::uint32_t* skipped) noexcept {
  // relaxed: a memo key; a task submitted after this load changes it (or is seen by the scan).
  const std::uint32_t s = counts_.submitted.load(std::memory_order_relaxed);
  if (memo.valid && memo.submitted == s) return nullptr;
  const std::uint32_t w = window();
  // relaxed: a hint. Newest first: from the slot before the cursor down, so that a helper takes
  // the tasks workers (who pop the oldest) would reach last. With no threads (ERRGROUP_THREADS=0)
  // nobody else takes them and this scan is the only way in (take_own()): oldest first, from the
  // cursor up, so a round runs in the order it was submitted.
  std::uint32_t i = counts_.cursor.load(std::memory_order_relaxed);
  if (i > w) i = w;
  if (!has_threads) i = (i == 0 ? w : i) - 1;  // the loop steps before it looks
  bool saw_queued = false;
  for (std::uint32_t k = 0; k < w; ++k) {
    // Every 16 slots: once nothing is queued at all, none of ours can be (the slots left are
    // free or running; looking at them would only pull lines other cores wrote).
    if ((k & 15) == 15 && ex_.nothing_queued()) {
      saw_queued = false;
      break;
    }
    if constexpr (has_threads) {
      i = (i == 0 ? w : i) - 1;
    } else {
      i = i + 1 >= w ? 0 : i + 1;
    }
    detail::slot_header* h = slot_at(i);
    // relaxed: a hint (detail/job_state.hpp); the revoke below decides, and its acquire (Q6)
    // makes the callable visible.
    const detail::job_state st(h->state.load(std::memory_order_relaxed));
    if (!st.is(phase::queued)) continue;
    if (!ex_.try_revoke(h, st.ticket())) {
      saw_queued = true;  // a worker took it and has not marked it running yet, or in flight
      continue;
    }
    // Ours: no worker will see this entry. A hint for other scans.
    // relaxed: see above.
    h->state.store(detail::job_state::of(phase::running).bits(), std::memory_order_relaxed);
    if (what == scan_for::one_to_run) return h;
    // Skipping. The callable's destructor may submit to any group, this one included (refused:
    // stopped): nothing is held while it runs but the caller's reservation.
    *skipped += skip_taken(h);
    // Re-check the stop (a parent's reset() can withdraw an inherited stop) and the deadline of
    // a timed wait before taking the next.
    if (!stop_.requested() || (deadline_ns != no_deadline && ex_.now_ns() >= deadline_ns))
      return nullptr;
  }
  if (!saw_queued) {
    memo.valid = true;
    memo.submitted = s;
  }
  return nullptr;
}

inline detail::slot_header* group_base::take_own(detail::scan_memo& memo) noexcept {
  // The executor's oldest entry, if it is ours: the cheap case (one group keeping the executor
  // busy), taken in the same order the workers take entries. With no threads, the slot scan
  // alone, oldest first: nobody else pops, and the revoked entry's cell is freed where the queue
  // frees such cells (a pop or a full push meeting it at the head).
  if constexpr (has_threads) {
    if (job* j = ex_.try_take_oldest(slots_, slots_end()))
      return static_cast<detail::slot_header*>(j);
  }
  // Nothing queued at all: none of our tasks can be taken.
  if (ex_.nothing_queued()) return nullptr;
  return take_queued(memo, scan_for::one_to_run, no_deadline, nullptr);
}

inline void group_base::skip_owned(detail::slot_header* h) noexcept {
  (void)h->call(h, nullptr, detail::call_mode::destroy, opts_.exceptions, nullptr);
  release_slot(h);
}

inline std::uint32_t group_base::skip_queued(detail::scan_memo& memo,
                                             std::uint64_t deadline_ns) noexcept {
  std::uint32_t n = 0;
  if (!stop_.requested()) return 0;
  (void)take_queued(memo, scan_for::all_to_skip, deadline_ns, &n);
#if ERRGROUP_STATS
  // relaxed: statistics only.
  if (n != 0) tasks_skipped_.fetch_add(n, std::memory_order_relaxed);
#endif
  return n;
}

inline std::uint32_t group_base::skip_oldest() noexcept {
  if constexpr (!has_threads) {
    // No threads: every queued task of ours is revoked by the slot walk (nobody else holds one).
    detail::scan_memo memo;
    return skip_queued(memo, no_deadline);
  }
  std::uint32_t n = 0;
  bool took_any = false;
  // Runs of this group's entries at the queue's head, claimed with one CAS each.
  job* run_buf[skip_run];
  while (stop_.requested()) {
    const std::uint32_t k = ex_.try_take_oldest_run(slots_, slots_end(), run_buf, skip_run);
    if (k == 0) break;
    took_any = true;
    for (std::uint32_t i = 0; i < k; ++i)
      n += skip_taken(static_cast<detail::slot_header*>(run_buf[i]));
  }
#if ERRGROUP_STATS
  // relaxed: statistics only.
  if (n != 0) tasks_skipped_.fetch_add(n, std::memory_order_relaxed);
#endif
  if (!took_any && !ex_.nothing_queued()) {
    // The oldest entry is another group's, or the queue cannot look: walk the slots instead.
    detail::scan_memo memo;
    n += skip_queued(memo, no_deadline);
  }
  return n;
}

inline void group_base::run(job* j) noexcept {
  detail::slot_header* h = static_cast<detail::slot_header*>(j);
  group_base& g = *h->owner;
  // relaxed: a hint for helpers scanning the slots (detail/job_state.hpp): we own the task.
  h->state.store(detail::job_state::of(phase::running).bits(), std::memory_order_relaxed);
  thread_context& ctx = g.ex_.context();
  task_frame frame{&g, ctx.top};
  ctx.top = &frame;
  ++ctx.depth;
  if (g.stopping()) {
    g.skip_owned(h);
#if ERRGROUP_STATS
    // relaxed: statistics only.
    g.tasks_skipped_.fetch_add(1, std::memory_order_relaxed);
#endif
    // The group's other queued tasks are skipped here too, and all are counted by one (R1): a
    // drain of thousands of queued tasks costs one take per task, not a contended count per
    // task. A worker takes them from the queue's oldest end, while the group's waiter walks its
    // slots from the newest: the two meet in the middle instead of fighting over the same lines.
    // We hold this task's reservation meanwhile, so the group stays.
    const std::uint32_t n = 1 + g.skip_oldest();
    ctx.top = frame.prev;
    --ctx.depth;
    g.finish(n);  // last access to g
    return;
  }
  {
    g.count_running();
    const stop_token tok(g.stop_);
    // Scoped to this block: an exception the group did not keep (it was not the first failure)
    // is destroyed here, before (R1), never after the waiter has returned.
    detail::exception_holder thrown{};
    const error e =
        h->call(h, &tok, detail::call_mode::run_and_destroy, g.opts_.exceptions, &thrown);
#if ERRGROUP_STATS
    // relaxed: statistics only.
    g.running_.fetch_sub(1, std::memory_order_relaxed);
    g.tasks_run_.fetch_add(1, std::memory_order_relaxed);
#endif
    if (e) g.record_error(e, &thrown);
    // A task that ends after the group's deadline: the round overran it, so it is recorded now
    // (a task that saw the deadline only through its token may have returned success).
    if (g.stop_.has_deadline()) g.expire_if_due();
  }
  ctx.top = frame.prev;
  --ctx.depth;
  g.release_slot(h);
  g.finish(1);  // last access to g
}

// ---------------------------------------------------------------------------------------------
// Bulk tasks (go_n). One slot, one count in the group, one callable: f(i) for i in [0, n).
//
// Who runs it. The slot's queue entries: go_n pushes one; whoever takes an entry (a worker
// popping it, the group's waiter taking it back, as for any task) becomes a runner, and before
// claiming indices pushes the next entry (fan-out), while fewer than `runners` entries were
// pushed and indices remain. So at most one entry of the slot is queued at any time (the
// `entry queued` bit of spawn: set by the CAS that allows a push, cleared by whoever takes the
// entry) and the slot's claim word holds that entry's ticket, as for a single task: helpers
// find and revoke it by ticket (detail/job_state.hpp). runners = min(workers + 1, claims, limit):
// the workers and one waiter, and no more threads than there are claims.
//
// The limit. A bulk task is one task for the capacity (one slot). Under a limit (set_limit), each
// thread beyond the first also counts as a task while it runs (reserve_runner(): pushed only if
// the group is below its limit; returned when a thread leaves, (C)), so the limit bounds the
// threads running the group's code at once, bulk or not, as it does for go().
//
// Claims. A runner CASes `next` forward by `grain` (never past n, so it cannot overflow) and
// runs that range with one indirect call; an index is claimed once, so it runs at most once.
// When the group is stopped (stop(), a failing index under on_error::stop, a deadline), the
// runner that sees it claims everything left at once, counts it in stats().indices_skipped, and
// runs nothing more. A timed waiter (help_policy::own_tasks_timed) stops claiming at its deadline
// and hands the rest on: it pushes an entry if none is queued (the queue full: it keeps running,
// caller-runs, as go() does).
//
// Completion. `holders` counts references: one per runner, one for the queued entry. Every
// index is claimed by a holder and run before it lets go; the entry's reference goes with it
// to its taker. The holder that drops the count to 0 (acq_rel, so it sees every runner's
// effects and errors) destroys the callable, frees the slot and finishes the task (R1): once.
// A runner that finds nothing left to claim first takes the queued entry back, if any (by its
// ticket), so that the task does not wait for a worker to reach an entry with nothing to do.
// Model: tests/model/bulk.pml.

template <std::size_t SlotBytes, bool Block, class F>
status group_base::submit_n(std::uint32_t n, std::uint32_t grain, F&& f) noexcept {
  using T = std::decay_t<F>;
  using traits = detail::task_result<T, std::uint32_t>;
  static_assert(traits::invocable, "errgroup: a go_n task must be callable as f(std::uint32_t) or "
                                   "f(std::uint32_t, errgroup::stop_token)");
  static_assert(traits::ok, "errgroup: a go_n task must return errgroup::error or void");
  static_assert(std::is_nothrow_destructible<T>::value,
                "errgroup: a task's destructor must not throw");
  static_assert(std::is_constructible<T, F&&>::value,
                "errgroup: the task must be constructible from what was passed to go_n()");
  if (n == 0) return status::ok;  // nothing to run: no slot taken
  std::uint32_t i = no_slot;
  const status st = take_slot<Block>(i);
  if (st != status::ok) return st;  // f was never copied
  detail::slot_header* h = slot_at(i);
  ::new (static_cast<void*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))
      T(std::forward<F>(f));
  h->call_range = &detail::call_range_impl<T, SlotBytes>;
  h->run = &group_base::run_bulk;
  // The shape: how many threads may run it, and how many indices each claim takes.
  std::uint32_t runners = ex_.queues_jobs() ? ex_.worker_count() + 1 : 1;
  if (runners > pushed_mask) runners = pushed_mask;
  // relaxed: see set_limit().
  const std::uint32_t lim = counts_.limit.load(std::memory_order_relaxed);
  if (runners > lim) runners = lim;
  if (grain == 0) {
    const std::uint32_t parts = runners * auto_claims_per_runner;
    grain = n / parts + (n % parts != 0 ? 1u : 0u);
  }
  if (grain > n) grain = n;
  if (grain > max_grain) grain = max_grain;
  const std::uint32_t claims = n / grain + (n % grain != 0 ? 1u : 0u);
  if (runners > claims) runners = claims;
  detail::bulk_state& b = bulk_of(h);
  b.n = n;
  b.grain = static_cast<std::uint16_t>(grain);
  b.runners = static_cast<std::uint16_t>(runners);
  b.op = &group_base::bulk_op;
  // relaxed (all three): published with the entry by the queue push (release), as the callable.
  b.next.store(0, std::memory_order_relaxed);
  b.holders.store(1, std::memory_order_relaxed);                // the entry's reference
  b.spawn.store(entry_queued | 1u, std::memory_order_relaxed);  // one entry pushed, queued
  // As for a single task; the caller who runs it holds the entry's reference.
  return publish_bulk<SlotBytes, Block, T>(h);
}

inline void group_base::run_bulk(job* j) noexcept {
  run_bulk_until(static_cast<detail::slot_header*>(j), no_deadline);
}

inline void group_base::bulk_op(detail::slot_header* h, detail::bulk_call what,
                                std::uint64_t deadline_ns) noexcept {
  if (what == detail::bulk_call::run) run_bulk_until(h, deadline_ns);
  else
    h->owner->bulk_skip_entry(h);
}

inline void group_base::bulk_entry_taken(detail::slot_header* h) noexcept {
  // relaxed: a hint for helpers scanning the slots (detail/job_state.hpp); ordered before the
  // next push's ticket write by the RMWs on spawn (K2 -> K1).
  h->state.store(detail::job_state::of(phase::running).bits(), std::memory_order_relaxed);
  // (K2) acq_rel: the entry is consumed; pairs with (K1) in the next bulk_push(), which may push
  // again only after this.
  bulk_of(h).spawn.fetch_sub(entry_queued, std::memory_order_acq_rel);
}

inline group_base::push_result group_base::bulk_push(detail::slot_header* h,
                                                     bool hand_off) noexcept {
  detail::bulk_state& b = bulk_of(h);
  // relaxed: a hint; a runner woken for indices claimed meanwhile finds none and lets go.
  if (b.next.load(std::memory_order_relaxed) >= b.n) return push_result::not_needed;
  // A hand-off replaces the thread that pushes it: not one more runner.
  const std::uint32_t add = hand_off ? entry_queued : entry_queued + 1u;
  // relaxed: a starting value; the CAS decides.
  std::uint32_t sp = b.spawn.load(std::memory_order_relaxed);
  for (;;) {
    if ((sp & entry_queued) != 0) return push_result::not_needed;  // its taker runs the rest
    if (!hand_off && (sp & pushed_mask) >= b.runners) return push_result::not_needed;
    // (K1) acq_rel: at most one entry queued; pairs with (K2) of the last entry's taker.
    if (b.spawn.compare_exchange_weak(sp, sp + add, std::memory_order_acq_rel,
                                      std::memory_order_relaxed))
      break;
  }
  // Under a limit, one more thread on the task counts as one more task (so the limit bounds the
  // threads running the group's code, bulk or not); none if the group is at its limit.
  // relaxed: see set_limit().
  std::uint32_t also = 0;
  if (!hand_off && counts_.limit.load(std::memory_order_relaxed) != ~std::uint32_t{0}) {
    if (reserve_runner()) {
      also = counted_one;
      // relaxed: while our entry-queued bit is set, nobody else changes spawn but (C) below.
      b.spawn.fetch_add(counted_one, std::memory_order_relaxed);
    } else {
      // (K2) for the entry that never was: undoes our (K1).
      b.spawn.fetch_sub(add, std::memory_order_acq_rel);
      return push_result::not_needed;  // at the limit: no more threads
    }
  }
  // relaxed: a reference taken while holding one (ours), so the count cannot reach 0 meanwhile;
  // the push (release) publishes it with the entry.
  b.holders.fetch_add(1, std::memory_order_relaxed);
  if (ex_.try_submit(h)) return push_result::pushed;
  // The queue is full: nothing was pushed. We still hold our own reference: not the last.
  // relaxed: undoes the increment above, which nobody else saw.
  b.holders.fetch_sub(1, std::memory_order_relaxed);
  // (K2) for the entry that never was: undoes our (K1) and the count we added.
  b.spawn.fetch_sub(add + also, std::memory_order_acq_rel);
  if (also != 0) give_back();
  return push_result::queue_full;
}

// One more runner counted as one more task under the limit: a reservation as reserve() makes,
// from the exact count, never blocking, and not refused by close() or stop() (it serves a task
// already accepted).
inline bool group_base::reserve_runner() noexcept {
  // relaxed: see set_limit().
  const std::uint32_t lim = counts_.limit.load(std::memory_order_relaxed);
  for (;;) {
    // (A1) acquire, THEN submitted: the exact count (detail/counts.hpp).
    const std::uint32_t f =
        detail::done_word(counts_.done.load(std::memory_order_acquire)).finished();
    // relaxed: see reserve().
    std::uint32_t s = counts_.submitted.load(std::memory_order_relaxed);
    const std::uint32_t c = (s - f) & detail::count_mask;
    if (c >= lim || c >= capacity_) return false;
    // relaxed: as reserve()'s CAS.
    if (counts_.submitted.compare_exchange_weak(s, s + 1, std::memory_order_relaxed,
                                                std::memory_order_relaxed))
      return true;
  }
}

inline std::uint32_t group_base::bulk_claim(detail::slot_header* h, std::uint32_t& end) noexcept {
  detail::bulk_state& b = bulk_of(h);
  // relaxed: the claims' total order on `next` makes each range unique; what the indices do is
  // published by the holders count (K3), not by this.
  std::uint32_t i = b.next.load(std::memory_order_relaxed);
  for (;;) {
    if (i >= b.n) {
      end = i;
      return i;
    }
    const std::uint32_t e = b.n - i > b.grain ? i + b.grain : b.n;
    // relaxed: see above.
    if (b.next.compare_exchange_weak(i, e, std::memory_order_relaxed, std::memory_order_relaxed)) {
      end = e;
      return i;
    }
  }
}

inline std::uint32_t group_base::bulk_claim_rest(detail::slot_header* h) noexcept {
  detail::bulk_state& b = bulk_of(h);
  // relaxed: as bulk_claim().
  std::uint32_t i = b.next.load(std::memory_order_relaxed);
  while (i < b.n && !b.next.compare_exchange_weak(i, b.n, std::memory_order_relaxed,
                                                  std::memory_order_relaxed)) {
  }
  return i < b.n ? b.n - i : 0;
}

inline void group_base::run_bulk_until(detail::slot_header* h, std::uint64_t deadline_ns) noexcept {
  group_base& g = *h->owner;  // alive: we hold a reference, and the task is not finished
  g.bulk_entry_taken(h);
  thread_context& ctx = g.ex_.context();
  task_frame frame{&g, ctx.top};
  ctx.top = &frame;
  ++ctx.depth;
  g.count_running();
  (void)g.bulk_push(h, /*hand_off=*/false);  // fan out: the next runner
  std::uint32_t skipped = 0;
  bool handed_off = false;
  {
    const stop_token tok(g.stop_);
    for (;;) {
      // A timed waiter: no claim at or after its deadline; the rest goes on without it (with a
      // full queue it keeps running, caller-runs).
      if (deadline_ns != no_deadline && g.ex_.now_ns() >= deadline_ns) {
        const push_result r = g.bulk_push(h, /*hand_off=*/true);
        if (r != push_result::queue_full) {
          handed_off = r == push_result::pushed;
          break;
        }
      }
      std::uint32_t end = 0;
      const std::uint32_t begin = bulk_claim(h, end);
      if (begin == end) break;  // every index is claimed
      if (g.stopping()) {
        skipped = (end - begin) + bulk_claim_rest(h);
        break;
      }
      h->call_range(h, begin, end, &tok, detail::call_mode::run, g.opts_.exceptions,
                    &group_base::bulk_error);
      if (g.stop_.has_deadline()) g.expire_if_due();  // a range that ends after the deadline
    }
  }
#if ERRGROUP_STATS
  // relaxed: statistics only.
  g.running_.fetch_sub(1, std::memory_order_relaxed);
  if (skipped != 0) g.indices_skipped_.fetch_add(skipped, std::memory_order_relaxed);
#else
  (void)skipped;
#endif
  ctx.top = frame.prev;
  --ctx.depth;
  g.bulk_leave(h, handed_off);  // last access to g
}

inline void group_base::bulk_leave(detail::slot_header* h, bool handed_off) noexcept {
  detail::bulk_state& b = bulk_of(h);
  // (C) Under a limit: a leaving thread returns one of the counts its task's extra threads took
  // (bulk_push), so a thread still on the task, or another task, can use it. The task itself
  // still counts (its last holder finishes it), so the group stays. Not after a hand-off that
  // pushed an entry: the entry's taker replaces this thread and runs on its count (returning it
  // would let one thread more than the limit run: found by the fuzzer, I4; tests/model/bulk.pml
  // -DLIMIT checks threads + queued entries <= 1 + counts).
  // relaxed: a starting value; the CAS decides.
  std::uint32_t sp = b.spawn.load(std::memory_order_relaxed);
  while (!handed_off && counted(sp) != 0) {
    // relaxed: the counts' own order is the done word's (R1) in finish().
    if (b.spawn.compare_exchange_weak(sp, sp - counted_one, std::memory_order_relaxed,
                                      std::memory_order_relaxed)) {
      finish(1);
      break;
    }
  }
  std::uint32_t refs = 1;
  // Nothing left to claim: a queued entry would only find that out, after a worker reached it.
  // Take it back (with its reference) instead. relaxed (next, state): hints, the revoke decides;
  // acquire (spawn): pairs with (K1), so the ticket the pusher wrote before it is visible.
  if (b.next.load(std::memory_order_relaxed) >= b.n &&
      (b.spawn.load(std::memory_order_acquire) & entry_queued) != 0) {
    const detail::job_state st(h->state.load(std::memory_order_relaxed));
    if (st.is(phase::queued) && ex_.try_revoke(h, st.ticket())) {
      // (K2) for the entry we took; see bulk_entry_taken().
      b.spawn.fetch_sub(entry_queued, std::memory_order_acq_rel);
      refs = 2;
    }
  }
  // (K3) acq_rel: release publishes what our ranges did and the errors they recorded; the last
  // holder's acquire sees every other runner's before it completes the task.
  if (b.holders.fetch_sub(refs, std::memory_order_acq_rel) == refs) bulk_complete(h);
}

inline void group_base::bulk_complete(detail::slot_header* h) noexcept {
  h->call_range(h, 0, 0, nullptr, detail::call_mode::destroy, opts_.exceptions, nullptr);
#if ERRGROUP_STATS
  // relaxed: statistics only.
  tasks_run_.fetch_add(1, std::memory_order_relaxed);
#endif
  // relaxed: every (C) and bulk_push() happened before our (K3) acquire.
  const std::uint32_t extra = counted(bulk_of(h).spawn.load(std::memory_order_relaxed));
  h->run = &group_base::run;  // the slot's next task may be a single one (published by (U2))
  release_slot(h);
  finish(1 + extra);  // last access to the group
}

inline void group_base::bulk_skip_entry(detail::slot_header* h) noexcept {
  bulk_entry_taken(h);
  const std::uint32_t k = bulk_claim_rest(h);
#if ERRGROUP_STATS
  // relaxed: statistics only.
  if (k != 0) indices_skipped_.fetch_add(k, std::memory_order_relaxed);
#else
  (void)k;
#endif
  bulk_leave(h, /*handed_off=*/false);
}

inline void group_base::park_as(detail::parker who, std::uint32_t target, std::uint64_t deadline_ns,
                                bool helping) noexcept {
  // Sleep no later than the earliest group deadline of the chain that is still ahead: it must be
  // noticed then. One already passed was noticed before this park (stopping() in the caller's
  // loop): capping at it would turn every park into a busy loop, which on a priority scheduler
  // starves the lower-priority workers the waiter waits for (seen on FreeRTOS-Kernel V11.3.0).
  const std::uint64_t group_deadline = stop_.earliest_deadline();
  if (group_deadline < deadline_ns && ex_.now_ns() < group_deadline) deadline_ns = group_deadline;
  detail::done_word now(0);
  const bool parked = detail::park(
      ex_, ex_.park_ec(), deadline_ns,
      [&]() noexcept {
        if (!register_in_done(who, target, now)) return false;  // (A3)/(B1)
        stop_.count_parked_in_ancestors(1);                     // (P1)
        return true;
      },
      [&]() noexcept { return recheck(who, now, target, helping); },
      [&]() noexcept {
        stop_.count_parked_in_ancestors(~std::uint32_t{0});  // -1
        // relaxed: unregistering publishes nothing; a finisher that still sees us just notifies.
        counts_.done.fetch_sub(detail::done_word::one(who), std::memory_order_relaxed);
      });
  if (!parked) ex_.yield();  // 15 threads already parked on this group: look again later
}

inline detail::after_recheck group_base::recheck(detail::parker who, detail::done_word now,
                                                 std::uint32_t target,
                                                 bool helping) const noexcept {
  using detail::after_recheck;
  // relaxed, after (A3)/(B1): see detail/counts.hpp.
  const std::uint32_t submitted = counts_.submitted.load(std::memory_order_relaxed);
  const std::uint32_t c = detail::outstanding(submitted, now);
  if (who == detail::parker::submitter) {
    // relaxed: see set_limit().
    const bool room = c < counts_.limit.load(std::memory_order_relaxed) && c < capacity_;
    // (T3): a stop of this group or an ancestor after our registrations is seen here, or sees
    // us (P2) and notifies.
    return room || stop_.requested_after_registering() ? after_recheck::look_again
                                                       : after_recheck::sleep;
  }
  if (c == 0) return after_recheck::look_again;
  if (submitted != target) {
    // A task was submitted since we read the target, so the target we wrote is stale: the count
    // may already have passed it. Look again; and since we may have overwritten a parked
    // waiter's newer target, wake the parked waiters to do the same.
    return now.parked(detail::parker::waiter) != 1 ? after_recheck::look_again_and_wake_all
                                                   : after_recheck::look_again;
  }
  // (T3): a helping waiter skips a stopped group's queued tasks itself, so it must not sleep
  // through a stop (which sees our registration (P2) and notifies, or is seen here).
  if (helping && stop_.requested_after_registering()) return after_recheck::look_again;
  return after_recheck::sleep;
}

inline status group_base::wait_until_ns(std::uint64_t deadline_ns) noexcept {
  thread_context& ctx = ex_.context();
  if (own_frames(ctx) != 0) return status::would_deadlock;
  const bool timed = deadline_ns != no_deadline;
  const bool helping = helps(ctx, timed ? waiting_for::all_tasks_timed : waiting_for::all_tasks);
  detail::scan_memo memo;
  std::uint64_t spin_since = 0;  // when the pause spins ran out (0: not yet)
  for (std::uint32_t spins = 0;; ++spins) {
    const std::uint32_t key = idle_key();  // (I1) before looking (ERRGROUP_THREADS=0)
    // (A1) acquire: pairs with (R1); count 0 means every task's effects are visible.
    if (count(std::memory_order_acquire) == 0) {
      // relaxed: claim_slot()'s hint. An idle group starts its next round at slot 0, so a round
      // of n tasks reuses the same n slots (warm in the caches) instead of walking the capacity.
      counts_.cursor.store(0, std::memory_order_relaxed);
      return status::ok;
    }
    if (!helping) (void)stopping();  // a watching waiter notices a passed deadline too
    if (helping) {
      if (stopping()) {
        // Skip our queued tasks here rather than leave them to busy workers: those at the
        // queue's head in runs, then any others through the slots.
        std::uint32_t n = skip_queued(memo, deadline_ns);
        if (has_threads && n == 0 && deadline_ns == no_deadline) n = skip_oldest();
        if (n != 0) {
          finish(n);
          continue;
        }
      } else if ((!timed || ex_.now_ns() < deadline_ns) &&  // the clock, before starting a task
                 !watching_for_deadline()) {
        if (detail::slot_header* h = take_own(memo)) {
          run_taken(h, deadline_ns);
          continue;
        }
      }
    }
    if (timed && ex_.now_ns() >= deadline_ns) return status::timeout;
    if constexpr (!has_threads) {
      memo.forget();
      idle_once(key, deadline_ns);
      continue;
    }
    if (spins < ex_.spin() || opts_.waiting == wait_policy::spin) {
      if ((spins & 255) == 255) memo.forget();  // look at every slot again now and then
      ex_.relax();
      continue;
    }
    // Then, on ports with a fine clock, keep looking for spin_us, yielding between looks, as an
    // idle worker does: a task that ends within that time is seen at once instead of through a
    // futex wake of this thread (bench/reference: W2 idle end->wait return).
    if (ex_.spin_ns() != 0) {
      const std::uint64_t t = ex_.now_ns();
      if (spin_since == 0) spin_since = t;
      if (t - spin_since < ex_.spin_ns()) {
        memo.forget();
        ex_.yield();
        continue;
      }
    }
    memo.forget();  // after waking, look at every slot again
    // The target: finishers wake us when their count passes it. relaxed: detail/counts.hpp.
    const std::uint32_t target = counts_.submitted.load(std::memory_order_relaxed);
    park_as(detail::parker::waiter, target, deadline_ns, helping);
  }
}

// ---------------------------------------------------------------------------------------------

inline constexpr std::size_t default_slot_bytes = 6 * sizeof(void*);

// A group of at most Capacity outstanding tasks, each callable stored in place in SlotBytes.
template <std::size_t Capacity, std::size_t SlotBytes = default_slot_bytes>
class group final : public group_base {
  static_assert(Capacity >= 1, "errgroup::group: Capacity must be at least 1");
  static_assert(Capacity <= group_base::max_capacity,
                "errgroup::group: Capacity must be below 2^16 (the counts are compared modulo "
                "2^16)");
  static_assert(SlotBytes >= sizeof(void*), "errgroup::group: SlotBytes must hold a pointer");

 public:
  static constexpr std::size_t slot_bytes = SlotBytes;

  // group(ex) binds the default options, a constant: no temporary is built (on Cortex-M0+, an
  // 8-byte temporary was zeroed by a call to memset).
  explicit group(executor_base& executor) noexcept : group(executor, default_options) {}
  explicit group(executor_base& executor, const group_options& o) noexcept
      : group_base(executor, o, Capacity, reinterpret_cast<unsigned char*>(&slots_[0]),
                   sizeof(detail::slot<SlotBytes>),
                   static_cast<std::size_t>(reinterpret_cast<unsigned char*>(&slots_[0].bulk) -
                                            reinterpret_cast<unsigned char*>(&slots_[0])),
                   errors_) {
    for (std::uint32_t i = 0; i < Capacity; ++i) init_slot(i);
  }
  // Effects: if tasks are outstanding, stops the group and waits for them (helping as
  // configured): no task outlives its group.
  ~group() { drain(); }

  // Go: g.Go(f). Submits f; blocks while the limit or the capacity is reached, running this
  //   group's queued tasks meanwhile (see "Helping"); if the executor's queue is full, runs f on
  //   the calling thread (an outside thread under help_policy::never waits for room instead).
  // Returns: ok; stopped or closed (f is never run); would_deadlock if every outstanding task is
  //   one the calling thread is itself running (no room can ever come: Go deadlocks here);
  //   too_deep if the calling thread's stack already holds executor_options::max_depth task
  //   frames (f is never run).
  // Blocking: may block; system calls only to park and wake.
  template <class F>
  [[nodiscard]] status go(F&& f) noexcept {
    if constexpr (detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit<SlotBytes, /*Block=*/true>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }
  // The C form for firmware: fn(ctx) is the task.
  [[nodiscard]] status go(error (*fn)(void*), void* ctx) noexcept {
    return go([fn, ctx]() { return fn(ctx); });
  }

  // Go: g.TryGo(f). Never blocks.
  // Returns: ok, or why f was refused: limit_reached, capacity_full, queue_full, stopped, closed,
  //   too_deep. A refused f is never run.
  // Non-blocking guarantee: no lock, no allocation; bounded CAS retries under contention; one
  //   system call (a futex wake) if and only if an executor worker is parked.
  template <class F>
  [[nodiscard]] status try_go(F&& f) noexcept ERRGROUP_NONBLOCKING {
    if constexpr (detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit<SlotBytes, /*Block=*/false>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }
  [[nodiscard]] status try_go(error (*fn)(void*), void* ctx) noexcept ERRGROUP_NONBLOCKING {
    return try_go([fn, ctx]() { return fn(ctx); });
  }

  // Bulk fork-join (oneTBB parallel_for, OpenMP parallel for; Go has no bulk form): runs f(i)
  //   for every i in [0, n), f invocable as f(std::uint32_t) or f(std::uint32_t, stop_token),
  //   returning errgroup::error or void, as ONE task: one slot, one callable (it must fit
  //   SlotBytes, as for go()), counted once for the capacity and the limit. The workers and the
  //   waiting thread (wait(); a timed wait only with help_policy::own_tasks_timed) claim `grain`
  //   indices at a time (0: n / (4 * runners), rounded up), at most workers + 1 threads at once;
  //   under a limit, each thread beyond the first counts as a task, so at most `limit` threads
  //   run the group's tasks and indices at once. Each index runs exactly once, unless the group stops first: the indices
  //   not yet claimed are then skipped (stats().indices_skipped); a claimed range runs to its
  //   end. A failing index is recorded as a failing task is (errors(): one entry per failing
  //   index, bounded by Capacity). n == 0 submits nothing.
  // Returns: as go(); the callable is never run if refused.
  // Blocking: as go() (waits for room; a full queue makes the caller run it).
  template <class F>
  [[nodiscard]] status go_n(std::uint32_t n, F&& f, std::uint32_t grain = 0) noexcept {
    if constexpr (detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit_n<SlotBytes, /*Block=*/true>(n, grain, std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }
  // As go_n, never blocking; refusals as try_go's.
  // Non-blocking guarantee: as try_go (one queue push; a worker that takes it pushes the next).
  template <class F>
  [[nodiscard]] status try_go_n(std::uint32_t n, F&& f,
                                std::uint32_t grain = 0) noexcept ERRGROUP_NONBLOCKING {
    if constexpr (detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit_n<SlotBytes, /*Block=*/false>(n, grain, std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }

 private:
  detail::slot<SlotBytes> slots_[Capacity];
  alignas(error) unsigned char errors_[Capacity * sizeof(error)];  // see group_base::errors_
};

}  // namespace errgroup

#endif  // ERRGROUP_GROUP_HPP
