// SPDX-License-Identifier: BSL-1.0
// Model-based fuzzer for errgroup::group, for libFuzzer (clang -fsanitize=fuzzer).
//
// Each input is decoded into one group configuration and a sequence of up to 64 operations, run
// on a real executor (a ring_thread_executor or a Boost.Lockfree thread_executor with 2 workers,
// both created once per process, or the inline executor). A small sequential model beside the
// run predicts what it can and every invariant below is checked; a violation prints one line and
// __builtin_trap()s, so libFuzzer reports a crash and saves the input.
//
// Invariants checked:
//  I1 every accepted task runs exactly once or is skipped exactly once; a refused one never runs;
//     a task is skipped only in a round where a stop could have happened. (per-task run counter,
//     group stats tasks_run/tasks_skipped with ERRGROUP_STATS=1)
//  I2 every callable is destroyed exactly once (a capture counts constructions and destructions
//     and carries a magic word: running or destroying a dead instance traps).
//  I3 wait() (and wait_for/wait_until returning ok) returns only after every accepted task of the
//     round finished; its error is one some task of the round returned (exactly that one if only
//     one failed); errors() holds exactly the round's errors; with exception_policy::rethrow it
//     rethrows a task's exception exactly when the first failure was a throw.
//  I4 running tasks never exceed the group's limit (counter + high-water mark inside tasks).
//  I5 no operator new/delete at all, and no malloc/free (ASan malloc hooks), between set-up and
//     the end of the sequence. Exception: a throwing task makes the C++ ABI allocate the exception
//     object (__cxa_allocate_exception, and rethrow_exception's dependent exception) with malloc,
//     so the malloc/free check is skipped for a sequence in which some task threw; the operator
//     new/delete check (which the exception path never uses) always applies.
//  I6 wait() always returns: the fuzzer waits with wait_for(10 s) and traps on timeout, or when
//     the ok comes only at the deadline (the waiter's futex timed out: a lost wake-up); a spinning
//     task that is still not stopped after 20 s traps too.
//  I7 status codes are the documented ones: go/try_go after stop -> stopped, after close ->
//     closed, set_limit(0) -> invalid_argument, set_limit/reset with nothing outstanding -> ok,
//     try_go refusals limit_reached/capacity_full only when that many tasks can be outstanding,
//     queue_full from try_go only (the queues are larger than every group together, but entries
//     taken back by helpers keep their room until a worker passes them), go() inside a task
//     at a child's limit -> ok (it waits for room, running the child's queued tasks), wait()
//     inside a task -> errc::wait_inside_task, wait_for inside a task -> would_deadlock.
//  I8 stop skips queued tasks: "pins" (two spinning tasks proven to run on the two distinct
//     worker threads) occupy the executor; tasks accepted after that, with no helping call by the
//     fuzzer thread in between, are certainly still queued when stop() is called, so they must be
//     skipped.
//  I9 isolation: a task runs on a thread that is waiting (wait, wait_for/until, a go() waiting
//     for room, in the fuzzer thread or inside a nested task) only if it belongs to the group
//     that thread waits for. A side group, fed by op 12 and by callables' destructors, keeps
//     other groups' tasks in the queue.
//  I10 deadlines: a timed wait runs no task unless the group's help_policy is own_tasks_timed,
//     and then starts none at or after its deadline; it returns no later than 2 s after the later
//     of the deadline and the end of the last task it ran (the bound is one task's run time; the
//     2 s only absorb scheduling noise, a wait that ignores its deadline is caught).
//  I11 destructors may submit: a callable marked so (d bit 3 on a leaf kind) submits a task into
//     the side group from its destructor, whether it ran, was skipped or was refused; every such
//     task is accepted and runs once.
//  I12 any depth: a nested task may run a chain of up to 300 nested groups (y bits 4-7 x 20
//     levels), each go() + wait() of the next; every level runs.
//  I13 stop callbacks: every spinning task arms an errgroup::stop_callback on its token; it runs
//     at most once, only when the token reports a stop, never after its destructor returned.
//
// Input format (a byte past the end reads as 0):
//   byte 0: configuration. bits 0-1 executor (0,3 ring, 1 boost, 2 inline); bit 2 on_error::stop
//           (with_context); bit 3 help_policy::never; bit 4 wait_policy::spin; bit 5
//           exception_policy::to_error (else rethrow); bit 6 help_policy::own_tasks_timed
//           (unless bit 3).
//   then operations, one opcode byte (b % 14) and its arguments:
//     0 go <task>          1 try_go <task>        2 set_limit <a>: {-1,0,1,2,3,4,8,100,-7,INT_MIN}[a%10]
//     3 stop               4 close                5 reset
//     6 wait <a>           7 wait_for <a> (a µs)  8 saturate (two pins; thread executors only)
//     9 stop_and_wait      10 wait_until <a> (a µs on steady_clock)
//     11 burst <a>: 1+(a&7) try_go of ok (bit 3 clear) or failing (bit 3 set) tasks
//     12 side <a>: 1+(a&7) try_go of ok tasks into the side group (nobody waits for it until the
//        end: other groups' jobs in the shared queue)
//     13 deadline <a>: wait_until_ns(now + a*20 µs) on the executor's clock (I10, exact deadline)
//   <task> is a descriptor byte d and an extra byte x; kind = d % 8:
//     0 ok  1 fail (error 1000+id)  2 throw  3 spin until stopped; for these, d bit 3: the
//       callable's destructor submits into the side group (I11)
//     4 nested: x = child kinds (2 bits each: ok, fail, throw, spin) and one more byte y:
//       y bits 0-1 child count-1, d bit 3 linked to the parent (with_context(&g)), bit 4 child
//       on_error::stop, bit 5 the task stops the child before waiting, bit 6 child limit 1,
//       bit 7 child exception_policy::to_error, y bit 2 submit with try_go, y bit 3 wait_policy::spin,
//       y bits 4-7 a chain of 20 x that many nested groups run after the children (I12)
//     5 self-submit into its own group with try_go: x bits 0-1 count (1..3, 0 -> 1), bits 2-7
//       kinds (2 bits each: ok, fail, throw, spin). (A go() here would wait for room in its own
//       group, and such tasks at the limit would be Go's own deadlock: every task blocked in Go.)
//     6 wait-self: calls wait() and wait_for() on its own group from inside
//     7 stopper: stops its own group
// The fuzzer thread never blocks on something only it could release: while a spinning task may be
// live and the group is not stopped, go becomes try_go and wait becomes a short wait_for, and a
// spinning task that finds itself run by the fuzzer thread (helping) returns at once.
#include <errgroup/std_thread_boost.hpp>

