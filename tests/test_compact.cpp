// SPDX-License-Identifier: BSL-1.0
// errgroup::compact (errgroup/compact.hpp): the single-core group, on the bare-metal port with a
// simulated core, as firmware builds it (ERRGROUP_THREADS=0, tests/CMakeLists.txt). The port's
// clock is a manual one, its idle is the "wfi" (it counts sleeps and ends a timed wait's sleep by
// advancing the clock: a sleep with nothing to end it is recorded as a hang), and a simulated
// interrupt handler submits with try_go() or stops a group from inside a task or a clock read,
// with the in-interrupt flag set, as a real handler preempts the main loop. One test runs a real
// second thread as the interrupt, concurrently with the main loop, for ThreadSanitizer. Contract
// violations go to a recorder (this is its own binary). The protocol: tests/model/compact.pml; zero
// heap calls: tests/test_alloc.cpp.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

namespace contract {
inline int violations = 0;
inline const char* last = "";
inline void fail(const char* msg) {
  last = msg;
  ++violations;
}
}  // namespace contract
#define ERRGROUP_ASSERT(cond, msg) ((cond) ? (void)0 : contract::fail(msg))

#include <catch2/catch.hpp>

#include <errgroup/bare_metal.hpp>

static_assert(!errgroup::has_threads, "this test is built with ERRGROUP_THREADS=0");

using errgroup::status;

namespace {

struct sim {
  static inline std::uint64_t now = 1000000000;  // ns
  static inline void (*on_read)() = nullptr;     // an "interrupt" at the next clock read
  static inline int sleeps = 0;
  static inline int hangs = 0;
  static inline std::uint64_t sleep_step = 1000000;  // a sleep ends at the next 1 ms tick
  static void reset() {
    on_read = nullptr;
    sleeps = hangs = 0;
    sleep_step = 1000000;
  }
};
struct sim_clock {
  static std::uint64_t now_ns() noexcept {
    if (void (*f)() = sim::on_read) {
      sim::on_read = nullptr;
      f();
    }
    return sim::now;
  }
};
struct sim_idle {
  template <class F>
  static void idle_unless(F&& changed) noexcept {
    if (changed()) return;  // "masked": nothing runs between this check and the wfi
    ++sim::sleeps;
    if (sim::sleep_step == 0) {  // no interrupt will ever come: a hang on hardware
      ++sim::hangs;
      sim::now += 1000000000;
      if (sim::hangs > 1000) std::abort();
      return;
    }
    sim::now += sim::sleep_step;  // the tick's interrupt ends the wfi
  }
};
struct sim_interrupts {
  static inline thread_local bool in_handler = false;
  static bool in_interrupt() noexcept { return in_handler; }
};
using sim_port = errgroup::basic_bare_metal_port<sim_clock, sim_idle, sim_interrupts>;
using executor = errgroup::compact::basic_executor<sim_port>;
template <std::size_t N>
using group = errgroup::compact::group<N>;

// As an interrupt handler: f() with the in-interrupt flag set.
template <class F>
void in_isr(F&& f) {
  sim_interrupts::in_handler = true;
  f();
  sim_interrupts::in_handler = false;
}

// Counts constructions and destructions of the callables that carry it.
struct tally {
  int made = 0, destroyed = 0, ran = 0;
};
struct counted {
  tally* t;
  explicit counted(tally& x) : t(&x) { ++t->made; }
  counted(counted&& o) noexcept : t(o.t) { ++t->made; }
  counted(const counted&) = delete;
  ~counted() { ++t->destroyed; }
  void operator()() const { ++t->ran; }
};

}  // namespace

