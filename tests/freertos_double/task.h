/* SPDX-License-Identifier: BSL-1.0 */
/* task.h of the errgroup FreeRTOS TEST DOUBLE — not FreeRTOS. See FreeRTOS.h here. */
#ifndef FREERTOS_DOUBLE_TASK_H
#define FREERTOS_DOUBLE_TASK_H

#include "FreeRTOS.h"

#define tskKERNEL_VERSION_NUMBER "V11.3.0 (errgroup test double)"
#define tskKERNEL_VERSION_MAJOR 11
#define tskKERNEL_VERSION_MINOR 3
#define tskKERNEL_VERSION_BUILD 0

#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define taskSCHEDULER_SUSPENDED ((BaseType_t)0)
#define taskSCHEDULER_NOT_STARTED ((BaseType_t)1)
#define taskSCHEDULER_RUNNING ((BaseType_t)2)

struct tskTaskControlBlock;
typedef struct tskTaskControlBlock* TaskHandle_t;
typedef void (*TaskFunction_t)(void*);
typedef enum { eRunning = 0, eReady, eBlocked, eSuspended, eDeleted, eInvalid } eTaskState;

typedef struct xTIME_OUT {
  BaseType_t xOverflowCount;
  TickType_t xTimeOnEntering;
} TimeOut_t;

TaskHandle_t xTaskCreateStatic(TaskFunction_t pxTaskCode, const char* const pcName,
                               const configSTACK_DEPTH_TYPE uxStackDepth, void* const pvParameters,
                               UBaseType_t uxPriority, StackType_t* const puxStackBuffer,
                               StaticTask_t* const pxTaskBuffer);
void vTaskDelete(TaskHandle_t xTaskToDelete);
void vTaskSuspend(TaskHandle_t xTaskToSuspend);
eTaskState eTaskGetState(TaskHandle_t xTask);
void vTaskDelay(const TickType_t xTicksToDelay);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
BaseType_t xTaskGetSchedulerState(void);
void vTaskSetTimeOutState(TimeOut_t* const pxTimeOut);
void vTaskSetThreadLocalStoragePointer(TaskHandle_t xTaskToSet, BaseType_t xIndex, void* pvValue);
void* pvTaskGetThreadLocalStoragePointer(TaskHandle_t xTaskToQuery, BaseType_t xIndex);
uint32_t ulTaskNotifyTakeIndexed(UBaseType_t uxIndexToWaitOn, BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait);
BaseType_t xTaskNotifyGiveIndexed(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify);
void vTaskNotifyGiveIndexedFromISR(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify,
                                   BaseType_t* pxHigherPriorityTaskWoken);

#endif
