/* SPDX-License-Identifier: BSL-1.0
 * tests/model/compact.pml — the compact group's protocol (include/errgroup/compact.hpp): one
 * core, a main loop and two nested interrupt priorities.
 *
 * Preemption, as on the hardware: a handler may start between any two steps of the main loop
 * (or of a lower-priority handler) and runs to its end before the code it interrupted continues.
 * So every step of the main loop is guarded by "no handler active", the low handler's by "the
 * high one not active", and the high handler is one indivisible block. A step is one atomic
 * operation of the C++ code (a load, a store, a CAS, a fetch_or) or plain code only one side runs.
 *
 * The main loop submits tasks 1 and 2 (try_go), waits, then waits again once both handlers are
 * done. The low handler submits task 3, the high one task 4 and may stop() the group; task 1
 * fails and stops the group (with_context). Checked in every interleaving:
 *  - a reservation always finds a free slot (the release order: free_ before the count);
 *  - a slot is built only when empty, taken only when built: no task is lost or run twice;
 *  - every accepted task is run or skipped exactly once, and destroyed once, before the wait
 *    that saw the count reach 0 returns;
 *  - the count never exceeds the limit or the capacity;
 *  - a wait that finds nothing ready while tasks are outstanding never happens (so wait() never
 *    needs to sleep and may refuse as wait_inside_task: nothing else can finish a task).
 * Broken variants that must be caught:
 *   BROKEN_COUNT_FIRST   the slot is given back after the count (a reservation finds no slot)
 *   BROKEN_PLAIN_RESERVE the reservation as a load and a store, not a CAS (a lost count)
 *   BROKEN_AS_THREADS    the handlers as threads running beside the main loop, not preempting
 *                        it: a wait can then find a task counted and not yet ready, which is why
 *                        compact.hpp requires one core (the wait() refusal relies on it)
 */
#ifndef CAP
#define CAP 2
#endif
#ifndef LIM
#define LIM 2
#endif
#define ALL ((1 << CAP) - 1)
#define NT 4

#define MAIN 0
#define LOW 1
#define HIGH 2

byte outstanding = 0;
byte freem = ALL;
byte readym = 0;
bit stopped = 0;
byte slot_task[CAP];  /* 0: empty; else the id of the callable built there */
byte done[NT + 1];    /* runs + skips of each task */
bit accepted[NT + 1];
bit low_active = 0, high_active = 0, low_done = 0, high_done = 0;
byte cursor = 0;      /* main loop only */

#ifdef BROKEN_AS_THREADS
#define CAN(w) true
#else
#define CAN(w) ((w == MAIN && !low_active && !high_active) || (w == LOW && !high_active) || \
                w == HIGH)
#endif
#define STEP(w, s) atomic { CAN(w) -> s }

/* The lowest set bit of x (CAP <= 3). */
#define LOWEST(x) (((x) & 1) -> 0 : (((x) & 2) -> 1 : 2))

inline submit(w, id, c, fr, i, st) {
  st = 2;
  STEP(w, c = outstanding);
  do
  :: STEP(w, if :: stopped -> st = 0 :: else -> skip fi);
     if :: st == 0 -> break :: else -> skip fi;
#ifdef BROKEN_PLAIN_RESERVE
     STEP(w, if :: c < LIM && c < CAP -> st = 1 :: else -> st = 0 fi);
     if :: st == 1 -> STEP(w, outstanding = c + 1) :: else -> skip fi;
#else
     STEP(w, if
          :: c < LIM && c < CAP ->
             if :: outstanding == c -> outstanding = c + 1; st = 1
                :: else -> c = outstanding   /* the failed CAS reloads */
             fi
          :: else -> st = 0                  /* limit_reached / capacity_full */
          fi);
#endif
     if :: st != 2 -> break :: else -> skip fi
  od;
  if
  :: st == 1 ->
     STEP(w, assert(outstanding <= LIM && outstanding <= CAP));
     /* claim a free slot: CAS a bit out of free_ */
     STEP(w, fr = freem);
     do
     :: STEP(w, if
             :: freem == fr -> assert(fr != 0); i = LOWEST(fr); freem = fr & ~(1 << i); st = 3
             :: else -> fr = freem
             fi);
        if :: st == 3 -> break :: else -> skip fi
     od;
     STEP(w, assert(slot_task[i] == 0); slot_task[i] = id);            /* build the callable */
     STEP(w, readym = readym | (1 << i); accepted[id] = 1)             /* (R2) publish */
  :: else -> skip
  fi
}

/* The main loop takes a ready task (round robin from the cursor), runs or skips it, gives the
 * slot back. */
inline take_and_run(r, i, id) {
  STEP(MAIN, r = readym);
  assert(r != 0);
  i = cursor;
  do
  :: (r >> i) & 1 -> break
  :: else -> i = (i + 1 == CAP -> 0 : i + 1)
  od;
  cursor = (i + 1 == CAP -> 0 : i + 1);
  STEP(MAIN, readym = readym & ~(1 << i));
  STEP(MAIN, assert(slot_task[i] != 0); id = slot_task[i]);
  /* run it (task 1 fails: with_context stops the group) or skip it; then destroy the callable */
  STEP(MAIN, if :: !stopped && id == 1 -> stopped = 1 :: else -> skip fi;
             done[id]++; assert(done[id] == 1); slot_task[i] = 0);
#ifdef BROKEN_COUNT_FIRST
  STEP(MAIN, outstanding--);
  STEP(MAIN, freem = freem | (1 << i));
#else
  STEP(MAIN, freem = freem | (1 << i));                                   /* (U2) */
  STEP(MAIN, outstanding--);                                              /* (R1) */
#endif
}

/* wait(): until the count is 0; at that step every accepted task has finished exactly once. */
inline wait_all(fin, r, i, id, k) {
  do
  :: STEP(MAIN,
       if
       :: outstanding == 0 ->
          fin = 1;
          k = 1;
          do
          :: k <= NT -> assert(!accepted[k] || done[k] == 1); k++
          :: else -> break
          od
       :: else ->
          fin = 0;
          assert(readym != 0)   /* tasks outstanding, none ready: would need to sleep */
       fi);
     if :: fin -> break :: else -> take_and_run(r, i, id) fi
  od
}

active proctype main_loop() {
  byte c, fr, i, st, r, id, k;
  bit fin;
  submit(MAIN, 1, c, fr, i, st);
  submit(MAIN, 2, c, fr, i, st);
  wait_all(fin, r, i, id, k);
  (low_done && high_done);   /* the model's end: both handlers have run */
  wait_all(fin, r, i, id, k);
  k = 1;
  do
  :: k <= NT -> assert(!accepted[k] || done[k] == 1); k++
  :: else -> break
  od;
  assert(freem == ALL && readym == 0 && outstanding == 0)
}

active proctype isr_low() {
  byte c, fr, i, st;
  atomic { !high_active -> low_active = 1 };   /* preempts the main loop anywhere */
  submit(LOW, 3, c, fr, i, st);
  STEP(LOW, low_active = 0; low_done = 1)
}

active proctype isr_high() {
  byte c, fr, i, st;
  atomic {
    high_active = 1;                            /* preempts the main loop and the low handler */
    submit(HIGH, 4, c, fr, i, st);
    if :: stopped = 1 :: skip fi;               /* stop() from the handler, or not */
    high_active = 0;
    high_done = 1
  }
}
