// SPDX-License-Identifier: BSL-1.0
// firmware/startup.cpp — the smallest startup a Cortex-M image needs, no vendor code: the vector
// table (initial stack pointer, reset, the core's exceptions), a reset handler that enables the FPU
// when there is one, copies .data, zeroes .bss, runs the static constructors, calls main() and
// exits through semihosting with main's return value.
#include <cstdint>

#include "semihosting.hpp"

extern "C" {
extern std::uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;
extern void (*__preinit_array_start[])(), (*__preinit_array_end[])();
extern void (*__init_array_start[])(), (*__init_array_end[])();
int main();

[[noreturn]] void Reset_Handler();
// Any exception the image does not handle ends the run with a distinct exit code.
void Default_Handler() { fw::semihosting::exit(100); }
void HardFault_Handler() {
  fw::semihosting::write0("HardFault\n");
  fw::semihosting::exit(101);
}
void NMI_Handler() __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler() __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler() __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler() __attribute__((weak, alias("Default_Handler")));
void SVC_Handler() __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler() __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler() __attribute__((weak, alias("Default_Handler")));

using vector = void (*)();
// The vector table, laid out by hand (several reserved slots per line).
// clang-format off
__attribute__((section(".isr_vector"), used)) const vector vector_table[16] = {
    reinterpret_cast<vector>(&__stack_top),
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    nullptr, nullptr, nullptr, nullptr,
    SVC_Handler,
    nullptr, nullptr,
    PendSV_Handler,
    SysTick_Handler,
};
// clang-format on

void Reset_Handler() {
#if defined(__ARM_FP)
  // CPACR: full access to CP10/CP11 (the FPU) before any floating-point instruction runs.
  *reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u) |= 0xFu << 20;
  __asm__ __volatile__("dsb\n isb" ::: "memory");
#endif
  // volatile pointers: keep the compiler from turning these loops into memcpy/memset calls
  // before memory is set up (harmless here, but it keeps the reset path free of library code).
  volatile std::uint32_t* src = &__data_load;
  for (volatile std::uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (volatile std::uint32_t* p = &__bss_start; p < &__bss_end;) *p++ = 0;
  for (auto f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (auto f = __init_array_start; f < __init_array_end; ++f) (*f)();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"  // ISO C++ forbids calling main; startup code must
  fw::semihosting::exit(main());
#pragma GCC diagnostic pop
}
}  // extern "C"

extern "C" {
// errgroup's precondition hook (fw_config.hpp): print the message, exit with 102.
void fw_assert_failed(const char* msg) noexcept {
  fw::semihosting::write0("ERRGROUP_ASSERT: ");
  fw::semihosting::write0(msg);
  fw::semihosting::write0("\n");
  fw::semihosting::exit(102);
}
// Static destructors never run (main's return ends the run through semihosting), so registering
// them is a no-op; newlib's atexit could otherwise reach for the heap.
int atexit(void (*)()) { return 0; }
}
