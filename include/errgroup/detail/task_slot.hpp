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

// What slot_header::call does with the callable.
enum class call_mode : std::uint8_t {
  run_and_destroy,  // invoke it (its result is returned), then destroy it
  destroy,          // destroy it unrun (the task is skipped)
};

// The part of a task slot that does not depend on the callable. Its job::run is group_base::run.
struct slot_header : job {
  group_base* owner = nullptr;
  error (*call)(slot_header* self, const stop_token* token, call_mode mode, exception_policy policy,
                exception_holder* thrown) noexcept = nullptr;
  std::uint32_t index = 0;
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

template <class R>
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
  static constexpr bool ok = returns_ok<std::invoke_result_t<F&, stop_token>>();
};
template <class F>
struct task_result<F, std::enable_if_t<!std::is_invocable<F&, stop_token>::value &&
                                       std::is_invocable<F&>::value>> {
  static constexpr bool invocable = true;
  static constexpr bool ok = returns_ok<std::invoke_result_t<F&>>();
};

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
