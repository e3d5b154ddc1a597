// SPDX-License-Identifier: BSL-1.0
// examples/jack_voices.cpp — a real JACK client: the process callback renders its voices with
// try_go_n on an executor in the real-time configuration and waits for them before the deadline.
//
// The program starts its own JACK server (`jackd --no-realtime -d dummy -r 48000 -p 128`: no
// sound hardware needed) under a name of its own, so parallel runs do not meet, waits for it by
// retrying jack_client_open(JackNoStartServer) for a bounded time, and connects two output ports
// to system:playback. Each block (128 frames at 48 kHz: 2.667 ms), the JACK process thread:
//   1. submits all 64 voices as ONE bulk task: try_go_n(64, f), f capturing one pointer. It never
//      blocks; a refused block would be rendered inline and counted (the run then fails),
//   2. wait_for()s until shortly before the next cycle (from jack_get_cycle_times), rendering
//      voices itself meanwhile (help_policy::own_tasks_timed: it claims no chunk of voices once
//      its deadline has passed), spinning rather than parking (wait_policy::spin),
//   3. on status::timeout counts a deadline miss and still wait()s before it reads the voice
//      buffers (a real client would output silence; this one must check every block),
//   4. mixes the voices (fixed order) into the two ports and records the block.
// The executor is built once with wake_policy::poll, so a submit never wakes anyone with a system
// call: parked workers look at the queue every 100 us, and the callback renders from the start.
// Each voice (three FM operator pairs, a state-variable filter swept by an LFO, an envelope and a
// soft clipper) mixes its oscillators into per-thread scratch memory, picked with
// ex.worker_index() (errgroup::not_a_worker on the JACK thread, which gets the extra buffer).
//
// Measured and printed: callback time p50/p99/max, JACK's xrun count (xrun callback), deadline
// misses, refused blocks, heap calls inside the callback (malloc-family interposed over glibc's,
// or the sanitizer's malloc hooks; counted on the JACK thread while it is in the callback and on
// the executor's workers while a callback runs), and a bit-exact comparison of every recorded
// sample with a single-threaded render of the same blocks (the same noinline code: no tolerance).
//
// Usage: jack_voices [blocks]  (default 2000). Exit code 0: every block rendered and matching the
// reference, no heap call in the callback, no refused block. xruns and misses are reported only
// (a shared VM misses deadlines). 1: a failed check, or the JACK server could not be started.
#include <errgroup/std_thread.hpp>

#include <jack/jack.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

// --- heap-call counter ----------------------------------------------------------------------------
// Counted: calls on the JACK process thread while it is inside the callback (tl_in_callback), and
// on the executor's workers while any callback runs (tl_worker && g_callback_running). Not counted:
// libjack's other threads, and this program's set-up and checking.
// Without sanitizers, malloc/calloc/realloc/free and the aligned forms are interposed over glibc's
// (operator new and libjack call malloc, so they are counted too). Under ASan/TSan the sanitizer
// owns malloc: its allocator calls the hooks installed with __sanitizer_install_malloc_and_free_hooks
// for every malloc, operator new and free instead.

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EXAMPLE_SANITIZER_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define EXAMPLE_SANITIZER_HOOKS 1
#endif
#endif
#ifndef EXAMPLE_SANITIZER_HOOKS
#define EXAMPLE_SANITIZER_HOOKS 0
#endif

namespace heap {
// Constant-initialised thread_locals of the executable: static TLS, read without a call (safe
// inside malloc).
thread_local bool tl_in_callback = false;  // this thread is the JACK thread, inside process()
thread_local bool tl_worker = false;       // this thread is one of the executor's workers
std::atomic<bool> g_callback_running{false};
std::atomic<std::uint64_t> g_allocs{0};
std::atomic<std::uint64_t> g_frees{0};
static_assert(std::atomic<bool>::is_always_lock_free, "heap counter flag");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "heap counters");

