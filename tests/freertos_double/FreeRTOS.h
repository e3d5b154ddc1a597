/* SPDX-License-Identifier: BSL-1.0 */
/* FreeRTOS.h of the errgroup FreeRTOS TEST DOUBLE — not FreeRTOS.
 *
 * tests/freertos_double implements, on std::thread / pthreads, exactly the subset of the
 * FreeRTOS-Kernel API that port/freertos/include/errgroup/freertos.hpp calls (plus
 * portYIELD_FROM_ISR and pdMS_TO_TICKS, which its users call), with the semantics the port relies
 * on:
 *   - xTaskCreateStatic: the task runs fn(param) on its own thread; the caller's StaticTask_t holds
 *     the handle. The stack buffer is checked for presence only (the thread has its own stack).
 *     Priorities are recorded, not enforced: every task runs in parallel, as on an SMP part.
 *   - task notifications: one 32-bit count per index per task. Give increments; Take blocks while
 *     the count is 0 (up to the tick timeout; portMAX_DELAY = forever), returns the count and
 *     clears it (xClearCountOnExit) or decrements it. A give before the take is kept (pending).
 *   - ticks: 1 tick = 1/configTICK_RATE_HZ s of std::chrono::steady_clock. The tick count starts
 *     FREERTOS_DOUBLE_TICK_START (200) ticks before the 32-bit wrap, so tests cross an overflow and
 *     vTaskSetTimeOutState reports xOverflowCount = 1 afterwards.
 *   - FromISR variants must be called inside a simulated interrupt (freertos_double::interrupt,
 *     see freertos_double.hpp) and task-only APIs outside one: each violation fails configASSERT.
 *     Simulated interrupts are serialised (one core's handlers never run in parallel) and may nest.
 *   - vTaskSuspend(NULL) blocks until the task is deleted; eTaskGetState reports eSuspended
 *     for such a task (and eReady for any other task that is not the caller).
 *   - vTaskDelete(other): the task never runs again once it next enters the kernel (its thread
 *     exits there with pthread_exit, as the GCC/Posix port cancels a deleted task's pthread);
 *     vTaskDelete waits for that, as the real call returns with the task gone.
 *   - any thread that is not a double task (the test's main thread, a std::thread) is adopted as
 *     a task on its first call, so it can block, be notified and hold thread-local pointers.
 */
#ifndef FREERTOS_DOUBLE_FREERTOS_H
#define FREERTOS_DOUBLE_FREERTOS_H

/* Set by the double only: lets a program tell it is not on the real kernel. */
#define FREERTOS_DOUBLE 1

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOSConfig.h"

typedef long BaseType_t;
typedef unsigned long UBaseType_t;
typedef uint32_t TickType_t;
typedef uintptr_t StackType_t;
#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdPASS (pdTRUE)
#define pdFAIL (pdFALSE)
#define pdMS_TO_TICKS(ms) \
  ((TickType_t)(((TickType_t)(ms) * (TickType_t)configTICK_RATE_HZ) / (TickType_t)1000U))
#ifndef configSTACK_DEPTH_TYPE
#define configSTACK_DEPTH_TYPE size_t
#endif

void freertos_double_assert_failed(const char* expr, const char* file, int line);
#define configASSERT(x) ((x) ? (void)0 : freertos_double_assert_failed(#x, __FILE__, __LINE__))
#define configASSERT_DEFINED 1

/* An interrupt-context test, as the RP2040 port provides (portCHECK_IF_IN_ISR). */
int freertos_double_in_isr(void);
#define portCHECK_IF_IN_ISR() freertos_double_in_isr()
/* The double does not switch tasks on exit from an interrupt; it records the request. */
void freertos_double_yield_from_isr(BaseType_t x);
#define portYIELD_FROM_ISR(x) freertos_double_yield_from_isr(x)

/* Opaque static storage for a task: the double keeps its bookkeeping elsewhere. */
typedef struct xSTATIC_TCB {
  void* pvDummy[4];
} StaticTask_t;

#endif