TEST_CASE("compact: go and wait run every task on the main loop, wait returns the first error",
          "[compact]") {
  sim::reset();
  executor ex;
  group<8> g(ex);
  std::vector<int> order;
  for (int i = 0; i < 6; ++i)
    REQUIRE(g.go([&order, i]() -> errgroup::error {
      order.push_back(i);
      return errgroup::error(i == 2 ? 5 : i == 4 ? 9 : 0);
    }) == status::ok);
  CHECK(order.empty());  // nothing runs behind the main loop's back
  CHECK(g.outstanding() == 6);
  REQUIRE(g.wait().code() == 5);
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5});  // the slots round robin: submission order
  CHECK(g.finished_all());
  const errgroup::error_list l = g.errors();
  REQUIRE(l.size == 2);
  CHECK(l.data[0].code() == 5);
  CHECK(l.data[1].code() == 9);
  CHECK(l.dropped == 0);
  CHECK(sim::sleeps == 0);
  // The error carries over until reset(), as Go's Wait returns it again.
  CHECK(g.wait().code() == 5);
  REQUIRE(g.reset() == status::ok);
  CHECK(!g.first_error());
  CHECK(g.errors().empty());
}

TEST_CASE("compact: errors() is bounded by the capacity and counts the rest", "[compact]") {
  executor ex;
  group<2> g(ex);
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 2; ++i)
      REQUIRE(g.go([i] { return errgroup::error(10 + i); }) == status::ok);
  REQUIRE(g.wait().code() == 10);
  const errgroup::error_list l = g.errors();
  CHECK(l.size == 2);
  CHECK(l.dropped == 4);
  CHECK(l.data[1].code() == 11);
}

TEST_CASE("compact: tasks taking a stop token see the group's stop", "[compact]") {
  executor ex;
  group<4> g(ex);
  bool seen_before = true, seen_after = false;
  REQUIRE(g.go([&](errgroup::compact::stop_token st) { seen_before = st.stop_requested(); }) ==
          status::ok);
  REQUIRE(g.go([&](errgroup::compact::stop_token st) {
    g.stop();
    seen_after = st.stop_requested();
  }) == status::ok);
  REQUIRE(!g.wait());
  CHECK_FALSE(seen_before);
  CHECK(seen_after);
  CHECK(g.stop_requested());
  CHECK(g.go([] {}) == status::stopped);
  REQUIRE(g.reset() == status::ok);
  CHECK_FALSE(g.stop_requested());
  CHECK(g.go([] {}) == status::ok);
  REQUIRE(!g.wait());
}

TEST_CASE("compact: the C form (function pointer and context)", "[compact]") {
  executor ex;
  group<2> g(ex);
  int x = 0;
  REQUIRE(g.go(
              [](void* p) -> errgroup::error {
                ++*static_cast<int*>(p);
                return errgroup::error(3);
              },
              &x) == status::ok);
  REQUIRE(g.try_go(
              [](void* p) -> errgroup::error {
                ++*static_cast<int*>(p);
                return {};
              },
              &x) == status::ok);
  CHECK(g.wait().code() == 3);
  CHECK(x == 2);
}

TEST_CASE("compact: the limit bounds outstanding tasks, go() at the limit runs one to make room",
          "[compact]") {
  executor ex;
  group<8> g(ex);
  REQUIRE(g.set_limit(0) == status::invalid_argument);
  REQUIRE(g.set_limit(2) == status::ok);
  std::uint32_t most = 0;
  int ran = 0;
  for (int i = 0; i < 7; ++i) {
    const std::uint32_t before = g.outstanding();
    CHECK(before <= 2);
    REQUIRE(g.go([&] {
      ++ran;
      if (g.outstanding() > most) most = g.outstanding();
    }) == status::ok);
    if (i >= 2) CHECK(ran == i - 1);  // each go() beyond the limit ran exactly one task first
  }
  CHECK(g.try_go([] {}) == status::limit_reached);
  CHECK(g.set_limit(4) == status::busy);
  REQUIRE(!g.wait());
  CHECK(ran == 7);
  CHECK(most <= 2);
  REQUIRE(g.set_limit(-1) == status::ok);
  for (int i = 0; i < 8; ++i) REQUIRE(g.try_go([] {}) == status::ok);
  CHECK(g.try_go([] {}) == status::capacity_full);
  REQUIRE(!g.wait());
}

