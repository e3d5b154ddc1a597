// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/slot_fit.hpp — whether a task's callable fits a group's slot: the one
// compile-time check errgroup::group and errgroup::compact::group share, with a message that says
// how to fix it (never a heap fallback: group.hpp, "Rejected designs").
#ifndef ERRGROUP_DETAIL_SLOT_FIT_HPP
#define ERRGROUP_DETAIL_SLOT_FIT_HPP

#include <cstddef>

namespace errgroup {
namespace detail {

template <class T, std::size_t SlotBytes>
constexpr bool fits_slot() {
  static_assert(sizeof(T) <= SlotBytes,
                "errgroup: this task's callable is larger than the group's slot (SlotBytes). "
                "Capture less (e.g. one pointer to a struct), or raise SlotBytes: "
                "errgroup::group<Capacity, SlotBytes> (or compact::group<Capacity, SlotBytes>).");
  static_assert(alignof(T) <= alignof(std::max_align_t),
                "errgroup: this task's callable is over-aligned for a group slot");
  return sizeof(T) <= SlotBytes && alignof(T) <= alignof(std::max_align_t);
}

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_SLOT_FIT_HPP
