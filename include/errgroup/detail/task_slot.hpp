// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/task_slot.hpp — a task slot: where a task's callable lives (type-erased, in
// place, in a fixed number of bytes), and what the executor's queue sees of it (a job).
//
// A slot is cache-line aligned so that neighbouring slots used by different cores do not share a
// line. Its claim word (job::state, detail/job_state.hpp) says whether it is free, being filled,
// queued (with the ticket of its queue entry) or running. `call` runs and/or destroys the callable
// stored after the header; it is the only place that knows the callable's type.
#ifndef ERRGROUP_DETAIL_TASK_SLOT_HPP
#define ERRGROUP_DETAIL_TASK_SLOT_HPP

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../error.hpp"
#include "../options.hpp"
#include "../port.hpp"
#include "../stop.hpp"

#if ERRGROUP_HAS_EXCEPTIONS
#include <exception>
#endif

namespace errgroup {
namespace detail {

#if ERRGROUP_HAS_EXCEPTIONS
using exception_holder = std::exception_ptr;
#else
struct exception_holder {};
#endif

// What slot_header::call (call_range) does with the callable.
enum class call_mode : std::uint8_t {
  run_and_destroy,  // invoke it (its result is returned), then destroy it
  destroy,          // destroy it unrun (the task is skipped)
  run,              // call_range only: invoke it for each index of a range, keep it
};

// Where a bulk task's failing index reports its error: group_base's record_error.
using error_sink = void (*)(group_base* g, const error& e, exception_holder* thrown) noexcept;

struct slot_header;

// What a bulk task's `op` is asked to do with a queue entry the calling thread took.
enum class bulk_call : std::uint8_t { run, skip };

// A bulk task's state (go_n), after the callable in its slot. Protocol: group.hpp, "Bulk tasks".
struct bulk_state {
  atomic<std::uint32_t> next{0};     // the first index not yet claimed (claims CAS it forward)
  atomic<std::uint32_t> holders{0};  // references: each runner, and the queued entry if any
  atomic<std::uint32_t> spawn{0};    // [entry queued: bit 31][counted: 16..30][pushed: 0..15]
  std::uint32_t n = 0;               // the task runs f(i) for i in [0, n)
  std::uint16_t grain = 1;           // indices per claim
  std::uint16_t runners = 1;         // entries to push at most: how many threads may run it
  // Runs (until the deadline) or skips an entry of this task that a helper took. Set by go_n:
  // a program that never calls go_n links none of the bulk code (the firmware size report).
  void (*op)(slot_header* self, bulk_call what, std::uint64_t deadline_ns) noexcept = nullptr;
};

// The part of a task slot that does not depend on the callable. Its job::run is group_base::run
// (one task: go()) or group_base::run_bulk (a bulk task: go_n()).
struct slot_header : job {
  group_base* owner = nullptr;
  union {
    // One task: run it (its result is returned) and destroy it, or only destroy it.
    error (*call)(slot_header* self, const stop_token* token, call_mode mode,
                  exception_policy policy, exception_holder* thrown) noexcept = nullptr;
    // A bulk task: run f(i) for i in [begin, end) (call_mode::run; failures go to sink), or
    // destroy it (call_mode::destroy).
    void (*call_range)(slot_header* self, std::uint32_t begin, std::uint32_t end,
                       const stop_token* token, call_mode mode, exception_policy policy,
                       error_sink sink) noexcept;
  };
};

// The callable follows the header directly, so a small one shares the header's cache line (a
// single task's round trip touches one line of its slot); a bulk task's state comes after it
// (group_base::bulk_of: the group knows its offset).
template <std::size_t SlotBytes>
struct alignas(cache_line) slot : slot_header {
  alignas(std::max_align_t) unsigned char storage[SlotBytes];
  bulk_state bulk;
};

// A task's call: f(args..., stop_token) if f takes a token, else f(args...); a void result is
// success. A single task (go) has no args; a bulk task (go_n) has its index.
template <class F, class... A>
constexpr bool takes_token() {
  return std::is_invocable<F&, A..., stop_token>::value;
}

template <class F, class... A>
error invoke_task(F& f, const stop_token& tok, A... a) {
  if constexpr (takes_token<F, A...>()) {
    using R = std::invoke_result_t<F&, A..., stop_token>;
    if constexpr (std::is_void<R>::value) {
      f(a..., tok);
      return error{};
    } else {
      return f(a..., tok);
    }
  } else {
    using R = std::invoke_result_t<F&, A...>;
    if constexpr (std::is_void<R>::value) {
      f(a...);
      return error{};
    } else {
      return f(a...);
    }
  }
}

template <class R>
constexpr bool returns_ok() {
  return std::is_void<R>::value || std::is_same<std::decay_t<R>, error>::value;
}

// Does f's result (of the call invoke_task makes) say success or an error? False if not callable.
template <class F, bool Token, bool Plain, class... A>
struct result_ok : std::false_type {};
template <class F, bool Plain, class... A>
struct result_ok<F, true, Plain, A...>
    : std::integral_constant<bool, returns_ok<std::invoke_result_t<F&, A..., stop_token>>()> {};
template <class F, class... A>
struct result_ok<F, false, true, A...>
    : std::integral_constant<bool, returns_ok<std::invoke_result_t<F&, A...>>()> {};

// What submit() checks of a task type F taking args A... (go: none; go_n: the index).
template <class F, class... A>
struct task_result {
  static constexpr bool token = std::is_invocable<F&, A..., stop_token>::value;
  static constexpr bool plain = std::is_invocable<F&, A...>::value;
  static constexpr bool invocable = token || plain;
  static constexpr bool ok = result_ok<F, token, plain, A...>::value;
};

// The erased range call for a bulk callable of type T stored in a slot<SlotBytes>: the loop over
// the range is compiled with f inlined, one indirect call per claim, not per index.
template <class T, std::size_t SlotBytes>
void call_range_impl(slot_header* h, std::uint32_t begin, std::uint32_t end, const stop_token* tok,
                     call_mode mode, exception_policy policy, error_sink sink) noexcept {
  T* f = std::launder(reinterpret_cast<T*>(static_cast<slot<SlotBytes>*>(h)->storage));
  if (mode == call_mode::destroy) {
    f->~T();
    return;
  }
  for (std::uint32_t i = begin; i != end; ++i) {
#if ERRGROUP_HAS_EXCEPTIONS
    exception_holder thrown{};
    error e{};
    try {
      e = invoke_task(*f, *tok, i);
    } catch (...) {
      switch (policy) {
        case exception_policy::terminate: std::terminate();
        case exception_policy::rethrow: thrown = std::current_exception(); break;
        case exception_policy::to_error: break;
      }
      e = errc::task_threw;
    }
    if (e) sink(h->owner, e, &thrown);
#else
    (void)policy;
    const error e = invoke_task(*f, *tok, i);
    if (e) sink(h->owner, e, nullptr);
#endif
  }
}

// The erased call for a callable of type T stored in a slot<SlotBytes>.
template <class T, std::size_t SlotBytes>
error call_impl(slot_header* h, const stop_token* tok, call_mode mode, exception_policy policy,
                exception_holder* thrown) noexcept {
  T* f = std::launder(reinterpret_cast<T*>(static_cast<slot<SlotBytes>*>(h)->storage));
  error e{};
  if (mode == call_mode::run_and_destroy) {
#if ERRGROUP_HAS_EXCEPTIONS
    try {
      e = invoke_task(*f, *tok);
    } catch (...) {
      switch (policy) {
        case exception_policy::terminate: std::terminate();
        case exception_policy::rethrow: *thrown = std::current_exception(); break;
        case exception_policy::to_error: break;
      }
      e = errc::task_threw;
    }
#else
    (void)policy;
    (void)thrown;
    e = invoke_task(*f, *tok);
#endif
  }
  f->~T();
  return e;
}

// Constructs the callable in the slot and sets its erased call.
template <std::size_t SlotBytes, class F>
void emplace_task(slot_header* h, F&& f) noexcept {
  using T = std::decay_t<F>;
  ::new (static_cast<void*>(static_cast<slot<SlotBytes>*>(h)->storage)) T(std::forward<F>(f));
  h->call = &call_impl<T, SlotBytes>;
}

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_TASK_SLOT_HPP
