// SPDX-License-Identifier: BSL-1.0
// examples/freertos_sensors.cpp — read N sensors at once on FreeRTOS, with a deadline; the first
// bad sensor cancels the others, and a stop aborts a read blocked in its "driver" at once.
//
// Four simulated sensors are read by worker tasks of an errgroup::freertos_executor, all storage
// static: the executor holds the worker stacks and TCBs, the group holds the tasks. A read blocks
// on a task notification, as a driver waits for its bus-transfer-complete interrupt (here the
// conversion time is the wait's timeout). It never polls: an errgroup::stop_callback gives the
// notification when the group stops, from the thread that stops it, so the read returns at once
// (Go: select on <-ctx.Done()).
// Per round, the sensor task:
//   1. makes a group with with_context() (the first error stops it) and a deadline,
//      stop_after(300 ms) (Go: context.WithTimeout): at the deadline the group stops itself,
//      with errc::deadline_exceeded as its error. The group does not help
//      (help_policy::never): the sensor task only watches, so it notices the deadline on time;
//   2. go()es one read per sensor and wait()s: every read has returned before it touches the
//      results.
// Round 1: every sensor answers. Round 2: sensor 2 reports a CRC error after ~25 ms; the slow one
// is aborted. Round 3: sensor 3 hangs; the deadline aborts it.
//
// Builds against the real kernel (the main() below creates the task and starts the scheduler; on
// the host's GCC/Posix port vTaskEndScheduler() returns from it) and against the FreeRTOS test
// double in tests/freertos_double (main() is then a task already). Exit code 0: all three rounds
// ended as described.
#include <errgroup/freertos.hpp>

#include <FreeRTOS.h>
#include <task.h>

#include <cstdint>
#include <cstdio>

namespace {

constexpr int sensor_count = 4;

enum sensor_code : std::int32_t { crc_error = 1, cancelled = 2, no_callback = 3 };
constexpr errgroup::error_domain sensor_domain{
    "sensor", [](std::int32_t c) noexcept -> const char* {
      return c == crc_error ? "CRC error" : c == cancelled ? "cancelled" : "sensor error";
    }};

constexpr UBaseType_t driver_notify_index = 0;  // errgroup parks on the last index, not this one

struct sensor {
  int id;
  TickType_t conversion_ticks;  // how long one read blocks
  bool fails;                   // report a CRC error half-way
  std::int32_t value;
  bool done;
  errgroup::error read(errgroup::stop_token st) {
    const TaskHandle_t me = xTaskGetCurrentTaskHandle();
    (void)ulTaskNotifyTakeIndexed(driver_notify_index, pdTRUE, 0);  // drop a stale abort
    // What the group's stop does to this read: wake it, from the stopping thread.
    errgroup::stop_callback abort(
        [me]() noexcept { xTaskNotifyGiveIndexed(me, driver_notify_index); });
    if (abort.arm(st) != errgroup::status::ok) return errgroup::error(no_callback, sensor_domain);
    // The "transfer": blocks until it completes (the timeout here) or the abort comes.
    const TickType_t ticks = fails ? conversion_ticks / 2 : conversion_ticks;
    if (ulTaskNotifyTakeIndexed(driver_notify_index, pdTRUE, ticks) != 0 || st.stop_requested())
      return errgroup::error(cancelled, sensor_domain);
    if (fails) return errgroup::error(crc_error, sensor_domain);
    value = 1000 + id;
    done = true;
    return {};
  }
};

sensor sensors[sensor_count];
errgroup::freertos_executor<8, sensor_count> executor([] {
  errgroup::executor_options o;
  o.workers = sensor_count;  // one task per sensor: the reads block, so they overlap
  o.name = "sensor";
  o.spin = 0;  // nothing to gain from spinning on one core
  return o;
}());

struct outcome {
  errgroup::error err;
  int completed;
};

outcome read_all(TickType_t deadline_ticks) {
  for (sensor& s : sensors) s.done = false;
  errgroup::group_options o = errgroup::group_options::with_context();
  o.help = errgroup::help_policy::never;  // a hard deadline: never run a (slow) read ourselves
  errgroup::group<sensor_count> g(executor, o);
  if (g.stop_after(errgroup::freertos_ticks(deadline_ticks)) != errgroup::status::ok) return {};
  for (sensor& s : sensors)
    if (g.go([&s](errgroup::stop_token st) { return s.read(st); }) != errgroup::status::ok) break;
  outcome r{g.wait(), 0};  // every read has returned: `sensors` is ours again
  for (const sensor& s : sensors) r.completed += s.done ? 1 : 0;
  std::printf("  deadline %lu ticks: %s (%s), %d/%d sensors read\n",
              static_cast<unsigned long>(deadline_ticks), r.err ? "error" : "ok",
              r.err ? r.err.message() : "-", r.completed, sensor_count);
  return r;
}

int run_demo() {
  // Margins wide enough for a loaded machine or an emulator (the example runs as a test under
  // qemu-user too): reads of 20-65 ms against a 300 ms deadline; in round 2 the CRC error comes
  // at ~25 ms, 40 ms before sensor 3 would finish.
  const TickType_t deadline = pdMS_TO_TICKS(300);
  for (int i = 0; i < sensor_count; ++i)
    sensors[i] = sensor{i, pdMS_TO_TICKS(5 * (4 + 3 * i)), false, 0, false};
  std::printf("round 1: all sensors healthy\n");
  const outcome a = read_all(deadline);

  sensors[2].fails = true;  // CRC error after ~25 ms; sensor 3 (65 ms) is aborted by it
  std::printf("round 2: sensor 2 fails\n");
  const outcome b = read_all(deadline);

  sensors[2].fails = false;
  sensors[3].conversion_ticks = pdMS_TO_TICKS(10000);  // hangs: the deadline aborts it
  std::printf("round 3: sensor 3 hangs\n");
  const outcome c = read_all(deadline);

  const bool ok = !a.err && a.completed == sensor_count &&
                  b.err == errgroup::error(crc_error, sensor_domain) && !sensors[3].done &&
                  c.completed == sensor_count - 1 &&
                  c.err == errgroup::error(errgroup::errc::deadline_exceeded);
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace

#if defined(FREERTOS_DOUBLE)
int main() { return run_demo(); }  // the test double adopts main()'s thread as a task
#else
// The real kernel: one static application task, then the scheduler. On the host's GCC/Posix port
// vTaskEndScheduler() makes vTaskStartScheduler() return; on a microcontroller, loop instead.
namespace {
int exit_code = 2;
StackType_t app_stack[configMINIMAL_STACK_SIZE * 8];
StaticTask_t app_tcb;
void app_task(void*) {
  exit_code = run_demo();
  vTaskEndScheduler();
  for (;;) vTaskSuspend(nullptr);
}
}  // namespace

int main() {
  xTaskCreateStatic(&app_task, "app", sizeof app_stack / sizeof app_stack[0], nullptr,
                    tskIDLE_PRIORITY + 2, app_stack, &app_tcb);
  vTaskStartScheduler();
  return exit_code;
}
#endif
