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
//  I12 any depth: a nested task may run a chain of up to 300 nested groups (y bits 4-6: 0 to 300
//     levels in 7 steps), each go() + wait() of the next; every level runs.
//  I13 stop callbacks: every spinning task arms an errgroup::stop_callback on its token; it runs
//     at most once, only when the token reports a stop, never after its destructor returned.
//  I14 bulk tasks (go_n/try_go_n): every index of an accepted bulk task runs at most once, and
//     exactly once unless the group's round could have been stopped (per-index run counters);
//     with ERRGROUP_STATS, per group (the top group and every child): tasks_run counts each
//     accepted bulk task with n > 0 once (run or skipped, it completes), and indices_skipped ==
//     the sum of n - (indices run); a bulk task accepted while the workers are pinned (I8) runs
//     no index. As for tasks: each failing index is one error (I3: first_error, errors() size +
//     dropped), the threads running a group's indices and tasks never exceed its limit (I4), a
//     waiting thread runs only its own group's indices (I9), a timed wait runs one only under
//     own_tasks_timed and only if called before its deadline (I10; a range claimed before the
//     deadline runs to its end, so the deadline bounds the return only), refusals as go's (I7).
//  I15 bulk completion: wait() returns only after every index that started has finished, no index
//     starts after its group's wait() returned (nor from a destroyed callable: the tracker), and
//     the callable is destroyed exactly once (I2), after the last index.
//
// Input format (a byte past the end reads as 0):
//   byte 0: configuration. bits 0-1 executor (0,3 ring, 1 boost, 2 inline); bit 2 on_error::stop
//           (with_context); bit 3 help_policy::never; bit 4 wait_policy::spin; bit 5
//           exception_policy::to_error (else rethrow); bit 6 help_policy::own_tasks_timed
//           (unless bit 3).
//   then operations, one opcode byte (b % 16) and its arguments:
//     0 go <task>          1 try_go <task>        2 set_limit <a>: {-1,0,1,2,3,4,8,100,-7,INT_MIN}[a%10]
//     3 stop               4 close                5 reset
//     6 wait <a>           7 wait_for <a> (a µs)  8 saturate (two pins; thread executors only)
//     9 stop_and_wait      10 wait_until <a> (a µs on steady_clock)
//     11 burst <a>: 1+(a&7) try_go of ok (bit 3 clear) or failing (bit 3 set) tasks
//     12 side <a>: 1+(a&7) try_go of ok tasks into the side group (nobody waits for it until the
//        end: other groups' jobs in the shared queue)
//     13 deadline <a>: wait_until_ns(now + a*20 µs) on the executor's clock (I10, exact deadline)
//     14 go_n <bulk>       15 try_go_n <bulk>     (I14, I15)
//   <task> is a descriptor byte d and an extra byte x; kind = d % 8:
//     0 ok  1 fail (error 1000+id)  2 throw  3 spin until stopped; for these, d bit 3: the
//       callable's destructor submits into the side group (I11)
//     4 nested: x = child kinds (2 bits each: ok, fail, throw, spin) and one more byte y:
//       y bits 0-1 child count-1, d bit 3 linked to the parent (with_context(&g)), bit 4 child
//       on_error::stop, bit 5 the task stops the child before waiting, bit 6 child limit 1,
//       bit 7 child exception_policy::to_error, y bit 2 submit with try_go, y bit 3 wait_policy::spin,
//       y bits 4-6 a chain of 300 * (that) / 7 nested groups run after the children (I12), y bit 7
//       the children are bulk tasks (go_n/try_go_n; n, grain from x and the child's position, the
//       child's kind applied to its indices as in kind 5)
//     5 self-submit into its own group with try_go: x bits 0-1 count (1..3), bits 2-7 kinds (2
//       bits each: ok, fail, throw, spin); count 0: one try_go_n instead, kind from bits 2-3
//       (ok: indices spin a little; fail: i % 7 == 3 fail; throw: i % 13 == 5 throw; spin: index
//       0 spins until stopped), n = 20 * (bits 4-7), grain 0 for ok, else 1 + (bits 4-7).
//       (A go() here would wait for room in its own group, and such tasks at the limit would be
//       Go's own deadlock: every task blocked in Go.)
//     6 wait-self: calls wait() and wait_for() on its own group from inside
//     7 stopper: stops its own group
//   <bulk> is n0 g0 b e [d2 x2 y2]: n = n0 * 301 / 256 (0..300), grain = g0 % (n + 2) (0: the
//     library's choice; n + 1: clamped to n); b, what the indices do: bits 0-2 which indices fail
//     (0 none, 1 all, 2 i % 7 == 3, 3 i == n / 2, 4 i % 13 == 5 throw, 5 i == n - 1, 6 i % 3 == 0,
//     7 i % 5 == 1 fail and i % 11 == 2 throw), bit 3 the callable is f(i, stop_token) (else
//     f(i)), bit 4 it returns void (the failing indices' errors are dropped, throws stay), bit 5
//     each index spins 0-4 µs on the clock (no sleep), bit 6 index n / 3 stops the group, bit 7
//     index 0 spins until stopped (the token form; its stop_callback as I13); e: bits 0-1 how
//     many of the indices n - 1, n / 2, 0 run a nested child group, as task kind 4 with d2 x2 y2
//     (the three bytes follow only then), e bit 2 the callable's destructor submits into the side
//     group (I11).
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
constexpr int kMaxGroups = 128;
constexpr int kMaxOps = 64;
constexpr int kMaxIndices = 32768;  // bulk task indices per sequence (I14)
constexpr int kBulkWorkers = 2;     // pool_options().workers: a bulk task's extra threads
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
enum kind : int { k_ok, k_fail, k_throw, k_spin, k_nested, k_self, k_wait_self, k_stopper, k_bulk };

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
  // A bulk task (kind k_bulk; d: what its indices do, x: the <bulk> e byte): n indices, whose
  // records are g_idx[base, base + n); nd/nx/ny the nested child's d x y (e bits 0-1); set by
  // verify_round after its group's wait() returned, with the number of indices run then (I15).
  std::atomic<int> bulk_n, bulk_base, nd, nx, ny, ran_at_verify;
  std::atomic<bool> verified;
};
task_rec g_recs[kMaxTasks];
std::atomic<int> g_next_task{0};