inline bool counted() noexcept {
  // relaxed: a worker's heap call made while a callback runs is counted; the flag orders nothing
  // (the counts are read after the run, see (D2)).
  return tl_in_callback || (tl_worker && g_callback_running.load(std::memory_order_relaxed));
}
inline void note_alloc() noexcept {
  // relaxed: a counter; read after the run through (D2).
  if (counted()) g_allocs.fetch_add(1, std::memory_order_relaxed);
}
inline void note_free() noexcept {
  // relaxed: as note_alloc().
  if (counted()) g_frees.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace heap

#if EXAMPLE_SANITIZER_HOOKS
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace heap {
void malloc_hook(const volatile void*, std::size_t) { note_alloc(); }
void free_hook(const volatile void* p) {
  if (p != nullptr) note_free();
}
inline const char* how() noexcept { return "the sanitizer's malloc/free hooks"; }
inline bool install() noexcept {
  return __sanitizer_install_malloc_and_free_hooks(&malloc_hook, &free_hook) != 0;
}
}  // namespace heap
#else
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  heap::note_alloc();
  return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
  heap::note_alloc();
  return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
  heap::note_alloc();
  return __libc_realloc(p, n);
}
void free(void* p) {
  if (p != nullptr) heap::note_free();
  __libc_free(p);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
  heap::note_alloc();
  return __libc_memalign(a, n);
}
void* memalign(std::size_t a, std::size_t n) {
  heap::note_alloc();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, std::size_t a, std::size_t n) {
  heap::note_alloc();
  void* p = __libc_memalign(a, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}
namespace heap {
inline const char* how() noexcept { return "malloc-family interposed over glibc's"; }
inline bool install() noexcept { return true; }
}  // namespace heap
#endif

namespace {

// --- the synthesiser --------------------------------------------------------------------------

constexpr std::uint32_t voice_count = 64;
constexpr std::uint32_t operator_pairs = 3;  // FM carrier + modulator, detuned
constexpr std::uint32_t max_frames = 4096;   // largest JACK buffer this program renders
constexpr double two_pi = 6.283185307179586476925286766559;

// One voice: its oscillator, filter and envelope state, and the buffer it renders into. On its
// own cache lines, so voices rendered on different cores share none.
struct alignas(errgroup::cache_line) voice {
  double carrier_phase[operator_pairs];
  double carrier_inc[operator_pairs];  // cycles per sample
  double mod_phase[operator_pairs];
  double mod_inc[operator_pairs];
  double mod_depth;
  double lfo_phase, lfo_inc;
  double cutoff_hz, resonance;
  double ic1eq, ic2eq;  // filter state (TPT state-variable filter)
  double env;           // envelope level
  std::uint64_t sample;
  std::uint32_t note_frames;  // the note retriggers every note_frames samples
  float pan_left, pan_right;
  double sample_rate;
  std::array<float, max_frames> out;
};

// Scratch memory of one thread: its oscillator mix for the voice it is rendering, and how many
// voices it rendered. Indexed by ex.worker_index(); the JACK thread (not_a_worker) has the last.
struct alignas(errgroup::cache_line) scratch {
  std::array<double, max_frames> osc;
  std::uint64_t voices_rendered = 0;  // written only by the thread that owns this scratch
};

std::array<voice, voice_count> g_voices;

void init_voices(double sample_rate) {
  constexpr double scale[8] = {0, 2, 3, 5, 7, 8, 10, 12};  // semitones: a minor scale
  for (std::uint32_t v = 0; v < voice_count; ++v) {
    voice& x = g_voices[v];
    const double hz = 55.0 * std::pow(2.0, (12.0 * (v / 8) + scale[v % 8]) / 12.0 / 2.0);
    for (std::uint32_t k = 0; k < operator_pairs; ++k) {
      const double detune = 1.0 + 0.0031 * (static_cast<double>(k) - 1.0);
      x.carrier_phase[k] = 0.1 * k;
      x.carrier_inc[k] = hz * detune / sample_rate;
      x.mod_phase[k] = 0.0;
      x.mod_inc[k] = hz * detune * (1.0 + k) / sample_rate;
    }
    x.mod_depth = 0.4 + 0.01 * (v % 16);
    x.lfo_phase = 0.013 * v;
    x.lfo_inc = (0.2 + 0.05 * (v % 7)) / sample_rate;
    x.cutoff_hz = 600.0 + 40.0 * v;
    x.resonance = 0.7;
    x.ic1eq = x.ic2eq = 0.0;
    x.env = 0.0;
    x.sample = 0;
    x.note_frames = 9000 + 731 * (v % 11);
    const float pan = static_cast<float>(v) / static_cast<float>(voice_count - 1);
    x.pan_left = (1.0f - pan) * (1.5f / voice_count);
    x.pan_right = pan * (1.5f / voice_count);
    x.sample_rate = sample_rate;
    x.out.fill(0.0f);
  }
}

// Renders one block of one voice into v.out, using s.osc as scratch. noinline: the callback's
// threads and the single-threaded reference run the very same machine code, so the outputs are
// bit-identical.
[[gnu::noinline]] void render_voice(voice& v, scratch& s, std::uint32_t frames) noexcept {
  // Pass 1: the operator pairs, phase modulation, into the thread's scratch buffer.
  for (std::uint32_t i = 0; i < frames; ++i) {
    double sum = 0.0;
    for (std::uint32_t k = 0; k < operator_pairs; ++k) {
      const double m = std::sin(two_pi * v.mod_phase[k]);
      sum += std::sin(two_pi * (v.carrier_phase[k] + v.mod_depth * m));
      v.mod_phase[k] += v.mod_inc[k];
      if (v.mod_phase[k] >= 1.0) v.mod_phase[k] -= 1.0;
      v.carrier_phase[k] += v.carrier_inc[k];
      if (v.carrier_phase[k] >= 1.0) v.carrier_phase[k] -= 1.0;
    }
    s.osc[i] = sum / operator_pairs;
  }
  // Pass 2: envelope, swept low-pass (TPT state-variable filter), soft clip.
  const double k = 2.0 - 2.0 * v.resonance;
  for (std::uint32_t i = 0; i < frames; ++i) {
    const std::uint64_t pos = v.sample % v.note_frames;
    const double target = pos < v.note_frames / 3 ? 1.0 : 0.0;
    v.env += (target - v.env) * (pos < 480 ? 0.01 : 0.0005);
    const double cutoff = v.cutoff_hz * (1.0 + 0.6 * std::sin(two_pi * v.lfo_phase));
    v.lfo_phase += v.lfo_inc;
    if (v.lfo_phase >= 1.0) v.lfo_phase -= 1.0;
    const double g = std::tan(3.14159265358979323846 * cutoff / v.sample_rate);
    const double a1 = 1.0 / (1.0 + g * (g + k));
    const double a2 = g * a1;
    const double a3 = g * a2;
    const double v3 = s.osc[i] * v.env - v.ic2eq;
    const double v1 = a1 * v.ic1eq + a2 * v3;
    const double v2 = v.ic2eq + a2 * v.ic1eq + a3 * v3;
    v.ic1eq = 2.0 * v1 - v.ic1eq;
    v.ic2eq = 2.0 * v2 - v.ic2eq;
    v.out[i] = static_cast<float>(std::tanh(1.5 * v2));
    ++v.sample;
  }
  ++s.voices_rendered;
}

// Mixes every voice into left/right, in voice order (so the sum is the same on every run).
[[gnu::noinline]] void mix(float* left, float* right, std::uint32_t frames) noexcept {
  std::fill(left, left + frames, 0.0f);
  std::fill(right, right + frames, 0.0f);
  for (const voice& v : g_voices)
    for (std::uint32_t i = 0; i < frames; ++i) {
      left[i] += v.pan_left * v.out[i];
      right[i] += v.pan_right * v.out[i];
    }
}

// --- the client: everything the process callback touches exists before jack_activate -----------

using executor_t = errgroup::thread_executor<>;
using group_t = errgroup::group<4>;  // one bulk task per block; room to spare

struct engine {
  executor_t* ex = nullptr;
  group_t* voices = nullptr;
  jack_client_t* client = nullptr;
  jack_port_t* port[2] = {nullptr, nullptr};
  scratch* scratch_of = nullptr;  // workers + 1 entries
  std::uint32_t workers = 0;
  double sample_rate = 0.0;
  // This block's frame count: written before try_go_n, whose queue push publishes it.
  std::uint32_t frames = 0;

  // Owned by the callback (plain: one thread writes them; main reads them after (D2)).
  std::uint64_t target_blocks = 0;
  std::uint32_t frame_capacity = 0;  // per block in the recording
  std::uint64_t blocks = 0;
  std::uint64_t misses = 0;               // wait_for returned timeout
  std::uint64_t late = 0;                 // the callback ended after the deadline (misses too)
  std::uint64_t refused = 0;              // try_go_n refused; rendered inline
  std::uint64_t wrong_size = 0;           // blocks larger than frame_capacity (silence; a failure)
  std::uint64_t other_status = 0;         // wait_for returned neither ok nor timeout
  std::uint64_t* callback_ns = nullptr;   // per block
  std::uint32_t* block_frames = nullptr;  // per block
  float* recording = nullptr;             // per block: frame_capacity left, then right

  std::atomic<bool> done{false};         // (D1)/(D2)
  std::atomic<bool> server_gone{false};  // jack_on_shutdown
  std::atomic<std::uint64_t> xruns{0};
};
static_assert(std::atomic<bool>::is_always_lock_free, "engine flags");

scratch& my_scratch(engine& e) noexcept {
  const std::uint32_t w = e.ex->worker_index();  // constant time: one read of the thread context
  return e.scratch_of[w == errgroup::not_a_worker ? e.workers : w];
}

void render_index(engine& e, std::uint32_t i) noexcept {
  render_voice(g_voices[i], my_scratch(e), e.frames);
}

int process(jack_nframes_t nframes, void* arg) noexcept {
  engine& e = *static_cast<engine*>(arg);
  heap::tl_in_callback = true;
  // relaxed: widens what the workers count; orders nothing.
  heap::g_callback_running.store(true, std::memory_order_relaxed);
  const std::uint64_t start = e.ex->now_ns();
  float* left = static_cast<float*>(jack_port_get_buffer(e.port[0], nframes));
  float* right = static_cast<float*>(jack_port_get_buffer(e.port[1], nframes));

  const std::uint64_t b = e.blocks;
  bool last = false;
  if (b >= e.target_blocks || nframes > e.frame_capacity) {
    if (b < e.target_blocks) ++e.wrong_size;
    std::fill(left, left + nframes, 0.0f);
    std::fill(right, right + nframes, 0.0f);
  } else {
    // The deadline: the next cycle's start (JACK's estimate), less a tenth of the period for the
    // mix and the server. jack_get_cycle_times reads shared memory; jack_get_time is a vDSO clock.
    const double period_ns = 1e9 * nframes / e.sample_rate;
    double budget_ns = 0.9 * period_ns;
    jack_nframes_t cycle_frames = 0;
    jack_time_t cycle_us = 0, next_us = 0;
    float period_us = 0.0f;
    if (jack_get_cycle_times(e.client, &cycle_frames, &cycle_us, &next_us, &period_us) == 0) {
      const double now_us = static_cast<double>(jack_get_time());
      budget_ns = 1000.0 * (static_cast<double>(next_us) - now_us) - 0.1 * period_ns;
      budget_ns = std::min(std::max(budget_ns, 0.0), period_ns);
    }
    const std::uint64_t deadline = e.ex->now_ns() + static_cast<std::uint64_t>(budget_ns);

    // 1. Fan out: one bulk task, one slot, the callable one pointer.
    e.frames = nframes;
    engine* ep = &e;
    const errgroup::status s =
        e.voices->try_go_n(voice_count, [ep](std::uint32_t i) noexcept { render_index(*ep, i); });
    if (s != errgroup::status::ok) {
      ++e.refused;  // never expected (the group is empty here): render inline, fail the run
      for (std::uint32_t i = 0; i < voice_count; ++i) render_index(e, i);
    } else {
      // 2. Render with the workers until done or the deadline.
      const std::uint64_t now = e.ex->now_ns();
      const errgroup::status w =
          e.voices->wait_for(std::chrono::nanoseconds(deadline > now ? deadline - now : 0));
      if (w == errgroup::status::timeout) {
        // 3. Missed: the voices still running write into their buffers, so wait before mixing.
        ++e.misses;
        (void)e.voices->wait();  // voices return void: no error to look at
      } else if (w != errgroup::status::ok) {
        ++e.other_status;
        (void)e.voices->wait();
      }
    }

    // 4. Mix into the ports (every voice's writes are visible after wait_for/wait) and record.
    mix(left, right, nframes);
    float* rec = e.recording + b * 2 * e.frame_capacity;
    std::copy(left, left + nframes, rec);
    std::copy(right, right + nframes, rec + e.frame_capacity);
    e.block_frames[b] = nframes;
    const std::uint64_t end = e.ex->now_ns();
    e.callback_ns[b] = end - start;
    if (end > deadline) ++e.late;
    e.blocks = b + 1;
    last = b + 1 == e.target_blocks;
  }
  // relaxed: as at the top.
  heap::g_callback_running.store(false, std::memory_order_relaxed);
  heap::tl_in_callback = false;
  // (D1) release: publishes the callback's counters, the recording and the heap counts (the
  // workers' came before their voices ended, which wait_for/wait acquired); pairs with (D2).
  if (last) e.done.store(true, std::memory_order_release);
  return 0;
}

// JACK calls these two on its notification thread, not the process thread.
int on_xrun(void* arg) noexcept {
  // relaxed: a counter, read after the client is closed.
  static_cast<engine*>(arg)->xruns.fetch_add(1, std::memory_order_relaxed);
  return 0;
}
void on_shutdown(void* arg) noexcept {
  // relaxed: main polls it; nothing else is published with it.
  static_cast<engine*>(arg)->server_gone.store(true, std::memory_order_relaxed);
}
void jack_quiet(const char*) {}
void jack_print(const char* msg) { std::fprintf(stderr, "jack: %s\n", msg); }

// --- the server: a jackd child under a name of its own -------------------------------------------

struct jack_server {
  pid_t pid = -1;
  char name[64] = {};
  char log_path[64] = {};
  int exec_errno = 0;    // jackd could not be executed at all (e.g. ENOENT)
  int exit_status = -1;  // waitpid() status once it has exited

  // Starts `jackd -n <name> --no-realtime -d dummy -r <rate> -p <period>`, its output in a log
  // file. Returns false if it could not be executed; whether it serves is open_client()'s answer.
  bool start(const char* rate, const char* period) {
    std::snprintf(name, sizeof name, "errgroup-jack-voices-%ld", static_cast<long>(getpid()));
    std::snprintf(log_path, sizeof log_path, "/tmp/errgroup-jackd-XXXXXX");
    const int log = mkstemp(log_path);
    if (log < 0) return false;
    // The exec-status pipe: closed by a successful exec (read() sees EOF), or carries errno.
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) return false;
    const pid_t parent = getpid();
    pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      // The server must not outlive this program, whatever ends it (a ctest timeout included).
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(1);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      execlp("jackd", "jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", rate, "-p", period,
             static_cast<char*>(nullptr));
      const int err = errno;
      (void)!write(status_pipe[1], &err, sizeof err);
      _exit(127);
    }
    close(status_pipe[1]);
    close(log);
    int err = 0;
    ssize_t got;
    do got = read(status_pipe[0], &err, sizeof err);
    while (got < 0 && errno == EINTR);
    close(status_pipe[0]);
    if (got == static_cast<ssize_t>(sizeof err)) {
      exec_errno = err;
      reap();
      return false;
    }
    return true;
  }

  bool exited() {
    if (pid <= 0) return true;
    if (waitpid(pid, &exit_status, WNOHANG) == pid) {
      pid = -1;
      return true;
    }
    return false;
  }
  void reap() {
    if (pid > 0) waitpid(pid, &exit_status, 0);
    pid = -1;
  }

  // Retries jack_client_open(JackNoStartServer) until the server answers, it exits, or the
  // timeout passes. Each failed attempt is an answer from libjack ("no server yet"), so the wait
  // ends as soon as the server is up.
  jack_client_t* open_client(const char* client_name, std::chrono::milliseconds timeout) {
    jack_set_error_function(&jack_quiet);  // "cannot connect" is expected until the server is up
    jack_set_info_function(&jack_quiet);
    const auto until = std::chrono::steady_clock::now() + timeout;
    jack_client_t* c = nullptr;
    while (c == nullptr && !exited() && std::chrono::steady_clock::now() < until) {
      jack_status_t st{};
      c = jack_client_open(
          client_name, static_cast<jack_options_t>(JackNoStartServer | JackServerName), &st, name);
      if (c == nullptr) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // retry pace
    }
    jack_set_error_function(&jack_print);
    jack_set_info_function(&jack_quiet);
    return c;
  }

  void print_log() const {
    std::FILE* f = std::fopen(log_path, "r");
    if (f == nullptr) return;
    std::printf("---- jackd log (%s) ----\n", log_path);
    char line[512];
    while (std::fgets(line, sizeof line, f) != nullptr) std::printf("  %s", line);
    std::fclose(f);
    std::printf("----\n");
  }

  // SIGTERM, then SIGKILL if it has not exited within 5 s.
  void stop() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!exited() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll for its exit
      if (pid > 0) {
        kill(pid, SIGKILL);
        reap();
      }
    }
    if (log_path[0] != '\0') unlink(log_path);
  }
};