#include <pthread.h>
#include <sanitizer/allocator_interface.h>
#include <sanitizer/asan_interface.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

// Controls that show the checks can fire (each must make the fuzzer crash at once):
//   1: the model expects the round's last error instead of the first (I3)
//   2: an ok task calls operator new (I5, operator new counter)
//   3: an ok task calls malloc (I5, ASan malloc hook)
#ifndef FUZZ_BREAK
#define FUZZ_BREAK 0
#endif

namespace {

using fgroup = errgroup::group<8>;
constexpr int kCapacity = 8;
constexpr int kMaxTasks = 512;
constexpr int kMaxGroups = 64;
constexpr int kMaxOps = 64;
constexpr std::uint32_t kNoLimit = ~std::uint32_t{0};
constexpr std::uint64_t kLateNs =
    9500000000ull;  // a 10 s wait that took this long hit its deadline
constexpr std::uint64_t kAlive = 0xA11CEA11CEA11CEull, kDead = 0xDEADDEADDEADDEADull;

[[noreturn]] void fail(const char* what, int id = -1) {
  std::fprintf(stderr, "\n*** errgroup fuzz invariant violated: %s (task %d)\n", what, id);
  __builtin_trap();
}
#define CHECK(cond, what, id)    \
  do {                           \
    if (!(cond)) fail(what, id); \
  } while (0)

// ---- heap counting (I5) ---------------------------------------------------------------------
// Counted only on "our" threads: the fuzzer thread and the executors' workers (marked once at
// start-up). libFuzzer's own threads (e.g. its RSS monitor, which callocs now and then) are not
// part of the system under test. Counters: relaxed; read after the sequence joined every task.
thread_local bool t_ours = false;
thread_local bool t_harness = false;  // the fuzzer thread
std::atomic<bool> g_counting{false};
std::atomic<long> g_news{0}, g_mallocs{0};
std::atomic<const volatile void*> g_last_heap{nullptr};  // for the report: ASan describes it
std::atomic<bool> g_any_throw{false};

void malloc_hook(const volatile void* p, std::size_t) {
  if (t_ours && g_counting.load(std::memory_order_relaxed)) {
    g_mallocs.fetch_add(1, std::memory_order_relaxed);
    g_last_heap.store(p, std::memory_order_relaxed);
  }
}
void free_hook(const volatile void* p) {
  if (p != nullptr && t_ours && g_counting.load(std::memory_order_relaxed)) {
    g_mallocs.fetch_add(1, std::memory_order_relaxed);
    g_last_heap.store(p, std::memory_order_relaxed);
  }
}
void note_new() {
  if (t_ours && g_counting.load(std::memory_order_relaxed))
    g_news.fetch_add(1, std::memory_order_relaxed);
}

// ---- the fuzzer thread ------------------------------------------------------------------------
std::atomic<long> g_released{0};  // spinners that returned early because the fuzzer thread ran them

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// ---- per-task records ---------------------------------------------------------------------------
enum kind : int { k_ok, k_fail, k_throw, k_spin, k_nested, k_self, k_wait_self, k_stopper };

struct fuzz_exception {
  int id;
};

// Written by several threads; all relaxed: the library's own synchronisation (go publishes the
// callable, wait's acquire publishes the task's effects) orders them, and the checks read them
// only after such a point. Atomics only so that a scan of all records is not a data race.
struct task_rec {
  std::atomic<int> kind, gm, round, d, x, y;
  std::atomic<bool> pin, accepted, harness, marked, must_skip, notify;
  std::atomic<int> constructed, destroyed, runs;
  std::atomic<bool> finished, threw, released, started;
  std::atomic<std::int32_t> ret_code;
  std::atomic<const errgroup::error_domain*> ret_dom;
  std::atomic<unsigned long> thread;
};
task_rec g_recs[kMaxTasks];
std::atomic<int> g_next_task{0};

template <class T>
T ld(const std::atomic<T>& a) {
  return a.load(std::memory_order_relaxed);
}
template <class T, class U>
void st(std::atomic<T>& a, U v) {
  a.store(static_cast<T>(v), std::memory_order_relaxed);
}

struct group_model {
  fgroup* g = nullptr;
  std::atomic<int> running{0}, hwm{0}, attempts{0};
  std::atomic<std::uint32_t> limit{kNoLimit};
  errgroup::exception_policy policy = errgroup::exception_policy::rethrow;
};
group_model g_gms[kMaxGroups];
std::atomic<int> g_next_group{0};

// The side group (I9, I11): other groups' tasks in the shared queue. Its tasks only count.
using side_group = errgroup::group<512>;
side_group* g_side = nullptr;
std::atomic<int> g_side_accepted{0}, g_side_ran{0};
void submit_side() {
  if (g_side == nullptr) return;
  const errgroup::status s =
      g_side->try_go([] { g_side_ran.fetch_add(1, std::memory_order_relaxed); });
  if (s == errgroup::status::ok) g_side_accepted.fetch_add(1, std::memory_order_relaxed);
  else
    CHECK(s == errgroup::status::capacity_full || s == errgroup::status::queue_full,
          "a submit from a callable's destructor was refused other than for room", -1);
}

// What the calling thread is waiting for, innermost first (I9, I10): a task run on this thread
// meanwhile must belong to `group`; inside a timed wait (deadline != 0) it must be allowed to
// run at all, and the wait must not start it if the clock had already reached the deadline.
// That is judged from clock readings taken before the library's own (no scheduling noise): the
// reading before the call (`entry`), and the end of the last task the wait ran (`last_end`).
struct wait_frame {
  const void* group = nullptr;
  std::uint64_t deadline = 0;  // executor clock; 0: untimed
  bool timed_help = false;
  std::uint64_t last_end = 0;  // when the last task run inside this wait ended
  std::uint64_t entry = 0;     // the clock before the wait was called
};
thread_local wait_frame t_wait;
struct waiting {
  wait_frame saved;
  explicit waiting(const void* g, std::uint64_t deadline = 0, bool timed_help = false,
                   std::uint64_t entry = 0)
      : saved(t_wait) {
    t_wait = wait_frame{g, deadline, timed_help, 0, entry};
  }
  ~waiting() { t_wait = saved; }
  waiting(const waiting&) = delete;
  waiting& operator=(const waiting&) = delete;
};

int alloc_task(int k, int gm, int round, int d = 0, int x = 0, int y = 0) {
  const int id = g_next_task.fetch_add(1, std::memory_order_relaxed);
  if (id >= kMaxTasks) return -1;
  task_rec& r = g_recs[id];
  st(r.kind, k), st(r.gm, gm), st(r.round, round), st(r.d, d), st(r.x, x), st(r.y, y);
  return id;
}

// The lifetime-counting capture (I2).
struct tracker {
  task_rec* r;
  std::uint64_t magic;
  explicit tracker(task_rec* rec) noexcept : r(rec), magic(kAlive) {
    r->constructed.fetch_add(1, std::memory_order_relaxed);
  }
  tracker(const tracker& o) noexcept : r(o.r), magic(kAlive) {
    CHECK(o.magic == kAlive, "copy of a destroyed callable", static_cast<int>(o.r - g_recs));
    r->constructed.fetch_add(1, std::memory_order_relaxed);
  }
  tracker(tracker&& o) noexcept : tracker(static_cast<const tracker&>(o)) {}
  tracker& operator=(const tracker&) = delete;
  ~tracker() {
    CHECK(magic == kAlive, "callable destroyed twice", static_cast<int>(r - g_recs));
    magic = kDead;
    const int d = r->destroyed.fetch_add(1, std::memory_order_relaxed) + 1;
    // The last instance (the one in the slot, or a refused one) submits from its destructor
    // (I11): while its own group's tasks are skipped, inside a worker, or in try_go's refusal.
    if (d == ld(r->constructed) && ld(r->notify)) submit_side();
  }
};

errgroup::error run_task(const tracker& t, errgroup::stop_token tok);

auto make_task(int id) {
  return [t = tracker(&g_recs[id])](errgroup::stop_token tok) -> errgroup::error {
    return run_task(t, tok);
  };
}

bool is_threw(const errgroup::error& e) { return e == errgroup::error(errgroup::errc::task_threw); }

errgroup::error rec_error(const task_rec& r) {
  if (ld(r.threw)) return errgroup::errc::task_threw;
  const std::int32_t c = ld(r.ret_code);
  if (c == 0) return {};
  return errgroup::error(c, *ld(r.ret_dom));
}

// I1-I3 for one round of one group, after a wait that returned ok.
void verify_round(int gi, int round, bool stop_possible) {
  fgroup& g = *g_gms[gi].g;
  errgroup::error errs[kMaxTasks];
  bool used[kMaxTasks];
  int n = 0;
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    if (ld(r.gm) != gi || ld(r.round) != round || !ld(r.accepted)) continue;
    const int runs = ld(r.runs);
    CHECK(runs <= 1, "task ran more than once", id);
    CHECK(runs == 0 || ld(r.finished), "wait returned while a task was still running", id);
    CHECK(runs == 1 || stop_possible, "task skipped although the group was never stopped", id);
    CHECK(!(runs == 1 && ld(r.must_skip)), "task queued before stop() ran instead of being skipped",
          id);
    CHECK(ld(r.constructed) == ld(r.destroyed),
          "wait returned but the task's callable was not destroyed exactly once", id);
    if (runs == 1) {
      const errgroup::error e = rec_error(r);
      if (e) errs[n++] = e;
    }
  }
  const errgroup::error first = g.first_error();
#if FUZZ_BREAK == 1
  if (n >= 2) CHECK(first == errs[n - 1], "FUZZ_BREAK: model expects the last error", -1);
#endif
  if (n == 0) {
    CHECK(!first, "first_error set although no task of the round failed", -1);
  } else {
    bool found = false;
    for (int i = 0; i < n; ++i) found = found || errs[i] == first;
    CHECK(found, "first_error is not an error any task of the round returned", -1);
    CHECK(n != 1 || first == errs[0], "the only failing task's error was not returned", -1);
  }
  const errgroup::error_list l = g.errors();
  CHECK(static_cast<int>(l.size + l.dropped) == n, "errors() size+dropped != failing tasks", -1);
  for (int i = 0; i < n; ++i) used[i] = false;
  for (const errgroup::error& e : l) {
    bool found = false;
    for (int i = 0; i < n && !found; ++i)
      if (!used[i] && errs[i] == e) used[i] = found = true;
    CHECK(found, "errors() holds an error no task of the round returned", -1);
  }
}