TEST_CASE("compact: 32 slots, the whole mask word", "[compact]") {
  executor ex;
  group<32> g(ex);
  int ran = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 32; ++i) REQUIRE(g.try_go([&ran] { ++ran; }) == status::ok);
    CHECK(g.try_go([] {}) == status::capacity_full);
    REQUIRE(g.go([&ran] { ++ran; }) == status::ok);  // runs one to make room
    REQUIRE(!g.wait());
  }
  CHECK(ran == 3 * 33);
}

TEST_CASE("compact: with_context stops at the first error, queued tasks are destroyed unrun",
          "[compact]") {
  executor ex;
  tally t;
  {
    group<8> g(ex, errgroup::group_options::with_context());
    REQUIRE(g.go([] { return errgroup::error(4); }) == status::ok);
    for (int i = 0; i < 5; ++i) REQUIRE(g.go(counted(t)) == status::ok);
    REQUIRE(g.wait().code() == 4);
    CHECK(g.stop_requested());
    CHECK(g.go(counted(t)) == status::stopped);  // refused: never stored, destroyed by the caller
    CHECK(t.ran == 0);
  }
  CHECK(t.made == t.destroyed);  // every callable, stored or not, destroyed exactly once
  CHECK(t.made == 2 * 5 + 1);    // each stored one: a temporary and the slot's copy
}

TEST_CASE("compact: close refuses new tasks and lets submitted ones finish", "[compact]") {
  executor ex;
  group<4> g(ex);
  int ran = 0;
  REQUIRE(g.go([&ran] { ++ran; }) == status::ok);
  g.close();
  CHECK(g.closed());
  CHECK(g.go([&ran] { ++ran; }) == status::closed);
  CHECK(g.try_go([&ran] { ++ran; }) == status::closed);
  REQUIRE(!g.wait());
  CHECK(ran == 1);
  REQUIRE(g.reset() == status::ok);
  CHECK_FALSE(g.closed());
}

TEST_CASE("compact: the destructor stops and drains, nothing outlives the group", "[compact]") {
  executor ex;
  tally t;
  {
    group<4> g(ex);
    for (int i = 0; i < 4; ++i) REQUIRE(g.go(counted(t)) == status::ok);
  }
  CHECK(t.ran == 0);  // stopped, then skipped
  CHECK(t.made == t.destroyed);
  CHECK(contract::violations == 0);
}

TEST_CASE("compact: waiting for itself is refused at once, never a hang", "[compact]") {
  sim::reset();
  executor ex;
  group<2> g(ex);
  errgroup::error inner;
  status at_limit = status::ok;
  REQUIRE(g.set_limit(1) == status::ok);
  REQUIRE(g.go([&] {
    inner = g.wait();        // from its own task
    at_limit = g.go([] {});  // the only outstanding task is this one, on this stack
  }) == status::ok);
  REQUIRE(!g.wait());
  CHECK(inner == errgroup::error(errgroup::errc::wait_inside_task));
  CHECK(at_limit == status::would_deadlock);
  CHECK(sim::sleeps == 0);
}

TEST_CASE("compact: a task waits for a child group, the child's tasks run on top of it",
          "[compact]") {
  executor ex;
  group<4> parent(ex);
  std::vector<int> order;
  REQUIRE(parent.go([&]() -> errgroup::error {
    group<4> child(ex);
    for (int i = 0; i < 3; ++i) (void)child.go([&order, i] { order.push_back(10 + i); });
    const errgroup::error e = child.wait();
    order.push_back(1);
    return e;
  }) == status::ok);
  REQUIRE(!parent.wait());
  CHECK(order == std::vector<int>{10, 11, 12, 1});
}