double percentile_us(std::vector<std::uint64_t>& v, std::size_t p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[(v.size() - 1) * p / 100]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t blocks = 2000;
  if (argc > 1) {
    const long n = std::strtol(argv[1], nullptr, 10);
    if (n < 1 || n > 100000) {
      std::printf("usage: jack_voices [blocks 1..100000]\n");
      return 2;
    }
    blocks = static_cast<std::uint64_t>(n);
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (!heap::install()) {
    std::printf("jack_voices: could not install the heap counter\n");
    return 1;
  }

  // 1. The server, before any thread of ours exists (fork).
  jack_server server;
  if (!server.start("48000", "128")) {
    if (server.exec_errno == ENOENT)
      std::printf(
          "jack_voices: FAILED: jackd not found on PATH (Debian: apt-get install jackd2)\n");
    else
      std::printf("jack_voices: FAILED: could not start jackd: %s\n",
                  std::strerror(server.exec_errno != 0 ? server.exec_errno : errno));
    server.stop();
    return 1;
  }
  jack_client_t* client = server.open_client("jack_voices", std::chrono::seconds(20));
  if (client == nullptr) {
    if (server.exited())
      std::printf("jack_voices: FAILED: jackd exited before serving (%s %d)\n",
                  WIFSIGNALED(server.exit_status) ? "signal" : "exit code",
                  WIFSIGNALED(server.exit_status) ? WTERMSIG(server.exit_status)
                                                  : WEXITSTATUS(server.exit_status));
    else
      std::printf("jack_voices: FAILED: the JACK server '%s' did not answer within 20 s\n",
                  server.name);
    server.print_log();
    server.stop();
    return 1;
  }
  const double sample_rate = jack_get_sample_rate(client);
  const std::uint32_t buffer_frames = jack_get_buffer_size(client);
  if (buffer_frames == 0 || buffer_frames > max_frames) {
    std::printf("jack_voices: FAILED: JACK buffer of %u frames (this program renders 1..%u)\n",
                buffer_frames, max_frames);
    jack_client_close(client);
    server.stop();
    return 1;
  }

  // 2. Everything the callback touches, built once: the executor in the real-time configuration
  //    (docs/realtime.md), the group, per-thread scratch, the recording.
  errgroup::executor_options eo;
  eo.wake = errgroup::wake_policy::poll;  // submits make no system call: parked workers look
  eo.poll_interval_us = 100;              //   at the queue every 100 us on their own
  eo.name = "voices";
  eo.on_worker_start = [](void*, std::uint32_t) noexcept { heap::tl_worker = true; };
  executor_t ex(eo);
  errgroup::group_options go;
  go.waiting = errgroup::wait_policy::spin;          // never park, never yield
  go.help = errgroup::help_policy::own_tasks_timed;  // the JACK thread renders voices too
  group_t voices(ex, go);

  init_voices(sample_rate);
  engine e;
  e.ex = &ex;
  e.voices = &voices;
  e.client = client;
  e.workers = ex.worker_count();
  e.sample_rate = sample_rate;
  std::vector<scratch> scratch_mem(e.workers + 1);  // [worker 0 .. workers-1, the JACK thread]
  e.scratch_of = scratch_mem.data();
  e.target_blocks = blocks;
  e.frame_capacity = buffer_frames;
  std::vector<std::uint64_t> callback_ns(blocks);
  std::vector<std::uint32_t> block_frames(blocks);
  std::vector<float> recording(blocks * 2 * buffer_frames);
  e.callback_ns = callback_ns.data();
  e.block_frames = block_frames.data();
  e.recording = recording.data();

  e.port[0] = jack_port_register(client, "out_left", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  e.port[1] = jack_port_register(client, "out_right", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  if (e.port[0] == nullptr || e.port[1] == nullptr ||
      jack_set_process_callback(client, &process, &e) != 0 ||
      jack_set_xrun_callback(client, &on_xrun, &e) != 0) {
    std::printf("jack_voices: FAILED: could not register the ports or callbacks\n");
    jack_client_close(client);
    server.stop();
    return 1;
  }
  jack_on_shutdown(client, &on_shutdown, &e);

  // 3. Run: the callback renders `blocks` blocks, then outputs silence until deactivated.
  const auto t_run = std::chrono::steady_clock::now();
  if (jack_activate(client) != 0) {
    std::printf("jack_voices: FAILED: jack_activate\n");
    jack_client_close(client);
    server.stop();
    return 1;
  }
  // Into the dummy driver's playback ports, as a player would (the run does not depend on it).
  (void)jack_connect(client, jack_port_name(e.port[0]), "system:playback_1");
  (void)jack_connect(client, jack_port_name(e.port[1]), "system:playback_2");
  // Bounded: 20 s plus ten times the audio's own duration (sanitizers, a loaded machine).
  const auto run_limit =
      std::chrono::seconds(20) +
      std::chrono::milliseconds(static_cast<long>(10.0 * 1000.0 * static_cast<double>(blocks) *
                                                  buffer_frames / sample_rate));
  bool finished = false;
  while (std::chrono::steady_clock::now() - t_run < run_limit) {
    // (D2) acquire: pairs with (D1) in process(): the callback's counters, recording and heap
    // counts are visible after it.
    if (e.done.load(std::memory_order_acquire)) {
      finished = true;
      break;
    }
    // relaxed: nothing to read if it is set; the run has failed.
    if (e.server_gone.load(std::memory_order_relaxed)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll for the end of the run
  }
  const double run_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_run).count();
  jack_deactivate(client);
  jack_client_close(client);
  // relaxed (both): read after the client is closed; its threads have been joined.
  const std::uint64_t xruns = e.xruns.load(std::memory_order_relaxed);
  const bool server_gone = e.server_gone.load(std::memory_order_relaxed);
  server.stop();

  // relaxed: published by (D1)/(D2) (the callback's, and the workers' through the group's wait).
  const std::uint64_t allocs = heap::g_allocs.load(std::memory_order_relaxed);
  const std::uint64_t frees = heap::g_frees.load(std::memory_order_relaxed);

  if (!finished) {
    std::printf("jack_voices: FAILED: %s after %llu of %llu blocks (%.1f s)\n",
                server_gone ? "the JACK server shut the client down" : "the run did not finish",
                static_cast<unsigned long long>(e.blocks), static_cast<unsigned long long>(blocks),
                run_s);
    return 1;
  }

  // 4. The single-threaded reference: the same voices, the same block sizes, one thread.
  init_voices(sample_rate);
  std::vector<scratch> ref_scratch(1);
  std::vector<float> ref_l(buffer_frames), ref_r(buffer_frames);
  std::uint64_t mismatched_blocks = 0, first_mismatch = 0;
  double max_diff = 0.0;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    const std::uint32_t n = block_frames[b];
    for (voice& v : g_voices) render_voice(v, ref_scratch[0], n);
    mix(ref_l.data(), ref_r.data(), n);
    const float* rec = recording.data() + b * 2 * buffer_frames;
    bool same = true;
    for (std::uint32_t i = 0; i < n; ++i) {
      const double dl = std::fabs(static_cast<double>(rec[i]) - ref_l[i]);
      const double dr = std::fabs(static_cast<double>(rec[buffer_frames + i]) - ref_r[i]);
      max_diff = std::max(max_diff, std::max(dl, dr));
      if (std::memcmp(&rec[i], &ref_l[i], sizeof(float)) != 0 ||
          std::memcmp(&rec[buffer_frames + i], &ref_r[i], sizeof(float)) != 0)
        same = false;
    }
    if (!same && mismatched_blocks++ == 0) first_mismatch = b;
  }

  std::vector<std::uint64_t> sorted(callback_ns);
  const double p50 = percentile_us(sorted, 50), p99 = percentile_us(sorted, 99),
               worst = percentile_us(sorted, 100);
  const double period_us = 1e6 * buffer_frames / sample_rate;

  std::printf("jack_voices: %u voices (%u FM pairs, SVF, envelope) x %u frames @ %.0f Hz on JACK "
              "server '%s' (dummy driver); period %.1f us; %u worker(s) + the JACK thread\n",
              voice_count, operator_pairs, buffer_frames, sample_rate, server.name, period_us,
              e.workers);
  std::printf("blocks:            %llu in %.2f s\n", static_cast<unsigned long long>(e.blocks),
              run_s);
  std::printf("callback (us):     p50 %.1f  p99 %.1f  max %.1f\n", p50, p99, worst);
  std::printf("xruns (JACK):      %llu\n", static_cast<unsigned long long>(xruns));
  std::printf("deadline misses:   %llu (wait_for returned timeout)\n",
              static_cast<unsigned long long>(e.misses));
  std::printf("late blocks:       %llu (the callback ended after the deadline, misses included)\n",
              static_cast<unsigned long long>(e.late));
  std::printf("refused blocks:    %llu (try_go_n refused)\n",
              static_cast<unsigned long long>(e.refused));
  std::printf("voices rendered:  ");
  for (std::uint32_t w = 0; w < e.workers; ++w)
    std::printf(" worker %u: %llu,", w,
                static_cast<unsigned long long>(scratch_mem[w].voices_rendered));
  std::printf(" JACK thread: %llu\n",
              static_cast<unsigned long long>(scratch_mem[e.workers].voices_rendered));
  std::printf("heap calls in the callback: %llu allocations, %llu frees (%s)\n",
              static_cast<unsigned long long>(allocs), static_cast<unsigned long long>(frees),
              heap::how());
  std::printf(
      "output vs single-threaded reference: %s (%llu of %llu blocks differ, max |diff| %g)\n",
      mismatched_blocks == 0 ? "bit-exact" : "MISMATCH",
      static_cast<unsigned long long>(mismatched_blocks), static_cast<unsigned long long>(blocks),
      max_diff);

  bool ok = true;
  if (mismatched_blocks != 0) {
    std::printf("UNEXPECTED: block %llu differs from the reference\n",
                static_cast<unsigned long long>(first_mismatch));
    ok = false;
  }
  if (allocs != 0 || frees != 0) {
    std::printf("UNEXPECTED: the callback used the heap\n");
    ok = false;
  }
  if (e.refused != 0) {
    std::printf("UNEXPECTED: try_go_n refused a block\n");
    ok = false;
  }
  if (e.wrong_size != 0 || e.other_status != 0) {
    std::printf("UNEXPECTED: %llu block(s) larger than the buffer, %llu unexpected wait status\n",
                static_cast<unsigned long long>(e.wrong_size),
                static_cast<unsigned long long>(e.other_status));
    ok = false;
  }
  std::printf("jack_voices: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
