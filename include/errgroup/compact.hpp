// SPDX-License-Identifier: BSL-1.0
// errgroup/compact.hpp — errgroup::compact: the group for one core with no threads (a bare-metal
// superloop and its interrupt handlers), about a third of errgroup::group's code.
//
//   errgroup::compact::executor ex;   // bare_metal.hpp on Cortex-M; a global (no constructor code)
//   errgroup::compact::group<8> g(ex, errgroup::group_options::with_context());
//   (void)g.set_limit(2);
//   for (auto& ch : channels) (void)g.go([&ch] { return ch.calibrate(); });
//   errgroup::error err = g.wait();   // runs the tasks here; stops at the first error
//
// Why a second group. errgroup::group's protocol is built for tasks that run on other threads at
// the same time as their waiter: a queue shared by every group of the executor, tickets to take a
// queued task back from it, a parking protocol. On one core with no threads, tasks run only where
// the main loop runs them, so none of that is needed; compiled for ERRGROUP_THREADS=0 it still
// cost 3,948 B of Cortex-M4F code, this one 1,240 B for the same workload (docs/firmware.md,
// "The compact group"). This protocol is what one core needs and no more
// (docs/design.md, "The compact group"; model tests/model/compact.pml):
//  * Who runs what. Tasks run only on the main loop: from ex.poll() (any group's, the main loop's
//    explicit choice), in wait() and in a go() waiting for room (that group's own, never another
//    group's). Interrupt handlers may call try_go(), stop(), close() and the queries
//    outstanding(), finished_all(), stop_requested(), closed(); everything else is the main
//    loop's, groups and executors are built and destroyed there (first_error(), errors(),
//    set_limit(), reset() read or write state only the main loop touches: no atomics).
//  * The slots. Each group has two bit masks in one word each: `free_` (slot i holds nothing) and
//    `ready_` (slot i holds a submitted task nobody has taken). A submit reserves a count in
//    `outstanding_` (a compare-and-swap under the limit and the capacity), takes a bit out of
//    `free_`, builds the callable in that slot and sets its bit in `ready_` (release). The main
//    loop takes a ready bit (acquire), runs the task (or only destroys it if the group is
//    stopped), then gives the slot back: `free_` first, then the count. So a reservation always
//    finds a free slot: every slot not free belongs to a count not yet given back.
//  * Order. The main loop takes a group's ready tasks round robin over the slots, starting after
//    the last one taken: a ready task waits for at most Capacity - 1 others of its group, however
//    fast interrupts submit.
//  * Nothing sleeps to wait for a task. Interrupt handlers cannot run tasks, so a count only goes
//    down when the main loop runs something: a wait() or a blocked go() that finds no task to take
//    can never see one finish. Then every outstanding task is on the main loop's own stack (it
//    waits for itself): wait() returns errc::wait_inside_task and go() status::would_deadlock, at
//    once. Only a timed wait that does not run tasks (below) idles, until its deadline.
//
// Same guarantees as errgroup::group: no heap and no lock after construction (a read-modify-write
// is an interrupt-masked section only in the opt-in ERRGROUP_ATOMIC_CRITICAL mode, armv6-m);
// try_go never blocks; each accepted task runs exactly once or is skipped exactly once, and its
// callable is destroyed exactly once; no task outlives its group (the destructor stops and waits);
// a waiter runs only its own group's tasks; a timed wait returns at its deadline (by default it
// runs no task; with help_policy::own_tasks_timed it reads the clock before starting each of the
// group's tasks and returns at most one task's run time late); go() beyond
// executor max_depth task frames refuses with status::too_deep.
// Memory ordering: everything a task did is visible after wait() returns (the main loop ran it);
//   everything before try_go(f) in an interrupt handler is visible to f.
// Requirements: 1 <= Capacity <= 32 (one mask word; a compile-time error beyond), a port that
//   declares `threadless = true` (bare metal). Tasks as for errgroup::group: F() or
//   F(compact::stop_token), returning errgroup::error or void, fitting SlotBytes.
// What it does not have (each a compile-time error, not a silent difference): go_n, stop
//   callbacks, parent links (group_options::parent must be null: asserted) and cause(),
//   stop_at/stop_after, stats(). An exception escaping a task ends the program (std::terminate,
//   as exception_policy::terminate): the task is called from a noexcept function.
// Memory (Cortex-M): a group is 64 B plus 32 B per default slot and 8 B per error entry (group<4>:
//   224 B; errgroup::group<4>: 432 B); an executor is 16 B, constant-initialised.
#ifndef ERRGROUP_COMPACT_HPP
#define ERRGROUP_COMPACT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/deadline.hpp"
#include "detail/slot_fit.hpp"
#include "error.hpp"
#include "options.hpp"
#include "port.hpp"

