// examples/freertos_sensors.cpp — read N sensors at once on FreeRTOS, with a deadline; the first
// bad sensor cancels the others.
//
// Four simulated sensors (each "conversion" is a few ticks of vTaskDelay, standing in for an I2C/SPI
// transfer that blocks the task) are read by worker tasks of an errgroup::freertos_executor, all
// storage static: the executor holds the worker stacks and TCBs, the group holds the tasks.
// Per round, the sensor task:
//   1. go()es one read per sensor into a group made with with_context(): the first error stops the
//      group, and the other reads see it through their stop_token and give up early. The group
//      does not help (help_policy::never): a waiter that ran a hung read itself would miss its
//      own deadline,
//   2. wait_for(a deadline in kernel ticks); on timeout it stops the group (cancelling the reads
//      still running) and waits for them to return before it touches the results.
// Round 1: every sensor answers. Round 2: sensor 2 reports a CRC error after 2 ms; the slow ones are
// cancelled. Round 3: sensor 3 hangs; the 300 ms deadline cancels it.
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

enum sensor_code : std::int32_t { crc_error = 1, cancelled = 2 };
constexpr errgroup::error_domain sensor_domain{"sensor", [](std::int32_t c) noexcept -> const char* {
  return c == crc_error ? "CRC error" : c == cancelled ? "cancelled" : "sensor error";
}};

struct sensor {
  int id;
  TickType_t conversion_ticks;  // how long one read blocks
  bool fails;                   // report a CRC error half-way
  std::int32_t value;
  bool done;
  // Reads in 1-tick steps, checking for cancellation between them (as a driver would between
  // bus transfers).
  errgroup::error read(errgroup::stop_token st) {
    for (TickType_t t = 0; t < conversion_ticks; ++t) {
      if (st.stop_requested()) return errgroup::error(cancelled, sensor_domain);
      if (fails && t == conversion_ticks / 2) return errgroup::error(crc_error, sensor_domain);
      vTaskDelay(1);
    }
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
  o.spin = 0;                // nothing to gain from spinning on one core
  return o;
}());

struct outcome {
  errgroup::status st;
  errgroup::error err;
  int completed;
};

outcome read_all(TickType_t deadline_ticks) {
  for (sensor& s : sensors) s.done = false;
  errgroup::group_options o = errgroup::group_options::with_context();
  o.help = errgroup::help_policy::never;  // a hard deadline: never run a (slow) read ourselves
  errgroup::group<sensor_count> g(executor, o);
  for (sensor& s : sensors)
    if (g.go([&s](errgroup::stop_token st) { return s.read(st); }) != errgroup::status::ok) break;
  outcome r{g.wait_for(errgroup::freertos_ticks(deadline_ticks)), {}, 0};
  if (r.st == errgroup::status::timeout) g.stop();  // cancel the reads still running
  r.err = g.wait();  // before touching `sensors`: every read has returned
  for (const sensor& s : sensors) r.completed += s.done ? 1 : 0;
  std::printf("  %s after deadline %lu ticks: %s (%s), %d/%d sensors read\n",
              r.st == errgroup::status::ok ? "done" : "timeout",
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

  sensors[2].fails = true;  // CRC error after ~25 ms; sensor 3 (65 ms) is cancelled by it
  std::printf("round 2: sensor 2 fails\n");
  const outcome b = read_all(deadline);

  sensors[2].fails = false;
  sensors[3].conversion_ticks = pdMS_TO_TICKS(10000);  // hangs: the deadline cancels it
  std::printf("round 3: sensor 3 hangs\n");
  const outcome c = read_all(deadline);

  const bool ok = a.st == errgroup::status::ok && !a.err && a.completed == sensor_count &&
                  b.err == errgroup::error(crc_error, sensor_domain) && !sensors[3].done &&
                  c.st == errgroup::status::timeout && c.completed == sensor_count - 1 &&
                  c.err == errgroup::error(cancelled, sensor_domain);
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
