// SPDX-License-Identifier: BSL-1.0
// firmware/rp2040_critical.hpp — an ERRGROUP_ATOMIC_CRITICAL section for a dual-core Cortex-M0+
// (RP2040, e.g. under FreeRTOS SMP): interrupts masked on this core and one SIO hardware spinlock
// taken, so neither the other core nor an interrupt can interleave with a read-modify-write.
// Compile- and link-checked only (firmware_rp2040_spinlock_links): QEMU has no RP2040, so this is
// not run here. With pico-sdk, the same two functions are save_and_disable_interrupts() +
// spin_lock_unsafe_blocking(spin_lock_instance(Id)) and spin_unlock_unsafe() +
// restore_interrupts(); claim the lock number with spin_lock_claim_unused() or pick one the SDK
// leaves to the application (24-31: PICO_SPINLOCK_ID_CLAIM_FREE_FIRST..LAST).
#ifndef FW_RP2040_CRITICAL_HPP
#define FW_RP2040_CRITICAL_HPP

#include <cstdint>

namespace fw {
template <unsigned Id>
struct rp2040_spinlock_critical {
  static_assert(Id < 32, "RP2040 has 32 hardware spinlocks");
  static std::uint32_t enter() noexcept {
    std::uint32_t primask;
    __asm__ __volatile__("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    // Reading SPINLOCKn claims it: nonzero if this read took it, 0 if the other core holds it.
    while (lock() == 0) {
    }
    __asm__ __volatile__("dmb" ::: "memory");  // the section's accesses after the claim
    return primask;
  }
  static void leave(std::uint32_t primask) noexcept {
    __asm__ __volatile__("dmb" ::: "memory");  // the section's accesses before the release
    lock() = 0;                                // any write releases it
    __asm__ __volatile__("msr primask, %0" ::"r"(primask) : "memory");
  }

 private:
  static volatile std::uint32_t& lock() noexcept {
    return *reinterpret_cast<volatile std::uint32_t*>(0xd0000100u + 4u * Id);  // SIO SPINLOCKn
  }
};
}  // namespace fw

#endif  // FW_RP2040_CRITICAL_HPP