namespace errgroup {
namespace compact {

class group_base;

// Handed to tasks that take one: `g.go([](errgroup::compact::stop_token st) { ... })`. Valid while
// the task runs. stop_requested() is one acquire load.
class stop_token {
 public:
  bool stop_requested() const noexcept ERRGROUP_NONBLOCKING {
    // (S2) acquire: pairs with (S1) in stop(); what the stopper did before is visible.
    return flag_->load(std::memory_order_acquire) != 0;
  }

 private:
  friend class group_base;
  explicit stop_token(const atomic<std::uint32_t>& flag) noexcept : flag_(&flag) {}
  const atomic<std::uint32_t>* flag_;
};

namespace detail {
// A task slot: the erased call, then the callable in place.
struct slot_header {
  // token != nullptr: run the callable with it and destroy it; nullptr: only destroy it.
  error (*call)(slot_header* self, const stop_token* token) noexcept = nullptr;
};
template <std::size_t SlotBytes>
struct slot : slot_header {
  alignas(std::max_align_t) unsigned char storage[SlotBytes];
};

template <class F>
error invoke(F& f, const stop_token& tok) {
  if constexpr (std::is_invocable<F&, stop_token>::value) {
    if constexpr (std::is_void<std::invoke_result_t<F&, stop_token>>::value) {
      f(tok);
      return error{};
    } else {
      return f(tok);
    }
  } else if constexpr (std::is_void<std::invoke_result_t<F&>>::value) {
    f();
    return error{};
  } else {
    return f();
  }
}

// noexcept: an exception escaping the task calls std::terminate (see the top of this file).
template <class T, std::size_t SlotBytes>
error call_impl(slot_header* h, const stop_token* tok) noexcept {
  T* f = std::launder(reinterpret_cast<T*>(static_cast<slot<SlotBytes>*>(h)->storage));
  error e{};
  if (tok != nullptr) e = invoke(*f, *tok);
  f->~T();
  return e;
}

template <class R>
constexpr bool returns_ok() {
  return std::is_void<R>::value || std::is_same<std::decay_t<R>, error>::value;
}
template <class F, class = void>
struct result_ok : std::false_type {};
template <class F>
struct result_ok<F, std::enable_if_t<std::is_invocable<F&, stop_token>::value>>
    : std::integral_constant<bool, returns_ok<std::invoke_result_t<F&, stop_token>>()> {};
template <class F>
struct result_ok<
    F, std::enable_if_t<!std::is_invocable<F&, stop_token>::value && std::is_invocable<F&>::value>>
    : std::integral_constant<bool, returns_ok<std::invoke_result_t<F&>>()> {};
}  // namespace detail

// The size-erased, port-erased body of every compact executor: its groups and the main loop's
// task depth. Everything here is the main loop's.
class executor_core {
 public:
  executor_core(const executor_core&) = delete;
  executor_core& operator=(const executor_core&) = delete;

  // Effects: runs ready tasks of this executor's groups on the calling thread (the main loop),
  //   one per group per pass, the groups round robin, until none is ready or max_tasks ran (tasks
  //   submitted meanwhile run too). A stopped group's tasks are skipped (destroyed unrun). The
  //   main loop's explicit choice to run anyone's work; a wait() runs only its own group's.
  // Returns: how many tasks ran or were skipped.
  std::uint32_t poll(std::uint32_t max_tasks = ~std::uint32_t{0}) noexcept;
  // True if a task of one of the groups is ready (submitted, not yet taken). Interrupt handlers
  // may submit more right after: a main loop that sleeps uses basic_executor::sleep().
  bool pending() const noexcept;
  std::uint32_t max_depth() const noexcept { return max_depth_; }
  std::uint64_t now_ns() const noexcept { return ops_.now(); }

