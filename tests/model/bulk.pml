/* SPDX-License-Identifier: BSL-1.0 */
/* bulk.pml — a SPIN model of a bulk task's protocol (go_n; include/errgroup/group.hpp, "Bulk
 * tasks"): queue entries as the way in, fan-out with at most one entry queued, index claims,
 * the reference count that completes the task once, taking the last entry back, stop, and the
 * timed waiter's hand-off.
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_bulk*, via run_spin.cmake):
 *   default     two workers and a helping waiter (wait()) on one bulk task of N indices
 *   -DSTOP      a stop() at any moment: claimed indices run, the rest are skipped, once each
 *   -DTIMED     the waiter is a timed waiter (own_tasks_timed) whose deadline passes at any
 *               moment: it hands the rest on and returns; a worker must finish the task
 *   -DFULL      a push may find the queue full (the fan-out is undone; a hand-off keeps running)
 *   -DRUNNERS=1 no fan-out (a limit of 1): the runner that took the entry is the only one
 *   -DLIMIT     under set_limit: each fan-out reserves a count (or, at the limit, pushes nothing),
 *               a leaving thread returns one unless its hand-off pushed an entry, completion
 *               returns the rest: threads able to claim + queued entries <= 1 + counts, always
 * Broken variants that must FAIL (each a ctest expecting a counterexample):
 *   -DBROKEN_EARLY          the task completes when the first holder lets go
 *   -DBROKEN_NO_ENTRY_REF   a pushed entry holds no reference: the task completes while it is
 *                           queued, and its taker touches a finished task
 *   -DTIMED -DBROKEN_NO_FLAG  a push does not check the entry-queued bit: a hand-off queues a
 *                           second entry while the fan-out's is queued
 *   -DTIMED -DRUNNERS=1 -DBROKEN_NO_HANDOFF  the timed waiter leaves without handing the rest
 *                           on: nobody runs the indices left
 *   -DTIMED -DBROKEN_TAKEN_NO_CLEAR  a taker does not clear the entry-queued bit (K2): a hand-off
 *                           then believes an entry is queued that is not
 *   -DLIMIT -DTIMED -DBROKEN_HANDOFF_RETURNS  a thread that handed off returns its count too (the
 *                           bug the fuzzer found: one thread more than the limit)
 *
 * Model. One slot. `next` is the claim counter (grain 1: one index per claim), `holders` the
 * reference count, `queued`/`pushed` the spawn word's bit and count. The executor's queue holds
 * at most one entry of this task (asserted): `in_queue`, with the ticket `qticket`; the slot's
 * claim word holds the hint `st_ticket` (0: running). A worker pops the entry; the waiter takes it
 * back by the ticket it read from the hint (try_revoke: fails on a stale ticket). Each d_step or
 * atomic is one of the implementation's atomic operations (a CAS, an RMW, the queue's entry
 * claim); Promela interleaves them with sequential consistency, which the implementation's
 * acq_rel RMWs on holders/spawn provide for the orders that matter here (K1, K2, K3).
 *
 * Properties: the reference count never goes below zero; each index runs at most once (exactly once without a stop), and ran + skipped == N;
 * at most one entry queued; the task completes exactly once, with no entry queued and every index
 * claimed; no runner touches the slot after completion; the waiter returns only after completion
 * (or at its deadline), and nobody is left waiting (SPIN reports an invalid end state otherwise).
 */
#ifndef N
#define N 3
#endif
#ifndef RUNNERS
#define RUNNERS 3   /* workers + 1; 1: under set_limit(1), no fan-out */
#endif

byte next = 0;
byte holders = 1;          /* the first entry's reference (go_n) */
bool queued = true;        /* the first entry is queued */
byte pushed = 1;
bool in_queue = true;      /* the executor's queue holds an entry of the task */
byte qticket = 1;          /* that entry's ticket */
byte st_ticket = 1;        /* the claim word's hint: the queued ticket, or 0 (running) */
byte tickets = 1;
byte ran[N];
byte skipped = 0;
bool stopped = false;
bool completed = false;
bool waiter_returned = false;
byte on_task = 0;          /* threads that took an entry and may still claim an index */
byte counted = 0;          /* counts the task holds beyond its own (LIMIT) */
#ifdef LIMIT
#define INV assert(on_task + in_queue <= 1 + counted)
#else
#define INV skip
#endif

#define touch assert(!completed)   /* a slot access: never after completion */

/* bulk_push(hand_off): push one more entry, with a reference, if allowed. `ok` is false only if
 * the push failed (the queue was full). */
