// SPDX-License-Identifier: BSL-1.0
// examples/frame_loop.cpp — a game-frame loop: bulk stages with go_n, one group waited per stage.
//
// A 2-D world of 2048 bodies (radius 0.5) in a 100 x 100 box under weak gravity and a swirling
// wind field. Each frame of 1/60 s, the frame thread runs three parallel stages on one group,
// waiting for each before the next, since each reads what the one before wrote:
//   1. physics (go_n over the bodies): 4 substeps of semi-implicit Euler (v += a dt, then
//      x += v dt) and an elastic bounce off the walls, each body on its own;
//   2. bucketing (go_n over the bodies): each body's cell in a 16 x 16 grid, counted in a
//      histogram of the thread that runs it — per-worker scratch, indexed by ex.worker_index(),
//      with one more histogram for the frame thread, which runs indices too while it waits (the
//      only thread besides the workers that runs this group's tasks). No atomic counter is shared
//      by the threads; the frame thread sums the histograms (wait() made their writes visible),
//      turns them into each cell's first slot and lists the bodies per cell in index order;
//   3. contacts (go_n over the cells): the broad phase — pairs of bodies closer than two radii,
//      looked for in each cell and in four of its neighbours, so that each pair is counted once.
// Frames run back to back (no sleeping to pace them); each frame's time is measured and compared
// with the 60 Hz budget of 16.67 ms.
//
// Determinism, and the check. Every index is computed on its own by one noinline function that the
// threaded run and the single-threaded reference both call, and the only sums across indices are
// of integers (counts), so the result does not depend on which thread ran what, or in what order.
// After each frame the program hashes the whole state (positions, velocities, cell counts, contact
// counts); it then runs the same frames again on one thread and requires every frame's hash and
// the final state to be identical, bit for bit. It also checks that the histograms add up to the
// body count in every frame (each index bucketed exactly once), that no index was skipped and no
// task failed, and that nothing allocates inside the loop (by counting calls to operator new).
//
// Exit code 0: every frame ran, matched the reference, and the loop did not allocate.
#include <errgroup/std_thread.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "count_new.hpp"  // g_allocations: every operator new of this program