 protected:
  // What the group needs of the port, as plain functions (no vtable).
  struct port_ops {
    std::uint64_t (*now)() noexcept;
    bool (*in_interrupt)() noexcept ERRGROUP_NONBLOCKING;    // try_go's: a register read
    void (*idle_until)(std::uint64_t deadline_ns) noexcept;  // one idle, or none if passed
  };
  constexpr executor_core(const port_ops& ops, std::uint32_t max_depth) noexcept
      : ops_(ops), max_depth_(max_depth) {}
  ~executor_core() {
    ERRGROUP_ASSERT(groups_ == nullptr, "errgroup: an executor destroyed while groups use it");
  }

 private:
  friend class group_base;
  const port_ops& ops_;
  group_base* groups_ = nullptr;  // the groups, newest first; linked by their constructors
  std::uint32_t depth_ = 0;       // task frames on the main loop's stack
  const std::uint32_t max_depth_;
};

// The size-erased body of every compact::group<Capacity, SlotBytes>.
class group_base {
  template <std::size_t, std::size_t>
  friend class group;
  friend class executor_core;

 public:
  group_base(const group_base&) = delete;
  group_base& operator=(const group_base&) = delete;

  // Go: g.Wait(). Runs this group's tasks on the calling thread until none is outstanding.
  // Returns: the round's first error (success if none); errc::wait_inside_task without waiting
  //   if called from one of the group's own tasks (or from anything that task called).
  // Main loop only.
  error wait() noexcept {
    if (wait_until_ns(no_deadline) == status::would_deadlock) return errc::wait_inside_task;
    return first_;
  }
  // As wait(), giving up at the deadline: ok (all done; read first_error()), timeout (nothing
  // lost: wait again later) or would_deadlock. By default runs no task (returns at the
  // deadline); with help_policy::own_tasks_timed runs the group's tasks, reading the clock
  // before starting each (returns at most one task's run time late). Durations and time points
  // as errgroup::group's (<= 0: one look; beyond ~584 years: no deadline).
  template <class Rep, class Period>
  [[nodiscard]] status wait_for(std::chrono::duration<Rep, Period> d) noexcept {
    return wait_until_ns(deadline_in(errgroup::detail::to_ns_ceil(d)));
  }
  template <class Clock, class Duration>
  [[nodiscard]] status wait_until(std::chrono::time_point<Clock, Duration> t) noexcept {
    return wait_until_ns(deadline_in(errgroup::detail::ns_until(t)));
  }
  // On the port's clock (executor().now_ns()); no_deadline waits as wait() does.
  [[nodiscard]] status wait_until_ns(std::uint64_t deadline_ns) noexcept;

  // Go: g.SetLimit(n). n < 0: no limit. ok; invalid_argument for 0; busy while tasks are
  // outstanding. Main loop only.
  [[nodiscard]] status set_limit(int n) noexcept {
    if (n == 0) return status::invalid_argument;
    if (!finished_all()) return status::busy;
    // relaxed: written while idle, before the submits it governs (same thread, or an interrupt
    // the main loop enables afterwards).
    limit_.store(n < 0 ? ~std::uint32_t{0} : static_cast<std::uint32_t>(n),
                 std::memory_order_relaxed);
    return status::ok;
  }

  // Go: cancel(). Tasks not yet started are skipped (destroyed unrun) when the main loop takes
  // them; running ones see stop_token::stop_requested(); go/try_go refuse with status::stopped
  // until reset(). One store; callable from an interrupt handler.
  void stop() noexcept ERRGROUP_NONBLOCKING {
    // (S1) release: pairs with (S2) in the token and (S3) in submit/run.
    stop_.store(1, std::memory_order_release);
  }
  bool stop_requested() const noexcept ERRGROUP_NONBLOCKING {
    // (S3) acquire: pairs with (S1).
    return stop_.load(std::memory_order_acquire) != 0;
  }
  stop_token token() const noexcept ERRGROUP_NONBLOCKING { return stop_token(stop_); }
  // Graceful twin of stop(): refuse new tasks (status::closed), let submitted ones finish.
  void close() noexcept ERRGROUP_NONBLOCKING {
    // (C1) release: pairs with (C2) in submit().
    closed_.store(1, std::memory_order_release);
  }
  bool closed() const noexcept ERRGROUP_NONBLOCKING {
    // (C2') acquire: pairs with (C1).
    return closed_.load(std::memory_order_acquire) != 0;
  }
  error stop_and_wait() noexcept {
    stop();
    return wait();
  }

