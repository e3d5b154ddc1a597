// SPDX-License-Identifier: BSL-1.0
// The errgroup FreeRTOS TEST DOUBLE — not FreeRTOS. See FreeRTOS.h here for the semantics kept.
// Test code: it may lock and allocate; the port it serves may not.
#if defined(__SANITIZE_ADDRESS__)
#define FREERTOS_DOUBLE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREERTOS_DOUBLE_LSAN 1
#endif
#endif
#if FREERTOS_DOUBLE_LSAN
#include <sanitizer/lsan_interface.h>
#endif
#include "freertos_double.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#ifndef FREERTOS_DOUBLE_TICK_START
#define FREERTOS_DOUBLE_TICK_START 200u  // ticks before the 32-bit tick count wraps
#endif

struct tskTaskControlBlock {
  std::mutex m;
  std::condition_variable cv;
  std::uint32_t notify[configTASK_NOTIFICATION_ARRAY_ENTRIES] = {};
  void* tls[configNUM_THREAD_LOCAL_STORAGE_POINTERS] = {};
  std::string name;
  UBaseType_t priority = 0;
  TaskFunction_t fn = nullptr;
  void* param = nullptr;
  bool adopted = false;
  bool deleted = false;            // vTaskDelete was called
  bool gone = false;               // the thread will run no more task code
  bool suspended = false;          // blocked in vTaskSuspend(NULL)
  StaticTask_t* buffer = nullptr;  // the caller's storage (static tasks)
  pthread_t thread{};              // joined by vTaskDelete
};

namespace {

std::atomic<std::uint64_t> n_from_isr{0}, n_yield_isr{0}, n_created{0}, n_deleted{0}, n_gives{0},
    n_blocked{0};

// Trivially destructible, so it stays valid while static destructors run after main() returns
// (an executor destroyed then still joins its workers from the main thread).
thread_local tskTaskControlBlock* self_tcb = nullptr;
thread_local int isr_depth = 0;
std::recursive_mutex isr_mutex;  // interrupts of the one simulated core never overlap

const auto t0 = std::chrono::steady_clock::now();

std::uint64_t ticks64() {
  const auto d = std::chrono::steady_clock::now() - t0;
  const auto ticks = std::chrono::duration_cast<
                         std::chrono::duration<std::int64_t, std::ratio<1, configTICK_RATE_HZ>>>(d)
                         .count();
  return (std::uint64_t{1} << 32) - FREERTOS_DOUBLE_TICK_START + static_cast<std::uint64_t>(ticks);
}

tskTaskControlBlock* current() {
  if (self_tcb == nullptr) {
    self_tcb = new tskTaskControlBlock;  // an adopted thread's TCB is never freed (test code)
#if FREERTOS_DOUBLE_LSAN
    __lsan_ignore_object(self_tcb);  // deliberate: it must outlive thread-local destructors
#endif
    self_tcb->adopted = true;
    self_tcb->name = "adopted";
  }
  return self_tcb;
}

void task_only(const char* what) {
  if (isr_depth != 0)
    freertos_double_assert_failed(what, "task-only API called in an interrupt", 0);
}

// Called with t->m held by the task itself at a kernel entry: a deleted task ends here.
void exit_if_deleted(std::unique_lock<std::mutex>& lk, tskTaskControlBlock* t) {
  if (!t->deleted) return;
  t->gone = true;
  t->cv.notify_all();
  lk.unlock();
  pthread_exit(nullptr);  // unwinds the task's frames (none of them noexcept) and ends the thread
}

extern "C" void* task_start(void* p) {
  auto* holder = static_cast<std::shared_ptr<tskTaskControlBlock>*>(p);
  const std::shared_ptr<tskTaskControlBlock> keep = *holder;  // until the thread ends
  delete holder;
  self_tcb = keep.get();
  self_tcb->fn(self_tcb->param);
  freertos_double_assert_failed("a FreeRTOS task function returned", __FILE__, __LINE__);
  return nullptr;
}

}  // namespace

void freertos_double_assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "configASSERT failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}

