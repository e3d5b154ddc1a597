/* SPDX-License-Identifier: BSL-1.0 */
/* claim.pml — a SPIN model of who owns a queued task: the executor's ring of tickets and a group's
 * task slots (include/errgroup/queue/mpmc_ring.hpp, detail/job_state.hpp, group.hpp "Helping").
 *
 * A task lives in a slot of its group; its queue entry holds the slot. Exactly one of these takes
 * it, and only that one runs (or skips) it:
 *   - a worker that pops the entry: claims the position (CAS on the head), then EXCHANGES the
 *     cell's value with null; null means the entry was taken back: skip the cell;
 *   - the group's helper (a waiter), which takes the OLDEST entry only if it is its own group's
 *     (try_take_oldest, same as a pop), or takes an entry back by the ticket its slot holds
 *     (try_revoke: CAS of the cell's value from the slot to null);
 *   - the helper skipping a stopped group's queued tasks walks the slots and takes each back the
 *     same way before destroying it.
 * A slot is reused (claimed free -> filling by CAS) only after its task released it, so a cell can
 * hold the same slot again a lap later: a revoke with the old ticket then takes the slot's NEW
 * task, which the model allows (it is still the slot's one current task, taken once).
 *
 * Checked exhaustively (ctest model_claim*), bound: a ring of 2 cells, a group of 2 slots, 3 tasks
 * of the group (so a slot and a cell are reused), 1 task of another group in the same queue, one
 * worker, the group's helper, and a stopper (-DNO_STOP: none).
 * Properties:
 *  - exactly once: every task of the group is run or skipped once, never twice, and only by the
 *    party that took it (ghost per-task counters, asserted on every take);
 *  - isolation: the helper never takes the other group's task;
 *  - no loss: when nothing can move, every task has been taken, the queue's cells are all free,
 *    and the other group's task ran (on the worker);
 *  - slots: claimed only when free, released only by their owner.
 * Broken variants that must FAIL (a counterexample):
 *   -DBROKEN_REVOKE_NO_CAS   the revoke loads the cell and then stores null (not one CAS)
 *   -DBROKEN_POP_NO_EXCHANGE the pop loads the cell's value and then stores null
 *   -DBROKEN_CLAIM_BY_PHASE  the helper takes a queued task by CAS on the slot's phase, not on the
 *                            queue entry (the slot claimed twice: the worker pops the entry too)
 *   -DBROKEN_SKIP_NO_REVOKE  the skip walk skips a queued slot without taking its entry back (the
 *                            ticket is later run after its slot was skipped)
 */

#define NCELL 2
#define NSLOT 2
#define NTASK 3
#define FOREIGN 9          /* the other group's job: a value no slot has */

/* phases of a slot's claim word */
#define FREE    0
#define FILLING 1
#define QUEUED  2
#define RUNNING 3

/* the ring */
byte seq[NCELL];
byte val[NCELL];           /* 0: none (or taken back); s+1: slot s; FOREIGN */
byte enq, deq;             /* positions (small: the bound keeps them < 256) */

/* the group's slots */
byte phase[NSLOT];
byte ticket[NSLOT];        /* the position of its queue entry (valid while QUEUED) */
byte cur[NSLOT];           /* ghost: the task in the slot */

/* ghost */
byte taken[NTASK + 1];     /* per task (1..NTASK): how often it was taken */
byte outstanding;          /* the group's count */
bool stopped;
bool submitted_all;
bool foreign_ran;

/* push (one producer): claim the position if its cell is free, write the slot's ticket
 * (on_claimed), publish the value then the seq (Q2); full if the cell still holds last lap's */
inline push(v, s, ok) {
  atomic {
    p = enq;
    if
    :: seq[p % NCELL] == p -> enq = p + 1; ok = true
    :: else -> ok = false                     /* full */
    fi
  };
  if
  :: ok ->
     if
     :: s < NSLOT -> ticket[s] = p; phase[s] = QUEUED   /* on_claimed */
     :: else -> skip
     fi;
     val[p % NCELL] = v;                      /* (Q2) */
     seq[p % NCELL] = p + 1
  :: else -> skip
  fi
}

/* the owner of slot s runs or skips its task, then releases the slot and finishes */
inline own(s) {
  atomic {
    assert(phase[s] == QUEUED || phase[s] == RUNNING);
    assert(taken[cur[s]] == 0);              /* exactly once */
    taken[cur[s]] = taken[cur[s]] + 1;
    phase[s] = RUNNING
  };
  /* run (or skip, if stopped): the callable is destroyed here */
  atomic { phase[s] = FREE; outstanding = outstanding - 1 }   /* (U2) then (R1) */
}