namespace {

using executor = errgroup::thread_executor<>;

constexpr std::uint32_t body_count = 2048;
constexpr int substeps = 4;
constexpr float frame_dt = 1.0f / 60.0f;
constexpr float dt = frame_dt / static_cast<float>(substeps);
constexpr float world_size = 100.0f;
constexpr float radius = 0.5f;
constexpr float gravity = -2.0f;  // weak: the bodies keep filling the box instead of piling up
constexpr float wind = 6.0f;      // amplitude of the swirling wind field
constexpr std::uint32_t grid = 16;
constexpr std::uint32_t cell_count = grid * grid;
constexpr float cell_size = world_size / static_cast<float>(grid);
static_assert(cell_size >= 2.0f * radius, "a contact must lie in one cell or its neighbours");
constexpr std::uint64_t budget_ns = 16'666'667;  // 60 Hz
constexpr std::size_t max_frames = 3600;         // one minute of game time
std::size_t frame_count = 600;                   // argv[1] (the ctest run: 300)

// The world: plain arrays, written by the stages. Neighbouring bodies are written by different
// threads only at the edges of their claimed ranges.
struct world {
  std::array<float, body_count> px, py, vx, vy;
  std::array<std::uint16_t, body_count> cell_of;         // stage 2
  std::array<std::uint32_t, cell_count> in_cell;         // merged histogram (frame thread)
  std::array<std::uint32_t, cell_count + 1> cell_first;  // prefix sums of in_cell
  std::array<std::uint16_t, body_count> by_cell;         // body indices, grouped by cell
  std::array<std::uint32_t, cell_count> contacts;        // stage 3
};

// One histogram per thread that may run stage 2, each on its own cache lines: worker w writes
// scratch[w], the frame thread scratch[worker_count()]. Only its owner writes it during the stage.
struct alignas(errgroup::cache_line) scratch {
  std::array<std::uint32_t, cell_count> in_cell;
  std::uint64_t indices = 0;  // stage-2 indices this thread ran, over the whole run (a report)
};

world g_world;
world g_reference;
std::array<scratch, executor::max_workers + 1> g_scratch;
std::array<std::uint64_t, max_frames> g_frame_ns{};
std::array<std::uint64_t, max_frames> g_digest{};
std::array<std::uint64_t, max_frames> g_reference_digest{};
std::array<std::uint64_t, max_frames> g_reference_ns{};

// A deterministic start: positions on a jittered lattice, velocities from an integer hash.
std::uint32_t hash32(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
float unit(std::uint32_t x) noexcept {  // [0, 1)
  return static_cast<float>(hash32(x) >> 8) * (1.0f / 16777216.0f);
}
void init_world(world& w) noexcept {
  constexpr std::uint32_t side = 64;  // 64 x 32 lattice over the box
  for (std::uint32_t i = 0; i < body_count; ++i) {
    const float gx = static_cast<float>(i % side) + 0.5f;
    const float gy = static_cast<float>(i / side) + 0.5f;
    w.px[i] = (gx + 0.4f * (unit(4 * i) - 0.5f)) * (world_size / static_cast<float>(side));
    w.py[i] = (gy + 0.4f * (unit(4 * i + 1) - 0.5f)) * (world_size / 32.0f);
    w.vx[i] = 40.0f * (unit(4 * i + 2) - 0.5f);
    w.vy[i] = 40.0f * (unit(4 * i + 3) - 0.5f);
  }
}

// The stages' per-index work. noinline: the threaded run and the reference execute the very same
// machine code for each index, so their results are bit-identical.

// Stage 1: body i over one frame.
[[gnu::noinline]] void integrate(world& w, std::uint32_t i) noexcept {
  float x = w.px[i], y = w.py[i], vx = w.vx[i], vy = w.vy[i];
  constexpr float lo = radius, hi = world_size - radius;
  for (int s = 0; s < substeps; ++s) {
    // Semi-implicit Euler: the new velocity moves the body.
    vx += wind * std::sin(0.0628f * y) * dt;
    vy += (gravity + wind * std::cos(0.0628f * x)) * dt;
    x += vx * dt;
    y += vy * dt;
    // Elastic walls: reflect the position into the box and the velocity component.
    if (x < lo) {
      x = lo + (lo - x);
      vx = -vx;
    } else if (x > hi) {
      x = hi - (x - hi);
      vx = -vx;
    }
    if (y < lo) {
      y = lo + (lo - y);
      vy = -vy;
    } else if (y > hi) {
      y = hi - (y - hi);
      vy = -vy;
    }
  }
  w.px[i] = x;
  w.py[i] = y;
  w.vx[i] = vx;
  w.vy[i] = vy;
}

// Stage 2: body i's cell, counted in the calling thread's histogram.
[[gnu::noinline]] void bucket(world& w, scratch& mine, std::uint32_t i) noexcept {
  auto cell_of = [](float v) noexcept {
    const auto c = static_cast<std::uint32_t>(v / cell_size);  // v >= 0: inside the box
    return c < grid ? c : grid - 1;
  };
  const std::uint32_t c = cell_of(w.py[i]) * grid + cell_of(w.px[i]);
  w.cell_of[i] = static_cast<std::uint16_t>(c);
  ++mine.in_cell[c];
  ++mine.indices;
}

// Stage 3: contacts of cell c — within the cell, and with the cells to its east, north-west,
// north and north-east (the other four neighbours count theirs with c).
[[gnu::noinline]] void count_contacts(world& w, std::uint32_t c) noexcept {
  constexpr float reach2 = (2.0f * radius) * (2.0f * radius);
  auto close = [&w](std::uint32_t a, std::uint32_t b) noexcept {
    const float dx = w.px[a] - w.px[b], dy = w.py[a] - w.py[b];
    return dx * dx + dy * dy < reach2;
  };
  const std::uint32_t cx = c % grid, cy = c / grid;
  const std::uint32_t first = w.cell_first[c], last = w.cell_first[c + 1];
  std::uint32_t n = 0;
  for (std::uint32_t a = first; a < last; ++a)
    for (std::uint32_t b = a + 1; b < last; ++b) n += close(w.by_cell[a], w.by_cell[b]) ? 1 : 0;
  const int dxs[4] = {1, -1, 0, 1}, dys[4] = {0, 1, 1, 1};
  for (int k = 0; k < 4; ++k) {
    const int nx = static_cast<int>(cx) + dxs[k], ny = static_cast<int>(cy) + dys[k];
    if (nx < 0 || nx >= static_cast<int>(grid) || ny >= static_cast<int>(grid)) continue;
    const auto d = static_cast<std::uint32_t>(ny) * grid + static_cast<std::uint32_t>(nx);
    for (std::uint32_t a = first; a < last; ++a)
      for (std::uint32_t b = w.cell_first[d]; b < w.cell_first[d + 1]; ++b)
        n += close(w.by_cell[a], w.by_cell[b]) ? 1 : 0;
  }
  w.contacts[c] = n;
}

// Between stages 2 and 3, on the frame thread: sums the histograms of `threads` threads, and lists
// the bodies by cell in index order (a counting sort). Returns the bodies counted (body_count if
// every index was bucketed exactly once).
std::uint32_t merge_buckets(world& w, std::uint32_t threads) noexcept {
  std::uint32_t total = 0;
  for (std::uint32_t c = 0; c < cell_count; ++c) {
    std::uint32_t k = 0;
    for (std::uint32_t t = 0; t < threads; ++t) k += g_scratch[t].in_cell[c];
    w.in_cell[c] = k;
    w.cell_first[c] = total;
    total += k;
  }
  w.cell_first[cell_count] = total;
  if (total != body_count) return total;  // the lists below would overrun
  std::array<std::uint32_t, cell_count> next;
  std::copy(w.cell_first.begin(), w.cell_first.end() - 1, next.begin());
  for (std::uint32_t i = 0; i < body_count; ++i)
    w.by_cell[next[w.cell_of[i]]++] = static_cast<std::uint16_t>(i);
  return total;
}

void clear_histograms(std::uint32_t threads) noexcept {
  for (std::uint32_t t = 0; t < threads; ++t) g_scratch[t].in_cell.fill(0);
}

// FNV-1a over the frame's state, bit patterns and all.
std::uint64_t digest(const world& w) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](const void* p, std::size_t n) noexcept {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t k = 0; k < n; ++k) h = (h ^ b[k]) * 1099511628211ULL;
  };
  mix(w.px.data(), sizeof w.px);
  mix(w.py.data(), sizeof w.py);
  mix(w.vx.data(), sizeof w.vx);
  mix(w.vy.data(), sizeof w.vy);
  mix(w.in_cell.data(), sizeof w.in_cell);
  mix(w.contacts.data(), sizeof w.contacts);
  return h;
}

