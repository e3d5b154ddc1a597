/* SPDX-License-Identifier: BSL-1.0 */
/* notify_table.pml — a SPIN model of include/errgroup/detail/notify_table.hpp: wait_on/wake made of
 * per-thread notifications (FreeRTOS task notifications, the hosted semaphore wait).
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_notify_table*, via run_spin.cmake).
 * Broken variants that must FAIL (each a ctest expecting a counterexample):
 *   -DBROKEN_NO_RECHECK   the waiter sleeps without re-loading the word after publishing (W1)
 *   -DBROKEN_NO_CONSUME   a waiter whose slot a waker committed to frees it without consuming the
 *                         notification (the CAS of W2 is ignored): one is left behind
 *   -DBROKEN_NO_COMMIT    the waker notifies without the CAS waiting -> committed (K2): a waiter
 *                         that timed out and left gets a notification nobody consumes
 *
 * Parties: NWAIT waiter threads, each waiting once for word != 0 (each take() may time out: the
 * nondeterministic `timeout` branch, as a deadline would); one waker that sets the word and wakes
 * (all, or -DWAKE_ONE: wake(one) called once per waiter, each stopping at its first commit). Slots: NSLOT (fewer than waiters: the full table
 * polls). Each thread has a notification count (a semaphore / the task's notification value).
 * Promela steps are sequentially consistent: exact for the protocol's seq_cst operations (W1, the
 * re-load, K1) and the CASes.
 *
 * Properties:
 *  - no lost wake-up: when nothing can move, every waiter has returned (it saw the word change);
 *  - nothing left over: at that point every thread's notification count is 0 (each notification
 *    was consumed by the registration it was meant for), and every slot is free.
 */
#ifndef NWAIT
#define NWAIT 2
#endif
#ifndef NSLOT
#define NSLOT 1
#endif

#define FREE 0
#define CLAIMED 1
#define WAITING 2
#define COMMITTED 3

byte word = 0;            /* the futex word: 0 = expected, 1 = changed */
byte phase[NSLOT];        /* slot state (the generation is implied: a slot's owner is `who`) */
byte who[NSLOT];          /* thread registered in the slot */
byte notes[NWAIT];        /* pending notifications per thread */
byte done = 0;            /* waiters that returned */

/* take(): consume one notification, or time out (only when may_time_out). */
inline take(me, got, may_time_out) {
  if
  :: atomic { notes[me] > 0 -> notes[me]--; got = 1 }
  :: may_time_out -> got = 0
  fi
}

proctype waiter(byte me) {
  byte s, got, i;
  bool mine;
again:
  if
  :: word != 0 -> goto out
  :: else -> skip
  fi;
  /* claim a free slot (CAS free -> claimed) */
  mine = false;
  i = 0;
  do
  :: i < NSLOT ->
     atomic { if :: phase[i] == FREE -> phase[i] = CLAIMED; s = i; mine = true :: else -> skip fi };
     if :: mine -> break :: else -> i++ fi
  :: i >= NSLOT -> break
  od;
  if
  :: !mine -> goto again   /* table full: poll once, the caller re-checks */
  :: else -> skip
  fi;
  who[s] = me;
  phase[s] = WAITING;      /* (W1) */
  got = 0;
#ifdef BROKEN_NO_RECHECK
  take(me, got, false);
#else
  if
  :: word == 0 -> take(me, got, true)   /* the re-load, then sleep until the deadline */
  :: else -> skip
  fi;
#endif
  /* (W2) CAS waiting -> free; failure: a waker committed */
  atomic {
    if
    :: phase[s] == WAITING -> phase[s] = FREE; mine = false
    :: else -> mine = true
    fi
  }
#ifndef BROKEN_NO_CONSUME
  if
  :: mine ->
     do
     :: got == 0 -> take(me, got, false)   /* consume exactly that notification */
     :: got != 0 -> break
     od;
     phase[s] = FREE                       /* (W3) */
  :: else -> skip
  fi;
#else
  if :: mine -> phase[s] = FREE :: else -> skip fi;
#endif
  goto again;              /* the caller re-checks its condition */
out:
  atomic { done++ }
}

proctype waker() {
  byte i, t;
  bool woke = false;
#ifdef WAKE_ONE
  byte rounds = 0;
#endif
  word = 1;                /* the caller changes the word (seq_cst) before wake() */
#ifdef WAKE_ONE
next:
  woke = false;
#endif
  i = 0;
  do
  :: i < NSLOT ->
#ifdef BROKEN_NO_COMMIT
     atomic {
       if
       :: phase[i] == WAITING -> t = who[i]; notes[t]++
       :: else -> skip
       fi
     }
#else
     atomic {               /* (K1) + (K2): see it waiting, commit to it */
       if
       :: phase[i] == WAITING -> phase[i] = COMMITTED; t = who[i]; notes[t]++; woke = true
       :: else -> skip
       fi
     }
#endif
#ifdef WAKE_ONE
     if :: woke -> break :: else -> skip fi;   /* wake(one) stops after the first commit */
#endif
     i++
  :: i >= NSLOT -> break
  od;
#ifdef WAKE_ONE
  rounds++;
  if :: rounds < NWAIT -> goto next :: else -> skip fi;
#endif
}

init {
  byte k;
  atomic {
    k = 0;
    do
    :: k < NWAIT -> run waiter(k); k++
    :: k >= NWAIT -> break
    od;
    run waker()
  }
  /* nothing can move: the end state */
  timeout ->
    assert(done == NWAIT);     /* no lost wake-up */
    k = 0;
    do
    :: k < NWAIT -> assert(notes[k] == 0); k++   /* nothing left over */
    :: k >= NWAIT -> break
    od;
    k = 0;
    do
    :: k < NSLOT -> assert(phase[k] == FREE); k++
    :: k >= NSLOT -> break
    od
}
