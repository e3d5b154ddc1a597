// SPDX-License-Identifier: BSL-1.0
// The FreeRTOS port header and the templates a firmware user instantiates, under the warning
// flags studios build with (tests/strict/strict_headers.cmake), against the FreeRTOS test double's
// headers (tests/freertos_double). Compiled, never run.
#include <errgroup/errgroup.hpp>
#include <errgroup/freertos.hpp>

#include <chrono>

namespace {
errgroup::error c_task(void* ctx) noexcept {
  return *static_cast<int*>(ctx) < 0 ? errgroup::error(5) : errgroup::error{};
}
}  // namespace

int strict_freertos_use() {
  static errgroup::freertos_executor<8, 2> ex;
  static errgroup::freertos_inline_executor iex;
  errgroup::group<8> g(ex);
  errgroup::group<8> gi(iex);
  int value = 1;
  (void)g.go([&value]() -> errgroup::error { return c_task(&value); });
  (void)g.go([](errgroup::stop_token st) { (void)st.stop_requested(); });
  (void)gi.go(&c_task, &value);
  BaseType_t woken = 0;  // pdFALSE, without its C cast
  (void)errgroup::try_go_from_isr(
      g, []() {}, &woken);
  (void)errgroup::try_go_from_isr(g, &c_task, &value, &woken);
  (void)g.wait_for(std::chrono::milliseconds(5));
  (void)g.wait_for(errgroup::freertos_ticks(3));
  (void)g.wait_until(errgroup::freertos_clock::now() + std::chrono::milliseconds(20));
  errgroup::error err = g.wait();
  (void)gi.wait();
  return err ? 1 : 0;
}