std::uint32_t total_contacts(const world& w) noexcept {
  std::uint32_t n = 0;
  for (std::uint32_t k : w.contacts) n += k;
  return n;
}

struct run_result {
  std::size_t frames = 0;
  std::size_t over_budget = 0;
  std::uint32_t bad_histogram = 0;  // if set: the bodies a frame's histograms counted (then stop)
  std::uint64_t stage_ns[3] = {};   // summed over the frames, per stage
  std::uint32_t last_contacts = 0;
};

// What a task captures: one pointer (the slot holds six).
struct frame_context {
  world* w;
  executor* ex;
};

// The frame loop: everything it touches exists before the first frame.
run_result run_threaded(errgroup::group<4>& g, executor& ex) {
  run_result r;
  world& w = g_world;
  const std::uint32_t threads = ex.worker_count() + 1;  // the workers and the frame thread
  frame_context fc{&w, &ex};
  const frame_context* ctx = &fc;
  auto stage = [&g](errgroup::status submitted) noexcept {
    if (submitted != errgroup::status::ok) {
      std::printf("go_n: unexpected %s\n", errgroup::to_string(submitted));
      return false;
    }
    // wait() runs indices on this thread too, and makes every index's writes visible here.
    if (const errgroup::error e = g.wait()) {
      std::printf("wait: unexpected error %s\n", e.message());
      return false;
    }
    return true;
  };
  for (std::size_t f = 0; f < frame_count; ++f) {
    const std::uint64_t t0 = ex.now_ns();
    // 1. Physics.
    if (!stage(g.go_n(body_count, [ctx](std::uint32_t i) noexcept { integrate(*ctx->w, i); })))
      break;
    const std::uint64_t t1 = ex.now_ns();
    // 2. Bucketing into per-thread histograms. The frame thread clears them before go_n, which
    //    makes the clearing visible to every index.
    clear_histograms(threads);
    if (!stage(g.go_n(body_count, [ctx](std::uint32_t i) noexcept {
          const std::uint32_t me = ctx->ex->worker_index();  // not_a_worker: the frame thread
          const std::uint32_t t = me != errgroup::not_a_worker ? me : ctx->ex->worker_count();
          bucket(*ctx->w, g_scratch[t], i);
        })))
      break;
    if (const std::uint32_t counted = merge_buckets(w, threads); counted != body_count) {
      r.bad_histogram = counted;  // the cell lists would be wrong: stop here
      break;
    }
    const std::uint64_t t2 = ex.now_ns();
    // 3. Contacts, per cell.
    if (!stage(g.go_n(cell_count, [ctx](std::uint32_t c) noexcept { count_contacts(*ctx->w, c); })))
      break;
    const std::uint64_t t3 = ex.now_ns();

    g_frame_ns[f] = t3 - t0;
    r.stage_ns[0] += t1 - t0;
    r.stage_ns[1] += t2 - t1;
    r.stage_ns[2] += t3 - t2;
    if (g_frame_ns[f] > budget_ns) ++r.over_budget;
    g_digest[f] = digest(w);  // the check, outside the measured time
    ++r.frames;
  }
  r.last_contacts = total_contacts(w);
  return r;
}