  // The first error recorded this round (success if none). Main loop only.
  error first_error() const noexcept { return first_; }
  // All errors of this round, the first error first, then in the order they were recorded,
  // bounded by Capacity (the rest counted in `dropped`). Main loop only, after wait().
  error_list errors() const noexcept {
    ERRGROUP_ASSERT(outstanding() == 0, "errgroup: errors() called while tasks are outstanding");
    const std::uint32_t n = error_count_;
    error_list l;
    l.size = n < capacity_ ? n : capacity_;
    l.dropped = n - l.size;
    // Entries [0, size) were constructed by record_error(); nothing else is read.
    if (l.size != 0) l.data = std::launder(reinterpret_cast<const error*>(errors_));
    return l;
  }
  // Start a new round: clears the errors, stop and close. busy while tasks are outstanding.
  // Main loop only.
  [[nodiscard]] status reset() noexcept {
    if (!finished_all()) return status::busy;
    first_ = error{};
    error_count_ = 0;
    // relaxed: the group is idle; the next submit's (R2) orders these before any task.
    stop_.store(0, std::memory_order_relaxed);
    closed_.store(0, std::memory_order_relaxed);
    return status::ok;
  }

  // True if no task is outstanding. (A1) acquire: pairs with (R1) in finish().
  bool finished_all() const noexcept ERRGROUP_NONBLOCKING {
    return outstanding_.load(std::memory_order_acquire) == 0;
  }
  std::uint32_t outstanding() const noexcept ERRGROUP_NONBLOCKING {
    // relaxed: a snapshot.
    return outstanding_.load(std::memory_order_relaxed);
  }
  std::size_t capacity() const noexcept { return capacity_; }
  executor_core& executor() const noexcept { return ex_; }

  static constexpr std::size_t max_capacity = 32;  // one mask word

 protected:
  static constexpr group_options default_options{};

  group_base(executor_core& ex, const group_options& o, std::uint32_t capacity,
             unsigned char* slots, std::size_t stride, unsigned char* errors) noexcept
      : ex_(ex),
        next_(ex.groups_),
        slots_(slots),
        errors_(errors),
        stride_(static_cast<std::uint16_t>(stride)),
        capacity_(static_cast<std::uint8_t>(capacity)),
        stop_on_error_(o.on_error == on_error::stop),
        timed_helps_(o.help == help_policy::own_tasks_timed),
        free_(capacity == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << capacity) - 1) {
    ERRGROUP_ASSERT(o.parent == nullptr && o.help != help_policy::never,
                    "errgroup: a compact group has no parent and runs its own tasks");
    ex.groups_ = this;
  }
  // If tasks are outstanding, stop() and wait for them, so no task outlives its group. Called by
  // the derived destructor, while the slots it owns still exist.
  void drain() noexcept {
    ERRGROUP_ASSERT(taken_ == 0, "errgroup: a group destroyed from inside one of its own tasks");
    if (!finished_all()) (void)stop_and_wait();
  }
  ~group_base() {
    group_base** p = &ex_.groups_;
    while (*p != nullptr && *p != this) p = &(*p)->next_;
    if (*p != nullptr) *p = next_;  // (not found: its executor was destroyed first, asserted)
  }

  template <std::size_t SlotBytes, bool Block, class F>
  status submit(F&& f) noexcept;

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};

