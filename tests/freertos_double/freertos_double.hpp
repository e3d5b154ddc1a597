// SPDX-License-Identifier: BSL-1.0
// The test side of the FreeRTOS test double (tests/freertos_double): simulated interrupts and
// counters. Not part of any FreeRTOS API.
#ifndef FREERTOS_DOUBLE_HPP
#define FREERTOS_DOUBLE_HPP

#include <cstdint>

#include "FreeRTOS.h"
#include "task.h"

namespace freertos_double {

// While alive, the calling thread runs "inside an interrupt handler": FromISR calls are allowed,
// task-only calls fail configASSERT. Interrupts are serialised program-wide (one core) and nest.
class interrupt {
 public:
  interrupt();
  ~interrupt();
  interrupt(const interrupt&) = delete;
  interrupt& operator=(const interrupt&) = delete;
};

struct counters {
  std::uint64_t from_isr_calls;        // FromISR API calls made (inside interrupts)
  std::uint64_t yields_from_isr;       // portYIELD_FROM_ISR(pdTRUE)
  std::uint64_t tasks_created;         // xTaskCreateStatic
  std::uint64_t tasks_deleted;         // vTaskDelete
  std::uint64_t notify_gives;          // xTaskNotifyGiveIndexed + FromISR
  std::uint64_t notify_takes_blocked;  // ulTaskNotifyTakeIndexed calls that had to block
};
counters stats();

// Current task's priority and name as passed to xTaskCreateStatic (for option tests).
UBaseType_t priority_of(TaskHandle_t t);
const char* name_of(TaskHandle_t t);  // valid while the task exists

}  // namespace freertos_double

#endif