inline push(hand_off, ok) {  /* uses the caller's locals go_on, pushed_entry */
  ok = true;
  pushed_entry = false;
  touch;
  if
  :: next >= N -> skip                              /* nothing left to hand on */
  :: else ->
     go_on = false;
#ifdef BROKEN_NO_FLAG
     d_step { if :: (!hand_off && pushed >= RUNNERS) -> skip
              :: else -> go_on = true; queued = true; pushed = pushed + (hand_off -> 0 : 1) fi };
#else
     d_step { if :: queued -> skip                  /* K1: one is queued already */
              :: (!queued && !hand_off && pushed >= RUNNERS) -> skip
              :: else -> go_on = true; queued = true; pushed = pushed + (hand_off -> 0 : 1) fi };
#endif
#ifdef LIMIT
     if
     :: go_on && !hand_off ->
        if
        :: d_step { counted++ }                       /* reserve_runner(): below the limit */
        :: d_step { queued = false; pushed--; go_on = false }  /* at the limit: undo (K2) */
        fi
     :: else -> skip
     fi;
#endif
     if
     :: go_on ->
#ifndef BROKEN_NO_ENTRY_REF
        holders++;
#endif
        if
#ifdef FULL
        :: true ->                                    /* the queue is full: undo */
#ifndef BROKEN_NO_ENTRY_REF
           holders--;
#endif
           d_step { queued = false; pushed = pushed - (hand_off -> 0 : 1);
                    if :: !hand_off && counted > 0 -> counted-- :: else -> skip fi };
           ok = false
#endif
        :: true ->
           d_step { tickets++; st_ticket = tickets };  /* the executor writes the ticket ... */
           d_step { assert(!in_queue); in_queue = true; qticket = tickets; INV };  /* publishes */
           pushed_entry = true
        fi
     :: else -> skip
     fi
  fi
}

/* The calling thread took an entry (and its reference): run_bulk_until. */
inline run_bulk(timed) {
  touch;
  handed = false;
  st_ticket = 0;                                      /* the hint: running */
#ifndef BROKEN_TAKEN_NO_CLEAR
  queued = false;                                     /* K2 */
#endif
  push(false, ok);                                    /* fan-out */
  do
  :: true ->
     if
     :: timed && !waiter_returned ->                  /* the deadline may pass here */
        if
        :: true ->
           d_step { on_task-- };                       /* it claims nothing more ... */
#ifdef BROKEN_NO_HANDOFF
           ok = true;
#else
           push(true, ok);
#endif
           if
           :: ok -> handed = pushed_entry; waiter_returned = true; break  /* return timeout */
           :: else -> d_step { on_task++; INV }        /* ... unless the queue is full */
           fi
        :: true -> skip
        fi
     :: else -> skip
     fi;
     touch;
     d_step { if :: next >= N -> b = N :: else -> b = next; next++ fi };  /* bulk_claim (CAS) */
     if
     :: b >= N -> break
     :: else ->
        if
        :: stopped ->                                 /* skip this range and the rest */
           d_step { skipped = skipped + 1 + (N - next); next = N };
           break
        :: else ->
           touch;
           ran[b]++;
           assert(ran[b] == 1)
        fi
     fi
  od;
  /* bulk_leave */
  touch;
  if
  :: !handed && !(timed && waiter_returned) -> d_step { on_task-- }
  :: else -> skip                                     /* already left at the hand-off */
  fi;
#ifdef BROKEN_HANDOFF_RETURNS
  d_step { if :: counted > 0 -> counted-- :: else -> skip fi; INV };  /* (C), even after a hand-off */
#else
  d_step { if :: !handed && counted > 0 -> counted-- :: else -> skip fi; INV };  /* (C) */
#endif
  refs = 1;
  if
  :: next >= N && queued ->
     t = st_ticket;
     got = false;
     d_step { if :: (t != 0 && in_queue && qticket == t) -> in_queue = false; got = true
              :: else -> skip fi };                   /* try_revoke by ticket */
     if
     :: got -> queued = false; refs = 2
     :: else -> skip
     fi
  :: else -> skip
  fi;
  last = false;
#ifdef BROKEN_EARLY
  d_step { last = holders > 0; holders = 0 };
#else
  d_step { assert(holders >= refs); holders = holders - refs; last = holders == 0 };  /* K3 */
#endif
  if
  :: last ->
     /* bulk_complete */
     assert(!completed);
     assert(!in_queue);
     assert(next >= N);
     i = 0;
     sum = 0;
     do
     :: i < N -> assert(ran[i] <= 1); sum = sum + ran[i]; i++
     :: else -> break
     od;
     assert(sum + skipped == N);
     assert(stopped || skipped == 0);
     assert(on_task == 0);
     counted = 0;                                     /* finish(1 + extra) */
     completed = true
  :: else -> skip
  fi
}

proctype worker() {
  bool go_on, ok, got, last, pushed_entry, handed;
  byte b, refs, t, i, sum;
end:
  do
  :: d_step { in_queue -> in_queue = false; on_task++; INV } ->  /* pop */
     run_bulk(false)
  od
}

proctype waiter() {
  bool go_on, ok, got, last, pushed_entry, handed;
  byte b, refs, t, i, sum;
#ifdef TIMED
  bool timed = true;
#else
  bool timed = false;
#endif
  do
  :: completed -> break
  :: waiter_returned -> break                         /* timed out: returns timeout */
  :: !completed && !waiter_returned ->
     t = st_ticket;                                   /* take_queued: the hint, then revoke */
     got = false;
     d_step { if :: (t != 0 && in_queue && qticket == t) -> in_queue = false; got = true;
                     on_task++; INV
              :: else -> skip fi };
     if
     :: got -> run_bulk(timed)
     :: else -> (completed || waiter_returned || in_queue)  /* park until something changes */
     fi
  od;
  /* wait() returned ok, or the timed wait returned timeout: either way the rest must finish */
  (completed)
}

#ifdef STOP
proctype stopper() {
  stopped = true
}
#endif

init {
  atomic {
    run worker();
    run worker();
    run waiter();
#ifdef STOP
    run stopper();
#endif
  }
}