// I3: the value or exception of wait() (or stop_and_wait()) after the round is complete.
// Returns the id in a caught fuzz_exception, or -1.
int check_wait(int gi, int round, bool use_stop_and_wait) {
  fgroup& g = *g_gms[gi].g;
  const errgroup::error first = g.first_error();
  bool thr_exc = false, thr_ret = false;
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    if (ld(r.gm) != gi || ld(r.round) != round || !ld(r.accepted) || ld(r.runs) != 1) continue;
    if (ld(r.threw)) thr_exc = true;
    else if (is_threw(rec_error(r)))
      thr_ret = true;
  }
  const bool rethrow = g_gms[gi].policy == errgroup::exception_policy::rethrow;
  errgroup::error e;
  try {
    e = use_stop_and_wait ? g.stop_and_wait() : g.wait();
  } catch (const fuzz_exception& x) {
    CHECK(rethrow, "wait() threw under exception_policy::to_error", x.id);
    CHECK(is_threw(first), "wait() threw although the first error is not task_threw", x.id);
    CHECK(thr_exc, "wait() threw although no task of the round threw", x.id);
    CHECK(x.id >= 0 && x.id < kMaxTasks && ld(g_recs[x.id].threw),
          "wait() threw an exception no task threw", x.id);
    return x.id;
  } catch (...) {
    fail("wait() threw something no task threw");
  }
  CHECK(e == first, "wait() returned something other than first_error()", -1);
  CHECK(!(rethrow && is_threw(first) && !thr_ret),
        "wait() returned task_threw instead of rethrowing under exception_policy::rethrow", -1);
  return -1;
}

