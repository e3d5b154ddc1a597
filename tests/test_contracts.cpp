// SPDX-License-Identifier: BSL-1.0
// Contract violations that have no status to return go to ERRGROUP_ASSERT. This binary maps the
// hook to a recorder (its own executable, so the macro is the same in every translation unit of
// it) and checks that each documented contract is asserted.
#include <atomic>
#include <cstring>
#include <new>

namespace contract {
inline std::atomic<int> violations{0};
inline const char* last = nullptr;
inline void fail(const char* msg) {
  last = msg;
  violations.fetch_add(1);
}
}  // namespace contract
#define ERRGROUP_ASSERT(cond, msg) ((cond) ? (void)0 : contract::fail(msg))

#include <catch2/catch.hpp>

#include <errgroup/bare_metal.hpp>

#include "test_util.hpp"

using errgroup::status;

TEST_CASE("destroying an executor that a group still uses is asserted", "[contract]") {
  // Raw storage so the test can end the executor's lifetime first and then never touch the
  // (idle) group again: the contract says this is the user's bug, and the assert reports it.
  alignas(errgroup::ring_thread_executor<8>) unsigned char
      ex_buf[sizeof(errgroup::ring_thread_executor<8>)];
  alignas(errgroup::group<2>) unsigned char g_buf[sizeof(errgroup::group<2>)];
  errgroup::executor_options o;
  o.workers = 1;
  auto* ex = ::new (ex_buf) errgroup::ring_thread_executor<8>(o);
  auto* g = ::new (g_buf) errgroup::group<2>(*ex);
  REQUIRE(g->go([] {}) == status::ok);
  REQUIRE_FALSE(g->wait());
  contract::violations.store(0);
  ex->~basic_executor();
  REQUIRE(contract::violations.load() == 1);
  REQUIRE(std::strstr(contract::last, "executor destroyed while a group still uses it") != nullptr);
}

TEST_CASE("destroying a parent group before its linked child is asserted", "[contract]") {
  errgroup::ring_thread_executor<8> ex;
  alignas(errgroup::group<2>) unsigned char p_buf[sizeof(errgroup::group<2>)];
  auto* parent = ::new (p_buf) errgroup::group<2>(ex);
  errgroup::group_options o;
  o.parent = parent;
  {
    errgroup::group<2> child(ex, o);
    contract::violations.store(0);
    parent->~group();
    REQUIRE(contract::violations.load() == 1);
    REQUIRE(std::strstr(contract::last, "parent group destroyed before a child") != nullptr);
    // Re-create the parent in place so the child's destructor unlinks from a live object.
    parent = ::new (p_buf) errgroup::group<2>(ex);
  }  // the child unlinks from the fresh parent: its count wraps (the simulated bug's after-effect)
  parent->~group();  // asserts again (recorded) and detaches from the executor
}

TEST_CASE("errors() while tasks are outstanding is asserted", "[contract]") {
  errgroup::ring_thread_executor<8> ex;
  errgroup::group<2> g(ex);
  test::gate gate;
  REQUIRE(g.go([&] { gate.wait(); }) == status::ok);
  contract::violations.store(0);
  (void)g.errors();
  REQUIRE(contract::violations.load() == 1);
  gate.open();
  REQUIRE_FALSE(g.wait());
  (void)g.errors();
  REQUIRE(contract::violations.load() == 1);
}

TEST_CASE("asking for more workers than MaxWorkers is asserted and clamped", "[contract]") {
  errgroup::executor_options o;
  o.workers = 5;
  contract::violations.store(0);
  errgroup::ring_thread_executor<8, 2> ex(o);
  REQUIRE(contract::violations.load() == 1);
  REQUIRE(ex.worker_count() == 2);
}

// A port with no workers on the host (the bare-metal port with a clock that reads 0).
using no_worker_executor =
    errgroup::basic_cooperative_executor<errgroup::basic_bare_metal_port<errgroup::no_clock>,
                                         errgroup::mpmc_ring<errgroup::job*, 8>>;

TEST_CASE("help_policy::never on an executor without workers is asserted", "[contract]") {
  // Nobody would ever run the queued tasks: wait() would hang.
  no_worker_executor ex;
  REQUIRE(ex.worker_count() == 0);
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  contract::violations.store(0);
  {
    errgroup::group<2> g(ex, o);
    REQUIRE(contract::violations.load() == 1);
    REQUIRE(std::strstr(contract::last, "help_policy::never needs an executor with workers") !=
            nullptr);
  }
  // The inline executor has no workers either, but queues nothing: allowed.
  errgroup::inline_executor inl;
  contract::violations.store(0);
  errgroup::group<2> g2(inl, o);
  REQUIRE(contract::violations.load() == 0);
}

TEST_CASE("linking a group to a parent on another port's executor is asserted", "[contract]") {
  // The parent's stop() wakes the child's parked threads through the port's park event count,
  // which the child's port does not share.
  errgroup::ring_thread_executor<8> hosted;
  no_worker_executor other;
  errgroup::group<2> parent(hosted);
  errgroup::group_options o;
  o.parent = &parent;
  contract::violations.store(0);
  {
    errgroup::group<2> child(other, o);
    REQUIRE(contract::violations.load() == 1);
    REQUIRE(std::strstr(contract::last, "executors of the same port") != nullptr);
  }
  errgroup::ring_thread_executor<8> hosted2;  // another executor of the same port: allowed
  contract::violations.store(0);
  errgroup::group<2> child2(hosted2, o);
  REQUIRE(contract::violations.load() == 0);
}
