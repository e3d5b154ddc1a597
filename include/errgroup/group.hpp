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
//   no task outlives its group (the destructor stops and waits).
// Memory ordering: everything a task did is visible to the thread that returns from wait() (or
//   wait_for/wait_until with status::ok) for the same group; everything before go(f) is visible
//   to f.
// Preconditions in prose, as Go states them: the first go() of a round happens before the wait()
//   that waits for it; set_limit() and reset() are not called while
//   tasks are outstanding (they refuse with status::busy if they see any). Several threads may
//   wait at once.
//
// Rejected designs:
//  * A heap fallback for large callables (std::function style): a hidden allocation on the path
//    this library exists to keep allocation-free. Too large is a compile error instead.
//  * One atomic<error> first-error slot: error is two words, so a CAS on it is not lock-free on
//    targets without a double-width CAS. The slot is a one-word state CAS (exactly one winner)
//    guarding a plain error written by the winner.
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
#include "error.hpp"
#include "executor.hpp"
#include "port.hpp"
#include "stop.hpp"

#if ERRGROUP_HAS_EXCEPTIONS
#include <exception>
#endif

namespace errgroup {

class group_base;

// Go's WithContext: stop the group (cancel the context) when the first task fails.
enum class on_error : std::uint8_t {
  keep_going,  // Go's plain Group: record errors, run every task
  stop,        // Go's WithContext: the first error stops the group; queued tasks are skipped
};

// May a thread blocked in wait()/go() run queued executor jobs while it waits?
enum class help_policy : std::uint8_t {
  run_queued,  // yes (default): the waiter works instead of sleeping; may run other groups' jobs
  never,       // no: for a real-time caller that must not run foreign work
};

// What a thread does when wait()/go() has nothing left to help with.
enum class wait_policy : std::uint8_t {
  park,  // spin executor.spin() times, then park on a futex (a system call); the default
  spin,  // never park and never yield: spin (relax) until done or the deadline. For a real-time
         // thread that must make no system call; it burns its core while it waits.
};

// What an exception escaping a task does (only meaningful when exceptions are enabled).
enum class exception_policy : std::uint8_t {
  rethrow,    // recorded as errc::task_threw; if it was the first failure, wait() rethrows it
  to_error,   // recorded as errc::task_threw; the exception object is dropped
  terminate,  // std::terminate(), as an escaping panic ends a Go program
};

struct group_options {
  errgroup::on_error on_error = errgroup::on_error::keep_going;
  help_policy help = help_policy::run_queued;
  errgroup::wait_policy waiting = errgroup::wait_policy::park;
  exception_policy exceptions = exception_policy::rethrow;
  // If set, stopping `parent` (or any of its ancestors) stops this group too. The parent must
  // outlive this group (asserted).
  group_base* parent = nullptr;

