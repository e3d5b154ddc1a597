// SPDX-License-Identifier: BSL-1.0
// errgroup/error.hpp — the error value tasks return, and the status the library's own calls return.
//
// Two kinds of outcome, two types:
//  * errgroup::error — what a *task* reports (Go's `error`). A small trivially copyable value:
//    a 32-bit code plus a pointer to a static error_domain (8 bytes on Cortex-M, 16 on 64-bit hosts).
//    Default-constructed means success. Like std::error_code, but without std::string: every
//    std::error_category's vtable references message() -> std::string, which drags heap code into a
//    firmware image linked without malloc. A domain's message() returns a static C string instead.
//  * errgroup::status — what a *library call* reports (try_go refused because..., set_limit refused
//    because..., wait_for timed out). A [[nodiscard]] enum class.
#ifndef ERRGROUP_ERROR_HPP
#define ERRGROUP_ERROR_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "config.hpp"

namespace errgroup {

// A family of error codes. Define one per subsystem as a constexpr object with static storage:
//   constexpr errgroup::error_domain adc_domain{"adc", [](std::int32_t c) noexcept -> const char* {
//     return c == 1 ? "conversion timeout" : "adc error"; }};
struct error_domain {
  const char* name;
  const char* (*message)(std::int32_t code) noexcept;
};

namespace detail {
inline const char* generic_message(std::int32_t) noexcept { return "error"; }
}  // namespace detail

// Codes the library itself produces inside errgroup::error (the task side).
enum class errc : std::int32_t {
  task_threw = 1,         // a task let an exception escape (exception_policy::to_error or rethrow)
  wait_inside_task = 2,   // wait() called from one of the group's own tasks: it would deadlock
  deadline_exceeded = 3,  // the group's deadline (stop_at/stop_after) passed: Go's DeadlineExceeded
};

namespace detail {
inline const char* library_message(std::int32_t c) noexcept {
  switch (static_cast<errc>(c)) {
    case errc::task_threw: return "a task threw an exception";
    case errc::wait_inside_task: return "wait() called from inside one of the group's own tasks";
    case errc::deadline_exceeded: return "the group's deadline passed";
  }
  return "unknown errgroup error";
}
}  // namespace detail

// The domain of plain integer codes (error{5}) and the library's own domain.
inline constexpr error_domain generic_domain{"generic", &detail::generic_message};
inline constexpr error_domain library_domain{"errgroup", &detail::library_message};

class error {
 public:
  constexpr error() noexcept = default;
  // A plain integer code in generic_domain; 0 is success.
  constexpr explicit error(std::int32_t code) noexcept : code_(code), domain_(&generic_domain) {}
  constexpr error(std::int32_t code, const error_domain& domain) noexcept
      : code_(code), domain_(&domain) {}
  constexpr error(errc c) noexcept
      : code_(static_cast<std::int32_t>(c)), domain_(&library_domain) {}

  constexpr std::int32_t code() const noexcept { return code_; }
  constexpr const error_domain& domain() const noexcept {
    return domain_ != nullptr ? *domain_ : generic_domain;
  }
  // True when this is a failure (Go: err != nil).
  constexpr explicit operator bool() const noexcept { return code_ != 0; }
  const char* message() const noexcept { return code_ == 0 ? "success" : domain().message(code_); }
  friend constexpr bool operator==(const error& a, const error& b) noexcept {
    return a.code_ == b.code_ && (a.code_ == 0 || &a.domain() == &b.domain());
  }
  friend constexpr bool operator!=(const error& a, const error& b) noexcept { return !(a == b); }

 private:
  std::int32_t code_ = 0;
  const error_domain* domain_ = nullptr;
};

static_assert(std::is_trivially_copyable<error>::value, "error must stay trivially copyable");
static_assert(sizeof(error) <= 2 * sizeof(void*), "error must stay two words");

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

// The outcome of a library call. Every call that can refuse returns one of these.
enum class status : std::uint8_t {
  ok = 0,
  limit_reached,     // try_go: the group's set_limit(n) bound is reached
  capacity_full,     // try_go: all Capacity task slots of the group are in use
  queue_full,        // try_go: the executor's bounded queue has no room
  stopped,           // go/try_go: the group (or a parent it is linked to) was stopped
  closed,            // go/try_go: close() was called; no new tasks are accepted
  would_deadlock,    // go/wait_for: every task that could unblock the caller is the caller itself
  busy,              // set_limit/reset: tasks are still outstanding
  invalid_argument,  // set_limit(0)
  timeout,           // wait_for/wait_until: the deadline passed first; nothing is lost
  too_deep,          // go/try_go: the calling thread's stack already holds executor_options::
                     //   max_depth task frames (nested waits); the task was not accepted
};

constexpr const char* to_string(status s) noexcept {
  switch (s) {
    case status::ok: return "ok";
    case status::limit_reached: return "limit_reached";
    case status::capacity_full: return "capacity_full";
    case status::queue_full: return "queue_full";
    case status::stopped: return "stopped";
    case status::closed: return "closed";
    case status::would_deadlock: return "would_deadlock";
    case status::busy: return "busy";
    case status::invalid_argument: return "invalid_argument";
    case status::timeout: return "timeout";
    case status::too_deep: return "too_deep";
  }
  return "unknown";
}

}  // namespace errgroup

#endif  // ERRGROUP_ERROR_HPP
