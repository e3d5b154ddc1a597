// errgroup/queue/boost_lockfree.hpp — the hosted default queue backend: boost::lockfree::queue with
// a compile-time capacity, so it never allocates after construction and reports
// is_lock_free() == true on x86-64, aarch64 and Cortex-M3/M4/M7/M33.
//
// Same interface as mpmc_ring (try_push / try_pop / capacity), so both run the same tests.
// Memory ordering (Boost.Lockfree's contract): everything a producer wrote before try_push(v) is
// visible to the consumer whose try_pop returned v.
// Cost: Boost pads each node to a cache line (64 B): Capacity * 64 B. Capacity < 65535 (Boost's
// 16-bit tagged indices); the capacity<> form uses an index-based freelist, so no 64-bit CAS.
#ifndef ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP
#define ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP

#include <cstddef>
#include <type_traits>

#include <boost/lockfree/queue.hpp>

namespace errgroup {

template <class T, std::size_t Capacity>
class boost_lockfree_queue {
  static_assert(Capacity >= 2 && Capacity < 65535,
                "boost_lockfree_queue: Capacity must be in [2, 65534] (Boost's 16-bit indices)");
  static_assert(std::is_trivially_copyable<T>::value,
                "boost_lockfree_queue: T must be trivially copyable");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;

  boost_lockfree_queue() noexcept = default;
  boost_lockfree_queue(const boost_lockfree_queue&) = delete;
  boost_lockfree_queue& operator=(const boost_lockfree_queue&) = delete;

  // bounded_push never touches the heap (the compile-time capacity forbids it anyway).
  [[nodiscard]] bool try_push(const T& v) noexcept { return q_.bounded_push(v); }
  [[nodiscard]] bool try_pop(T& out) noexcept { return q_.pop(out); }
  bool is_lock_free() const noexcept { return q_.is_lock_free(); }

 private:
  boost::lockfree::queue<T, boost::lockfree::capacity<Capacity>> q_;
};

}  // namespace errgroup

#endif  // ERRGROUP_QUEUE_BOOST_LOCKFREE_HPP