TEST_CASE("compact: go() from max_depth task frames refuses with too_deep", "[compact]") {
  executor ex(3);
  CHECK(ex.max_depth() == 3);
  group<2> a(ex), b(ex), c(ex), d(ex);
  status deepest = status::ok;
  REQUIRE(a.go([&] {
    (void)b.go([&] {
      (void)c.go([&] { deepest = d.go([] {}); });
      (void)c.wait();
    });
    (void)b.wait();
  }) == status::ok);
  REQUIRE(!a.wait());
  CHECK(deepest == status::too_deep);
  // An interrupt's submit is not nested in the main loop's frames.
  status from_isr = status::ok;
  REQUIRE(a.go([&] {
    (void)b.go([&] {
      (void)c.go([&] { in_isr([&] { from_isr = d.try_go([] {}); }); });
      (void)c.wait();
    });
    (void)b.wait();
  }) == status::ok);
  REQUIRE(!a.wait());
  CHECK(from_isr == status::ok);
  REQUIRE(!d.wait());
}

TEST_CASE("compact: an interrupt's try_go during a wait runs in that wait", "[compact]") {
  executor ex;
  group<4> g(ex);
  static group<4>* gp;
  static int isr_ran;
  static status isr_status;
  gp = &g;
  isr_ran = 0;
  REQUIRE(g.go([] { in_isr([] { isr_status = gp->try_go([] { ++isr_ran; }); }); }) == status::ok);
  REQUIRE(!g.wait());
  CHECK(isr_status == status::ok);
  CHECK(isr_ran == 1);
}

TEST_CASE("compact: an interrupt's go() never waits: it refuses as try_go does", "[compact]") {
  executor ex;
  group<4> g(ex);
  REQUIRE(g.set_limit(1) == status::ok);
  REQUIRE(g.go([] {}) == status::ok);
  status s = status::ok;
  in_isr([&] { s = g.go([] {}); });
  CHECK(s == status::limit_reached);
  CHECK(g.outstanding() == 1);
  REQUIRE(!g.wait());
}

TEST_CASE("compact: a ready task waits for at most Capacity - 1 others, however fast interrupts "
          "submit",
          "[compact]") {
  executor ex;
  group<4> g(ex);
  static group<4>* gp;
  static int runs, resubmits;
  gp = &g;
  runs = resubmits = 0;
  // Slots 0 and 1 hold tasks that each make an "interrupt" submit another, into the lowest free
  // slot (the one the previous task gave back, or the last); slot 2 holds the task that must not
  // starve. Taking the lowest ready slot first would run the resubmitted tasks forever before it.
  struct again {
    void operator()() const {
      ++runs;
      if (resubmits < 100) {
        ++resubmits;
        in_isr([] { (void)gp->try_go(again{}); });
      }
    }
  };
  for (int i = 0; i < 2; ++i) REQUIRE(g.go(again{}) == status::ok);
  int victim_ran_after = -1;
  REQUIRE(g.go([&] { victim_ran_after = runs; }) == status::ok);
  REQUIRE(!g.wait());
  CHECK(victim_ran_after >= 0);
  CHECK(victim_ran_after <= 3);
  CHECK(runs == 102);
}

TEST_CASE("compact: a timed wait runs nothing by default and returns at its deadline",
          "[compact]") {
  sim::reset();
  executor ex;
  group<4> g(ex);
  int ran = 0;
  REQUIRE(g.go([&ran] { ++ran; }) == status::ok);
  const std::uint64_t t0 = sim::now;
  REQUIRE(g.wait_for(std::chrono::milliseconds(5)) == status::timeout);
  CHECK(sim::now - t0 == 5000000);  // the tick that reached the deadline
  CHECK(sim::sleeps == 5);          // one idle per tick
  CHECK(ran == 0);
  CHECK(g.wait_for(std::chrono::milliseconds(0)) == status::timeout);  // a look
  REQUIRE(!g.wait());
  CHECK(ran == 1);
  CHECK(g.wait_for(std::chrono::hours(1)) == status::ok);  // nothing outstanding
  CHECK(sim::hangs == 0);
}

