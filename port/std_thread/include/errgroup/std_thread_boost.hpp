// SPDX-License-Identifier: BSL-1.0
// errgroup/std_thread_boost.hpp — the std::thread port with the Boost.Lockfree queue backend.
// CMake target errgroup::std_thread_boost (errgroup::std_thread plus Boost's headers; created when
// Boost 1.66+ is found). errgroup::std_thread alone needs no Boost: its default executor,
// thread_executor<>, uses the in-house mpmc_ring.
//
// Provides:
//   errgroup::boost_thread_executor<QueueCapacity = 1024, MaxWorkers = 64>
//       basic_executor<std_thread_port, boost_lockfree_queue<job*, QueueCapacity>, MaxWorkers>
#ifndef ERRGROUP_STD_THREAD_BOOST_HPP
#define ERRGROUP_STD_THREAD_BOOST_HPP

#include <cstddef>

#include <errgroup/queue/boost_lockfree.hpp>
#include <errgroup/std_thread.hpp>

namespace errgroup {

template <std::size_t QueueCapacity = 1024, std::size_t MaxWorkers = 64>
using boost_thread_executor =
    basic_executor<std_thread_port, boost_lockfree_queue<job*, QueueCapacity>, MaxWorkers>;

}  // namespace errgroup

#endif  // ERRGROUP_STD_THREAD_BOOST_HPP
