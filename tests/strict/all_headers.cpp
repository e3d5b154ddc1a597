// SPDX-License-Identifier: BSL-1.0
// Every public header together, and the templates a user instantiates, under the warning flags
// studios build with (tests/strict/strict_headers.cmake): a template's warnings show only when it
// is instantiated, so this uses each entry point once. Compiled, never run.
#include <errgroup/bare_metal.hpp>
#include <errgroup/errgroup.hpp>
#include <errgroup/queue/boost_lockfree.hpp>
#include <errgroup/queue/mpmc_ring.hpp>
#include <errgroup/std_thread.hpp>
#include <errgroup/std_thread_boost.hpp>

#include <chrono>
#include <cstdint>

namespace {
struct sensor {
  int id;
  errgroup::error read() const noexcept { return id < 0 ? errgroup::error(5) : errgroup::error{}; }
};
errgroup::error c_task(void* ctx) noexcept { return static_cast<sensor*>(ctx)->read(); }

// Named as the README names them: `ex`, `g`, `s`, `st` must not shadow anything in the headers.
template <class Executor>
int use(Executor& ex) {
  sensor sensors[2] = {{1}, {2}};
  errgroup::group<16> g(ex);
  for (auto& s : sensors) (void)g.go([&s]() -> errgroup::error { return s.read(); });
  (void)g.go([](errgroup::stop_token st) { (void)st.stop_requested(); });
  (void)g.try_go([]() {});
  (void)g.go(&c_task, &sensors[0]);
  (void)g.try_go(&c_task, &sensors[1]);
  errgroup::error err = g.wait();
  for (const errgroup::error& e : g.errors()) (void)e.message();
  (void)g.set_limit(2);
  (void)g.wait_for(std::chrono::milliseconds(1));
  (void)g.wait_for(std::chrono::duration<double, std::micro>(2.5));
  (void)g.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  errgroup::group<4, 64> child(ex, errgroup::group_options::with_context(&g));
  (void)child.go([]() {});
  g.stop();
  (void)child.wait();
  (void)g.cause();
  (void)g.stats();
  (void)g.reset();
  return err ? 1 : 0;
}
}  // namespace

int strict_headers_use() {
  errgroup::thread_executor<> ex;
  errgroup::boost_thread_executor<64> bex;
  errgroup::inline_executor iex;
  return use(ex) + use(bex) + use(iex);
}