TEST_CASE("compact: own_tasks_timed reads the clock before each task: at most one task late",
          "[compact]") {
  sim::reset();
  executor ex;
  errgroup::group_options o;
  o.help = errgroup::help_policy::own_tasks_timed;
  group<8> g(ex, o);
  int ran = 0;
  for (int i = 0; i < 8; ++i)
    REQUIRE(g.go([&ran] {
      ++ran;
      sim::now += 3000000;  // each task takes 3 ms
    }) == status::ok);
  const std::uint64_t t0 = sim::now;
  REQUIRE(g.wait_until_ns(t0 + 10000000) == status::timeout);  // 10 ms
  CHECK(ran == 4);                                             // started at 0, 3, 6 and 9 ms
  CHECK(sim::now - t0 == 12000000);                            // the last one ended 2 ms late
  CHECK(sim::sleeps == 0);
  REQUIRE(g.wait_for(std::chrono::hours(1)) == status::ok);
  CHECK(ran == 8);
}

TEST_CASE("compact: poll runs every group's ready tasks round robin, up to max_tasks",
          "[compact]") {
  sim::reset();
  executor ex;
  group<4> a(ex), b(ex);
  std::vector<char> order;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(a.try_go([&order] { order.push_back('a'); }) == status::ok);
    REQUIRE(b.try_go([&order] { order.push_back('b'); }) == status::ok);
  }
  CHECK(ex.pending());
  CHECK(ex.poll(3) == 3);
  CHECK(ex.poll() == 3);
  CHECK(ex.poll() == 0);
  CHECK_FALSE(ex.pending());
  // Newest group first, one task per group per pass: b a b (max_tasks), then b a a.
  CHECK(order == std::vector<char>{'b', 'a', 'b', 'b', 'a', 'a'});
  CHECK(a.finished_all());
  CHECK(b.finished_all());
}

TEST_CASE("compact: a task run by poll may destroy or create other groups", "[compact]") {
  executor ex;
  group<2> first(ex);
  alignas(group<2>) unsigned char buf[sizeof(group<2>)];
  auto* doomed = ::new (buf) group<2>(ex);
  int ran = 0;
  REQUIRE(doomed->try_go([&ran] { ++ran; }) == status::ok);
  group<2>* made = nullptr;
  alignas(group<2>) unsigned char buf2[sizeof(group<2>)];
  REQUIRE(first.try_go([&] {
    doomed->~group();  // its queued task is skipped by its destructor
    made = ::new (buf2) group<2>(ex);
    (void)made->try_go([&ran] { ran += 10; });
  }) == status::ok);
  // The newest group (doomed) is first in the list: it runs its task, then first's task
  // destroys it (idle by then) and creates `made`, whose task the next pass runs.
  CHECK(ex.poll() == 3);
  CHECK(ran == 11);
  made->~group();
}

TEST_CASE("compact: sleep() idles only when no task is ready", "[compact]") {
  sim::reset();
  executor ex;
  group<2> g(ex);
  REQUIRE(g.try_go([] {}) == status::ok);
  ex.sleep();
  CHECK(sim::sleeps == 0);  // a task was ready: no sleep
  CHECK(ex.poll() == 1);
  ex.sleep();
  CHECK(sim::sleeps == 1);
}

TEST_CASE("compact: a callable whose constructor waits for its own group is refused", "[compact]") {
  executor ex;
  group<2> g(ex);
  struct waits_when_moved {
    group<2>* g;
    errgroup::error* seen;
    waits_when_moved(group<2>* gg, errgroup::error* s) : g(gg), seen(s) {}
    waits_when_moved(waits_when_moved&& o) noexcept : g(o.g), seen(o.seen) {
      *seen = g->wait();  // inside the submit: the task is counted, not yet ready
    }
    void operator()() const {}
  };
  errgroup::error seen;
  REQUIRE(g.go(waits_when_moved(&g, &seen)) == status::ok);
  CHECK(seen == errgroup::error(errgroup::errc::wait_inside_task));
  REQUIRE(!g.wait());
}