  std::uint64_t deadline_in(std::uint64_t ns) const noexcept {
    return ns == errgroup::detail::forever_ns ? no_deadline
                                              : errgroup::detail::deadline_after(ex_.now_ns(), ns);
  }
  detail::slot_header* slot_at(std::uint32_t i) const noexcept {
    return reinterpret_cast<detail::slot_header*>(slots_ + static_cast<std::size_t>(i) * stride_);
  }
  // Main loop: a ready task's slot (now taken: counted in taken_), or none. Round robin from the
  // slot after the last one taken.
  std::uint32_t take() noexcept {
    // (R3) acquire: pairs with (R2) in submit(); the callable in the slot is visible. Only the
    // main loop clears bits, so every bit seen here stays set until we clear it.
    const std::uint32_t r = ready_.load(std::memory_order_acquire);
    if (r == 0) return none;
    std::uint32_t i = cursor_;
    while ((r >> i & 1u) == 0) i = i + 1 == capacity_ ? 0 : i + 1;
    cursor_ = static_cast<std::uint8_t>(i + 1 == capacity_ ? 0 : i + 1);
    // relaxed: the bit is ours (see above); nothing is published by clearing it.
    ready_.fetch_and(~(std::uint32_t{1} << i), std::memory_order_relaxed);
    ++taken_;
    return i;
  }
  // Main loop: runs (or, stopped, only destroys) the task in slot i, then gives the slot back.
  void run(std::uint32_t i) noexcept;
  void record_error(const error& e) noexcept {
    if (error_count_ == 0) first_ = e;
    if (error_count_ < capacity_)
      ::new (static_cast<void*>(errors_ + static_cast<std::size_t>(error_count_) * sizeof(error)))
          error(e);
    ++error_count_;
    if (stop_on_error_) stop();
  }
  // Main loop, at the limit or the capacity: make room by running one of the group's tasks.
  status make_room() noexcept {
    const std::uint32_t i = take();
    if (i == none) return status::would_deadlock;  // every outstanding task is under us
    run(i);
    return status::ok;
  }

  executor_core& ex_;
  group_base* next_;  // the executor's list
  unsigned char* const slots_;
  unsigned char* const errors_;  // errors()'s entries, raw storage built by record_error()
  const std::uint16_t stride_;
  const std::uint8_t capacity_;
  const bool stop_on_error_;
  const bool timed_helps_;
  // Main loop only.
  std::uint8_t cursor_ = 0;  // where take() looks first
  std::uint32_t taken_ = 0;  // taken by the main loop and not yet given back
  std::uint32_t error_count_ = 0;
  error first_{};
  // Shared with interrupt handlers.
  atomic<std::uint32_t> outstanding_{0};  // reserved, ready or taken; not yet given back
  atomic<std::uint32_t> free_;            // bit i: slot i holds no callable
  atomic<std::uint32_t> ready_{0};        // bit i: slot i holds a task nobody has taken
  atomic<std::uint32_t> limit_{~std::uint32_t{0}};
  atomic<std::uint32_t> stop_{0};
  atomic<std::uint32_t> closed_{0};
};

template <std::size_t SlotBytes, bool Block, class F>
status group_base::submit(F&& f) noexcept {
  using T = std::decay_t<F>;
  static_assert(std::is_invocable<T&>::value || std::is_invocable<T&, stop_token>::value,
                "errgroup: a compact group's task must be callable as f() or "
                "f(errgroup::compact::stop_token)");
  static_assert(detail::result_ok<T>::value,
                "errgroup: a task must return errgroup::error or void");
  static_assert(std::is_nothrow_destructible<T>::value,
                "errgroup: a task's destructor must not throw");
  static_assert(std::is_constructible<T, F&&>::value,
                "errgroup: the task must be constructible from what was passed to go()");
  // An interrupt handler's submit is not nested in the main loop's frames, and never waits: its
  // go() refuses as try_go() does.
  const bool from_interrupt = ex_.ops_.in_interrupt();
  if (!from_interrupt && ex_.depth_ >= ex_.max_depth_) return status::too_deep;
  // relaxed: a starting value; the CAS decides.
  std::uint32_t c = outstanding_.load(std::memory_order_relaxed);
  for (;;) {
    if (stop_requested()) return status::stopped;
    // (C2) acquire: pairs with (C1) in close().
    if (closed_.load(std::memory_order_acquire) != 0) return status::closed;
    // relaxed: see set_limit().
    const std::uint32_t lim = limit_.load(std::memory_order_relaxed);
    if (c < lim && c < capacity_) {
      // relaxed: the reservation publishes nothing ((R2) publishes the task).
      if (outstanding_.compare_exchange_weak(c, c + 1, std::memory_order_relaxed,
                                             std::memory_order_relaxed))
        break;
      continue;
    }
    const status full = c >= lim ? status::limit_reached : status::capacity_full;
    // Block is a template parameter so that try_go's instantiation contains no task-running
    // code at all (clang's function-effect analysis checks what is compiled, not what runs).
    if constexpr (!Block) {
      return full;
    } else {
      if (from_interrupt) return full;
      const status st = make_room();
      if (st != status::ok) return st;
    }
    // relaxed: as above.
    c = outstanding_.load(std::memory_order_relaxed);
  }
  // A free slot exists: every slot not free belongs to a reservation not yet given back, and
  // ours is one of fewer than capacity_ (see the top of this file). Take its bit.
  // relaxed: a starting value; the CAS decides.
  std::uint32_t fr = free_.load(std::memory_order_relaxed);
  std::uint32_t bit;
  do {
    bit = fr & (0u - fr);  // the lowest free slot
    // (U1) acquire: pairs with (U2) in run(); the slot's last callable was destroyed.
  } while (!free_.compare_exchange_weak(fr, fr & ~bit, std::memory_order_acquire,
                                        std::memory_order_relaxed));
  std::uint32_t i = 0;
  while ((bit >> i) != 1u) ++i;
  detail::slot_header* h = slot_at(i);
  ::new (static_cast<void*>(static_cast<detail::slot<SlotBytes>*>(h)->storage))
      T(std::forward<F>(f));
  h->call = &detail::call_impl<T, SlotBytes>;
  // (R2) release: publishes the callable and h->call; pairs with (R3) in take().
  ready_.fetch_or(bit, std::memory_order_release);
  return status::ok;
}

