// SPDX-License-Identifier: BSL-1.0
// errgroup/hosted/win32.hpp — the std::thread port's wait/wake/clock on Windows 8 and later:
// WaitOnAddress / WakeByAddressSingle / WakeByAddressAll (synchronization.lib), the
// QueryPerformanceCounter clock. Tested with mingw-w64 under Wine (scripts/cross windows); MSVC is
// untested.
#ifndef ERRGROUP_HOSTED_WIN32_HPP
#define ERRGROUP_HOSTED_WIN32_HPP

#if !defined(_WIN32)
#error "errgroup/hosted/win32.hpp: Windows only"
#endif

#include <cstdint>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <errgroup/config.hpp>
#include <errgroup/port.hpp>

#if defined(_MSC_VER)
#pragma comment(lib, "synchronization.lib")
#endif

namespace errgroup {

struct win32_wait {
  static constexpr const char* name = "WaitOnAddress";
  static constexpr bool fine_clock = true;  // QueryPerformanceCounter: sub-microsecond, no syscall

  static void wait_on(atomic<std::uint32_t>& word, std::uint32_t expected,
                      std::uint64_t deadline_ns) noexcept {
    static_assert(sizeof(atomic<std::uint32_t>) == sizeof(std::uint32_t),
                  "WaitOnAddress needs a plain 32-bit word");
    DWORD ms = INFINITE;
    if (deadline_ns != no_deadline) {
      const std::uint64_t now = now_ns();
      if (now >= deadline_ns) return;
      const std::uint64_t rest_ms = (deadline_ns - now + 999999u) / 1000000u;  // round up
      ms = rest_ms >= INFINITE ? INFINITE - 1 : static_cast<DWORD>(rest_ms);
    }
    // Returns on wake, timeout, word != expected, or spuriously; the caller re-checks.
    (void)WaitOnAddress(reinterpret_cast<volatile VOID*>(&word), &expected, sizeof expected, ms);
  }

  static void wake(atomic<std::uint32_t>& word, bool all) noexcept {
    if (all) WakeByAddressAll(reinterpret_cast<PVOID>(&word));
    else
      WakeByAddressSingle(reinterpret_cast<PVOID>(&word));
  }

  static std::uint64_t now_ns() noexcept {
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);  // fixed at boot, read from shared memory: no system call
    QueryPerformanceCounter(&c);
    const auto hz = static_cast<std::uint64_t>(f.QuadPart);
    const auto t = static_cast<std::uint64_t>(c.QuadPart);
    return (t / hz) * 1000000000u + (t % hz) * 1000000000u / hz;  // no overflow for ~580 years
  }
};

}  // namespace errgroup

#endif  // ERRGROUP_HOSTED_WIN32_HPP
