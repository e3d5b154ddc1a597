/* SPDX-License-Identifier: BSL-1.0 */
/* stop_callbacks.pml — a SPIN model of the stop-callback table entry protocol
 * (include/errgroup/detail/stop_callbacks.hpp, include/errgroup/stop_callback.hpp): arm(), the
 * scan of a stop(), the pin holder's decide(), and disarm() in the destructor.
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_stop_callbacks*, via run_spin.cmake):
 *   default        the destructor runs after both stops: the callback must have run exactly once
 *   -DRACE         the destructor races the stops: at most once, and never a node read after it
 * Broken variants that must FAIL (each a ctest expecting a counterexample):
 *   -DBROKEN_NO_ARM_RECHECK   arm() does not re-check the token after publishing armed (K2)
 *   -DBROKEN_NO_RECHECK_FLAG  a stopper that finds the entry pinned leaves it alone (no CAS to
 *                             recheck): the holder may have looked before this stop's flag
 *   -DBROKEN_RELEASE_STORE    the holder lets go with a plain store of armed, not the CAS (K5)
 *   -DRACE -DBROKEN_DISARM_NO_WAIT  disarm() frees the entry while another thread holds the pin
 *   -DBROKEN_HOOK_LATE        arm() links the scan (K0) only after its re-check (K2): a stop
 *                             between them finds no hook and scans nothing
 *
 * Parties, on one entry: A arms a callback on a token that watches group G and G's parent P,
 * then destroys it (disarm); S_G stops G, S_P stops P (each sets its flag once: each is "the
 * stop() that set its flag", which scans); S_X stops an unrelated group X: its scan pins our
 * entry too and finds our token not stopped — the holder that may look too early. The entry's
 * generation is implicit (one arm per run); `armed_count` is the (K3) hint; `hook` is the scan's
 * link (K0), null until the first arm(): a stop() that loads it null scans nothing.
 * Promela interleaves atomic steps (sequential consistency): exact for the protocol's seq_cst
 * operations (K1, K2, K3, K4, K5, T2); a CAS is one atomic step.
 *
 * Properties: the callback runs at most once; every read of the node happens while the
 * stop_callback object is alive; every process ends with the entry free (no one waits forever for
 * a pin: the destructor's wait and the holder's re-looks are bounded; SPIN reports an invalid end
 * state otherwise); without -DRACE (the destructor after both stops), the callback ran.
 */
#define FREE 0
#define FILLING 1
#define ARMED 2
#define PINNED 3
#define RECHECK 4
#define FIRED 5

byte phase = FREE;
bool flag_g = false, flag_p = false, flag_x = false;  /* stop flags (T2) */
byte armed_count = 0;
bool hook = false;         /* stop_callbacks::scanner: set once, by the first arm() */
byte ran = 0;
bool alive = false;        /* the stop_callback object (and its node) exists */
byte stops_done = 0;       /* S_G and S_P returned */

#define requested (flag_g || flag_p)   /* our token: G or its parent P */

/* The pin holder: run the callback if the token reports a stop, else give the entry back,
 * looking again while stoppers ask for it (K5). */
inline decide(tok) {
  bool again = true;
  do
  :: again ->
     if
     :: tok ->
        assert(alive);                  /* the node is read under the pin */
        ran++;
        assert(ran <= 1);
        atomic { assert(phase == PINNED || phase == RECHECK); phase = FIRED };
        again = false
     :: else ->
#ifdef BROKEN_RELEASE_STORE
        phase = ARMED; again = false
#else
        atomic {                        /* (K5) CAS pinned -> armed */
          if
          :: phase == PINNED -> phase = ARMED; again = false
          :: else -> assert(phase == RECHECK); phase = PINNED   /* look again */
          fi
        }
#endif
     fi
  :: !again -> break
  od
}

/* A stop()'s scan of the entry for our token (K4): pin an armed entry and decide, or ask the
 * holder of a pinned one to look again. */
inline scan(tok) {
  bool pinned_it = false, done_scan = false;
  if
  :: !hook -> done_scan = true              /* (K3) the hook: nothing was ever armed */
  :: hook && armed_count == 0 -> done_scan = true   /* (K3) nothing armed */
  :: else -> skip
  fi;
  do
  :: done_scan -> break
  :: !done_scan ->
     atomic {
       if
       :: phase == ARMED -> phase = PINNED; pinned_it = true; done_scan = true
#ifndef BROKEN_NO_RECHECK_FLAG
       :: phase == PINNED -> phase = RECHECK; done_scan = true
#endif
       :: else -> done_scan = true       /* free, filling, recheck, fired: not ours */
       fi
     }
  od;
  if
  :: pinned_it -> decide(tok)
  :: else -> skip
  fi
}

proctype stopper_g() {
  flag_g = true;          /* (T2) */
  scan(requested);
  atomic { stops_done++ }
}
proctype stopper_p() {
  flag_p = true;          /* (T2) */
  scan(requested);
  atomic { stops_done++ }
}
proctype stopper_x() {    /* an unrelated group: scans every entry, our token is not stopped */
  flag_x = true;
  scan(requested);
}

proctype armer() {
  /* arm(): claim, write the node, (K1) count then armed, (K2) re-check the token */
  alive = true;
  atomic { assert(phase == FREE); phase = FILLING };
#ifndef BROKEN_HOOK_LATE
  hook = true;            /* (K0) */
#endif
  armed_count++;
  phase = ARMED;
#ifndef BROKEN_NO_ARM_RECHECK
  bool mine = false;
  if
  :: requested ->
     atomic {
       if
       :: phase == ARMED -> phase = PINNED; mine = true
       :: else -> skip                  /* a stopper pinned it first: theirs to run */
       fi
     };
     if
     :: mine -> decide(requested)
     :: else -> skip
     fi
  :: else -> skip
  fi;
#endif
#ifdef BROKEN_HOOK_LATE
  hook = true;
#endif
#ifndef RACE
  stops_done == 2;        /* the destructor runs after both stops have returned */
#endif
  /* disarm() in the destructor */
  byte st;
  do
  :: atomic { st = phase;
       if
       :: st == ARMED -> phase = FREE
       :: st == FIRED -> phase = FREE
       :: else -> skip
       fi }
     if
     :: st == ARMED || st == FIRED -> break
     :: else ->
#ifdef BROKEN_DISARM_NO_WAIT
        phase = FREE; break
#else
        (phase != PINNED && phase != RECHECK)   /* another thread holds the pin: wait */
#endif
     fi
  od;
  armed_count--;
  alive = false;          /* the object, and its node, are gone */
}

init {
  atomic {
    run armer();
    run stopper_g();
    run stopper_p();
    run stopper_x()
  }
  _nr_pr == 1;            /* everyone has returned */
  assert(phase == FREE && armed_count == 0 && !alive);
#ifndef RACE
  /* No stop missed: both stops came before the destructor, which waits out any holder, so the
   * callback ran (on a stopper's thread or in arm()'s re-check). */
  assert(ran == 1);
#endif
}
