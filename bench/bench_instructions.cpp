// SPDX-License-Identifier: BSL-1.0
// bench/bench_instructions.cpp — deterministic instructions per task on the submit + complete
// path, counted by valgrind --tool=callgrind (instructions, not time: stable on a noisy VM).
//
//   errgroup_bench_instructions <impl> <rounds>
//     impl: errgroup_inline   group<16> on the inline executor: rounds x (16 go() + wait())
//           compact           compact::group<16> (the single-core group, errgroup/compact.hpp) on
//                             a bare-metal port: rounds x (16 go(), then wait() runs them)
//           direct            the same 16 empty calls through a function pointer (the floor)
//
// scripts/bench runs each twice (rounds R1 and R2) and reports (Ir(R2) - Ir(R1)) / (16 (R2 - R1)):
// start-up, set-up and exit cancel out. Also prints sizeof(group<N>) per task slot.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <errgroup/bare_metal.hpp>
#include <errgroup/std_thread.hpp>

namespace {
constexpr int per_round = 16;
volatile int sink;
void __attribute__((noinline)) empty_fn() { sink = 0; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s errgroup_inline|compact|direct|sizes <rounds>\n", argv[0]);
    return 2;
  }
  const long rounds = std::atol(argv[2]);
  if (!std::strcmp(argv[1], "errgroup_inline")) {
    errgroup::inline_executor ex;
    errgroup::group<per_round> g(ex);
    for (long r = 0; r < rounds; ++r) {
      for (int i = 0; i < per_round; ++i)
        if (g.go([] { empty_fn(); }) != errgroup::status::ok) return 1;
      if (g.wait()) return 1;
    }
  } else if (!std::strcmp(argv[1], "compact")) {
    static errgroup::compact::basic_executor<errgroup::basic_bare_metal_port<errgroup::no_clock>>
        ex;
    errgroup::compact::group<per_round> g(ex);
    for (long r = 0; r < rounds; ++r) {
      for (int i = 0; i < per_round; ++i)
        if (g.go([] { empty_fn(); }) != errgroup::status::ok) return 1;
      if (g.wait()) return 1;
    }
  } else if (!std::strcmp(argv[1], "direct")) {
    void (*volatile fp)() = &empty_fn;
    for (long r = 0; r < rounds; ++r)
      for (int i = 0; i < per_round; ++i) fp();
  } else if (!std::strcmp(argv[1], "sizes")) {
    std::printf("{\"group16\": %zu, \"group256\": %zu, \"group4096\": %zu, \"slot_header\": %zu}\n",
                sizeof(errgroup::group<16>), sizeof(errgroup::group<256>),
                sizeof(errgroup::group<4096>), sizeof(errgroup::detail::slot_header));
  } else {
    return 2;
  }
  return 0;
}