int freertos_double_in_isr(void) { return isr_depth != 0 ? 1 : 0; }

void freertos_double_yield_from_isr(BaseType_t x) {
  if (x != pdFALSE) n_yield_isr.fetch_add(1, std::memory_order_relaxed);
}

TaskHandle_t xTaskCreateStatic(TaskFunction_t fn, const char* const name,
                               const configSTACK_DEPTH_TYPE depth, void* const param,
                               UBaseType_t prio, StackType_t* const stack,
                               StaticTask_t* const buffer) {
  configASSERT(stack != nullptr && buffer != nullptr && depth > 0);
  configASSERT(prio < configMAX_PRIORITIES);
  auto t = std::make_shared<tskTaskControlBlock>();
  t->name.assign(name != nullptr ? name : "", 0, configMAX_TASK_NAME_LEN - 1);
  t->priority = prio;
  t->fn = fn;
  t->param = param;
  t->buffer = buffer;
  buffer->pvDummy[0] = t.get();
  buffer->pvDummy[1] = new std::shared_ptr<tskTaskControlBlock>(t);  // dropped by vTaskDelete
  auto* holder = new std::shared_ptr<tskTaskControlBlock>(t);
  if (pthread_create(&t->thread, nullptr, &task_start, holder) != 0) {
    delete holder;
    return nullptr;
  }
  n_created.fetch_add(1, std::memory_order_relaxed);
  return t.get();  // kept alive by the task's thread until it exits
}

void vTaskDelete(TaskHandle_t t) {
  task_only("vTaskDelete");
  configASSERT(t != nullptr && t != current());  // the port never deletes itself
  configASSERT(!t->adopted);
  std::unique_lock<std::mutex> lk(t->m);
  t->deleted = true;
  t->cv.notify_all();
  t->cv.wait(lk, [t] { return t->gone; });  // it never runs task code again
  lk.unlock();
  // And its thread has ended, as a deleted task is gone at once: a thread still in pthread_exit
  // (unwinding, freeing its TCB and thread-local storage) when the process exits raced the
  // exit once (armhf under qemu-user: "free(): corrupted unsorted chunks" after the test passed).
  // t stays alive until the reference below is dropped.
  pthread_join(t->thread, nullptr);
  n_deleted.fetch_add(1, std::memory_order_relaxed);
  StaticTask_t* buffer = t->buffer;
  delete static_cast<std::shared_ptr<tskTaskControlBlock>*>(buffer->pvDummy[1]);  // may free t
  buffer->pvDummy[1] = nullptr;
}

void vTaskSuspend(TaskHandle_t t) {
  task_only("vTaskSuspend");
  configASSERT(t == nullptr);  // the port suspends only itself
  tskTaskControlBlock* me = current();
  std::unique_lock<std::mutex> lk(me->m);
  me->suspended = true;
  for (;;) {  // no vTaskResume in the subset: suspended until deleted
    exit_if_deleted(lk, me);
    me->cv.wait(lk);
  }
}

eTaskState eTaskGetState(TaskHandle_t t) {
  task_only("eTaskGetState");
  configASSERT(t != nullptr);
  if (t == current()) return eRunning;
  std::lock_guard<std::mutex> lk(t->m);
  // The double tells only what the port asks: suspended or not (every task runs in parallel).
  return t->gone ? eDeleted : t->suspended ? eSuspended : eReady;
}

void vTaskDelay(const TickType_t ticks) {
  task_only("vTaskDelay");
  tskTaskControlBlock* me = current();
  std::unique_lock<std::mutex> lk(me->m);
  exit_if_deleted(lk, me);
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration<std::int64_t, std::ratio<1, configTICK_RATE_HZ>>(ticks);
  while (me->cv.wait_until(lk, until) != std::cv_status::timeout) exit_if_deleted(lk, me);
  exit_if_deleted(lk, me);
}

TaskHandle_t xTaskGetCurrentTaskHandle(void) {
  task_only("xTaskGetCurrentTaskHandle");
  return current();
}

BaseType_t xTaskGetSchedulerState(void) { return taskSCHEDULER_RUNNING; }