TEST_CASE("compact: an interrupt on another core-like thread submits and stops concurrently",
          "[compact][thread]") {
  // Not a real single core: the "interrupt" is a second thread that runs at the same time as the
  // main loop, which is strictly more interleavings than a handler that preempts it (and lets
  // ThreadSanitizer check the protocol's orderings). The main loop only polls meanwhile: wait()
  // relies on a handler finishing before the main loop resumes, which a thread does not.
  for (int round = 0; round < 20; ++round) {
    executor ex;
    group<8> g(ex);
    std::atomic<int> ran{0}, destroyed{0};
    std::atomic<bool> done{false};
    struct task {
      std::atomic<int>* ran;
      std::atomic<int>* destroyed;
      bool live = false;  // only the slot's copy counts (a refused temporary is not a task)
      task(std::atomic<int>* r, std::atomic<int>* d) : ran(r), destroyed(d) {}
      task(task&& o) noexcept : ran(o.ran), destroyed(o.destroyed), live(true) {}
      ~task() {
        if (live) destroyed->fetch_add(1, std::memory_order_relaxed);
      }
      void operator()() const { ran->fetch_add(1, std::memory_order_relaxed); }
    };
    int accepted = 0;
    std::thread isr([&] {
      sim_interrupts::in_handler = true;
      for (int i = 0; i < 2000; ++i) {
        if (g.try_go(task(&ran, &destroyed)) == status::ok) ++accepted;
        if (i == 1500 && round % 2 == 1) g.stop();
      }
      done.store(true, std::memory_order_release);
    });
    while (!done.load(std::memory_order_acquire)) (void)ex.poll();
    isr.join();
    (void)g.wait();
    CHECK(destroyed.load() == accepted);  // each accepted task destroyed exactly once
    CHECK(ran.load() <= accepted);
    if (round % 2 == 0) CHECK(ran.load() == accepted);  // not stopped: every one ran
    CHECK(g.finished_all());
  }
}

namespace {
// A deterministic generator (xorshift) for the random rounds below.
struct rng {
  std::uint32_t s;
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  std::uint32_t below(std::uint32_t n) { return next() % n; }
};

// What the random rounds check, for every task: it ran or was skipped once (its callable was
// destroyed once either way), it never started with its group stopped, and while it ran the group
// held no more than min(limit, capacity) tasks.
struct ledger {
  int accepted = 0, ran = 0, destroyed = 0, started_stopped = 0, over_limit = 0;
  std::uint32_t limit = ~std::uint32_t{0};
  int first_failed = 0;  // the code of the first task that failed this round
};
struct random_task {
  ledger* l;
  group<4>* g;
  int code;
  bool live = false;  // only the slot's copy counts
  random_task(ledger* ll, group<4>* gg, int c) : l(ll), g(gg), code(c) {}
  random_task(random_task&& o) noexcept : l(o.l), g(o.g), code(o.code), live(true) {}
  ~random_task() {
    if (live) ++l->destroyed;
  }
  errgroup::error operator()(errgroup::compact::stop_token st) const {
    ++l->ran;
    if (st.stop_requested()) ++l->started_stopped;
    const std::uint32_t o = g->outstanding();
    if (o > l->limit || o > 4) ++l->over_limit;
    if (code != 0 && l->first_failed == 0) l->first_failed = code;
    return errgroup::error(code);
  }
};
}  // namespace

