// SPDX-License-Identifier: BSL-1.0
// examples/audio_voices.cpp — the real-time pattern: fan out per block, wait with a deadline.
//
// A simulated audio callback renders 16 voices (sine and band-limited saw oscillators) in blocks
// of 128 samples at 48 kHz, so each block has a deadline of 128 / 48000 s = 2.667 ms. Per block,
// the callback thread:
//   1. try_go_n()s the 16 voices as one bulk task, one voice per index, on an executor created
//      once at start (never blocks: one slot, one queue push; the worker that takes it pushes
//      the next; if refused, the callback thread renders every voice inline instead),
//   2. wait_for(the time left until the deadline), rendering voices itself meanwhile
//      (help_policy::own_tasks_timed: a timed wait runs nothing by default; voices are short and
//      never wait for the callback, so the callback may lend its core: before claiming each
//      voice it reads the clock, and at the deadline hands the unclaimed voices on to the
//      workers, so it is late by at most one voice's render time; it never runs another group's
//      task),
//   3. on status::timeout counts a deadline miss — and still wait()s before it touches the
//      per-voice buffers, because the voices that are still running write into them,
//   4. mixes the voices into the output block.
// Blocks run back to back (no sleeping for real-time pacing); each block's time is measured.
//
// Nothing in the loop allocates: all buffers are static std::arrays, the executor and the group
// are built before the loop, and the bulk task captures a single pointer. The program checks this
// by counting calls to the global operator new while the loop runs. It also re-renders the whole
// run on one thread and checks that the output checksum is identical.
//
// Exit code 0: every block rendered, no allocation in the loop, checksum matches the reference.
#include <errgroup/std_thread.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "count_new.hpp"  // g_allocations: every operator new of this program

