// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/park.hpp — how a thread that waits in errgroup sleeps: one routine, called with a
// predicate, for every blocking call of a group (wait(), wait_for()/wait_until(), a go() waiting
// for room). Workers park on their own event count in executor.hpp.
//
// The sequence (labels of detail/eventcount.hpp and group.hpp):
//   key = ec.prepare_wait()        (E1) seq_cst: we are a registered sleeper from here on
//   enter()                        registers us where our wakers look: the group's done word
//                                  (A3)/(B1) and every linked ancestor's stop state (P1), seq_cst
//   recheck()                      re-reads the condition after registering: any waker that
//                                  changed it before our registration is seen here, any later
//                                  one sees our registration and notifies (E3) after our (E1),
//                                  so the futex sees the epoch move
//   sleep: ec.wait(key, deadline)  (E2) one futex wait (or none if the epoch already moved)
//   leave()                        unregisters
// The callers loop: whatever woke them (a finish, a stop, a timeout, nothing at all), they look
// again before parking again.
#ifndef ERRGROUP_DETAIL_PARK_HPP
#define ERRGROUP_DETAIL_PARK_HPP

#include <cstdint>

#include "eventcount.hpp"

namespace errgroup {
namespace detail {

// What recheck() decided.
enum class after_recheck : std::uint8_t {
  sleep,                    // nothing changed: sleep until notified or the deadline
  look_again,               // the condition may have changed: do not sleep
  look_again_and_wake_all,  // do not sleep, and wake the other sleepers (a waiter's stale target)
};

// Returns false if enter() could not register (a registration field is full): nothing was
// registered, the caller yields and looks again.
template <class Exec, class Enter, class Recheck, class Leave>
bool park(Exec& ex, eventcount& ec, std::uint64_t deadline_ns, Enter&& enter, Recheck&& recheck,
          Leave&& leave) noexcept {
  const std::uint32_t key = ec.prepare_wait();  // (E1)
  if (!enter()) {
    ec.cancel_wait();
    return false;
  }
  switch (recheck()) {
    case after_recheck::sleep:
      (void)ec.wait(key, deadline_ns, ex);  // (E2)
      break;
    case after_recheck::look_again: ec.cancel_wait(); break;
    case after_recheck::look_again_and_wake_all:
      ec.cancel_wait();
      ec.notify(ex, /*all=*/true);  // (E3)
      break;
  }
  leave();
  return true;
}

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_PARK_HPP