TEST_CASE("compact: random rounds of every operation keep every task's accounting exact",
          "[compact][random]") {
  sim::reset();
  for (std::uint32_t seed = 1; seed <= 400; ++seed) {
    rng r{seed * 2654435761u};
    executor ex;
    ledger l;
    const bool ctx = (seed & 1) != 0;
    group<4> g(ex, ctx ? errgroup::group_options::with_context() : errgroup::group_options{});
    group<4> other(ex);  // another group on the executor, for poll()
    bool consistent = true;
    for (int op = 0; op < 60; ++op) {
      const int code = r.below(6) == 0 ? static_cast<int>(1 + r.below(9)) : 0;
      bool submitted = false;
      status st = status::ok;
      switch (r.below(10)) {
        case 0:
        case 1:
          submitted = true;
          st = g.go(random_task(&l, &g, code));
          break;
        case 2:
          submitted = true;
          st = g.try_go(random_task(&l, &g, code));
          break;
        case 3:
          submitted = true;
          in_isr([&] { st = g.try_go(random_task(&l, &g, code)); });
          break;
        case 4:
          if (r.below(4) == 0) in_isr([&] { g.stop(); });
          else if (r.below(3) == 0)
            g.close();
          break;
        case 5: (void)ex.poll(1 + r.below(3)); break;
        case 6: (void)other.try_go([] {}); break;
        case 7: {  // a timed wait (runs nothing by default): ok only when nothing is outstanding
          const bool idle = g.finished_all();
          const status w = g.wait_until_ns(sim::now + r.below(3) * 1000000u);
          consistent &= w == (idle ? status::ok : status::timeout);
          break;
        }
        case 8: {
          const errgroup::error e = g.wait();
          consistent &= g.finished_all() && e == g.first_error();
          consistent &= e.code() == l.first_failed;  // the first task that failed since reset()
          consistent &= l.destroyed == l.accepted;   // every accepted task ran or was skipped
          if (r.below(2) == 0) {
            consistent &= g.reset() == status::ok;
            l.first_failed = 0;
          }
          break;
        }
        case 9: {
          const int n = static_cast<int>(r.below(5)) - 1;  // -1 .. 3
          const bool idle = g.finished_all();
          const status s2 = g.set_limit(n);
          consistent &= s2 == (n == 0 ? status::invalid_argument
                               : idle ? status::ok
                                      : status::busy);
          if (s2 == status::ok) l.limit = n < 0 ? ~std::uint32_t{0} : static_cast<std::uint32_t>(n);
          break;
        }
      }
      if (submitted) {
        switch (st) {  // each refusal checked against the state that caused it
          case status::ok: ++l.accepted; break;
          case status::stopped: consistent &= g.stop_requested(); break;
          case status::closed: consistent &= g.closed(); break;
          case status::limit_reached: consistent &= g.outstanding() >= l.limit; break;
          case status::capacity_full: consistent &= g.outstanding() == 4; break;
          default: consistent = false;
        }
      }
      consistent &= g.outstanding() <= 4 && g.outstanding() <= l.limit;
    }
    (void)g.wait();
    (void)other.wait();
    CHECK(consistent);
    CHECK(l.destroyed == l.accepted);  // each stored callable destroyed exactly once
    CHECK(l.ran <= l.accepted);
    CHECK(l.started_stopped == 0);  // no task started on a stopped group
    CHECK(l.over_limit == 0);
    CHECK(sim::hangs == 0);
  }
}

TEST_CASE("compact: contract violations are asserted", "[compact][contract]") {
  contract::violations = 0;
  {
    executor ex;
    errgroup::group_options o;
    o.help = errgroup::help_policy::never;
    group<2> g(ex, o);
    CHECK(contract::violations == 1);
    CHECK(std::strstr(contract::last, "runs its own tasks") != nullptr);
  }
  {
    executor ex;
    group<2> g(ex);
    REQUIRE(g.try_go([] {}) == status::ok);
    contract::violations = 0;
    (void)g.errors();
    CHECK(contract::violations == 1);
    CHECK(std::strstr(contract::last, "errors() called while tasks are outstanding") != nullptr);
    REQUIRE(!g.wait());
  }
  {
    alignas(executor) unsigned char ex_buf[sizeof(executor)];
    auto* ex = ::new (ex_buf) executor();
    group<2> g(*ex);
    contract::violations = 0;
    ex->~executor();
    CHECK(contract::violations == 1);
    CHECK(std::strstr(contract::last, "executor destroyed while groups use it") != nullptr);
    ::new (ex_buf) executor();  // the group's destructor unlinks from a live executor
  }
  {
    executor ex;
    alignas(group<2>) unsigned char buf[sizeof(group<2>)];
    auto* g = ::new (buf) group<2>(ex);
    contract::violations = 0;
    REQUIRE(g->go([g] { g->~group(); }) == status::ok);
    (void)g->wait();
    CHECK(contract::violations >= 1);
    CHECK(std::strstr(contract::last, "destroyed from inside one of its own tasks") != nullptr);
  }
}