// One record per index of a bulk task (I14, I15): relaxed, as task_rec.
struct idx_rec {
  std::atomic<int> runs;
  std::atomic<bool> finished, threw;
  std::atomic<std::int32_t> ret_code;
  std::atomic<const errgroup::error_domain*> ret_dom;
};
idx_rec g_idx[kMaxIndices];
std::atomic<int> g_next_index{0};

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

// A bulk task of n indices (I14): its record and n index records; -1 if either runs out.
int alloc_bulk(int gm, int round, int n, int b, int e, int nd = 0, int nx = 0, int ny = 0) {
  const int id = alloc_task(k_bulk, gm, round, b, e);
  if (id < 0) return -1;
  const int base = g_next_index.fetch_add(n, std::memory_order_relaxed);
  if (base + n > kMaxIndices) return -1;  // the record stays unused: never accepted, n == 0
  task_rec& r = g_recs[id];
  st(r.bulk_n, n), st(r.bulk_base, base), st(r.nd, nd), st(r.nx, nx), st(r.ny, ny);
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

template <class Rec>  // task_rec or idx_rec
errgroup::error rec_error(const Rec& r) {
  if (ld(r.threw)) return errgroup::errc::task_threw;
  const std::int32_t c = ld(r.ret_code);
  if (c == 0) return {};
  return errgroup::error(c, *ld(r.ret_dom));
}

// Calls fn(error) for every error a task or an index of group gi's round returned (I3, I14).
template <class Fn>
void for_each_error(int gi, int round, Fn&& fn) {
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    const task_rec& r = g_recs[id];
    if (ld(r.gm) != gi || ld(r.round) != round || !ld(r.accepted)) continue;
    if (ld(r.kind) == k_bulk) {
      const int base = ld(r.bulk_base), n = ld(r.bulk_n);
      for (int i = 0; i < n; ++i) {
        const idx_rec& x = g_idx[base + i];
        if (ld(x.runs) == 0) continue;
        const errgroup::error e = rec_error(x);
        if (e) fn(e, x, id);
      }
    } else if (ld(r.runs) == 1) {
      const errgroup::error e = rec_error(r);
      if (e) fn(e, r, id);
    }
  }
}

