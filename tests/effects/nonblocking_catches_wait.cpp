// SPDX-License-Identifier: BSL-1.0
// The control for nonblocking_check.cpp: the same analysis must reject a real-time function that
// calls wait(), which may park on a futex. ctest nonblocking_catches_wait expects the diagnostic.
#include <errgroup/std_thread.hpp>

void audio_block(errgroup::group<8>& g) ERRGROUP_NONBLOCKING { (void)g.wait(); }

int main() {
  errgroup::thread_executor<16> ex;
  errgroup::group<8> g(ex);
  audio_block(g);
}