// ---- task bodies ------------------------------------------------------------------------------
void spin_loop(task_rec& r, errgroup::stop_token tok, int id);

errgroup::error spin_until_stopped(task_rec& r, errgroup::stop_token tok, int id) {
  if (ld(r.pin)) {
    st(r.thread, static_cast<unsigned long>(pthread_self()));
    r.started.store(true, std::memory_order_release);  // pairs with the fuzzer's acquire poll
  }
  // I13: a stop_callback armed on the token runs at most once, only once the token reports a
  // stop, and never after its destructor has returned (ASan: the callback's captures live on this
  // frame).
  std::atomic<int> fired{0};
  std::atomic<bool> alive{true};  // cleared once the stop_callback's destructor has returned
  {
    errgroup::stop_callback cb([&fired, &alive, tok, id]() noexcept {
      CHECK(alive.load(std::memory_order_acquire), "a stop_callback ran after its destructor", id);
      CHECK(tok.stop_requested(), "a stop_callback ran before its token reported a stop", id);
      CHECK(fired.fetch_add(1, std::memory_order_relaxed) == 0, "a stop_callback ran twice", id);
    });
    const errgroup::status a = cb.arm(tok);
    CHECK(a == errgroup::status::ok || a == errgroup::status::capacity_full,
          "stop_callback::arm returned neither ok nor capacity_full", id);
    spin_loop(r, tok, id);
    // A stop seen by the loop was requested before the destructor below: the callback has run
    // (by the stopper, or by arm() if the stop came first), is running (the destructor waits for
    // it), or the stopper has not reached its scan yet (then it never runs: the destructor
    // disarms it first, as std::stop_callback's does).
  }
  alive.store(false, std::memory_order_release);  // a callback that still ran would see this
  CHECK(fired.load(std::memory_order_relaxed) <= 1, "a stop_callback ran twice", id);
  return {};
}

