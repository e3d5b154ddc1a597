// SPDX-License-Identifier: BSL-1.0
// firmware/semihosting.hpp — Arm semihosting, the two calls the images use. `bkpt 0xAB` with the
// operation in r0 and its argument in r1; QEMU serves them with -semihosting-config enable=on.
// No newlib stdio: printf/snprintf would pull in malloc, which the no-heap link forbids.
#ifndef FW_SEMIHOSTING_HPP
#define FW_SEMIHOSTING_HPP

#include <cstdint>

namespace fw::semihosting {

inline std::uint32_t call(std::uint32_t op, const void* arg) noexcept {
  register std::uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ __volatile__("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

// SYS_WRITE0: print a NUL-terminated string on the host (QEMU: stderr unless routed).
inline void write0(const char* s) noexcept { (void)call(0x04u, s); }

// SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit: QEMU exits with exactly `code`.
[[noreturn]] inline void exit(int code) noexcept {
  const std::uint32_t block[2] = {0x20026u, static_cast<std::uint32_t>(code)};
  (void)call(0x20u, block);
  for (;;) {
  }
}

// Decimal without stdio.
inline void write_u32(std::uint32_t v) noexcept {
  char buf[11];
  char* p = buf + sizeof buf;
  *--p = '\0';
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  write0(p);
}

}  // namespace fw::semihosting

#endif  // FW_SEMIHOSTING_HPP