  // Go's errgroup.WithContext(ctx): stop on the first error, linked to an optional parent.
  static group_options with_context(group_base* parent_group = nullptr) noexcept {
    group_options o;
    o.on_error = errgroup::on_error::stop;
    o.parent = parent_group;
    return o;
  }
};

// Go's SetLimit(-1).
inline constexpr int no_limit = -1;

// Up to Capacity task errors of one round, in the order they were recorded. `dropped` counts the
// errors that did not fit. Valid until reset() or the next go().
struct error_list {
  const error* data = nullptr;
  std::size_t size = 0;
  std::size_t dropped = 0;
  const error* begin() const noexcept { return data; }
  const error* end() const noexcept { return data + size; }
  bool empty() const noexcept { return size == 0; }
};

namespace detail {

#if ERRGROUP_HAS_EXCEPTIONS
using exception_holder = std::exception_ptr;
#else
struct exception_holder {};
#endif

// The part of a task slot that does not depend on the callable. Its job::run is group_base::run.
struct slot_header : job {
  group_base* owner = nullptr;
  // Runs (run == true) and then destroys, or only destroys, the callable stored after the header.
  error (*call)(slot_header* self, const stop_token* token, bool run,
                exception_holder* thrown) noexcept = nullptr;
  std::uint32_t index = 0;
  // 1 while a task's callable lives in this slot. On the slot's own cache line, which the
  // submitter writes anyway: claiming and releasing touch no line shared with other slots.
  std::atomic<std::uint32_t> busy{0};
};

template <std::size_t SlotBytes>
struct alignas(cache_line) slot : slot_header {
  alignas(std::max_align_t) unsigned char storage[SlotBytes];
};

template <class F>
constexpr bool takes_token() {
  return std::is_invocable<F&, stop_token>::value;
}

template <class F>
error invoke_task(F& f, const stop_token& tok) {
  if constexpr (takes_token<F>()) {
    using R = std::invoke_result_t<F&, stop_token>;
    if constexpr (std::is_void<R>::value) {
      f(tok);
      return error{};
    } else {
      return f(tok);
    }
  } else {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void<R>::value) {
      f();
      return error{};
    } else {
      return f();
    }
  }
}

template <class F, class R>
constexpr bool returns_ok() {
  return std::is_void<R>::value || std::is_same<std::decay_t<R>, error>::value;
}

template <class F, class = void>
struct task_result {
  static constexpr bool invocable = false;
  static constexpr bool ok = false;
};
template <class F>
struct task_result<F, std::enable_if_t<std::is_invocable<F&, stop_token>::value>> {
  static constexpr bool invocable = true;
  static constexpr bool ok = returns_ok<F, std::invoke_result_t<F&, stop_token>>();
};
template <class F>
struct task_result<F, std::enable_if_t<!std::is_invocable<F&, stop_token>::value &&
                                       std::is_invocable<F&>::value>> {
  static constexpr bool invocable = true;
  static constexpr bool ok = returns_ok<F, std::invoke_result_t<F&>>();
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
  //   from one of this group's own tasks (it would wait for itself).
  // Waiting: spins executor.spin() times, runs queued jobs (help_policy::run_queued), then parks.
  // Memory ordering: every task's effects are visible after return.
  error wait() {
    if (wait_until_ns(no_deadline) == status::would_deadlock) return errc::wait_inside_task;
    return first_failure();
  }

  // As wait(), but gives up at the deadline. Returns ok (all done; read first_error()), timeout
  // (nothing lost: wait again later), or would_deadlock (called from one of its own tasks).
  // Deadline precision: a job the waiter helps with runs to completion, so with
  // help_policy::run_queued the call can return late by up to one job's run time. A caller with a
  // hard deadline uses help_policy::never.
  template <class Rep, class Period>
  [[nodiscard]] status wait_for(std::chrono::duration<Rep, Period> d) noexcept {
    using D = std::chrono::duration<Rep, Period>;
    const std::uint64_t now = ex_.now_ns();
    if (d <= D::zero()) return wait_until_ns(now);
    // Durations beyond ~292 years (e.g. hours::max()) mean "no deadline", not an overflow.
    if (d >= std::chrono::duration_cast<D>(std::chrono::nanoseconds::max()))
      return wait_until_ns(no_deadline);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    return wait_until_ns(now + static_cast<std::uint64_t>(ns));
  }
  // As wait_for(t - Clock::now()): any std::chrono clock (steady_clock for real deadlines).
  template <class Clock, class Duration>
  [[nodiscard]] status wait_until(std::chrono::time_point<Clock, Duration> t) noexcept {
    return wait_for(t - Clock::now());
  }
  // Deadline on the port's monotonic clock (executor().now_ns()), in nanoseconds.
  [[nodiscard]] status wait_until_ns(std::uint64_t deadline_ns) noexcept;

  // Go: g.SetLimit(n). n < 0: no limit. At most n tasks of this group are outstanding (queued or
  // running) at once, so at most n run at once.
  // Returns: ok; invalid_argument for n == 0 (Go accepts 0 and then blocks every Go forever);
  //   busy if tasks are outstanding (Go panics).
  [[nodiscard]] status set_limit(int n) noexcept ERRGROUP_NONBLOCKING {
    if (n == 0) return status::invalid_argument;
    if (!finished_all()) return status::busy;
    const std::uint32_t lim =
        n < 0 ? ~std::uint32_t{0} : static_cast<std::uint32_t>(n);
    // relaxed: set_limit happens before the go() calls it governs (same thread or via the
    // caller's synchronisation); finishers read it only while they hold a reservation.
    limit_.store(lim, std::memory_order_relaxed);
    return status::ok;
  }

  // Go: cancel(). Requests stop: tasks not yet started are skipped (destroyed, counted in
  // stats().tasks_skipped); running tasks see stop_token::stop_requested(); go/try_go refuse with
  // status::stopped until reset(). Non-blocking; a futex wake only if a go() is parked.
  void stop() noexcept ERRGROUP_NONBLOCKING {
    stop_.request();
    // Unchecked: a futex wake only if another thread is parked in go() on this group, which
    // never happens under wait_policy::spin.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    wake_blocked_submitters();
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  bool stop_requested() const noexcept ERRGROUP_NONBLOCKING { return stop_.requested(); }
  stop_token token() const noexcept ERRGROUP_NONBLOCKING { return stop_token(stop_); }

  // Graceful twin of stop(): refuse new tasks (status::closed), let submitted ones finish.
  void close() noexcept ERRGROUP_NONBLOCKING {
    // (C1) release: pairs with (C2) in reserve().
    closed_.store(true, std::memory_order_release);
  }
  bool closed() const noexcept ERRGROUP_NONBLOCKING {
    // (C2') acquire: pairs with (C1).
    return closed_.load(std::memory_order_acquire);
  }
  // stop() then wait(), in one call (golang/go#57534).
  error stop_and_wait() {
    stop();
    return wait();
  }

  // The first error recorded this round (success if none). Safe to call at any time.
  error first_error() const noexcept ERRGROUP_NONBLOCKING {
    // (A2) acquire: pairs with (R2) in record_error(): the winner's write of first_ is visible.
    if (first_state_.load(std::memory_order_acquire) == first_set) return first_;
    return error{};
  }
  // Why the group stopped: the first error if one stopped it (Go: context.Cause), otherwise
  // success. Distinguish "stopped by stop()" with stop_requested().
  error cause() const noexcept ERRGROUP_NONBLOCKING { return first_error(); }

  // All errors of this round (bounded by Capacity; the rest are counted in `dropped`).
  // Precondition: no task outstanding (call after wait()).
  error_list errors() const noexcept {
    ERRGROUP_ASSERT(outstanding() == 0, "errgroup: errors() called while tasks are outstanding");
    // relaxed: the caller's wait() (acquire) already made every task's writes visible.
    const std::uint32_t n = error_count_.load(std::memory_order_relaxed);
    error_list l;
    l.data = errors_;
    l.size = n < capacity_ ? n : capacity_;
    l.dropped = n - l.size;
    return l;
  }

  // Start a new round: clears the first error, the error list, stop and close. The carry-over
  // rule: until reset(), a group keeps its error (wait() returns it again, as Go's Wait does) and
  // its stop/close state. Returns busy if tasks are outstanding.
  [[nodiscard]] status reset() noexcept ERRGROUP_NONBLOCKING_WITHOUT_EXCEPTIONS {
    if (!finished_all()) return status::busy;
    // relaxed (all five): reset happens after wait() observed every task finished, and before
    // the next go(), whose queue push (release) publishes these stores to the workers.
    error_count_.store(0, std::memory_order_relaxed);
    first_state_.store(first_empty, std::memory_order_relaxed);
    first_ = error{};
#if ERRGROUP_HAS_EXCEPTIONS
    first_exception_ = nullptr;
#endif
    stop_.flag.store(0, std::memory_order_relaxed);
    closed_.store(false, std::memory_order_relaxed);
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
    std::uint32_t max_running = 0;  // high-water mark of this group's tasks running at once
  };
  statistics stats() const noexcept {
    statistics s;
    // relaxed: statistics are snapshots and order nothing.
    s.tasks_run = tasks_run_.load(std::memory_order_relaxed);
    s.tasks_skipped = tasks_skipped_.load(std::memory_order_relaxed);
    s.max_running = max_running_.load(std::memory_order_relaxed);
    return s;
  }

 protected:
  group_base(executor_base& ex, const group_options& o, std::size_t capacity, unsigned char* slots,
             std::size_t stride,
             error* errors) noexcept
      : ex_(ex),
        opts_(o),
        capacity_(static_cast<std::uint32_t>(capacity)),
        slots_(slots),
        stride_(stride),
        errors_(errors) {
    if (o.parent != nullptr) {
      stop_.parent = &o.parent->stop_;
      // relaxed: a count checked only by the parent's destructor.
      o.parent->children_.fetch_add(1, std::memory_order_relaxed);
    }
    ex_.attach();
  }

  // Effects: if tasks are outstanding, stop() and wait for them, so no task outlives its group.
  // Called by the derived destructor, while the slots it owns still exist.
  void drain() noexcept {
    ERRGROUP_ASSERT(!inside_own_task(),
                    "errgroup: a group destroyed from inside one of its own tasks");
    // finished_all(): acquire, so the last finisher's accesses (R1) happen before the group's
    // memory is released even when no wait() ran (found by ThreadSanitizer in the soak test).
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
    h->index = i;
  }

 private:
  // Counting (see "Counting" below): submitted_ counts reservations, on the submitters' line;
  // done_ = [tasks finished: 16 bits][waiters' target: 8 bits][blocked go(): 4 bits]
  // [parked wait(): 4 bits], on the finishers' line. Counts are compared modulo 2^16:
  // outstanding = (submitted - finished) mod 2^16, exact because at most capacity_ < 2^16 tasks
  // are outstanding. The finished count is the top field, so adding to it wraps out of the word
  // instead of carrying into the others.
  static constexpr std::uint32_t count_mask = (1u << 16) - 1;
  static constexpr std::uint32_t waiter_one = 1u;
  static constexpr std::uint32_t waiter_field = 0xFu;
  static constexpr std::uint32_t blocked_one = 1u << 4;
  static constexpr std::uint32_t blocked_field = 0xFu << 4;
  static constexpr std::uint32_t target_shift = 8;
  static constexpr std::uint32_t target_mask = 0xFFu;
  static constexpr std::uint32_t finished_shift = 16;
  static constexpr std::uint32_t no_slot = ~std::uint32_t{0};
  static constexpr std::uint32_t finished_of(std::uint32_t done) noexcept {
    return done >> finished_shift;
  }
  static constexpr std::uint32_t outstanding_of(std::uint32_t submitted,
                                                std::uint32_t done) noexcept {
    return (submitted - finished_of(done)) & count_mask;
  }
  // Outstanding tasks now: done_ (with `order`: acquire for (A1)/(A6), pairing with (R1)), THEN
  // submitted_ (relaxed), the order that makes the difference exact (see "Counting" below).
  std::uint32_t count(std::memory_order order) const noexcept ERRGROUP_NONBLOCKING {
    const std::uint32_t d = done_.load(order);
    return outstanding_of(submitted_.load(std::memory_order_relaxed), d);
  }
  static constexpr std::uint32_t first_empty = 0, first_writing = 1, first_set = 2;
  static constexpr std::uint32_t max_help_depth = 32;
  // Queued tasks of a stopped group claimed at once by skip_queued() (a claim is one CAS).
  static constexpr std::uint32_t skip_run_max = 64;

 public:
  static constexpr std::size_t max_capacity = count_mask;

 private:
  detail::slot_header* slot_at(std::uint32_t i) const noexcept {
    return reinterpret_cast<detail::slot_header*>(slots_ + static_cast<std::size_t>(i) * stride_);
  }

  // Back off once without blocking: yield the CPU, or only relax() under wait_policy::spin
  // (sched_yield is a system call).
  void pause() noexcept {
    if (opts_.waiting == wait_policy::spin)
      ex_.relax();
    else
      ex_.yield();
  }

  // A thread that is itself running a task (a worker, or a helper) always helps: it is executor
  // work already, and if it blocked without helping, the queued tasks it waits for could be left
  // with no thread to run them (every worker blocked in go()/wait() inside a task). help_policy
  // ::never governs outside callers (a real-time thread).
  bool may_help(thread_context& ctx) const noexcept {
    return (opts_.help == help_policy::run_queued || ctx.depth != 0) &&
           ctx.depth < max_help_depth;
  }

  // How many frames of this group are on the calling thread's stack of running tasks.
  std::uint32_t own_frames(const thread_context& ctx) const noexcept {
    std::uint32_t k = 0;
    for (const task_frame* f = ctx.top; f != nullptr; f = f->prev)
      if (f->group == this) ++k;
    return k;
  }
  bool inside_own_task() noexcept { return own_frames(ex_.context()) != 0; }

  // Block is a template parameter so that try_go's instantiation contains no parking code at
  // all (clang's function-effect analysis checks what is compiled, not what runs).
  template <std::size_t SlotBytes, bool Block, class F>
  status submit(F&& f) noexcept;
  template <bool Block>
  status reserve(bool exact) noexcept;
  status block_until_room(thread_context& ctx) noexcept;
  std::uint32_t claim_slot() noexcept;
  void release_slot(std::uint32_t i) noexcept {
    // (U2) release: the slot's callable was destroyed; pairs with (U1) in claim_slot().
    slot_at(i)->busy.store(0, std::memory_order_release);
  }
  void finish(std::uint32_t n) noexcept;
  // (A3)/(B1): adds `one` to a registration field of done_ (a waiter also sets the target) with a
  // seq_cst CAS; `now` receives the value written. False, registering nothing, if the field is
  // full.
  bool register_in_done(std::uint32_t one, std::uint32_t field, bool set_target,
                        std::uint32_t target, std::uint32_t& now) noexcept {
    // relaxed: a starting value; the CAS decides.
    std::uint32_t d = done_.load(std::memory_order_relaxed);
    for (;;) {
      if ((d & field) == field) return false;
      std::uint32_t next = d + one;
      if (set_target)
        next = (next & ~(target_mask << target_shift)) | ((target & target_mask) << target_shift);
      // seq_cst: orders the registration before the caller's re-check loads (store->load), and
      // pairs with (R1), which reads it.
      if (done_.compare_exchange_weak(d, next, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
        now = next;
        return true;
      }
    }
  }
  std::uint32_t skip_queued() noexcept;
  static void skip_popped(job* j, void* self) noexcept;
  // try_go's queue_full path: return the reservation as a finisher would.
  void give_back() noexcept ERRGROUP_NONBLOCKING {
    // Unchecked: finish() makes a futex wake only if a waiter or a go() is parked on this
    // group, which never happens under wait_policy::spin.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    finish(1);
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  void record_error(const error& e, detail::exception_holder* thrown) noexcept;
  error first_failure();
  void wake_blocked_submitters() noexcept {
    // seq_cst load after the seq_cst exchange (T2): the store->load pattern against a go() that
    // registers and then re-checks the flag (see block_until_room).
    if ((done_.load(std::memory_order_seq_cst) & blocked_field) != 0) wake_parked(ex_);
  }
  // (E3) on both event counts: wakes every thread parked in wait() or go() (non-helping ones
  // park on done_ec, helping ones beside the workers on work_ec). Takes the executor, not the
  // group: a finisher calls it after its last access to the group.
  static void wake_parked(executor_base& ex) noexcept {
    ex.done_ec().notify(ex, true);
    ex.work_ec().notify(ex, true);
  }
  static void run(job* j) noexcept;

  // Passes a possibly consumed worker wake-up on when a helping waiter that slept on work_ec
  // leaves: one notify (E3) on work_ec, so a queued job never waits for the next submit.
  struct baton {
    executor_base& ex;
    bool armed = false;
    ~baton() {
      if (armed) ex.work_ec().notify(ex, /*all=*/false);
    }
  };

  template <class T, std::size_t SlotBytes>
  static error call_impl(detail::slot_header* h, const stop_token* tok, bool run_it,
                         detail::exception_holder* thrown) noexcept;

  executor_base& ex_;
  const group_options opts_;
  const std::uint32_t capacity_;
  unsigned char* const slots_;
  const std::size_t stride_;
  error* const errors_;

  // Written by finishers, and by threads registering to park.
  alignas(cache_line) std::atomic<std::uint32_t> done_{0};

  // Written by submitters only (and set_limit()).
  alignas(cache_line) std::atomic<std::uint32_t> submitted_{0};
  std::atomic<std::uint32_t> finished_seen_{0};  // reserve()'s hint: a finished count read earlier
  std::atomic<std::uint32_t> cursor_{0};         // claim_slot()'s first probe
  std::atomic<std::uint32_t> limit_{~std::uint32_t{0}};

  // Written rarely: stop, close, first error.
  alignas(cache_line) detail::stop_state stop_;
  std::atomic<bool> closed_{false};
  std::atomic<std::uint32_t> children_{0};
  std::atomic<std::uint32_t> first_state_{first_empty};
  error first_{};
#if ERRGROUP_HAS_EXCEPTIONS
  std::exception_ptr first_exception_{};
#endif
  std::atomic<std::uint32_t> error_count_{0};

  // Statistics, written by whoever runs tasks.
  alignas(cache_line) std::atomic<std::uint64_t> tasks_run_{0};
  std::atomic<std::uint64_t> tasks_skipped_{0};
  std::atomic<std::uint32_t> running_{0};
  std::atomic<std::uint32_t> max_running_{0};
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free || !ERRGROUP_STATS,
              "ERRGROUP_STATS needs lock-free 64-bit atomics; define ERRGROUP_STATS 0");

// ---------------------------------------------------------------------------------------------
// Implementation. Protocol labels: (R*) task completion, (A*) waiter, (U*) slot busy flags,
// (E*) the executor's event count (executor.hpp), (T*) stop flag (stop.hpp).
//
// Counting. Submitting and finishing write different cache lines, so that a task's round trip
// does not move one contended line back and forth twice:
//  * A reservation CASes submitted_ (the submitters' line). Without a limit below the capacity
//    it checks the room against finished_seen_, a finished count read earlier, and reads the
//    finishers' line (A1) only when that shows the group full.
//  * A finisher adds to the finished count in done_ (R1), its last access to the group.
//  * Outstanding = submitted - finished, read as done_ (acquire) THEN submitted_. Why that order
//    is exact: every finish counted in the done_ value read was of a task whose reservation
//    happens-before that finish (go() -> queue push -> pop -> run), and so before our later
//    load of submitted_, which therefore counts it too. So finished <= submitted in what we
//    read, and equality means every task submitted by then has finished.
//
// Waking without losing a wake-up, and without touching a destroyed group:
//  * A thread that must block (wait(), or go() at the limit) registers in the executor's event
//    count (E1), then registers in done_ with a seq_cst RMW, re-checks its condition on the
//    value that RMW wrote, and only then sleeps (E2). A waiter also writes its target into
//    done_: the submitted count it read before registering, confirmed unchanged after.
//  * A finishing task's RMW on done_ (R1) is its LAST access to the group. The value it returns
//    says whether anyone registered, and whether the finished count passed the waiters' target
//    (the count a parked waiter needs: every task submitted when it registered is finished); if
//    a waiter's target was passed, or a go() is blocked, it notifies the executor's event count
//    (E3), which lives as long as the executor, never the group. So a waiter that wakes (even
//    spuriously), sees count 0 and destroys the group races with nothing.
//  * Either the waiter's RMW precedes the finisher's in done_'s modification order (the finisher
//    sees the registration and target and notifies if it passes the target; the waiter's
//    prepare_wait happens-before that notify, so the epoch moves after the key was taken), or it
//    follows (the waiter's re-check counts that finish and it does not sleep). The target is
//    never beyond the true submitted count, so the count does pass it; a later submission moves
//    the true end further, and the waiter, woken at the old target, registers again. A waiter
//    that finds its own target stale after writing it wakes the other parked waiters, whose
//    newer target it may have overwritten.

// Why a task never waits for room (reserve()): a thread that waits helps by running queued jobs
// on its own stack, so the frame that waits cannot resume until every job run on top of it
// returns. Waiting for one's own children is safe that way (the youngest waiting frame waits only
// for tasks younger than itself, which nothing can bury). Waiting for room is not: room depends
// on siblings, which may be buried under the very job this thread is running. Two threads, each
// blocked in go() of its group under a job of the other's group, hang with no single group
// seeing the cycle (found by the soak test under ThreadSanitizer). Not helping instead starves a
// fixed pool (every worker blocked in go() while the task that would make room stays queued).
// So inside a task, go() answers limit_reached / capacity_full as try_go does.

template <class T, std::size_t SlotBytes>
error group_base::call_impl(detail::slot_header* h, const stop_token* tok, bool run_it,
                            detail::exception_holder* thrown) noexcept {
  T* f = std::launder(reinterpret_cast<T*>(static_cast<detail::slot<SlotBytes>*>(h)->storage));
  error e{};
  if (run_it) {
#if ERRGROUP_HAS_EXCEPTIONS
    try {
      e = detail::invoke_task(*f, *tok);
    } catch (...) {
      switch (h->owner->opts_.exceptions) {
        case exception_policy::terminate: std::terminate();
        case exception_policy::rethrow: *thrown = std::current_exception(); break;
        case exception_policy::to_error: break;
      }
      e = errc::task_threw;
    }
#else
    (void)thrown;
    e = detail::invoke_task(*f, *tok);
#endif
  }
  f->~T();
  return e;
}

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
  T* const obj = ::new (static_cast<void*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))
      T(std::forward<F>(f));
  h->call = &call_impl<T, SlotBytes>;
  // The push (release inside the queue) publishes the callable and h->call to the worker.
  while (!ex_.try_submit(h)) {
    if constexpr (!Block) {
      obj->~T();  // destroy the callable, never run it
      release_slot(i);
      give_back();
      return status::queue_full;
    } else {
      thread_context& ctx = ex_.context();
      if (!(may_help(ctx) && ex_.try_run_one())) pause();
    }
  }
  return status::ok;
}

template <bool Block>
status group_base::reserve(bool exact) noexcept {
  // relaxed: only submitters write submitted_; the CAS below decides.
  std::uint32_t s = submitted_.load(std::memory_order_relaxed);
  for (;;) {
    if (stop_.requested()) return status::stopped;
    // (C2) acquire: pairs with (C1) in close().
    if (closed_.load(std::memory_order_acquire)) return status::closed;
    // relaxed: see set_limit().
    const std::uint32_t lim = limit_.load(std::memory_order_relaxed);
    std::uint32_t c = count_mask;
    // Without a limit below the capacity, the finished count last seen will do while it shows
    // room: it is never ahead of the true count, so it can only make the group look fuller. (If
    // it were a whole 2^16 behind, claim_slot() finds no slot and submit() comes back exact.)
    // relaxed: a hint.
    if (!exact && lim >= capacity_)
      c = (s - finished_seen_.load(std::memory_order_relaxed)) & count_mask;
    if (c >= lim || c >= capacity_) {
      // (A1) acquire: pairs with (R1); the slots the finished tasks released are free.
      const std::uint32_t f = finished_of(done_.load(std::memory_order_acquire));
      // relaxed, after (A1): see "Counting". Read again after the finished count, the difference
      // is exact (an s read before it could be older than a finish it counts, and look full).
      s = submitted_.load(std::memory_order_relaxed);
      // relaxed: the hint above.
      finished_seen_.store(f, std::memory_order_relaxed);
      c = (s - f) & count_mask;
    }
    if (c < lim && c < capacity_) {
      // relaxed: the reservation publishes nothing (the queue push publishes the task); the RMW
      // total order on submitted_ is all the counting needs. A failed CAS reloads s.
      if (submitted_.compare_exchange_weak(s, s + 1, std::memory_order_relaxed,
                                           std::memory_order_relaxed))
        return status::ok;
      continue;
    }
    if constexpr (!Block) {
      return c >= lim ? status::limit_reached : status::capacity_full;
    } else {
      // Inside a task (a frame of any group on this thread's stack), go() never waits for
      // room: see go() and "Why a task never waits for room".
      thread_context& ctx = ex_.context();
      if (ctx.top != nullptr) return c >= lim ? status::limit_reached : status::capacity_full;
      const status st = block_until_room(ctx);
      if (st != status::ok) return st;
    }
    // relaxed: a fresh starting value for the CAS.
    s = submitted_.load(std::memory_order_relaxed);
  }
}

// go() at the limit or capacity, from a thread that is not running a task (reserve() answers
// limit_reached/capacity_full inside tasks): help, then park until a task of this group finishes.
inline status group_base::block_until_room(thread_context& ctx) noexcept {
  baton b{ex_};  // see wait_until_ns()
  const std::uint32_t help_after = ex_.spin() < 64 ? ex_.spin() : 64;
  for (std::uint32_t spins = 0;; ++spins) {
    // (A1) acquire: pairs with (R1); a slot freed by a finished task is visible.
    const std::uint32_t c = count(std::memory_order_acquire);
    // relaxed: see set_limit().
    const std::uint32_t lim = limit_.load(std::memory_order_relaxed);
    if (c < lim && c < capacity_) return status::ok;
    if (stop_.requested()) return status::stopped;
    // Help only after watching the count for a while (unless nobody else runs jobs): at the
    // limit at most `limit` tasks are queued or running, and a spinning worker takes each one
    // as it is pushed; popping at once races it for the queue's head and the task's lines
    // (W4, limit 2, 1024 empty tasks: ~450 -> ~250 ns per task on a 2-core VM).
    if ((spins >= help_after || ex_.worker_count() == 0) && may_help(ctx) && ex_.try_run_one())
      continue;
    if (spins < ex_.spin() || opts_.waiting == wait_policy::spin) {
      ex_.relax();
      continue;
    }
    detail::eventcount& ec = may_help(ctx) ? ex_.work_ec() : ex_.done_ec();
    const std::uint32_t key = ec.prepare_wait();  // (E1)
    // (B1) seq_cst RMW: registration, then re-check on the value it wrote (see the protocol
    // above); the finisher's (R1) reads it.
    std::uint32_t s2 = 0;
    if (!register_in_done(blocked_one, blocked_field, false, 0, s2)) {
      ec.cancel_wait();  // 15 threads already parked here: just yield
      ex_.yield();
      continue;
    }
    // seq_cst fence: orders our registration before the stop-flag loads below; pairs with the
    // seq_cst exchange (T2) + seq_cst load in stop(), so a stop() either sees us registered (and
    // notifies) or we see its flag.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // relaxed, after (B1): see "Counting".
    const std::uint32_t c2 = outstanding_of(submitted_.load(std::memory_order_relaxed), s2);
    const bool room = c2 < limit_.load(std::memory_order_relaxed) && c2 < capacity_;
    if (room || stop_.requested()) {
      ec.cancel_wait();
    } else {
      const bool woke = ec.wait(key, no_deadline, ex_);  // (E2)
      if (&ec == &ex_.work_ec() && woke) b.armed = true;
    }
    // relaxed: unregistering publishes nothing; a finisher that still sees us just notifies.
    done_.fetch_sub(blocked_one, std::memory_order_relaxed);
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
  // The scan wraps within the first `window` slots: at most `limit` tasks are outstanding, so any
  // window larger than the limit holds a free slot, and a small one stays hot in the caches
  // (a group with limit 2 and capacity 4096 reuses 4 slots, not 4096 cold ones).
  // relaxed: a hint, and the limit (see set_limit()); correctness does not depend on the hint.
  std::uint32_t i = cursor_.load(std::memory_order_relaxed);
  const std::uint32_t lim = limit_.load(std::memory_order_relaxed);
  const std::uint32_t window = lim < capacity_ / 2 ? 2 * lim : capacity_;
  for (std::uint32_t probes = 0; probes < 2 * window; ++probes) {
    if (i >= window) i = 0;
    std::atomic<std::uint32_t>& busy = slot_at(i)->busy;
    std::uint32_t expected = 0;
    // relaxed pre-load: skip busy slots without taking their line exclusively. (U1) acquire on
    // success: pairs with (U2) in release_slot(); the previous task in this slot has destroyed
    // its callable before we construct ours.
    if (busy.load(std::memory_order_relaxed) == 0 &&
        busy.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      // relaxed: the hint above.
      cursor_.store(i + 1, std::memory_order_relaxed);
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
  // modification order and the wake-up cannot be lost. (Every write to done_ is an RMW, so the
  // registration heads a release sequence this RMW reads from.) This is the finisher's last
  // access to the group.
  const std::uint32_t prev = done_.fetch_add(n << finished_shift, std::memory_order_acq_rel);
  // A parked wait() is woken when the finished count passes the target it registered (the
  // submitted count then, low 8 bits: so also once per 256 finishes before it, spuriously; it
  // re-checks). A blocked go() is woken by every finish (room for it is count < limit).
  const std::uint32_t passed = (((prev >> target_shift) - finished_of(prev) - 1) & target_mask);
  if (((prev & waiter_field) != 0 && passed < n) || (prev & blocked_field) != 0)
    wake_parked(ex);  // (E3)
}

inline void group_base::record_error(const error& e, detail::exception_holder* thrown) noexcept {
  // relaxed: the index only needs uniqueness; the entry is published by (R1).
  const std::uint32_t n = error_count_.fetch_add(1, std::memory_order_relaxed);
  if (n < capacity_) errors_[n] = e;
  std::uint32_t expected = first_empty;
  // Strong CAS, one shot: exactly one task wins the first-error slot.
  // acquire on success: orders our write of first_ after winning; relaxed on failure: losers
  // read nothing.
  if (first_state_.compare_exchange_strong(expected, first_writing, std::memory_order_acquire,
                                           std::memory_order_relaxed)) {
    first_ = e;
#if ERRGROUP_HAS_EXCEPTIONS
    if (thrown != nullptr && *thrown) first_exception_ = std::move(*thrown);
#else
    (void)thrown;
#endif
    // (R2) release: publishes first_; pairs with (A2) in first_error().
    first_state_.store(first_set, std::memory_order_release);
    if (opts_.on_error == on_error::stop) stop();
  }
}

inline error group_base::first_failure() {
  const error e = first_error();
#if ERRGROUP_HAS_EXCEPTIONS
  if (e && opts_.exceptions == exception_policy::rethrow && first_exception_)
    std::rethrow_exception(first_exception_);
#endif
  return e;
}

inline status group_base::wait_until_ns(std::uint64_t deadline_ns) noexcept {
  thread_context& ctx = ex_.context();
  if (own_frames(ctx) != 0) return status::would_deadlock;
  // A helping waiter sleeps on work_ec beside the workers, so a submit's notify-one may wake it
  // instead of a worker. If it then leaves without running that job, the job would sit in the
  // queue while the workers sleep: on the way out it passes the wake-up on (see baton below).
  baton b{ex_};
  std::uint64_t spin_since = 0;  // when the pause spins ran out (0: not yet)
  for (std::uint32_t spins = 0;; ++spins) {
    // (A1) acquire: pairs with (R1); count 0 means every task's effects are visible.
    if (count(std::memory_order_acquire) == 0) {
      // relaxed: claim_slot()'s hint. An idle group starts its next round at slot 0, so a round
      // of n tasks reuses the same n slots (warm in the caches) instead of walking the capacity.
      cursor_.store(0, std::memory_order_relaxed);
      return status::ok;
    }
    if (may_help(ctx) && ex_.try_run_one()) continue;
    if (deadline_ns != no_deadline && ex_.now_ns() >= deadline_ns) return status::timeout;
    if (spins < ex_.spin() || opts_.waiting == wait_policy::spin) {
      ex_.relax();
      continue;
    }
    // Then, on ports with a fine clock, keep looking for spin_us, yielding between looks, as an
    // idle worker does: a task that ends within that time is seen at once instead of through a
    // futex wake of this thread (W2 idle end->wait return: ~34 us -> a few us on a 2-core VM).
    if (ex_.spin_ns() != 0) {
      const std::uint64_t now = ex_.now_ns();
      if (spin_since == 0) spin_since = now;
      if (now - spin_since < ex_.spin_ns()) {
        ex_.yield();
        continue;
      }
    }
    const bool helping = may_help(ctx);
    detail::eventcount& ec = helping ? ex_.work_ec() : ex_.done_ec();
    const std::uint32_t key = ec.prepare_wait();  // (E1)
    // The target: finishers wake us when their count passes it. relaxed: see "Counting".
    const std::uint32_t target = submitted_.load(std::memory_order_relaxed);
    std::uint32_t s2 = 0;
    // (A3) seq_cst RMW: registration with the target, then re-check on the value it wrote.
    if (!register_in_done(waiter_one, waiter_field, true, target, s2)) {
      ec.cancel_wait();  // 15 waiters already parked on this group: just yield
      ex_.yield();
      continue;
    }
    // relaxed, after (A3): see "Counting".
    const std::uint32_t submitted = submitted_.load(std::memory_order_relaxed);
    if (outstanding_of(submitted, s2) == 0) {
      ec.cancel_wait();
    } else if (submitted != target) {
      // A task was submitted since we read the target, so the target we wrote is stale: the
      // count may already have passed it. Look again and register again; and since we may have
      // overwritten a parked waiter's newer target, wake the parked waiters to do the same.
      ec.cancel_wait();
      if ((s2 & waiter_field) != waiter_one) wake_parked(ex_);  // (E3)
    } else if (helping && ex_.try_run_one()) {
      // A job was queued after our last look: run it rather than sleep (a helping waiter is
      // registered on work_ec, where a submit's notify may have picked us).
      ec.cancel_wait();
    } else {
      const bool woke = ec.wait(key, deadline_ns, ex_);  // (E2)
      if (helping && woke) b.armed = true;
    }
    // relaxed: unregistering publishes nothing; a finisher that still sees us just notifies.
    done_.fetch_sub(waiter_one, std::memory_order_relaxed);
  }
}

inline void group_base::run(job* j) noexcept {
  detail::slot_header* h = static_cast<detail::slot_header*>(j);
  group_base& g = *h->owner;
  thread_context& ctx = g.ex_.context();
  task_frame frame{&g, ctx.top};
  ctx.top = &frame;
  ++ctx.depth;
  if (g.stop_.requested()) {
    skip_popped(h, &g);
    // The group's tasks queued right behind this one are skipped here too, and all are counted
    // by one (R1): a drain of thousands of queued tasks costs a claim per run, not a contended
    // pop and a contended count per task.
    const std::uint32_t n = 1 + g.skip_queued();
#if ERRGROUP_STATS
    // relaxed: statistics only.
    g.tasks_skipped_.fetch_add(n, std::memory_order_relaxed);
#endif
    ctx.top = frame.prev;
    --ctx.depth;
    g.finish(n);  // last access to g
    return;
  }
  {
#if ERRGROUP_STATS
    // relaxed: statistics only.
    const std::uint32_t r = g.running_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::uint32_t m = g.max_running_.load(std::memory_order_relaxed);
    while (r > m && !g.max_running_.compare_exchange_weak(m, r, std::memory_order_relaxed,
                                                          std::memory_order_relaxed)) {
    }
#endif
    const stop_token tok(g.stop_);
    // Scoped to this block: an exception the group did not keep (it was not the first failure)
    // is destroyed here, before (R1), never after the waiter has returned.
    detail::exception_holder thrown{};
    const error e = h->call(h, &tok, true, &thrown);
#if ERRGROUP_STATS
    // relaxed: statistics only.
    g.running_.fetch_sub(1, std::memory_order_relaxed);
    g.tasks_run_.fetch_add(1, std::memory_order_relaxed);
#endif
    if (e) g.record_error(e, &thrown);
  }
  ctx.top = frame.prev;
  --ctx.depth;
  const std::uint32_t index = h->index;
  g.release_slot(index);
  g.finish(1);  // last access to g
}

// Called while this group is stopped and holds the reservation of a task it just skipped (so the
// group cannot finish, reset or be destroyed meanwhile). Skips the runs of this group's tasks at
// the head of the executor's queue, re-checking the stop flag before each run (a parent's reset()
// can withdraw an inherited stop). Returns how many it skipped; their count is the caller's to
// give back. Bounded: at most the tasks outstanding, which are fewer than the capacity.
inline std::uint32_t group_base::skip_queued() noexcept {
  const unsigned char* const last = slots_ + static_cast<std::size_t>(capacity_) * stride_;
  std::uint32_t n = 0;
  while (stop_.requested()) {
    const std::uint32_t k = ex_.try_pop_run(slots_, last, skip_run_max, &skip_popped, this);
    if (k == 0) break;
    n += k;
  }
  return n;
}

inline void group_base::skip_popped(job* j, void* self) noexcept {
  detail::slot_header* h = static_cast<detail::slot_header*>(j);
  (void)h->call(h, nullptr, false, nullptr);  // skipped: destroyed, never run
  static_cast<group_base*>(self)->release_slot(h->index);
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

  explicit group(executor_base& ex, const group_options& o = {}) noexcept
      : group_base(ex, o, Capacity, reinterpret_cast<unsigned char*>(&slots_[0]),
                   sizeof(detail::slot<SlotBytes>), errors_) {
    for (std::uint32_t i = 0; i < Capacity; ++i) init_slot(i);
  }
  // Effects: if tasks are outstanding, stops the group and waits for them (helping as
  // configured): no task outlives its group.
  ~group() { drain(); }

  // Go: g.Go(f). Submits f; blocks while the limit or the capacity is reached (helping with
  //   queued jobs unless help_policy::never) and while the executor's queue is full.
  //   Called from inside a task (of any group), go() does not wait for room: at the limit or
  //   the capacity it answers like try_go (a fixed pool cannot wait for a sibling task without
  //   risking a deadlock; see "Why a task never waits for room" below). The idiom for recursive
  //   work, as in Go: if (g.go(f) != status::ok) run f inline.
  // Returns: ok; stopped or closed (f is never run); inside a task also limit_reached or
  //   capacity_full (f is never run).
  // Blocking: may block; system calls only to park and wake. Inside a task it blocks only while
  //   the executor's queue is full, and then runs queued jobs until a push succeeds.
  template <class F>
  [[nodiscard]] status go(F&& f) noexcept {
    if constexpr (fits<std::decay_t<F>>())
      return submit<SlotBytes, /*Block=*/true>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits<>() failed a static_assert
  }
  // The C form for firmware: fn(ctx) is the task.
  [[nodiscard]] status go(error (*fn)(void*), void* ctx) noexcept {
    return go([fn, ctx]() { return fn(ctx); });
  }

  // Go: g.TryGo(f). Never blocks.
  // Returns: ok, or why f was refused: limit_reached, capacity_full, queue_full, stopped, closed.
  //   A refused f is never run.
  // Non-blocking guarantee: no lock, no allocation; bounded CAS retries under contention; one
  //   system call (a futex wake) if and only if an executor worker is parked.
  template <class F>
  [[nodiscard]] status try_go(F&& f) noexcept ERRGROUP_NONBLOCKING {
    if constexpr (fits<std::decay_t<F>>())
      return submit<SlotBytes, /*Block=*/false>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits<>() failed a static_assert
  }
  [[nodiscard]] status try_go(error (*fn)(void*), void* ctx) noexcept ERRGROUP_NONBLOCKING {
    return try_go([fn, ctx]() { return fn(ctx); });
  }

 private:
  template <class T>
  static constexpr bool fits() {
    static_assert(sizeof(T) <= SlotBytes,
                  "errgroup: this task's callable is larger than the group's slot (SlotBytes). "
                  "Capture less (e.g. one pointer to a struct), or raise SlotBytes: "
                  "errgroup::group<Capacity, SlotBytes>.");
    static_assert(alignof(T) <= alignof(std::max_align_t),
                  "errgroup: this task's callable is over-aligned for a group slot");
    return sizeof(T) <= SlotBytes && alignof(T) <= alignof(std::max_align_t);
  }

  detail::slot<SlotBytes> slots_[Capacity];
  error errors_[Capacity];
};

}  // namespace errgroup

#endif  // ERRGROUP_GROUP_HPP