// Indices of bulk task id that ran (I14).
int indices_run(const task_rec& r) {
  const int base = ld(r.bulk_base), n = ld(r.bulk_n);
  int ran = 0;
  for (int i = 0; i < n; ++i) {
    const int runs = ld(g_idx[base + i].runs);
    CHECK(runs <= 1, "a bulk task's index ran more than once (I14)", static_cast<int>(&r - g_recs));
    ran += runs;
  }
  return ran;
}

// I1-I3, I14, I15 for one round of one group, after a wait that returned ok.
void verify_round(int gi, int round, bool stop_possible) {
  fgroup& g = *g_gms[gi].g;
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    if (ld(r.gm) != gi || ld(r.round) != round || !ld(r.accepted)) continue;
    CHECK(ld(r.constructed) == ld(r.destroyed),
          "wait returned but the task's callable was not destroyed exactly once", id);
    if (ld(r.kind) == k_bulk) {
      const int base = ld(r.bulk_base), n = ld(r.bulk_n);
      for (int i = 0; i < n; ++i) {
        const idx_rec& x = g_idx[base + i];
        CHECK(ld(x.runs) == 0 || ld(x.finished),
              "wait returned while an index of a bulk task was still running (I15)", id);
      }
      const int ran = indices_run(r);
      CHECK(ran == n || stop_possible,
            "a bulk task's index skipped although the group was never stopped (I14)", id);
      CHECK(!(ran != 0 && ld(r.must_skip)),
            "a bulk task queued before stop() ran an index instead of being skipped (I14)", id);
      // I15: from here on no index of it may start (run_index checks the flag).
      st(r.ran_at_verify, ran);
      st(r.verified, true);
      continue;
    }
    const int runs = ld(r.runs);
    CHECK(runs <= 1, "task ran more than once", id);
    CHECK(runs == 0 || ld(r.finished), "wait returned while a task was still running", id);
    CHECK(runs == 1 || stop_possible, "task skipped although the group was never stopped", id);
    CHECK(!(runs == 1 && ld(r.must_skip)), "task queued before stop() ran instead of being skipped",
          id);
  }
  // The round's errors are compared with first_error() and errors() by counting, for each of
  // those (at most 1 + kCapacity), how many of the round's errors equal it: a multiset check
  // without a copy of the (up to kMaxTasks + kMaxIndices) errors.
  const errgroup::error first = g.first_error();
  const errgroup::error_list l = g.errors();
  errgroup::error want[1 + kCapacity];
  int have[1 + kCapacity] = {};
  int nwant = 0;
  want[nwant++] = first;
  for (const errgroup::error& e : l) {
    CHECK(nwant < 1 + kCapacity, "errors() holds more entries than the capacity", -1);
    want[nwant++] = e;
  }
  int n = 0;
  errgroup::error only, last;
  for_each_error(gi, round, [&](const errgroup::error& e, const auto&, int) {
    if (n++ == 0) only = e;
    last = e;
    for (int j = 0; j < nwant; ++j) have[j] += want[j] == e ? 1 : 0;
  });
  (void)last;
#if FUZZ_BREAK == 1
  if (n >= 2) CHECK(first == last, "FUZZ_BREAK: model expects the last error", -1);
#endif
  if (n == 0) {
    CHECK(!first, "first_error set although no task of the round failed", -1);
  } else {
    CHECK(have[0] > 0, "first_error is not an error any task of the round returned", -1);
    CHECK(n != 1 || first == only, "the only failing task's error was not returned", -1);
  }
  CHECK(static_cast<int>(l.size + l.dropped) == n, "errors() size+dropped != failing tasks", -1);
  for (int j = 1; j < nwant; ++j) {
    int same = 0;  // how often errors() holds this error
    for (int k = 1; k < nwant; ++k) same += want[k] == want[j] ? 1 : 0;
    CHECK(same <= have[j], "errors() holds an error no task of the round returned", -1);
  }
}

