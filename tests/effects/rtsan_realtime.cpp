// SPDX-License-Identifier: BSL-1.0
// Run-time proof with Clang's RealtimeSanitizer (-fsanitize=realtime, LLVM 20+): the calls an
// audio thread makes run inside a [[clang::nonblocking]] function, so RTSan aborts on any system
// call (futex, sched_yield, ...), allocation or lock made while it is on the stack — including
// inside the tasks the helping wait runs on that thread.
//
//   rtsan_realtime rt        the real-time configuration (wake_policy::poll, wait_policy::spin):
//                            must finish every round with no RTSan report (exit 0)
//   rtsan_realtime control   the default configuration with workers parked: RTSan must report
//                            the futex system call (ctest matches the report)
//
// ctest: rtsan_realtime, rtsan_realtime_control (tests/effects/run_rtsan.cmake builds this file
// with the clang that has RTSan). The seccomp test (tests/test_realtime.cpp) proves the same
// property with g++ and a kernel filter; this is the compiler-checked version.
#include <errgroup/std_thread_boost.hpp>

#include "../realtime_rounds.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

using errgroup::error;
using errgroup::status;

namespace {

std::atomic<int> g_wrong{0};

}  // namespace

int main(int argc, char** argv) {
  const bool rt = argc > 1 && std::strcmp(argv[1], "rt") == 0;
  errgroup::executor_options eo;
  eo.workers = 1;
  eo.spin = 0;
  eo.spin_us = 0;  // workers park at once: only wake_policy::poll keeps the submitter quiet
  if (rt) eo.wake = errgroup::wake_policy::poll;
  errgroup::group_options go;
  if (rt) go.waiting = errgroup::wait_policy::spin;
  for (int backend = 0; backend < 2; ++backend) {
    long done = 0;
    auto run = [&](auto& ex) {
      errgroup::group<16> g(ex, go);
      std::thread audio([&] {
        // Warm-up outside the real-time context: first touches of TLS and pages.
        (void)g.try_go([] {});
        while (g.wait_for(std::chrono::seconds(10)) != status::ok) {
        }
        // Control: let the worker park, so the next submit must wake it.
        if (!rt)
          while (!ex.work_ec().has_sleepers()) std::this_thread::yield();
        std::atomic<long> rounds{0};
        test::realtime_rounds(g, 2000, g_wrong, rounds);
        done = rounds.load();
      });
      audio.join();
    };
    if (backend == 0) {
      errgroup::ring_thread_executor<64> ex(eo);
      run(ex);
    } else {
      errgroup::boost_thread_executor<64> ex(eo);
      run(ex);
    }
    std::printf("rtsan_realtime %s, %s executor: %ld rounds, %d wrong\n", rt ? "rt" : "control",
                backend == 0 ? "ring" : "boost", done, g_wrong.load());
    if (done != 2000 || g_wrong.load() != 0) return 1;
  }
  std::printf("rtsan_realtime: PASS (no RealtimeSanitizer report)\n");
  return 0;
}
