// SPDX-License-Identifier: BSL-1.0
// Compile-time proof (clang 20+, -Wfunction-effects -Werror): everything a real-time thread calls
// on a group is [[clang::nonblocking]] — no allocation, no lock, no throw, no opaque call the
// analysis cannot see through — on every hosted executor, and what an interrupt handler may call
// on errgroup::compact. Built with -fno-exceptions, the
// real-time configuration (with exceptions, reset() may free a stored exception and is not).
// ctest: nonblocking_static_check. Its control, nonblocking_catches_wait.cpp, must fail.
#include <errgroup/compact.hpp>
#include <errgroup/std_thread_boost.hpp>

namespace {
int g_sink;
errgroup::error voice(void* p) { return errgroup::error(*static_cast<int*>(p)); }
}  // namespace

void audio_block(errgroup::group<8>& g, int* arg) ERRGROUP_NONBLOCKING {
  (void)g.try_go([] { g_sink = 1; });
  (void)g.try_go([](errgroup::stop_token t) { g_sink = t.stop_requested() ? 1 : 0; });
  (void)g.try_go([arg]() -> errgroup::error { return errgroup::error(*arg); });
  (void)g.try_go(&voice, arg);
  (void)g.try_go_n(16, [](std::uint32_t i) { g_sink = static_cast<int>(i); });
  (void)g.try_go_n(
      16,
      [arg](std::uint32_t i, errgroup::stop_token t) -> errgroup::error {
        return errgroup::error(t.stop_requested() ? 0 : *arg + static_cast<int>(i));
      },
      4);
  g.stop();
  g.close();
  (void)g.first_error();
  (void)g.cause();
  (void)g.stop_requested();
  (void)g.closed();
  (void)g.outstanding();
  (void)g.finished_all();
  (void)g.token().stop_requested();
  (void)g.set_limit(2);
  (void)g.reset();
}

// errgroup::compact: what an interrupt handler may call (compact.hpp), on a port of its own (the
// bare-metal port's header is not on this check's include path; this one has its shape).
struct isr_port {
  static constexpr bool threadless = true;
  static std::uint64_t now_ns() noexcept { return 0; }
  static bool in_interrupt() noexcept { return true; }
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    (void)changed();
  }
};
void interrupt_handler(errgroup::compact::group<4>& g, int* arg) ERRGROUP_NONBLOCKING {
  (void)g.try_go([] { g_sink = 1; });
  (void)g.try_go([](errgroup::compact::stop_token t) { g_sink = t.stop_requested() ? 1 : 0; });
  (void)g.try_go([arg]() -> errgroup::error { return errgroup::error(*arg); });
  (void)g.try_go(&voice, arg);
  g.stop();
  g.close();
  (void)g.stop_requested();
  (void)g.closed();
  (void)g.outstanding();
  (void)g.finished_all();
  (void)g.token().stop_requested();
}

// Instantiate every hosted executor, so their try_submit / context overrides are analysed too.
int main() {
  int arg = 0;
  errgroup::thread_executor<16> ring;
  errgroup::boost_thread_executor<16> boost;
  errgroup::inline_executor inl;
  errgroup::group<8> a(ring), b(boost), c(inl);
  audio_block(a, &arg);
  audio_block(b, &arg);
  audio_block(c, &arg);
  static errgroup::compact::basic_executor<isr_port> cex;
  errgroup::compact::group<4> d(cex);
  interrupt_handler(d, &arg);
  return 0;
}