// I3: the value or exception of wait() (or stop_and_wait()) after the round is complete.
// Returns the id in a caught fuzz_exception, or -1.
int check_wait(int gi, int round, bool use_stop_and_wait) {
  fgroup& g = *g_gms[gi].g;
  const errgroup::error first = g.first_error();
  bool thr_exc = false, thr_ret = false;
  for_each_error(gi, round, [&](const errgroup::error& e, const auto& rec, int) {
    if (ld(rec.threw)) thr_exc = true;
    else if (is_threw(e))
      thr_ret = true;
  });
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

// I1, I14 (ERRGROUP_STATS): group gi's counters against its records, over all its rounds.
// round_stop_possible: per round, whether a stop could have happened (nullptr: yes).
void check_totals(int gi, const fgroup& g, const bool* round_stop_possible) {
  long ran = 0, skipped = 0, bulks = 0, idx_skipped = 0;
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    if (ld(r.gm) != gi || !ld(r.accepted)) continue;
    const bool may_stop = round_stop_possible == nullptr || round_stop_possible[ld(r.round)];
    if (ld(r.kind) == k_bulk) {
      const int n = ld(r.bulk_n), done = indices_run(r);
      CHECK(done == n || may_stop, "a bulk task's index skipped but never stopped (I14)", id);
      bulks += n > 0 ? 1 : 0;  // n == 0 submits nothing
      idx_skipped += n - done;
    } else {
      const int runs = ld(r.runs);
      CHECK(runs == 1 || may_stop, "task skipped but never stopped", id);
      (runs == 1 ? ran : skipped) += 1;
    }
  }
#if ERRGROUP_STATS
  const auto s = g.stats();
  CHECK(static_cast<long>(s.tasks_run) == ran + bulks,
        "stats().tasks_run != tasks that ran + bulk tasks accepted", -1);
  CHECK(static_cast<long>(s.tasks_skipped) == skipped, "stats().tasks_skipped != tasks skipped",
        -1);
  CHECK(static_cast<long>(s.indices_skipped) == idx_skipped,
        "stats().indices_skipped != bulk indices not run (I14)", -1);
#else
  (void)g, (void)ran, (void)skipped, (void)bulks, (void)idx_skipped;
#endif
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
    {
      // volatile: clang elides a malloc/free pair it can see whole (the control then never fired)
      void* volatile p = std::malloc(static_cast<std::size_t>(8 + id));
      std::free(p);
    }
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

// ---- bulk tasks (I14, I15) ------------------------------------------------------------------
errgroup::error run_index(const tracker& t, std::uint32_t i, const errgroup::stop_token* tok,
                          bool returns);

// The callable of bulk task id in one of its four forms: f(i) or f(i, stop_token), returning
// errgroup::error or void.
template <bool Tok, bool Void>
auto make_bulk(int id) {
  if constexpr (Tok && Void) {
    return [t = tracker(&g_recs[id])](std::uint32_t i, errgroup::stop_token tok) {
      (void)run_index(t, i, &tok, false);
    };
  } else if constexpr (Tok) {
    return [t = tracker(&g_recs[id])](std::uint32_t i, errgroup::stop_token tok) {
      return run_index(t, i, &tok, true);
    };
  } else if constexpr (Void) {
    return [t = tracker(&g_recs[id])](std::uint32_t i) { (void)run_index(t, i, nullptr, false); };
  } else {
    return [t = tracker(&g_recs[id])](std::uint32_t i) { return run_index(t, i, nullptr, true); };
  }
}

template <bool Tok, bool Void>
errgroup::status submit_bulk_as(fgroup& g, bool block, int id, std::uint32_t n,
                                std::uint32_t grain) {
  if (block) return g.go_n(n, make_bulk<Tok, Void>(id), grain);
  return g.try_go_n(n, make_bulk<Tok, Void>(id), grain);
}

// go_n (block) or try_go_n of bulk task id into g, in the form its descriptor (d) names.
errgroup::status submit_bulk(fgroup& g, bool block, int id, int grain) {
  const task_rec& r = g_recs[id];
  const int b = ld(r.d);
  const std::uint32_t n = static_cast<std::uint32_t>(ld(r.bulk_n));
  const std::uint32_t gr = static_cast<std::uint32_t>(grain);
  const bool tok = (b & (8 | 128)) != 0;  // bit 7's spinner needs the token
  if ((b & 16) != 0) {
    return tok ? submit_bulk_as<true, true>(g, block, id, n, gr)
               : submit_bulk_as<false, true>(g, block, id, n, gr);
  }
  return tok ? submit_bulk_as<true, false>(g, block, id, n, gr)
             : submit_bulk_as<false, false>(g, block, id, n, gr);
}

// The <bulk> b byte for a child kind (ok, fail, throw, spin), as self-submit and nested
// children use it: ok indices spin a little; fail: i % 7 == 3; throw: i % 13 == 5; spin: index
// 0 spins until stopped.
int bulk_body_of_kind(int ck) {
  static const int body[4] = {32, 2, 4, 128};
  return body[ck & 3];
}

// ---- nested groups and self-submission ------------------------------------------------------
// A task that creates a child group on the same executor, fills it and waits for it. gm: the
// group the task (or bulk index) runs in; d x y: its descriptor; threw: set before a child's
// exception is rethrown.
errgroup::error nested_body(int gm, int d, int x, int y, int id, std::atomic<bool>& threw) {
  const int ci = g_next_group.fetch_add(1, std::memory_order_relaxed);
  if (ci >= kMaxGroups) return {};
  group_model& parent = g_gms[gm];
  const bool linked = (d & 8) != 0, with_ctx = (d & 16) != 0, limit1 = (d & 64) != 0;
  const bool force_stop = (d & 32) != 0 || t_harness;
  const bool bulk = (y & 128) != 0;  // the children are bulk tasks (I14)
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
    // A bulk child: n in 0..63 and grain in 0..3 from x and its position.
    const int bn = bulk ? (x * 7 + 13 * i) & 63 : 0;
    const int cid = bulk ? alloc_bulk(ci, 0, bn, bulk_body_of_kind(ck), 0)
                         : alloc_task(ck == 3 ? k_spin : ck, ci, 0);
    if (cid < 0) break;
    ++attempts;
    errgroup::status s;
    if (use_try) {
      s = bulk ? submit_bulk(child, false, cid, i & 3) : child.try_go(make_task(cid));
    } else {
      waiting in(&child);  // at the limit go() waits, running only the child's queued tasks
      s = bulk ? submit_bulk(child, true, cid, i & 3) : child.go(make_task(cid));
    }
    if (s == errgroup::status::ok) {
      st(g_recs[cid].accepted, true);
    } else {
      // go() waits for room at the child's limit, so only try_go says limit_reached. A bulk task
      // with n == 0 submits nothing: always ok. (Under limit 1 a bulk task has one thread.)
      const bool ok =
          !(bulk && bn == 0) &&
          ((s == errgroup::status::stopped && (linked || with_ctx)) ||
           (s == errgroup::status::limit_reached && limit1 && attempts > 1 && use_try) ||
           (s == errgroup::status::queue_full && use_try));
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
  const int chain = 300 * ((y >> 4) & 7) / 7;
  if (chain != 0 && !(linked && parent.g->stop_requested())) {
    std::atomic<int> levels{0};
    CHECK(nest_chain(child.executor(), chain, levels) == errgroup::status::ok,
          "a chain of nested groups did not complete", id);
    CHECK(levels.load(std::memory_order_relaxed) == chain, "a level of the chain did not run", id);
  }
  const int thrown = check_wait(ci, 0, false);
  check_totals(ci, child, nullptr);
  const errgroup::error e = child.first_error();
  m.g = nullptr;
  if (thrown >= 0) {
    st(threw, true);
    g_any_throw.store(true, std::memory_order_relaxed);
    throw fuzz_exception{thrown};
  }
  return e;
}

// A task that submits further tasks into its own group (x bits 0-1 == 0: one bulk task).
errgroup::error self_body(task_rec& r) {
  const int gi = ld(r.gm);
  group_model& m = g_gms[gi];
  const int x = ld(r.x);
  const int count = (x & 3) == 0 ? 1 : x & 3;
  const bool bulk = (x & 3) == 0;
  for (int i = 0; i < count; ++i) {
    const int sk = (x >> (2 + 2 * i)) & 3;
    const int bn = 20 * ((x >> 4) & 15);
    const int sid = bulk ? alloc_bulk(gi, ld(r.round), bn, bulk_body_of_kind(sk), 0)
                         : alloc_task(sk == 3 ? k_spin : sk, gi, ld(r.round));
    if (sid < 0) break;
    // Before the reservation it bounds; a bulk task's extra threads count under a limit (I7).
    m.attempts.fetch_add(bulk ? 1 + kBulkWorkers : 1, std::memory_order_seq_cst);
    const errgroup::status s = bulk ? submit_bulk(*m.g, false, sid, sk == 0 ? 0 : 1 + (x >> 4))
                                    : m.g->try_go(make_task(sid));
    using errgroup::status;
    if (s == status::ok) {
      st(g_recs[sid].accepted, true);
    } else {
      const bool ok = !(bulk && bn == 0) &&
                      (s == status::stopped || s == status::closed || s == status::limit_reached ||
                       s == status::capacity_full || s == status::queue_full);
      CHECK(ok, "unexpected status from go/try_go into the task's own group", sid);
    }
  }
  return {};
}

// What a thread running a task or a bulk index checks and records on the way in and out: I9,
// I10 against the wait it runs inside (if any), I4 against the group's limit; on the way out the
// record's finished flag, and the end time for the wait's next start (I10).
struct run_scope {
  group_model& m;
  std::atomic<bool>& finished;
  wait_frame saved;
  bool had_outer;
  run_scope(group_model& gm, std::atomic<bool>& fin, int id, bool index)
      : m(gm), finished(fin), saved(t_wait), had_outer(t_wait.group != nullptr) {
    // I9, I10: a thread that waits runs only its own group's tasks; a timed wait only if
    // allowed, and none at or after its deadline.
    const wait_frame& w = saved;
    if (had_outer) {
      CHECK(w.group == static_cast<const void*>(m.g), "a waiting thread ran another group's task",
            id);
      if (w.deadline != 0) {
        CHECK(w.timed_help, "a timed wait ran a task (help_policy is not own_tasks_timed)", id);
        CHECK(w.entry < w.deadline, "a timed wait called after its deadline started a task", id);
        // A bulk task's claimed range runs to its end, past the deadline too (and a hand-off
        // into a full queue goes on claiming): an index is not judged by the previous one's end.
        CHECK(index || w.last_end < w.deadline,
              "a timed wait started a task after one it ran had ended past the deadline", id);
      }
    }
    // The task's own waits push their frames on top; this one is restored when it returns.
    t_wait = wait_frame{};
    const int cur = m.running.fetch_add(1, std::memory_order_relaxed) + 1;
    const std::uint32_t lim = ld(m.limit);
    CHECK(static_cast<std::uint32_t>(cur) <= lim, "more tasks running than the group's limit", id);
    int h = ld(m.hwm);
    while (cur > h && !m.hwm.compare_exchange_weak(h, cur, std::memory_order_relaxed)) {
    }
  }
  ~run_scope() {
    m.running.fetch_sub(1, std::memory_order_relaxed);
    st(finished, true);
    t_wait = saved;
    if (had_outer) t_wait.last_end = m.g->executor().now_ns();
  }
  run_scope(const run_scope&) = delete;
  run_scope& operator=(const run_scope&) = delete;
};

errgroup::error run_task(const tracker& t, errgroup::stop_token tok) {
  task_rec& r = *t.r;
  const int id = static_cast<int>(t.r - g_recs);
  CHECK(t.magic == kAlive, "a destroyed callable was run", id);
  CHECK(r.runs.fetch_add(1, std::memory_order_relaxed) == 0, "task ran twice", id);
  group_model& m = g_gms[ld(r.gm)];
  const run_scope scope(m, r.finished, id, /*index=*/false);
  errgroup::error e;
  switch (ld(r.kind)) {
    case k_nested: e = nested_body(ld(r.gm), ld(r.d), ld(r.x), ld(r.y), id, r.threw); break;
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

// Index i of bulk task t (I14, I15). returns == false: a void form (its error is dropped).
errgroup::error run_index(const tracker& t, std::uint32_t i, const errgroup::stop_token* tok,
                          bool returns) {
  task_rec& r = *t.r;
  const int id = static_cast<int>(t.r - g_recs);
  CHECK(t.magic == kAlive, "a destroyed bulk callable ran an index (I15)", id);
  CHECK(!ld(r.verified), "an index ran after its group's wait() returned (I15)", id);
  const int n = ld(r.bulk_n), base = ld(r.bulk_base);
  CHECK(i < static_cast<std::uint32_t>(n), "an index outside [0, n) ran (I14)", id);
  const int ii = static_cast<int>(i);
  idx_rec& x = g_idx[base + ii];
  CHECK(x.runs.fetch_add(1, std::memory_order_relaxed) == 0,
        "an index of a bulk task ran twice (I14)", id);
  group_model& m = g_gms[ld(r.gm)];
  CHECK(m.g != nullptr, "an index ran after its group was destroyed (I15)", id);
  const run_scope scope(m, x.finished, id, /*index=*/true);
  const int b = ld(r.d), e = ld(r.x);
  if ((b & 32) != 0) {  // spin a little, on the clock: other threads claim meanwhile
    const std::uint64_t t0 = now_ns(), ns = 1000ull * static_cast<std::uint64_t>((ii * 7 + id) % 5);
    while (now_ns() - t0 < ns) {
    }
  }
  if ((b & 128) != 0 && ii == 0 && tok != nullptr) (void)spin_until_stopped(r, *tok, id);
  errgroup::error err;
  const int nests = e & 3;
  if ((nests >= 1 && ii == n - 1) || (nests >= 2 && ii == n / 2) || (nests >= 3 && ii == 0)) {
    try {
      err = nested_body(ld(r.gm), ld(r.nd), ld(r.nx), ld(r.ny), id, x.threw);
    } catch (const fuzz_exception&) {
      st(r.threw, true);  // for check_wait: some index of it threw
      throw;
    }
  }
  if ((b & 64) != 0 && ii == n / 3) {
    m.g->stop();
    CHECK(m.g->stop_requested(), "stop_requested() false after stop()", id);
  }
  bool fails = false, throws = false;
  switch (b & 7) {
    case 1: fails = true; break;
    case 2: fails = ii % 7 == 3; break;
    case 3: fails = ii == n / 2; break;
    case 4: throws = ii % 13 == 5; break;
    case 5: fails = ii == n - 1; break;
    case 6: fails = ii % 3 == 0; break;
    case 7:
      fails = ii % 5 == 1;
      throws = ii % 11 == 2;
      break;
    default: break;
  }
  CHECK(t.magic == kAlive, "a bulk callable was destroyed while an index ran (I15)", id);
  if (throws) {
    st(x.threw, true);
    st(r.threw, true);
    g_any_throw.store(true, std::memory_order_relaxed);
    throw fuzz_exception{id};
  }
  if (fails && !err) err = errgroup::error(2000000 + base + ii);
  if (!returns) err = {};
  st(x.ret_code, err.code());
  st(x.ret_dom, &err.domain());
  return err;
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
  int accepted_since_q = 0, bulks_since_q = 0;
  std::uint32_t limit = kNoLimit;
  int round = 0;
  bool round_stop_possible[kMaxOps + 2] = {};

  bool unsafe() const { return blockers && !stopped; }

  void mark_quiescent() {
    quiescent = true;
    accepted_since_q = bulks_since_q = 0;
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
    // Under a limit each thread beyond the first on a bulk task counts as a task (at most one per
    // worker: a bulk task runs on the workers and one waiter).
    const long ub = accepted_since_q + bulks_since_q * (threaded ? kBulkWorkers : 0) +
                    g_gms[0].attempts.load(std::memory_order_seq_cst);
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

  // go_n (unless tried) or try_go_n of a bulk task into the top group (I14, I15); -1 if the
  // records ran out.
  int submit_bulk_top(bool tried, int n, int g0, int b, int e, int nd, int nx, int ny) {
    const int id = alloc_bulk(0, round, n, b, e, nd, nx, ny);
    if (id < 0) return -1;
    task_rec& r = g_recs[id];
    st(r.harness, true);
    st(r.notify, (e & 4) != 0);  // I11
    const int nests = e & 3, mode = b & 7;
    bool may_block = n > 0 && (b & 128) != 0;  // index 0 spins until stopped
    if (n > 0 && nests != 0) {                 // as for a nested task (kind 4)
      bool spins = false;
      for (int i = 0; i <= (ny & 3); ++i) spins = spins || ((nx >> (2 * i)) & 3) == 3;
      may_block = may_block || (spins && (nd & 8) != 0 && (nd & 32) == 0);
    }
    // Errors: returned (not by the void forms), thrown (modes 4 and 7), or a nested child's.
    const bool may_fail = n > 0 &&
                          (nests != 0 || (mode != 0 && ((b & 16) == 0 || mode == 4 || mode == 7)));
    const bool use_try = tried || unsafe();
    if (!use_try) unmark();  // a blocked go_n() helps
    const int grain = g0 % (n + 2);
    errgroup::status s;
    if (use_try) {
      s = submit_bulk(g, false, id, grain);
    } else {
      waiting in(&g);  // a go_n() waiting for room runs only g's tasks
      s = submit_bulk(g, true, id, grain);
    }
    if (n == 0) {  // submits nothing, whatever the group's state
      CHECK(s == errgroup::status::ok, "go_n/try_go_n with n == 0 did not return ok", id);
      st(r.accepted, true);
    } else {
      check_submit_status(s, use_try, id);
      if (s == errgroup::status::ok) {
        st(r.accepted, true);
        ++accepted_since_q;
        ++bulks_since_q;
        quiescent = false;
        blockers = blockers || may_block;
        stop_possible = stop_possible || (b & 64) != 0 || (with_ctx && may_fail);
        if (saturated && !stopped) st(r.marked, true);
      } else {
        CHECK(indices_run(r) == 0, "a refused bulk task ran an index", id);
      }
    }
    CHECK(ld(r.accepted) || ld(r.constructed) == ld(r.destroyed),
          "a refused bulk task's callable was kept", id);
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
      const int code = in.next() % 16;
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
        case 14:
        case 15: {
          const int n = in.next() * 301 / 256, g0 = in.next(), b = in.next(), e = in.next();
          int nd = 0, nx = 0, ny = 0;
          if ((e & 3) != 0) nd = in.next(), nx = in.next(), ny = in.next();
          (void)submit_bulk_top(code == 15, n, g0, b, e, nd, nx, ny);
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
    st(r.bulk_n, 0), st(r.bulk_base, 0), st(r.nd, 0), st(r.nx, 0), st(r.ny, 0);
    st(r.ran_at_verify, 0), st(r.verified, false);
  }
  st(g_next_task, 0);
  const int iend = ld(g_next_index) < kMaxIndices ? ld(g_next_index) : kMaxIndices;
  for (int i = 0; i < iend; ++i) {
    idx_rec& x = g_idx[i];
    st(x.runs, 0), st(x.finished, false), st(x.threw, false), st(x.ret_code, 0);
    st(x.ret_dom, nullptr);
  }
  st(g_next_index, 0);
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

  // Whole-sequence checks (I1, I2, I14, I15) over every task, including rounds ended by reset().
  const int end = ld(g_next_task) < kMaxTasks ? ld(g_next_task) : kMaxTasks;
  for (int id = 0; id < end; ++id) {
    task_rec& r = g_recs[id];
    CHECK(ld(r.constructed) == ld(r.destroyed), "callable not destroyed exactly once", id);
    if (ld(r.kind) == k_bulk) {
      const int ran = indices_run(r);
      CHECK(ld(r.accepted) || ran == 0, "a refused bulk task ran an index", id);
      CHECK(!(ld(r.must_skip) && ran != 0), "a bulk task queued before stop() ran an index", id);
      CHECK(!ld(r.verified) || ran == ld(r.ran_at_verify),
            "an index ran after its group's wait() returned (I15)", id);
      continue;
    }
    const int runs = ld(r.runs);
    CHECK(runs <= 1, "task ran more than once", id);
    CHECK(ld(r.accepted) || runs == 0, "a refused task ran", id);
    CHECK(!(ld(r.must_skip) && runs != 0), "task queued before stop() ran", id);
  }
  check_totals(0, g, m.round_stop_possible);
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