void spin_loop(task_rec& r, errgroup::stop_token tok, int id) {
  const std::uint64_t t0 = now_ns();
  while (!tok.stop_requested()) {
    if (t_harness) {  // run by the fuzzer thread (helping): nobody else could stop it
      st(r.released, true);
      g_released.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    CHECK(now_ns() - t0 < 20000000000ull, "spinning task not stopped after 20 s (lost stop?)", id);
    sched_yield();
  }
}

errgroup::error leaf_body(int k, int id, task_rec& r, errgroup::stop_token tok) {
  switch (k) {
    case k_fail: return errgroup::error(1000 + id);
    case k_throw:
      st(r.threw, true);
      g_any_throw.store(true, std::memory_order_relaxed);
      throw fuzz_exception{id};
    case k_spin: return spin_until_stopped(r, tok, id);
    default:
#if FUZZ_BREAK == 2
      delete new int(id);
#elif FUZZ_BREAK == 3
      std::free(std::malloc(static_cast<std::size_t>(8 + id)));
#endif
      return {};
  }
}

// depth levels of nested groups, each level's task go()ing the next and waiting for it.
errgroup::status nest_chain(errgroup::executor_base& ex, int depth, std::atomic<int>& levels) {
  if (depth == 0) return errgroup::status::ok;
  errgroup::group<1> g(ex);
  std::atomic<int> inner{-1};
  errgroup::status s;
  {
    waiting in(&g);  // (a group<1>: the frame check compares addresses only)
    s = g.go([&ex, depth, &levels, &inner] {
      levels.fetch_add(1, std::memory_order_relaxed);
      inner.store(static_cast<int>(nest_chain(ex, depth - 1, levels)), std::memory_order_relaxed);
    });
  }
  if (s != errgroup::status::ok) return s;
  {
    waiting in(&g);
    (void)g.wait();
  }
  return static_cast<errgroup::status>(inner.load(std::memory_order_relaxed));
}

// A task that creates a child group on the same executor, fills it and waits for it.
errgroup::error nested_body(task_rec& r, int id) {
  const int ci = g_next_group.fetch_add(1, std::memory_order_relaxed);
  if (ci >= kMaxGroups) return {};
  group_model& parent = g_gms[ld(r.gm)];
  const int d = ld(r.d), x = ld(r.x), y = ld(r.y);
  const bool linked = (d & 8) != 0, with_ctx = (d & 16) != 0, limit1 = (d & 64) != 0;
  const bool force_stop = (d & 32) != 0 || t_harness;
  const int count = 1 + (y & 3);
  bool spins = false;  // a spinner in the child: a blocking go() behind it could wait for ever
  for (int i = 0; i < count; ++i) spins = spins || ((x >> (2 * i)) & 3) == 3;
  const bool use_try = (y & 4) != 0 || t_harness || spins;
  errgroup::group_options o;
  o.on_error = with_ctx ? errgroup::on_error::stop : errgroup::on_error::keep_going;
  o.parent = linked ? parent.g : nullptr;
  o.exceptions = (d & 128) ? errgroup::exception_policy::to_error
                           : errgroup::exception_policy::rethrow;
  o.waiting = (y & 8) ? errgroup::wait_policy::spin : errgroup::wait_policy::park;
  fgroup child(parent.g->executor(), o);
  group_model& m = g_gms[ci];
  m.g = &child;
  m.policy = o.exceptions;
  st(m.running, 0), st(m.hwm, 0), st(m.attempts, 0), st(m.limit, kNoLimit);
  if (limit1) {
    CHECK(child.set_limit(1) == errgroup::status::ok, "set_limit(1) on a fresh group refused", id);
    st(m.limit, 1u);
  }
  int attempts = 0;
  for (int i = 0; i < count; ++i) {
    int ck = (x >> (2 * i)) & 3;                     // ok, fail, throw, spin
    if (ck == 3 && !(linked || force_stop)) ck = 0;  // a spinner nobody could stop
    const int cid = alloc_task(ck == 3 ? k_spin : ck, ci, 0);
    if (cid < 0) break;
    ++attempts;
    errgroup::status s;
    if (use_try) {
      s = child.try_go(make_task(cid));
    } else {
      waiting in(&child);  // at the limit go() waits, running only the child's queued tasks
      s = child.go(make_task(cid));
    }
    if (s == errgroup::status::ok) {
      st(g_recs[cid].accepted, true);
    } else {
      // go() waits for room at the child's limit, so only try_go says limit_reached.
      const bool ok = (s == errgroup::status::stopped && (linked || with_ctx)) ||
                      (s == errgroup::status::limit_reached && limit1 && attempts > 1 && use_try) ||
                      (s == errgroup::status::queue_full && use_try);  // see check_submit_status
      if (!ok) std::fprintf(stderr, "status: %s\n", errgroup::to_string(s));
      CHECK(ok, "unexpected status from go/try_go into a child group", cid);
    }
  }
  if (force_stop) {
    if (!linked || !parent.g->stop_requested()) g_released.fetch_add(1, std::memory_order_relaxed);
    child.stop();
  }
  {
    // Untimed, so that it runs the child's queued tasks (a timed wait does not by default, and
    // with every worker inside such a task nobody else would). A hang is libFuzzer's -timeout.
    waiting in(&child);
    const errgroup::status st_wait = child.wait_until_ns(errgroup::no_deadline);
    CHECK(st_wait == errgroup::status::ok, "child wait() did not return ok", id);
  }
  verify_round(ci, 0, linked || force_stop || with_ctx);
  // I12: a chain of nested groups below this task, each level go() + wait() of the next.
  const int chain = 20 * ((y >> 4) & 15);
  if (chain != 0 && !(linked && parent.g->stop_requested())) {
    std::atomic<int> levels{0};
    CHECK(nest_chain(child.executor(), chain, levels) == errgroup::status::ok,
          "a chain of nested groups did not complete", id);
    CHECK(levels.load(std::memory_order_relaxed) == chain, "a level of the chain did not run", id);
  }
  const int thrown = check_wait(ci, 0, false);
  const errgroup::error e = child.first_error();
  m.g = nullptr;
  if (thrown >= 0) {
    st(r.threw, true);
    g_any_throw.store(true, std::memory_order_relaxed);
    throw fuzz_exception{thrown};
  }
  return e;
}

// A task that submits further tasks into its own group.
errgroup::error self_body(task_rec& r) {
  const int gi = ld(r.gm);
  group_model& m = g_gms[gi];
  const int x = ld(r.x);
  int count = x & 3;
  if (count == 0) count = 1;
  for (int i = 0; i < count; ++i) {
    const int sk = (x >> (2 + 2 * i)) & 3;
    const int sid = alloc_task(sk == 3 ? k_spin : sk, gi, ld(r.round));
    if (sid < 0) break;
    m.attempts.fetch_add(1, std::memory_order_seq_cst);  // before the reservation it bounds
    const errgroup::status s = m.g->try_go(make_task(sid));
    using errgroup::status;
    if (s == status::ok) {
      st(g_recs[sid].accepted, true);
    } else {
      const bool ok = s == status::stopped || s == status::closed || s == status::limit_reached ||
                      s == status::capacity_full || s == status::queue_full;
      CHECK(ok, "unexpected status from go/try_go into the task's own group", sid);
    }
  }
  return {};
}

errgroup::error run_task(const tracker& t, errgroup::stop_token tok) {
  task_rec& r = *t.r;
  const int id = static_cast<int>(t.r - g_recs);
  CHECK(t.magic == kAlive, "a destroyed callable was run", id);
  CHECK(r.runs.fetch_add(1, std::memory_order_relaxed) == 0, "task ran twice", id);
  group_model& m = g_gms[ld(r.gm)];
  // I9, I10: a thread that waits runs only its own group's tasks; a timed wait only if allowed,
  // and none at or after its deadline.
  wait_frame& w = t_wait;
  if (w.group != nullptr) {
    CHECK(w.group == static_cast<const void*>(m.g), "a waiting thread ran another group's task",
          id);
    if (w.deadline != 0) {
      CHECK(w.timed_help, "a timed wait ran a task (help_policy is not own_tasks_timed)", id);
      CHECK(w.entry < w.deadline, "a timed wait called after its deadline started a task", id);
      CHECK(w.last_end < w.deadline,
            "a timed wait started a task after one it ran had ended past the deadline", id);
    }
  }
  // The task's own waits push their frames on top; this one is restored when it returns.
  const bool had_outer = w.group != nullptr;
  const wait_frame saved = w;
  t_wait = wait_frame{};
  const int cur = m.running.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::uint32_t lim = ld(m.limit);
  CHECK(static_cast<std::uint32_t>(cur) <= lim, "more tasks running than the group's limit", id);
  int h = ld(m.hwm);
  while (cur > h && !m.hwm.compare_exchange_weak(h, cur, std::memory_order_relaxed)) {
  }
  struct leave {
    task_rec& r;
    group_model& m;
    const wait_frame& saved;
    bool had_outer;
    ~leave() {
      m.running.fetch_sub(1, std::memory_order_relaxed);
      st(r.finished, true);
      t_wait = saved;
      if (had_outer) t_wait.last_end = m.g->executor().now_ns();
    }
  } guard{r, m, saved, had_outer};
  errgroup::error e;
  switch (ld(r.kind)) {
    case k_nested: e = nested_body(r, id); break;
    case k_self: e = self_body(r); break;
    case k_wait_self: {
      fgroup& g = *m.g;
      CHECK(g.wait() == errgroup::error(errgroup::errc::wait_inside_task),
            "wait() inside its own task did not return wait_inside_task", id);
      CHECK(g.wait_for(std::chrono::microseconds(1)) == errgroup::status::would_deadlock,
            "wait_for() inside its own task did not return would_deadlock", id);
      break;
    }
    case k_stopper:
      m.g->stop();
      CHECK(m.g->stop_requested(), "stop_requested() false after stop()", id);
      break;
    default: e = leaf_body(ld(r.kind), id, r, tok); break;
  }
  st(r.ret_code, e.code());
  st(r.ret_dom, &e.domain());
  return e;
}

// ---- executors, created once --------------------------------------------------------------------
errgroup::executor_options pool_options() {
  errgroup::executor_options o;
  o.workers = 2;
  o.spin = 64;    // small: workers and waiters park often, so the futex protocol is exercised
  o.spin_us = 0;  // count only: the tests choose when workers park
  o.name = "fuzz";
  return o;
}
errgroup::ring_thread_executor<256>& ring_pool() {
  static errgroup::ring_thread_executor<256> ex(pool_options());
  return ex;
}
// (Until 2026-12-02 this was thread_executor<256>, which is the ring: the Boost backend was never
// fuzzed.)
errgroup::boost_thread_executor<256>& boost_pool() {
  static errgroup::boost_thread_executor<256> ex(pool_options());
  return ex;
}
errgroup::inline_executor& inline_ex() {
  static errgroup::inline_executor ex;
  return ex;
}

// ---- the sequence and its model -----------------------------------------------------------------
struct reader {
  const std::uint8_t* p;
  std::size_t n, i = 0;
  std::uint8_t next() { return i < n ? p[i++] : 0; }
};

using status_t = errgroup::status;

struct model {
  fgroup& g;
  bool threaded, inline_mode, with_ctx, helps, timed_help;
  bool stopped = false, closed = false, stop_possible = false, blockers = false;
  bool quiescent = true, saturated = false;
  int accepted_since_q = 0;
  std::uint32_t limit = kNoLimit;
  int round = 0;
  bool round_stop_possible[kMaxOps + 2] = {};

  bool unsafe() const { return blockers && !stopped; }

  void mark_quiescent() {
    quiescent = true;
    accepted_since_q = 0;
    st(g_gms[0].attempts, 0);
    blockers = false;
    saturated = false;
  }

  // Tasks the fuzzer thread may have run itself (helping) are no longer certainly queued.
  void unmark() {
    if (!helps) return;
    const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
    for (int id = 0; id < end; ++id) st(g_recs[id].marked, false);
  }

  void check_submit_status(errgroup::status s, bool tried, int id) {
    using errgroup::status;
    if (stopped) {
      CHECK(s == status::stopped, "go/try_go after stop() did not return stopped", id);
      return;
    }
    if (s == status::stopped) {
      CHECK(stop_possible, "go/try_go returned stopped but nothing stopped the group", id);
      return;
    }
    if (closed) {
      CHECK(s == status::closed, "go/try_go after close() did not return closed", id);
      return;
    }
    const long ub = accepted_since_q + g_gms[0].attempts.load(std::memory_order_seq_cst);
    switch (s) {
      case status::ok: return;
      case status::limit_reached:
        CHECK(tried && limit != kNoLimit && ub >= static_cast<long>(limit),
              "limit_reached with fewer tasks outstanding than the limit", id);
        return;
      case status::capacity_full:
        CHECK(tried && ub >= kCapacity && limit > static_cast<std::uint32_t>(kCapacity),
              "capacity_full with fewer tasks outstanding than the capacity", id);
        return;
      case status::queue_full:
        // The queues hold more than every group together, but an entry a helper took back keeps
        // its room until a worker passes it (queue/mpmc_ring.hpp): with the workers pinned and
        // chains of nested groups taking their entries back, try_go can find the queue full.
        // go() never says so (it runs the task itself).
        CHECK(tried && threaded, "queue_full from go() or on the inline executor", id);
        return;
      default:
        std::fprintf(stderr, "status: %s\n", errgroup::to_string(s));
        fail("unexpected status from go/try_go", id);
    }
  }

  int submit(bool tried, int d, int x, int y, bool pin = false) {
    const int k = d % 8;
    const int id = alloc_task(k, 0, round, d, x, y);
    if (id < 0) return -1;
    task_rec& r = g_recs[id];
    st(r.pin, pin);
    st(r.harness, true);
    st(r.notify, k <= k_spin && (d & 8) != 0);  // I11
    bool may_block = k == k_spin;
    if (k == k_nested) {
      bool spins = false;
      for (int i = 0; i <= (y & 3); ++i) spins = spins || ((x >> (2 * i)) & 3) == 3;
      may_block = spins && (d & 8) != 0 && (d & 32) == 0;
    }
    if (k == k_self) {
      int c = x & 3;
      if (c == 0) c = 1;
      for (int i = 0; i < c; ++i) may_block = may_block || ((x >> (2 + 2 * i)) & 3) == 3;
    }
    const bool may_fail = k == k_fail || k == k_throw || k == k_nested || k == k_self;
    const bool use_try = tried || unsafe();
    if (!use_try) unmark();  // a blocked go() helps
    errgroup::status s;
    if (use_try) {
      s = g.try_go(make_task(id));
    } else {
      waiting in(&g);  // a go() waiting for room runs only g's tasks
      s = g.go(make_task(id));
    }
    check_submit_status(s, use_try, id);
    if (s == errgroup::status::ok) {
      st(r.accepted, true);
      ++accepted_since_q;
      quiescent = false;
      blockers = blockers || may_block;
      stop_possible = stop_possible || k == k_stopper || (with_ctx && may_fail);
      if (saturated && !stopped) st(r.marked, true);
    } else {
      CHECK(ld(r.runs) == 0, "a refused task ran", id);
      CHECK(ld(r.constructed) == ld(r.destroyed), "a refused task's callable was kept", id);
    }
    if (inline_mode) mark_quiescent();
    return id;
  }

  void after_wait_ok(bool stop_and_wait) {
    verify_round(0, round, stop_possible);
    (void)check_wait(0, round, stop_and_wait);
    mark_quiescent();
  }

  // A timed wait whose exact deadline is unknown here (wait_for/wait_until compute it): I9 and
  // "runs a task only under own_tasks_timed" are checked, the deadline itself by op 13.
  status_t timed(status_t (*call)(fgroup&, int), int a) {
    waiting in(&g, ~std::uint64_t{0}, timed_help);
    return call(g, a);
  }

  void wait_full(bool stop_and_wait) {
    unmark();
    const std::uint64_t t0 = now_ns();
    const errgroup::status s =
        timed([](fgroup& gg, int) { return gg.wait_for(std::chrono::seconds(10)); }, 0);
    CHECK(s == errgroup::status::ok, "wait_for(10 s) did not return ok: wait() would hang", -1);
    // A waiter re-checks the count before the deadline, so a lost wake-up shows as an ok that
    // arrives only when the 10 s futex timeout fires.
    CHECK(now_ns() - t0 < kLateNs, "wait_for(10 s) returned only at its deadline: lost wake-up",
          -1);
    after_wait_ok(stop_and_wait);
  }

  void wait_short(errgroup::status s) {
    if (s == errgroup::status::ok) {
      after_wait_ok(false);
    } else {
      CHECK(s == errgroup::status::timeout, "wait_for returned neither ok nor timeout", -1);
      CHECK(!inline_mode, "wait_for timed out on the inline executor (nothing can be pending)", -1);
    }
  }

  void do_stop() {
    g.stop();
    CHECK(g.stop_requested(), "stop_requested() false after stop()", -1);
    stopped = stop_possible = true;
    if (saturated) {
      const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
      for (int id = 0; id < end; ++id)
        if (ld(g_recs[id].marked)) st(g_recs[id].must_skip, true);
      saturated = false;
    }
  }

  void saturate() {
    if (!threaded || stopped || closed || unsafe()) return;
    const int ids[2] = {submit(true, k_spin, 0, 0, /*pin=*/true),
                        submit(true, k_spin, 0, 0, /*pin=*/true)};
    if (ids[0] < 0 || ids[1] < 0 || !ld(g_recs[ids[0]].accepted) || !ld(g_recs[ids[1]].accepted))
      return;
    const std::uint64_t t0 = now_ns();
    while (now_ns() - t0 < 200000000ull) {  // 200 ms
      if (g_recs[ids[0]].started.load(std::memory_order_acquire) &&
          g_recs[ids[1]].started.load(std::memory_order_acquire))
        break;
      sched_yield();
    }
    const bool both = g_recs[ids[0]].started.load(std::memory_order_acquire) &&
                      g_recs[ids[1]].started.load(std::memory_order_acquire);
    if (both && ld(g_recs[ids[0]].thread) != ld(g_recs[ids[1]].thread)) saturated = true;
  }

  void run(reader& in) {
    static const int limits[10] = {-1, 0, 1, 2, 3, 4, 8, 100, -7, INT_MIN};
    using errgroup::status;
    for (int op = 0; op < kMaxOps && in.i < in.n; ++op) {
      const int code = in.next() % 14;
      switch (code) {
        case 0:
        case 1: {
          const int d = in.next(), x = in.next();
          const int y = (d % 8) == k_nested ? in.next() : 0;
          (void)submit(code == 1, d, x, y);
          break;
        }
        case 2: {
          const int n = limits[in.next() % 10];
          const status s = g.set_limit(n);
          if (n == 0) {
            CHECK(s == status::invalid_argument, "set_limit(0) not invalid_argument", -1);
          } else if (quiescent) {
            CHECK(s == status::ok, "set_limit with nothing outstanding refused", -1);
          } else {
            CHECK(s == status::ok || s == status::busy, "set_limit: unexpected status", -1);
          }
          if (s == status::ok) {
            limit = n < 0 ? kNoLimit : static_cast<std::uint32_t>(n);
            st(g_gms[0].limit, limit);
          }
          break;
        }
        case 3: do_stop(); break;
        case 4:
          g.close();
          CHECK(g.closed(), "closed() false after close()", -1);
          closed = true;
          break;
        case 5: {
          const status s = g.reset();
          CHECK(s == status::ok || (s == status::busy && !quiescent), "reset: unexpected status",
                -1);
          if (s == status::ok) {
            round_stop_possible[round] = stop_possible;
            ++round;
            stopped = closed = stop_possible = false;
            mark_quiescent();
            CHECK(!g.first_error(), "first_error() not cleared by reset()", -1);
            CHECK(!g.stop_requested() && !g.closed(), "stop/close not cleared by reset()", -1);
          }
          break;
        }
        case 6: {
          const int a = in.next();
          if (unsafe()) {
            unmark();
            wait_short(timed(
                [](fgroup& gg, int us) { return gg.wait_for(std::chrono::microseconds(us)); }, a));
          } else if ((a & 1) != 0 && helps) {
            // Untimed: it runs g's queued tasks (a hang is libFuzzer's -timeout).
            unmark();
            {
              waiting in(&g);
              CHECK(g.wait_until_ns(errgroup::no_deadline) == status::ok, "wait() did not end", -1);
            }
            after_wait_ok(false);
          } else {
            wait_full(false);
          }
          break;
        }
        case 7:
          unmark();
          wait_short(
              timed([](fgroup& gg, int us) { return gg.wait_for(std::chrono::microseconds(us)); },
                    in.next()));
          break;
        case 8: saturate(); break;
        case 9:
          do_stop();
          wait_full(true);
          break;
        case 10:
          unmark();
          wait_short(timed(
              [](fgroup& gg, int us) {
                return gg.wait_until(std::chrono::steady_clock::now() +
                                     std::chrono::microseconds(us));
              },
              in.next()));
          break;
        case 12: {
          const int a = in.next();
          for (int i = 0; i <= (a & 7); ++i) submit_side();
          break;
        }
        case 13: {
          unmark();
          errgroup::executor_base& ex = g.executor();
          const std::uint64_t entry = ex.now_ns();
          const std::uint64_t deadline = entry + 20000ull * in.next();
          std::uint64_t last_end = 0;
          status s;
          {
            waiting in(&g, deadline == entry ? 1 : deadline, timed_help, entry);
            s = g.wait_until_ns(deadline);
            last_end = t_wait.last_end;
          }
          const std::uint64_t back = ex.now_ns();
          const std::uint64_t bound = last_end > deadline ? last_end : deadline;
          CHECK(back < bound + 2000000000ull,
                "a timed wait returned long after its deadline and its last task", -1);
          wait_short(s);
          break;
        }
        case 11: {
          const int a = in.next();
          for (int i = 0; i <= (a & 7); ++i) (void)submit(true, (a & 8) ? k_fail : k_ok, 0, 0);
          break;
        }
      }
      if (inline_mode) mark_quiescent();
    }
    // The end: everything must finish within 10 s once the group is stopped (if anything could
    // spin) or at once (if not).
    if (unsafe()) do_stop();
    wait_full(false);
    round_stop_possible[round] = stop_possible;
  }
};

void mark_workers(errgroup::executor_base& ex);

void reset_records() {
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    st(r.kind, 0), st(r.gm, -1), st(r.round, 0), st(r.d, 0), st(r.x, 0), st(r.y, 0);
    st(r.pin, false), st(r.accepted, false), st(r.harness, false), st(r.marked, false);
    st(r.must_skip, false), st(r.notify, false), st(r.constructed, 0), st(r.destroyed, 0);
    st(r.runs, 0);
    st(r.finished, false), st(r.threw, false), st(r.released, false), st(r.started, false);
    st(r.ret_code, 0), st(r.ret_dom, nullptr), st(r.thread, 0ul);
  }
  st(g_next_task, 0);
  st(g_next_group, 1);  // 0 is the top group
  st(g_released, 0);
  g_any_throw.store(false, std::memory_order_relaxed);
}

