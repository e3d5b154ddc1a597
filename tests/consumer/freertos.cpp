// SPDX-License-Identifier: BSL-1.0
// The FreeRTOS port through the package's errgroup::freertos target (compiled only).
#include <errgroup/freertos.hpp>

int consumer_freertos_use() {
  static errgroup::freertos_executor<8, 2> ex;
  errgroup::group<4> g(ex);
  (void)g.go([] {});
  return g.wait() ? 1 : 0;
}