inline void group_base::run(std::uint32_t i) noexcept {
  detail::slot_header* h = slot_at(i);
  if (stop_requested()) {
    (void)h->call(h, nullptr);  // skipped: destroyed unrun
  } else {
    const stop_token tok(stop_);
    ++ex_.depth_;
    const error e = h->call(h, &tok);
    --ex_.depth_;
    if (e) record_error(e);
  }
  --taken_;
  // (U2) release: the callable is destroyed; pairs with (U1). Before the count is given back,
  // so that a reservation always finds a free slot.
  free_.fetch_or(std::uint32_t{1} << i, std::memory_order_release);
  // (R1) release: pairs with (A1); everything the task did is visible to finished_all().
  outstanding_.fetch_sub(1, std::memory_order_release);
}

inline status group_base::wait_until_ns(std::uint64_t deadline_ns) noexcept {
  if (taken_ != 0) return status::would_deadlock;  // inside one of our own tasks
  const bool timed = deadline_ns != no_deadline;
  const bool helping = !timed || timed_helps_;
  for (;;) {
    if (finished_all()) return status::ok;  // (A1)
    if (timed && ex_.now_ns() >= deadline_ns) return status::timeout;
    if (!helping) {
      ex_.ops_.idle_until(deadline_ns);  // nothing can finish meanwhile: nobody else runs tasks
      continue;
    }
    const std::uint32_t i = take();
    // Nothing to take: what is outstanding is being submitted under us on this stack (a
    // callable's constructor or destructor waiting): it can never finish.
    if (i == none) return status::would_deadlock;
    run(i);
  }
}

inline std::uint32_t executor_core::poll(std::uint32_t max_tasks) noexcept {
  std::uint32_t n = 0;
  for (bool ran = true; ran;) {
    ran = false;
    // g->next_ is read after g's task ran: a task never destroys its own group (asserted), and
    // a group it destroys or creates keeps the list linked.
    for (group_base* g = groups_; g != nullptr && n < max_tasks; g = g->next_) {
      const std::uint32_t i = g->take();
      if (i == group_base::none) continue;
      g->run(i);
      ++n;
      ran = true;
    }
  }
  return n;
}

inline bool executor_core::pending() const noexcept {
  for (const group_base* g = groups_; g != nullptr; g = g->next_)
    // relaxed: a look; the task itself is taken with (R3).
    if (g->ready_.load(std::memory_order_relaxed) != 0) return true;
  return false;
}

// A compact executor on Port: no threads, no queue; what group_base needs of the port.
template <class Port>
class basic_executor final : public executor_core {
  static_assert(errgroup::detail::port_threadless<Port>::value,
                "errgroup::compact: one core with no threads: a port declaring `static constexpr "
                "bool threadless = true;` (bare metal)");

 public:
  // max_depth: task frames the main loop's stack may hold (0: the port's default, 16 on bare
  // metal); go()/try_go() from deeper refuse with status::too_deep.
  explicit constexpr basic_executor(std::uint32_t max_depth = 0) noexcept
      : executor_core(ops_,
                      max_depth != 0 ? max_depth : errgroup::detail::port_max_depth<Port>::value) {}