void run_input(const std::uint8_t* data, std::size_t size) {
  t_ours = t_harness = true;
  reader in{data, size};
  const std::uint8_t cfg = in.next();
  errgroup::executor_base* ex = nullptr;
  switch (cfg & 3) {
    case 1: ex = &boost_pool(); break;
    case 2: ex = &inline_ex(); break;
    default: ex = &ring_pool(); break;
  }
  errgroup::group_options o;
  o.on_error = (cfg & 4) ? errgroup::on_error::stop : errgroup::on_error::keep_going;
  o.help = (cfg & 8)    ? errgroup::help_policy::never
           : (cfg & 64) ? errgroup::help_policy::own_tasks_timed
                        : errgroup::help_policy::own_tasks;
  o.waiting = (cfg & 16) ? errgroup::wait_policy::spin : errgroup::wait_policy::park;
  o.exceptions = (cfg & 32) ? errgroup::exception_policy::to_error
                            : errgroup::exception_policy::rethrow;

  // A worker frees a thrown exception object (group_base::run's local exception_ptr) after its
  // finish(), so possibly after the previous sequence's wait() returned: let both workers of
  // each pool pass one more job before counting, so that free is not charged to this sequence.
  if (g_any_throw.load(std::memory_order_relaxed)) {
    mark_workers(ring_pool());
    mark_workers(boost_pool());
  }
  reset_records();
  // Declared before g: g's callables' destructors submit into it (I11).
  side_group side(*ex);
  g_side = &side;
  g_side_accepted.store(0, std::memory_order_relaxed);
  g_side_ran.store(0, std::memory_order_relaxed);
  fgroup g(*ex, o);
  group_model& top = g_gms[0];
  top.g = &g;
  top.policy = o.exceptions;
  st(top.running, 0), st(top.hwm, 0), st(top.attempts, 0), st(top.limit, kNoLimit);

  model m{g,
          (cfg & 3) != 2,
          (cfg & 3) == 2,
          (cfg & 4) != 0,
          (cfg & 8) == 0,
          (cfg & 8) == 0 && (cfg & 64) != 0};

  // I5: from here to the end of the sequence, no heap call on any thread.
  g_news.store(0, std::memory_order_relaxed);
  g_mallocs.store(0, std::memory_order_relaxed);
  g_counting.store(true, std::memory_order_seq_cst);
  m.run(in);
  {
    waiting w(&side);
    CHECK(side.wait_for(std::chrono::seconds(10)) == errgroup::status::ok,
          "the side group's tasks did not finish", -1);
  }
  CHECK(g_side_ran.load() == g_side_accepted.load(),
        "a task submitted from a destructor or into the side group did not run once", -1);
  g_counting.store(false, std::memory_order_seq_cst);
  CHECK(g_news.load(std::memory_order_relaxed) == 0,
        "operator new/delete called during the sequence", -1);
  if (!g_any_throw.load(std::memory_order_relaxed) &&
      g_mallocs.load(std::memory_order_relaxed) != 0) {
    __asan_describe_address(const_cast<void*>(g_last_heap.load(std::memory_order_relaxed)));
    fail("malloc/free called during a sequence in which no task threw", -1);
  }

  // Whole-sequence checks (I1, I2) over every task, including rounds ended by reset().
  long ran = 0, skipped = 0;
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    const int runs = ld(r.runs);
    CHECK(ld(r.constructed) == ld(r.destroyed), "callable not destroyed exactly once", id);
    CHECK(runs <= 1, "task ran more than once", id);
    CHECK(ld(r.accepted) || runs == 0, "a refused task ran", id);
    CHECK(!(ld(r.must_skip) && runs != 0), "task queued before stop() ran", id);
    if (ld(r.gm) == 0 && ld(r.accepted)) {
      CHECK(runs == 1 || m.round_stop_possible[ld(r.round)], "task skipped but never stopped", id);
      (runs == 1 ? ran : skipped) += 1;
    }
  }
