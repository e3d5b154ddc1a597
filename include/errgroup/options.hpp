// SPDX-License-Identifier: BSL-1.0
// errgroup/options.hpp — how a group behaves: the policies of group_options.
#ifndef ERRGROUP_OPTIONS_HPP
#define ERRGROUP_OPTIONS_HPP

#include <cstdint>

namespace errgroup {

class group_base;

// Go's WithContext: stop the group (cancel the context) when the first task fails.
enum class on_error : std::uint8_t {
  keep_going,  // Go's plain Group: record errors, run every task
  stop,        // Go's WithContext: the first error stops the group; queued tasks are skipped
};

// Which waits run the group's own queued tasks on the waiting thread ("helping"). A thread only
// ever runs tasks of the group it waits for (and what those tasks run for their own child groups
// when they wait): never another group's. See group.hpp, "Helping", for why each rule holds.
enum class help_policy : std::uint8_t {
  // Default. wait() and a go() waiting for room (the limit or the capacity) run this group's
  // queued tasks; wait_for()/wait_until() never run one: a timed wait only watches, so it returns
  // at its deadline whatever the tasks do.
  own_tasks,
  // As own_tasks, and timed waits help too: before starting each task the waiter reads the
  // clock and returns at the deadline instead. A task it started runs to completion, so the call
  // returns up to one task's run time after the deadline. Hazard: such a task runs on the
  // waiter's stack and the waiter cannot return before it ends, so a task that waits for what
  // the caller does after the deadline (e.g. the caller's stop()) hangs the call. Use it for
  // bounded tasks (an audio voice, a physics island), never with tasks that wait to be stopped.
  own_tasks_timed,
  // No wait and no go() of a thread outside the group's tasks runs a task. (A thread that is
  // itself running a task still helps when it waits, as own_tasks: otherwise a fixed pool could
  // starve.) Needs an executor with workers (asserted).
  never,
};

// What a thread does when wait()/go() has nothing left to do.
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
  help_policy help = help_policy::own_tasks;
  errgroup::wait_policy waiting = errgroup::wait_policy::park;
  exception_policy exceptions = exception_policy::rethrow;
  // If set, stopping `parent` (or any of its ancestors) stops this group too. The parent must
  // outlive this group, and its executor must be of the same port (both asserted).
  group_base* parent = nullptr;

  // Go's errgroup.WithContext(ctx): stop on the first error, linked to an optional parent.
  static group_options with_context(group_base* parent_group = nullptr) noexcept {
    group_options o;
    o.on_error = errgroup::on_error::stop;
    o.parent = parent_group;
    return o;
  }
};

}  // namespace errgroup

#endif  // ERRGROUP_OPTIONS_HPP
