// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/stop_callbacks.hpp — the table of armed stop callbacks (errgroup::stop_callback),
// and the scan stop() runs over it.
//
// Why a table and not a list per group: a callback armed on a task's stop_token must run when its
// group or any linked ancestor stops, but an ancestor knows nothing of its descendants (stop.hpp,
// pull model). So every armed callback sits in one fixed, program-wide table of
// ERRGROUP_STOP_CALLBACKS entries, and a stop() that finds any entry armed looks at each one and
// runs those whose token now reports a stop. Nothing is allocated and nothing is locked.
//
// An entry's state word is [generation:29][phase:3]. Phases:
//   free      nobody's
//   filling   claimed by arm(), which is writing `node`
//   armed     registered; the callback has not run
//   pinned    one thread (a stopper, or arm() itself) holds it: it reads the node and its token
//             and decides — run the callback, or put the entry back to armed
//   recheck   pinned, and another stopper asked the holder to look at the token again before it
//             lets go (that stopper's flag was set after the holder may have looked)
//   fired     the callback ran; the entry stays taken until its stop_callback is destroyed
//   orphaned  pinned, and the running callback destroyed its own stop_callback: the runner frees
//             the entry when the callback returns
// A pin is taken by CAS armed(g) -> pinned(g). The generation, bumped by every claim, makes a CAS
// on an entry freed and reused in between fail. A node (inside its stop_callback object) is read
// only under a pin, and the destructor waits while another thread holds one, so no node is read
// after its object is gone.
//
// The protocol (labels local to this file):
//   (K0) arm():   links the scan: the hook `scanner`, null until the first arm(), is set (seq_cst
//                 store) or seen set (acquire load) before (K1).
//   (K1) arm():   armed count +1, then state := armed (both seq_cst); (K2) then it re-checks the
//                 token (seq_cst loads): if a stop is already requested it pins and runs it itself.
//   (K3) stop():  only a stop() that set its flag (T2, stop.hpp) scans; after (T2) it loads the
//                 hook (seq_cst; null: nothing was ever armed), then the armed count (seq_cst): 0
//                 means nothing is armed.
//   (K4) scan:    per entry, load state (seq_cst). armed: pin it (CAS) and decide. pinned: CAS it
//                 to recheck, so the holder looks again. Anything else: not ours to decide.
//   (K5) release: the holder lets go with CAS pinned -> armed (seq_cst). If that fails because a
//                 stopper set recheck, it is still the holder: it looks at the token again.
// Why no stop is missed: a stopper that sets its flag (T2) and then finds the entry armed pins it
// and looks after (T2); finds it pinned, sets recheck, and the holder's next look comes after that
// CAS, hence after (T2); finds it filling, and the filler's (K2) comes after its own armed store,
// which the stopper's load preceded, hence after (T2). Each stop() sets a flag once, so a holder
// looks again at most once per flag of the token's chain: bounded.
// Store->load pairs, all seq_cst: (K1)/(K2) against (T2)/(K3); (T2)/(K4) against (K5).
// A group's deadline (stop.hpp) sets no flag by itself: the thread that notices it calls stop(),
// which scans. Model-checked for one entry: tests/model/stop_callbacks.pml (arm, a stop of the
// token's group and of its parent, an unrelated stop whose scan pins the entry too, and the
// destructor, after the stops or racing them; four broken variants caught). Not modelled: the
// generation (one arm per run) and the orphaned path (a callback destroying its own
// stop_callback), which the test "stop_callback: arm, stop and destruction race: ..." races
// under ThreadSanitizer.
#ifndef ERRGROUP_DETAIL_STOP_CALLBACKS_HPP
#define ERRGROUP_DETAIL_STOP_CALLBACKS_HPP

#include <atomic>
#include <cstdint>

#include "../config.hpp"
#include "../stop.hpp"

#ifndef ERRGROUP_STOP_CALLBACKS
#define ERRGROUP_STOP_CALLBACKS 16  // stop callbacks armed at once, program-wide
#endif
// 0 compiles the table out: using errgroup::stop_callback is then a compile-time error. (An image
// that never arms one links neither the table nor the scan anyway: see `scanner`.)

namespace errgroup {
namespace detail {

struct stop_callback_node {
  const stop_state* watched = nullptr;
  void (*invoke)(stop_callback_node*) noexcept = nullptr;
  void* self = nullptr;  // the stop_callback object
  // The thread context of the thread running the callback (null when not running, or when it
  // runs in an interrupt handler): lets a callback destroy its own stop_callback.
  atomic<const void*> runner{nullptr};
};

struct stop_callback_entry {
  atomic<std::uint32_t> state{0};
  atomic<stop_callback_node*> node{nullptr};
};

struct stop_callbacks {
  static constexpr std::uint32_t phase_mask = 7, gen_one = 8;
  static constexpr std::uint32_t free = 0, filling = 1, armed = 2, pinned = 3, recheck = 4,
                                 fired = 5, orphaned = 6;
  static constexpr std::uint32_t generation(std::uint32_t st) noexcept { return st & ~phase_mask; }
  static constexpr std::uint32_t size = ERRGROUP_STOP_CALLBACKS;
  static inline stop_callback_entry entries[size > 0 ? size : 1] = {};
  static inline atomic<std::uint32_t> armed_count{0};
  // The scan, reached only through this pointer, which the first arm() sets (K0): an image that
  // never arms a stop_callback links neither the scan nor the table (-268 B of Cortex-M4F code,
  // -128 B of RAM: docs/firmware.md#size). Set once, never cleared.
  using scan_fn = void (*)(const void*) noexcept;
  static inline atomic<scan_fn> scanner{nullptr};