// The same frames on one thread: the same functions, one histogram.
void run_reference(executor& ex) {
  world& w = g_reference;
  for (std::size_t f = 0; f < frame_count; ++f) {
    const std::uint64_t t0 = ex.now_ns();
    for (std::uint32_t i = 0; i < body_count; ++i) integrate(w, i);
    clear_histograms(1);
    for (std::uint32_t i = 0; i < body_count; ++i) bucket(w, g_scratch[0], i);
    (void)merge_buckets(w, 1);
    for (std::uint32_t c = 0; c < cell_count; ++c) count_contacts(w, c);
    g_reference_ns[f] = ex.now_ns() - t0;
    g_reference_digest[f] = digest(w);
  }
}

double to_us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

struct percentiles {
  std::uint64_t p50 = 0, p99 = 0, max = 0;
};
percentiles percentiles_of(const std::array<std::uint64_t, max_frames>& ns, std::size_t frames) {
  percentiles p;
  if (frames == 0) return p;
  std::array<std::uint64_t, max_frames> sorted = ns;
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(frames));
  p.p50 = sorted[(frames - 1) * 50 / 100];
  p.p99 = sorted[(frames - 1) * 99 / 100];
  p.max = sorted[frames - 1];
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    const long n = std::strtol(argv[1], nullptr, 10);
    if (n < 1 || n > static_cast<long>(max_frames)) {
      std::printf("usage: frame_loop [frames 1..%zu]\n", max_frames);
      return 2;
    }
    frame_count = static_cast<std::size_t>(n);
  }
  init_world(g_world);
  init_world(g_reference);

  // Built once, before the first frame: the workers (default: cores - 1, since the frame thread
  // helps in wait()) and the group's slots. Each stage is one task: one slot of four.
  executor ex;
  errgroup::group<4> g(ex);

  const std::uint64_t allocs_before =
      g_allocations.load(std::memory_order_relaxed);  // relaxed: same thread
  const run_result r = run_threaded(g, ex);
  const std::uint64_t allocs_in_loop =
      g_allocations.load(std::memory_order_relaxed) - allocs_before;  // relaxed: same thread

  const std::uint32_t threads = ex.worker_count() + 1;
  std::array<std::uint64_t, executor::max_workers + 1> share{};
  std::uint64_t share_total = 0;
  for (std::uint32_t k = 0; k < threads; ++k) share_total += share[k] = g_scratch[k].indices;

  const std::size_t n = r.frames != 0 ? r.frames : 1;
  const percentiles t = percentiles_of(g_frame_ns, r.frames);

  run_reference(ex);
  const percentiles ref = percentiles_of(g_reference_ns, frame_count);
  std::size_t matching = 0, first_mismatch = r.frames;
  for (std::size_t f = 0; f < r.frames; ++f) {
    if (g_digest[f] == g_reference_digest[f]) ++matching;
    else if (first_mismatch == r.frames)
      first_mismatch = f;
  }
  const bool same_final = std::memcmp(&g_world, &g_reference, sizeof(world)) == 0;

  std::printf("frame_loop: %u bodies, %d substeps, %ux%u grid, 3 go_n stages per frame, "
              "%u worker(s) + the frame thread\n",
              body_count, substeps, grid, grid, ex.worker_count());
  std::printf("frames:          %zu\n", r.frames);
  std::printf("frame time (us): p50 %.1f  p99 %.1f  max %.1f  (one thread: p50 %.1f  p99 %.1f)\n",
              to_us(t.p50), to_us(t.p99), to_us(t.max), to_us(ref.p50), to_us(ref.p99));
  std::printf("stage mean (us): physics %.1f  bucketing %.1f  contacts %.1f\n",
              to_us(r.stage_ns[0] / n), to_us(r.stage_ns[1] / n), to_us(r.stage_ns[2] / n));
  std::printf("over budget:     %zu frame(s) longer than %.2f ms (60 Hz)\n", r.over_budget,
              static_cast<double>(budget_ns) / 1e6);
  std::printf("bucketing share:");
  for (std::uint32_t k = 0; k < threads; ++k) {
    const double pct =
        share_total != 0 ? 100.0 * static_cast<double>(share[k]) / static_cast<double>(share_total)
                         : 0.0;
    if (k + 1 < threads) std::printf(" worker %u %.0f%%,", k, pct);
    else
      std::printf(" frame thread %.0f%% (of %llu indices)\n", pct,
                  static_cast<unsigned long long>(share_total));
  }
  std::printf("contacts:        %u pairs in the last frame\n", r.last_contacts);
  if (EXAMPLE_COUNT_ALLOCATIONS)
    std::printf("allocations in the loop: %llu\n", static_cast<unsigned long long>(allocs_in_loop));
  else
    std::printf("allocations in the loop: not counted (the sanitizer owns operator new)\n");
  std::printf("reference:       %zu of %zu frame(s) bit-identical to the single-thread run%s\n",
              matching, r.frames,
              r.frames != frame_count ? ""
              : same_final            ? ", final state identical"
                                      : ", final state DIFFERENT");

  bool ok = true;
  if (r.bad_histogram != 0) {
    std::printf("UNEXPECTED: frame %zu's histograms count %u bodies, not %u\n", r.frames,
                r.bad_histogram, body_count);
    ok = false;
  }
  if (r.frames != frame_count) {
    std::printf("UNEXPECTED: only %zu of %zu frames ran\n", r.frames, frame_count);
    ok = false;
  } else if (matching != r.frames || !same_final) {
    std::printf("UNEXPECTED: the threaded frames differ from the reference (first at frame %zu)\n",
                first_mismatch);
    ok = false;
  }
  if (r.frames == frame_count && share_total != std::uint64_t{body_count} * r.frames) {
    std::printf("UNEXPECTED: %llu bucketing indices ran, not %llu\n",
                static_cast<unsigned long long>(share_total),
                static_cast<unsigned long long>(body_count) * r.frames);
    ok = false;
  }
  if (g.stats().indices_skipped != 0) {
    std::printf("UNEXPECTED: %llu indices skipped\n",
                static_cast<unsigned long long>(g.stats().indices_skipped));
    ok = false;
  }
  if (allocs_in_loop != 0) {
    std::printf("UNEXPECTED: the frame loop allocated\n");
    ok = false;
  }
  std::printf("frame_loop: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
