// SPDX-License-Identifier: BSL-1.0
// errgroup/hosted/futex.hpp — the std::thread port's wait/wake/clock on Linux: futex(2) with an
// absolute CLOCK_MONOTONIC deadline, and CLOCK_MONOTONIC read through the vDSO (no system call).
// The interface every hosted wait implementation provides (errgroup/std_thread.hpp picks one):
//   static void wait_on(atomic<uint32_t>& word, uint32_t expected, uint64_t deadline_ns) noexcept;
//   static void wake(atomic<uint32_t>& word, bool all) noexcept;
//   static uint64_t now_ns() noexcept;            // monotonic
//   static constexpr bool fine_clock;            // now_ns() resolves microseconds cheaply
//   static constexpr const char* name;
#ifndef ERRGROUP_HOSTED_FUTEX_HPP
#define ERRGROUP_HOSTED_FUTEX_HPP

#if !defined(__linux__)
#error "errgroup/hosted/futex.hpp: Linux only"
#endif

#include <climits>
#include <cstdint>
#include <ctime>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <errgroup/config.hpp>
#include <errgroup/port.hpp>

namespace errgroup {

struct futex_wait {
  static constexpr const char* name = "futex";
  static constexpr bool fine_clock = true;  // vDSO clock_gettime

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    static_assert(sizeof(atomic<std::uint32_t>) == sizeof(std::uint32_t),
                  "futex needs a plain 32-bit word");
    timespec ts{};
    const timespec* tp = nullptr;
    if (deadline_ns != no_deadline) {
      ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000u);
      ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000u);
      tp = &ts;
    }
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. Returns on wake, timeout,
    // EAGAIN (word != expected) or a signal; the caller re-checks in every case.
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
            FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tp, nullptr, FUTEX_BITSET_MATCH_ANY);
  }

  static void wake(atomic<std::uint32_t>& word, bool all) noexcept {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
            all ? INT_MAX : 1, nullptr, nullptr, 0);
  }

  static std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: no system call
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
  }
};

}  // namespace errgroup

#endif  // ERRGROUP_HOSTED_FUTEX_HPP