  static constexpr std::uint32_t phase(std::uint32_t st) noexcept { return st & phase_mask; }
  static constexpr std::uint32_t with(std::uint32_t st, std::uint32_t ph) noexcept {
    return (st & ~phase_mask) | ph;
  }

  // The holder of a pin on e: run the callback if its token reports a stop, else put the entry
  // back to armed, looking again while stoppers ask for it (K5). Returns with the pin given up.
  static void decide(stop_callback_entry& e, std::uint32_t pin, const void* runner) noexcept {
    // relaxed: published by the (K1) armed store the pin CAS read from.
    stop_callback_node* n = e.node.load(std::memory_order_relaxed);
    for (;;) {
      // seq_cst: the load half of (K2), or of a recheck (see above).
      if (n->watched->requested_after_registering()) {
        // relaxed: read by the same object's destructor, ordered by the pin.
        n->runner.store(runner, std::memory_order_relaxed);
        n->invoke(n);  // n may be gone from here on (orphaned)
        // relaxed: a starting value for the CAS.
        std::uint32_t st = e.state.load(std::memory_order_relaxed);
        for (;;) {
          if (phase(st) == orphaned) {
            // release: the entry's next claimer (its acquire CAS) comes after us.
            e.state.store(with(pin, free), std::memory_order_release);
            return;
          }
          // pinned or recheck (the token stopped: nothing left to look at). release: the
          // callback's effects happen before the destructor's acquire load that sees fired.
          if (e.state.compare_exchange_weak(st, with(pin, fired), std::memory_order_release,
                                            std::memory_order_relaxed))
            return;
        }
      }
      std::uint32_t st = with(pin, pinned);
      // (K5) seq_cst: see above.
      if (e.state.compare_exchange_strong(st, with(pin, armed), std::memory_order_seq_cst,
                                          std::memory_order_seq_cst))
        return;
      // A stopper set recheck: clear it (we still hold the pin) and look again.
      // seq_cst: our next look is after this store, so after that stopper's (T2).
      e.state.store(with(pin, pinned), std::memory_order_seq_cst);
    }
  }

  // (K4) Run every armed callback whose token now reports a stop. Called by a stop() whose
  // request() set its flag.
  static void scan(const void* runner) noexcept {
    if constexpr (size == 0) {
      (void)runner;  // compiled out: nothing can be armed
    } else {
      // (K3) seq_cst, after (T2): null means no arm() has reached (K0) before this load in the
      // total order, so every arm() racing this stop sets it later and its (K2) sees our flag.
      if (const scan_fn s = scanner.load(std::memory_order_seq_cst)) s(runner);
    }
  }
  // (K0) arm(), before (K1): link the scan. acquire: a non-null pointer read here was stored by
  // an earlier arm()'s (K0), which then happens before our (K1), so it is before it in the total
  // order too. seq_cst store: the first arm()'s (K0) precedes its own (K1).
  static void link_scan() noexcept {
    if (scanner.load(std::memory_order_acquire) == nullptr)
      scanner.store(&scan_table, std::memory_order_seq_cst);
  }

 private:
  static void scan_table(const void* runner) noexcept {
    // (K3) seq_cst: the load half of store->load after (T2) and the hook's load; pairs with (K1).
    if (armed_count.load(std::memory_order_seq_cst) == 0) return;
    for (stop_callback_entry& e : entries) {
      // seq_cst: (K4), the load half of (T2)/(K4) against (K5).
      std::uint32_t st = e.state.load(std::memory_order_seq_cst);
      for (;;) {
        const std::uint32_t ph = phase(st);
        if (ph == armed) {
          // seq_cst: acquire half reads from the (K1)/(K5) store, so the node is visible; a
          // failure reloads st as the (K4) load does.
          if (e.state.compare_exchange_strong(st, with(st, pinned), std::memory_order_seq_cst,
                                              std::memory_order_seq_cst)) {
            decide(e, st, runner);
            break;
          }
        } else if (ph == pinned) {
          // seq_cst: the holder's (K5) CAS then fails and it looks again, after our (T2).
          if (e.state.compare_exchange_strong(st, with(st, recheck), std::memory_order_seq_cst,
                                              std::memory_order_seq_cst))
            break;
        } else {
          break;  // free, filling (its arm() re-checks), recheck (already asked), fired, orphaned
        }
        // A failed CAS reloaded st: decide again on the new state.
      }
    }
  }
};

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_STOP_CALLBACKS_HPP