namespace {

constexpr std::size_t voice_count = 16;
constexpr std::size_t block_frames = 128;
constexpr double sample_rate = 48000.0;
constexpr std::uint64_t deadline_ns =
    static_cast<std::uint64_t>(block_frames * 1000000000.0 / sample_rate);  // 2'666'666 ns
constexpr std::size_t max_blocks = 2000;
std::size_t block_count = max_blocks;  // argv[1] may ask for fewer (the ctest run: 500)
constexpr int saw_partials = 24;       // band-limited saw: sum of the first 24 harmonics
constexpr double two_pi = 6.283185307179586476925286766559;

enum class waveform : std::uint8_t { sine, saw };

// One voice: oscillator state plus the buffer it renders into. Each voice sits on its own cache
// lines so that voices rendered on different cores do not share a line.
struct alignas(errgroup::cache_line) voice {
  waveform shape = waveform::sine;
  double phase = 0.0;      // in cycles, [0, 1)
  double increment = 0.0;  // cycles per sample
  float gain = 0.0f;
  std::array<float, block_frames> out{};
};

std::array<voice, voice_count> g_voices;
std::array<float, block_frames> g_output{};
std::array<std::uint64_t, max_blocks> g_block_ns{};

void init_voices() {
  // An A-minor-ish cluster across four octaves; even voices sine, odd voices saw.
  constexpr double base_hz[8] = {110.0, 130.81, 164.81, 196.0, 220.0, 261.63, 329.63, 392.0};
  for (std::size_t i = 0; i < voice_count; ++i) {
    voice& v = g_voices[i];
    v.shape = (i % 2 == 0) ? waveform::sine : waveform::saw;
    v.phase = 0.0;
    v.increment = base_hz[i % 8] * static_cast<double>(1 + i / 8) / sample_rate;
    v.gain = 0.5f / static_cast<float>(voice_count);
    v.out.fill(0.0f);
  }
}

// Renders one block of one voice. noinline: the threaded run and the single-threaded reference
// execute the very same machine code, so their results are bit-identical.
[[gnu::noinline]] void render_voice(voice& v) noexcept {
  double ph = v.phase;
  for (std::size_t i = 0; i < block_frames; ++i) {
    double s = 0.0;
    if (v.shape == waveform::sine) {
      s = std::sin(two_pi * ph);
    } else {
      // Additive saw: sum_k sin(2 pi k ph) / k, keeping only harmonics below Nyquist.
      for (int k = 1; k <= saw_partials; ++k) {
        if (static_cast<double>(k) * v.increment >= 0.5) break;
        s += std::sin(two_pi * static_cast<double>(k) * ph) / static_cast<double>(k);
      }
      s *= 2.0 / 3.14159265358979323846;
    }
    v.out[i] = v.gain * static_cast<float>(s);
    ph += v.increment;
    if (ph >= 1.0) ph -= 1.0;
  }
  v.phase = ph;
}

// Mixes every voice into the output block (fixed voice order) and folds it into the checksum.
[[gnu::noinline]] void mix_block(double& checksum) noexcept {
  g_output.fill(0.0f);
  for (const voice& v : g_voices)
    for (std::size_t i = 0; i < block_frames; ++i) g_output[i] += v.out[i];
  for (std::size_t i = 0; i < block_frames; ++i) {
    const double x = static_cast<double>(g_output[i]);
    checksum += x * x + 1e-3 * x;
  }
}

struct run_result {
  std::size_t blocks = 0;
  std::size_t misses = 0;           // wait_for returned status::timeout
  std::size_t first_miss = 0;       // block index of the first miss (if any)
  std::uint64_t worst_late_ns = 0;  // longest wait() after a miss
  // Blocks that took longer than the deadline, misses included. wait_for returns ok, not timeout,
  // whenever every voice is done when it looks, so a block can run over without a timeout: the
  // callback thread was itself rendering a voice (helping) when the deadline passed, or the OS
  // preempted it (on a loaded machine a futex wake in try_go_n can hand the CPU to the woken
  // worker).
  std::size_t over_budget = 0;
  std::size_t inline_renders = 0;  // voices rendered inline because try_go_n refused the block
  double checksum = 0.0;
};

// The "audio callback": everything it touches exists before the first block.
run_result run_threaded(errgroup::group<1>& g, errgroup::executor_base& ex) {
  run_result r;
  for (std::size_t b = 0; b < block_count; ++b) {
    const std::uint64_t start = ex.now_ns();

    // 1. Fan out: voice i is index i. try_go_n never blocks; if it refuses (capacity, queue),
    //    render inline. Grain 1: sixteen voices of uneven cost (a saw is up to 24 sines) balance
    //    best one at a time, and the callback's timed wait reads the clock before each claim.
    voice* p = g_voices.data();  // one pointer: fits the slot with room to spare
    if (g.try_go_n(
            voice_count, [p](std::uint32_t i) noexcept { render_voice(p[i]); },
            /*grain=*/1) != errgroup::status::ok) {
      for (voice& v : g_voices) render_voice(v);
      r.inline_renders += voice_count;
    }

    // 2. Wait for the rest of this block's budget, helping with queued voices.
    const std::uint64_t used = ex.now_ns() - start;
    const std::uint64_t left = used < deadline_ns ? deadline_ns - used : 0;
    const errgroup::status s = g.wait_for(std::chrono::nanoseconds(left));
    if (s == errgroup::status::timeout) {
      // 3. Deadline missed: a real callback would output the previous block or silence now. The
      // voice buffers are still being written, so wait before reusing them.
      const std::uint64_t late_start = ex.now_ns();
      (void)g.wait();  // voices return void: no error to look at
      const std::uint64_t late = ex.now_ns() - late_start;
      if (r.misses == 0) r.first_miss = b;
      ++r.misses;
      if (late > r.worst_late_ns) r.worst_late_ns = late;
    } else if (s != errgroup::status::ok) {
      std::printf("wait_for: unexpected %s\n", errgroup::to_string(s));
      break;
    }

    // 4. Mix. wait_for/wait returned: every voice's writes are visible here.
    mix_block(r.checksum);
    g_block_ns[b] = ex.now_ns() - start;
    if (g_block_ns[b] > deadline_ns) ++r.over_budget;
    ++r.blocks;
  }
  return r;
}

double run_reference() {
  double checksum = 0.0;
  for (std::size_t b = 0; b < block_count; ++b) {
    for (voice& v : g_voices) render_voice(v);
    mix_block(checksum);
  }
  return checksum;
}

double to_us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    const long n = std::strtol(argv[1], nullptr, 10);
    if (n < 1 || n > static_cast<long>(max_blocks)) {
      std::printf("usage: audio_voices [blocks 1..%zu]\n", max_blocks);
      return 2;
    }
    block_count = static_cast<std::size_t>(n);
  }
  init_voices();

  // Built once, before the first callback: starts the workers (default count: cores - 1, since
  // the callback thread helps) and pre-builds the group's one task slot (a block's voices are
  // one bulk task).
  errgroup::thread_executor<> ex;
  errgroup::group_options opts;                        // keep_going
  opts.help = errgroup::help_policy::own_tasks_timed;  // the callback renders its own voices too
  errgroup::group<1> voices(ex, opts);

  const std::uint64_t allocs_before =
      g_allocations.load(std::memory_order_relaxed);  // relaxed: same thread
  const run_result r = run_threaded(voices, ex);
  const std::uint64_t allocs_in_loop =
      g_allocations.load(std::memory_order_relaxed) - allocs_before;  // relaxed: same thread

  std::array<std::uint64_t, max_blocks> sorted = g_block_ns;
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(r.blocks));
  const std::size_t n = r.blocks != 0 ? r.blocks : 1;
  const std::uint64_t p50 = sorted[(n - 1) * 50 / 100];
  const std::uint64_t p99 = sorted[(n - 1) * 99 / 100];
  const std::uint64_t worst = sorted[n - 1];

  init_voices();
  const double reference = run_reference();

  std::printf("audio_voices: %zu voices x %zu frames @ %.0f Hz, deadline %.1f us per block, "
              "%u worker(s) + the callback thread\n",
              voice_count, block_frames, sample_rate, to_us(deadline_ns), ex.worker_count());
  std::printf("blocks:          %zu\n", r.blocks);
  std::printf("block time (us): p50 %.1f  p99 %.1f  max %.1f\n", to_us(p50), to_us(p99),
              to_us(worst));
  if (r.misses == 0) std::printf("deadline misses: 0 (wait_for never returned timeout)\n");
  else
    std::printf("deadline misses: %zu (wait_for returned timeout; first at block %zu; then "
                "waited up to %.1f us more before reusing the voice buffers)\n",
                r.misses, r.first_miss, to_us(r.worst_late_ns));
  std::printf("over budget:     %zu block(s) longer than the deadline, misses included\n",
              r.over_budget);
  std::printf("inline renders:  %zu voice(s) (try_go_n refused)\n", r.inline_renders);
  if (EXAMPLE_COUNT_ALLOCATIONS)
    std::printf("allocations in the loop: %llu\n", static_cast<unsigned long long>(allocs_in_loop));
  else
    std::printf("allocations in the loop: not counted (the sanitizer owns operator new)\n");
  std::printf("checksum:        %.9f (single-thread reference %.9f: %s)\n", r.checksum, reference,
              r.checksum == reference ? "match" : "MISMATCH");

  bool ok = true;
  if (r.blocks != block_count) {
    std::printf("UNEXPECTED: only %zu of %zu blocks rendered\n", r.blocks, block_count);
    ok = false;
  }
  if (allocs_in_loop != 0) {
    std::printf("UNEXPECTED: the real-time loop allocated\n");
    ok = false;
  }
  if (r.checksum != reference) {
    std::printf("UNEXPECTED: the threaded output differs from the reference\n");
    ok = false;
  }
  if (voices.first_error()) {
    std::printf("UNEXPECTED: a voice reported an error\n");
    ok = false;
  }
  std::printf("audio_voices: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