  // The superloop's sleep: `for (;;) { ex.poll(); ex.sleep(); }`. Idles once through the port
  // (Cortex-M wfi_idle: wfi, with interrupts masked around the check) unless a task is ready, so
  // a task an interrupt submits after poll()'s last look is never slept through.
  void sleep() noexcept {
    Port::idle_unless([this]() noexcept { return pending(); });
  }

 private:
  static std::uint64_t now() noexcept { return Port::now_ns(); }
  static bool in_interrupt() noexcept ERRGROUP_NONBLOCKING {
    // Unchecked: the port's interrupt test is a register read (Cortex-M: IPSR) or a load, never
    // a system call; clang cannot see through the port's inline assembly.
    ERRGROUP_EFFECTS_UNCHECKED_BEGIN
    return errgroup::detail::port_interrupts<Port>::in_interrupt();
    ERRGROUP_EFFECTS_UNCHECKED_END
  }
  static void idle_until(std::uint64_t deadline_ns) noexcept {
    Port::idle_unless([deadline_ns]() noexcept { return Port::now_ns() >= deadline_ns; });
  }
  static constexpr port_ops ops_{&now, &in_interrupt, &idle_until};
};

// A compact group of at most Capacity outstanding tasks, each callable stored in SlotBytes.
template <std::size_t Capacity, std::size_t SlotBytes = 6 * sizeof(void*)>
class group final : public group_base {
  static_assert(Capacity >= 1, "errgroup::compact::group: Capacity must be at least 1");
  static_assert(Capacity <= group_base::max_capacity,
                "errgroup::compact::group: Capacity must be at most 32 (one mask word); use "
                "errgroup::group for more");
  static_assert(SlotBytes >= sizeof(void*), "errgroup::compact::group: SlotBytes must hold a "
                                            "pointer");
  static_assert(sizeof(detail::slot<SlotBytes>) <= 0xFFFF,
                "errgroup::compact::group: SlotBytes too large");

 public:
  static constexpr std::size_t slot_bytes = SlotBytes;

  explicit group(executor_core& ex) noexcept : group(ex, default_options) {}
  explicit group(executor_core& ex, const group_options& o) noexcept
      : group_base(ex, o, Capacity, reinterpret_cast<unsigned char*>(&slots_[0]),
                   sizeof(detail::slot<SlotBytes>), errors_) {}
  // If tasks are outstanding, stops the group and waits for them: no task outlives its group.
  ~group() { drain(); }

  // Go: g.Go(f). Blocks (on the main loop) at the limit or the capacity by running this group's
  //   tasks. Returns ok, stopped, closed, too_deep, or would_deadlock (every outstanding task is
  //   on the caller's own stack: no room can come). From an interrupt handler it never waits:
  //   it refuses as try_go() does.
  template <class F>
  [[nodiscard]] status go(F&& f) noexcept {
    if constexpr (errgroup::detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit<SlotBytes, /*Block=*/true>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }
  [[nodiscard]] status go(error (*fn)(void*), void* ctx) noexcept {
    return go([fn, ctx]() { return fn(ctx); });
  }
  // Go: g.TryGo(f). Never blocks; callable from an interrupt handler. Returns ok, or why f was
  //   refused (never run): limit_reached, capacity_full, stopped, closed, too_deep.
  template <class F>
  [[nodiscard]] status try_go(F&& f) noexcept ERRGROUP_NONBLOCKING {
    if constexpr (errgroup::detail::fits_slot<std::decay_t<F>, SlotBytes>())
      return submit<SlotBytes, /*Block=*/false>(std::forward<F>(f));
    else
      return status::invalid_argument;  // unreachable: fits_slot<>() failed a static_assert
  }
  [[nodiscard]] status try_go(error (*fn)(void*), void* ctx) noexcept ERRGROUP_NONBLOCKING {
    return try_go([fn, ctx]() { return fn(ctx); });
  }

 private:
  detail::slot<SlotBytes> slots_[Capacity];
  alignas(error) unsigned char errors_[Capacity * sizeof(error)];  // see group_base::errors_
};

}  // namespace compact
}  // namespace errgroup

#endif  // ERRGROUP_COMPACT_HPP
