// SPDX-License-Identifier: BSL-1.0
// errgroup/stop_callback.hpp — errgroup::stop_callback<F>: be told of a stop instead of polling
// for it (Go: <-ctx.Done(), context.AfterFunc; C++20: std::stop_callback). Nothing is allocated:
// the callable lives in the object, which takes one entry of a fixed program-wide table
// (ERRGROUP_STOP_CALLBACKS, default 16) while armed. The mechanism: detail/stop_callbacks.hpp.
//
//   g.go([&uart](errgroup::stop_token st) -> errgroup::error {
//     errgroup::stop_callback abort([&uart]() noexcept { uart.abort_receive(); });
//     if (abort.arm(st) != errgroup::status::ok) return errgroup::error(ENOSPC);
//     return uart.receive();  // blocked in the driver; a stop of the group aborts it
//   });
//
// Effects of a stop: when the token's group or any linked ancestor is stopped (stop(), the first
//   error under on_error::stop, or a parent's stop), f() runs once, on the thread that called
//   stop() — a worker recording the error, or an interrupt handler calling stop() — inside that
//   stop() call. Keep f short and non-blocking: stop() is real-time safe only if f is. If a stop
//   was requested before arm(), f() runs inside arm(), on the arming thread.
// Destruction: disarms. If f is running on another thread at that moment, the destructor waits
//   for it to return (polling the port's wait_on every millisecond: a system call on hosted
//   ports, a one-tick block on FreeRTOS); f may destroy its own stop_callback (not waited for).
//   After the destructor, f never runs.
// Preconditions: the token's group outlives the armed stop_callback (true for a stop_callback
//   in a task, the token's lifetime); arm() at most once; F is invocable as f() and noexcept-
//   callable in spirit (an exception escaping f reaches stop()'s noexcept: std::terminate).
// Memory ordering: what the stopper did before stop() is visible to f.
#ifndef ERRGROUP_STOP_CALLBACK_HPP
#define ERRGROUP_STOP_CALLBACK_HPP

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/stop_callbacks.hpp"
#include "error.hpp"
#include "executor.hpp"
#include "stop.hpp"

namespace errgroup {

template <class F>
class stop_callback {
  static_assert(std::is_invocable<F&>::value,
                "errgroup::stop_callback: F must be invocable as f()");
  static_assert(sizeof(F) > 0 && ERRGROUP_STOP_CALLBACKS >= 1,
                "errgroup::stop_callback: compiled out (ERRGROUP_STOP_CALLBACKS is 0)");

 public:
  explicit stop_callback(F f) noexcept(std::is_nothrow_move_constructible<F>::value)
      : f_(std::move(f)) {
    node_.invoke = &invoke;
    node_.self = this;
  }
  stop_callback(const stop_callback&) = delete;
  stop_callback& operator=(const stop_callback&) = delete;
  ~stop_callback() { disarm(); }

  // Effects: registers f to run when t reports a stop; if it already does, runs f now.
  // Returns: ok (armed, or f already ran); capacity_full (ERRGROUP_STOP_CALLBACKS callbacks are
  //   armed: f will not be called — poll t instead); busy (already armed).
  // Non-blocking guarantee: no lock, no allocation, no system call; one pass over the table.
  [[nodiscard]] status arm(stop_token t) noexcept {
    using T = detail::stop_callbacks;
    if (entry_ != nullptr) return status::busy;
    node_.watched = t.s_;
    ex_ = t.s_->ex;
    for (detail::stop_callback_entry& e : T::entries) {
      // relaxed: a starting value; the CAS below is the claim.
      std::uint32_t st = e.state.load(std::memory_order_relaxed);
      if (T::phase(st) != T::free) continue;
      const std::uint32_t mine = T::generation(st) + T::gen_one;
      // acquire: after the previous holder's release that freed the entry.
      if (!e.state.compare_exchange_strong(st, T::with(mine, T::filling), std::memory_order_acquire,
                                           std::memory_order_relaxed))
        continue;
      entry_ = &e;
      gen_ = mine;
      // relaxed: published by the (K1) armed store below.
      e.node.store(&node_, std::memory_order_relaxed);
      T::link_scan();  // (K0)
      // (K1) seq_cst: counted, then armed, before the re-check (K2).
      T::armed_count.fetch_add(1, std::memory_order_seq_cst);
      e.state.store(T::with(mine, T::armed), std::memory_order_seq_cst);
      // (K2) seq_cst loads: a stop requested before (K1) is seen here, or that stop()'s scan
      // sees our entry armed.
      if (t.s_->requested_after_registering()) {
        std::uint32_t a = T::with(mine, T::armed);
        // acquire: as the scan's pin. Fails if a stopper pinned it first: theirs to run.
        if (e.state.compare_exchange_strong(a, T::with(mine, T::pinned), std::memory_order_acquire,
                                            std::memory_order_relaxed))
          T::decide(e, mine, identity());
      }
      return status::ok;
    }
    return status::capacity_full;
  }

  // True if f has run (or is running). A snapshot.
  bool fired() const noexcept {
    if (entry_ == nullptr) return false;
    using T = detail::stop_callbacks;
    // acquire: pairs with the release that stored fired in decide().
    const std::uint32_t st = entry_->state.load(std::memory_order_acquire);
    return T::generation(st) == gen_ && T::phase(st) != T::armed;
  }

 private:
  static void invoke(detail::stop_callback_node* n) noexcept {
    static_cast<stop_callback*>(n->self)->f_();
  }

  const void* identity() const noexcept { return ex_ != nullptr ? ex_->try_context() : nullptr; }

  void disarm() noexcept {
    using T = detail::stop_callbacks;
    if (entry_ == nullptr) return;
    detail::stop_callback_entry& e = *entry_;
    const void* me = identity();
    for (;;) {
      // acquire: a fired entry's callback effects happen before we return.
      std::uint32_t st = e.state.load(std::memory_order_acquire);
      const std::uint32_t ph = T::phase(st);
      if (ph == T::armed) {
        // release: the entry's next claimer (its acquire CAS) comes after us.
        if (e.state.compare_exchange_strong(st, T::with(gen_, T::free), std::memory_order_release,
                                            std::memory_order_relaxed))
          break;
        continue;
      }
      if (ph == T::fired) {
        // release: the next claimer (acquire CAS) comes after us.
        e.state.store(T::with(gen_, T::free), std::memory_order_release);
        break;
      }
      // pinned or recheck: another thread decides — or this thread, inside f.
      // relaxed: if f runs on this thread, our own earlier store is what we read.
      if (me != nullptr && node_.runner.load(std::memory_order_relaxed) == me) {
        // f destroys its own stop_callback: leave the entry to the runner (decide() frees it).
        if (e.state.compare_exchange_strong(st, T::with(gen_, T::orphaned),
                                            std::memory_order_relaxed, std::memory_order_relaxed))
          break;
        continue;
      }
      // Another thread holds the pin (checking the token, or running f): poll until it lets go.
      if (ex_ != nullptr) {
        ex_->wait_on(e.state, st, ex_->now_ns() + 1000000u);
      }
    }
    // relaxed: the count only tells stop() whether to scan; a stale count costs one scan.
    T::armed_count.fetch_sub(1, std::memory_order_relaxed);
    entry_ = nullptr;
  }

  detail::stop_callback_node node_{};
  F f_;
  detail::stop_callback_entry* entry_ = nullptr;
  std::uint32_t gen_ = 0;
  executor_base* ex_ = nullptr;
};

}  // namespace errgroup

#endif  // ERRGROUP_STOP_CALLBACK_HPP