/* a consumer pops one cell (a worker: any value; the helper's oldest-take: its own or a taken-
 * back one only). As in the code: look at the head cell (seq, then the value, relaxed), claim the
 * position by CAS, then exchange the value (Q5) and free the cell (Q4). */
inline pop(own_only, got) {
  got = 0;
  p = deq;
  if
  :: seq[p % NCELL] == p + 1 ->               /* (Q3) published */
     v = val[p % NCELL];
     if
     :: own_only && v == FOREIGN -> ok = false   /* not ours: leave it */
     :: else ->
        atomic { if :: deq == p -> deq = p + 1; ok = true :: else -> ok = false fi }
     fi
  :: else -> ok = false                       /* empty, or not yet published */
  fi;
  if
  :: ok ->
#ifndef BROKEN_POP_NO_EXCHANGE
     atomic { got = val[p % NCELL]; val[p % NCELL] = 0 }     /* (Q5) exchange */
#else
     got = val[p % NCELL];
     val[p % NCELL] = 0;
#endif
     seq[p % NCELL] = p + NCELL;              /* (Q4) */
     ok = false
  :: else -> skip
  fi;
  v = 0
}

/* try_revoke(ticket[s], slot s): CAS of the cell from s+1 to null */
inline revoke(s, won) {
  won = false;
  t = ticket[s];
#ifndef BROKEN_REVOKE_NO_CAS
  atomic {
    if
    :: val[t % NCELL] == s + 1 -> val[t % NCELL] = 0; won = true
    :: else -> skip
    fi
  }
#else
  if
  :: val[t % NCELL] == s + 1 -> val[t % NCELL] = 0; won = true
  :: else -> skip
  fi
#endif
}

proctype submitter() {
  byte k, s, p, v;
  bool ok;
  for (k : 1 .. NTASK) {
    /* reserve (the group's capacity is NSLOT) and claim a free slot: free -> filling (U1) */
    atomic { outstanding < NSLOT -> outstanding = outstanding + 1 };
    do
    :: atomic { phase[0] == FREE -> phase[0] = FILLING; s = 0 } -> break
    :: atomic { phase[1] == FREE -> phase[1] = FILLING; s = 1 } -> break
    od;
    cur[s] = k;
    do
    :: push(s + 1, s, ok); if :: ok -> break :: else -> skip fi
    od
  };
  submitted_all = true;
  /* the other group's job, into the same queue */
  do
  :: push(FOREIGN, NSLOT, ok); if :: ok -> break :: else -> skip fi
  od
}

proctype worker() {
  byte p, got, v;
  bool ok;
end_w:
  do
  :: pop(false, got);
     if
     :: got == FOREIGN -> foreign_ran = true
     :: got != 0 && got != FOREIGN -> own(got - 1)
     :: else -> skip                          /* empty, or a taken-back cell */
     fi
  od
}

/* the group's waiter: runs its own tasks until none is outstanding */
proctype helper() {
  byte p, got, s, t, st, v;
  bool ok, won;
  do
  :: atomic { submitted_all && outstanding == 0 } -> break
  :: else ->
     if
     :: stopped ->
        /* skip walk: take each queued task back, then destroy it */
        for (s : 0 .. NSLOT - 1) {
#ifndef BROKEN_SKIP_NO_REVOKE
          if
          :: phase[s] == QUEUED -> revoke(s, won); if :: won -> own(s) :: else -> skip fi
          :: else -> skip
          fi
#else
          if
          :: atomic { phase[s] == QUEUED -> phase[s] = RUNNING } -> won = true; own(s)
          :: else -> skip
          fi
#endif
        }
     :: true ->
        /* the oldest entry if it is ours (or taken back) */
        pop(true, got);
        assert(got != FOREIGN);               /* isolation */
        if
        :: got != 0 -> own(got - 1)
        :: else ->
           /* our slots, by ticket */
           for (s : 0 .. NSLOT - 1) {
#ifndef BROKEN_CLAIM_BY_PHASE
             if
             :: phase[s] == QUEUED -> revoke(s, won); if :: won -> own(s) :: else -> skip fi
             :: else -> skip
             fi
#else
             if
             :: atomic { phase[s] == QUEUED -> phase[s] = RUNNING } -> own(s)
             :: else -> skip
             fi
#endif
           }
        fi
     fi
  od
}

proctype stopper() {
  stopped = true
}

active proctype checker() {
  byte k;
end_check:
  timeout ->
  for (k : 1 .. NTASK) { assert(taken[k] == 1) };
  assert(outstanding == 0);
  assert(deq == enq);                         /* every entry consumed (taken back ones too) */
  assert(foreign_ran)
}

init {
  atomic {
    seq[0] = 0; seq[1] = 1;
    run submitter(); run worker(); run helper();
#ifndef NO_STOP
    run stopper()
#endif
  }
}