#if ERRGROUP_STATS
  const auto s = g.stats();
  CHECK(static_cast<long>(s.tasks_run) == ran, "stats().tasks_run != tasks that ran", -1);
  CHECK(static_cast<long>(s.tasks_skipped) == skipped, "stats().tasks_skipped != tasks skipped",
        -1);
#endif
  top.g = nullptr;
  g_side = nullptr;
}

}  // namespace

// Counting replacements of the global allocation functions (I5).
void* operator new(std::size_t n) {
  note_new();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  note_new();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  note_new();
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  note_new();
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept {
  if (p != nullptr) note_new();
  std::free(p);
}
void operator delete[](void* p) noexcept {
  if (p != nullptr) note_new();
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete[](p); }

namespace {
// Marks both workers of a pool as ours: two tasks that wait for each other must run on two
// different workers (help_policy::never: the submitting thread runs neither).
void mark_workers(errgroup::executor_base& ex) {
  std::atomic<int> arrived{0};
  errgroup::group_options o;
  o.help = errgroup::help_policy::never;
  fgroup g(ex, o);
  for (int i = 0; i < 2; ++i)
    (void)g.go([&arrived] {
      t_ours = true;
      arrived.fetch_add(1, std::memory_order_acq_rel);
      while (arrived.load(std::memory_order_acquire) < 2) sched_yield();
    });
  (void)g.wait();
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  t_ours = t_harness = true;
  mark_workers(ring_pool());
  mark_workers(boost_pool());
  (void)inline_ex();
  __sanitizer_install_malloc_and_free_hooks(&malloc_hook, &free_hook);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  run_input(data, size);
  return 0;
}