void vTaskSetTimeOutState(TimeOut_t* const out) {
  task_only("vTaskSetTimeOutState");
  const std::uint64_t t = ticks64();
  out->xOverflowCount = static_cast<BaseType_t>(t >> 32);
  out->xTimeOnEntering = static_cast<TickType_t>(t);
}

void vTaskSetThreadLocalStoragePointer(TaskHandle_t t, BaseType_t i, void* v) {
  task_only("vTaskSetThreadLocalStoragePointer");
  configASSERT(i >= 0 && i < configNUM_THREAD_LOCAL_STORAGE_POINTERS);
  if (t == nullptr) t = current();
  configASSERT(t == current());  // the port touches only its own task's pointers
  t->tls[i] = v;
}

void* pvTaskGetThreadLocalStoragePointer(TaskHandle_t t, BaseType_t i) {
  task_only("pvTaskGetThreadLocalStoragePointer");
  configASSERT(i >= 0 && i < configNUM_THREAD_LOCAL_STORAGE_POINTERS);
  if (t == nullptr) t = current();
  configASSERT(t == current());
  return t->tls[i];
}

uint32_t ulTaskNotifyTakeIndexed(UBaseType_t idx, BaseType_t clear, TickType_t ticks) {
  task_only("ulTaskNotifyTakeIndexed");
  configASSERT(idx < configTASK_NOTIFICATION_ARRAY_ENTRIES);
  tskTaskControlBlock* me = current();
  std::unique_lock<std::mutex> lk(me->m);
  exit_if_deleted(lk, me);
  if (me->notify[idx] == 0 && ticks != 0) {
    n_blocked.fetch_add(1, std::memory_order_relaxed);
    if (ticks == portMAX_DELAY) {
      while (me->notify[idx] == 0) {
        me->cv.wait(lk);
        exit_if_deleted(lk, me);
      }
    } else {
      const auto until =
          std::chrono::steady_clock::now() +
          std::chrono::duration<std::int64_t, std::ratio<1, configTICK_RATE_HZ>>(ticks);
      while (me->notify[idx] == 0 && me->cv.wait_until(lk, until) != std::cv_status::timeout)
        exit_if_deleted(lk, me);
    }
  }
  const std::uint32_t v = me->notify[idx];
  if (v != 0) me->notify[idx] = clear != pdFALSE ? 0 : v - 1;
  return v;
}

static void give(TaskHandle_t t, UBaseType_t idx) {
  configASSERT(t != nullptr && idx < configTASK_NOTIFICATION_ARRAY_ENTRIES);
  std::lock_guard<std::mutex> lk(t->m);
  ++t->notify[idx];
  t->cv.notify_all();
  n_gives.fetch_add(1, std::memory_order_relaxed);
}

BaseType_t xTaskNotifyGiveIndexed(TaskHandle_t t, UBaseType_t idx) {
  task_only("xTaskNotifyGiveIndexed");
  give(t, idx);
  return pdPASS;
}

void vTaskNotifyGiveIndexedFromISR(TaskHandle_t t, UBaseType_t idx, BaseType_t* woken) {
  if (isr_depth == 0)
    freertos_double_assert_failed("vTaskNotifyGiveIndexedFromISR", "called outside an interrupt",
                                  0);
  n_from_isr.fetch_add(1, std::memory_order_relaxed);
  give(t, idx);
  // The double has no priorities to compare: a woken task always "should run".
  if (woken != nullptr) *woken = pdTRUE;
}

namespace freertos_double {

interrupt::interrupt() {
  isr_mutex.lock();
  ++isr_depth;
}
interrupt::~interrupt() {
  --isr_depth;
  isr_mutex.unlock();
}

counters stats() {
  return counters{n_from_isr.load(), n_yield_isr.load(), n_created.load(),
                  n_deleted.load(),  n_gives.load(),     n_blocked.load()};
}

UBaseType_t priority_of(TaskHandle_t t) { return t->priority; }
const char* name_of(TaskHandle_t t) { return t->name.c_str(); }

}  // namespace freertos_double
