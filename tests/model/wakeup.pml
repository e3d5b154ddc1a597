/* SPDX-License-Identifier: BSL-1.0 */
/* wakeup.pml — a SPIN model of errgroup's park/wake protocol: workers parking on the executor's
 * event count (work_ec) and submitters waking them; a waiter and a go() blocked for room parking on
 * the port's park event count (park_ec) and being woken by the finishing task or by a stop of a
 * linked PARENT group (which knows nothing of its child: the parked thread counts itself in the
 * parent's parked_below first).
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_wakeup*, via run_spin.cmake):
 *   spin -a -DNW=1 wakeup.pml && gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000
 * Broken variants that must FAIL (each a ctest expecting a counterexample):
 *   -DBROKEN_NO_RECHECK       a worker sleeps without re-checking the queue after (E1)/(F2)
 *   -DBROKEN_NO_FENCE         try_submit without (F1): the sleeper check is satisfied before the
 *                             push is visible (a store->load reordering, modelled by reading first)
 *   -DBROKEN_NO_TARGET_RECHECK a waiter parks although a task was submitted between reading its
 *                             target and registering it (with -DNO_LIMIT -DNO_PARENT_STOP, so that
 *                             S1's try_go can land in that window and only finishes wake W)
 *   -DBROKEN_NO_ANCESTOR_COUNT a go() parked in the child does not count itself in the parent's
 *                             parked_below (P1): the parent's stop() wakes nobody and the go()
 *                             sleeps while the task that holds the room waits for it to return
 *   -DBROKEN_NO_STOP_RECHECK  a parked go() does not re-check the stop flags (T3) after
 *                             registering: a stop between its look and its registration is lost
 * Other switches: -DNO_LIMIT (W's go() never blocks), -DNO_TIMED (W calls wait() only),
 * -DNO_PARENT_STOP (nobody stops group 3, and S1's job is an ordinary one: then only finishes
 * wake W, which the target variant needs: a parent's stop would wake it anyway).
 *
 * Parties (the bound): NW workers; W, an outside thread that go()es into group 1 (limit 1,
 * help_policy::never for the go, so it can only park) and then waits for group 1 (first with a
 * deadline, not helping, as a timed wait does by default; then without one, helping: it takes its
 * own group's queued job, never another's); S1, which try_go()es the job that holds group 1's one
 * place (it runs until group 1 is stopped AND W's go() has returned: the test "a parent's stop
 * reaches a go() blocked on a linked child at once"); S2, which try_go()es one job into group 2
 * (another group's job in the shared queue); P, which stops group 3, group 1's parent. Queue
 * capacity 1, so try_go can meet queue_full.
 *
 * What each step mirrors (labels of include/errgroup/detail/eventcount.hpp, executor.hpp,
 * group.hpp, stop.hpp, detail/counts.hpp):
 *   ec_prepare (E1), ec_unregister, ec_wait (E2, E4), ec_notify (E3): detail::eventcount on one
 *     32-bit word; the futex wait sleeps only while the word is unchanged (FUTEX_WAIT)
 *   try_submit (F1): push; seq_cst fence; has_sleepers() -> notify one worker
 *   worker: pop (the queue's exchange: it owns the job) or (E1); (F2) fence; pop again; (E2)
 *   counts: submitted (sub) and done (fin + the registration fields wtr/blk + the waiters'
 *     target tgt); outstanding = sub - fin read as fin (acquire) THEN sub
 *   run_job + finish (R1): the finished count's fetch_add is the last access to the group; if it
 *     passed a registered waiter's target, or a go() is parked: notify(all) on park_ec
 *   stop(g) (T2 then P2): set the flag, then look at g's own registrations and parked_below[g]:
 *     anyone parked -> notify(all) on park_ec
 *   park (detail/park.hpp): (E1) on park_ec; register in done (A3/B1) and in every ancestor's
 *     parked_below (P1); re-check (T3 and the count); (E2) or cancel; unregister
 *   W's helping wait takes its own queued job anywhere in the queue (try_revoke by ticket:
 *     modelled as an atomic receive of the first message of its group, `queue??eval(1)`)
 *
 * Memory model. Promela interleaves atomic steps: sequential consistency. That is exact for the
 * seq_cst operations (E1, E3, A3, B1, P1, P2, T2, T3, the fences F1/F2) and the futex calls. The
 * relaxed operations are assumed to do what they do in C++ when ordered by those (see the labels
 * in the code); the queue's push/pop/revoke are linearizable; data publication (acquire/release
 * on the task's effects) is not modelled: ThreadSanitizer checks that in the C++ tests.
 *
 * Properties:
 *  - no lost wake-up: whenever no process can move (SPIN's timeout), the queue is empty, every
 *    accepted job has run or been skipped, every group count is 0, and W has returned;
 *  - no deadlock: every process ends or sits at an end-state label (a futex sleep, or the job
 *    that waits for W);
 *  - counters: a count never goes below 0 or above the limit; an event count's sleeper field is
 *    never below the number of parties in its futex; when wait returns ok, every accepted job of
 *    its group has finished.
 */

#ifndef NW
#define NW      1
#endif
#define NP      2      /* futex parties on work_ec: workers 0..NW-1 */
#define QCAP    1      /* executor queue capacity */
#ifndef NO_LIMIT
#define LIMIT1  1      /* group 1's limit (set_limit(1)) */
#else
#define LIMIT1  9
#endif

chan queue = [QCAP] of { byte };   /* the executor's queue of jobs; a job is its group's id */

/* work_ec: the model keeps the sleeper count wsl exactly and abstracts the epoch per party:
 * moved[p] = "the epoch moved since p's key (E1)", chg[p] = "the word changed since p last loaded
 * it". wait_on(word, cur) sleeps iff !chg[p]. */
byte wsl;
bool reg[NP];
bool moved[NP];
bool chg[NP];
bool infw[NP];   /* asleep in the futex on work_ec's word */
byte rk[NP];     /* place in the futex queue (0: next to be woken) */
byte nin;

/* park_ec: only W parks there, so one party */
byte psl;
bool preg, pmoved, pchg, pinfw;

/* the groups: 1 (W's, child of 3), 2 (S2's), 3 (the parent; nothing is submitted to it) */
byte sub[4];
byte fin[4];
byte tgt[4];
byte wtr[4];
byte blk[4];
bool stopped[4];
byte lim[4];
byte below[4];   /* stop_state::parked_below */

/* ghost state */
byte acc[4];     /* accepted: pushed into the queue */
byte ran[4];     /* run or skipped */
bool w_left_go;  /* W's go() has returned from waiting for room */
bool w_done;

#define REQUESTED(g) (stopped[g] || (g == 1 && stopped[3]))

inline futex_wake_work(all) {
  d_step {
    if
    :: all ->
       for (ix : 0 .. NP-1) { infw[ix] = false; rk[ix] = 0 }
       nin = 0
    :: else ->
#ifdef FUTEX_ANY
       if
       :: infw[0] -> infw[0] = false
       :: infw[1] -> infw[1] = false
       :: else -> skip
       fi;
       nin = infw[0] + infw[1]
#else
       if
       :: nin > 0 ->
          for (ix : 0 .. NP-1) {
            if
            :: infw[ix] && rk[ix] == 0 -> infw[ix] = false
            :: infw[ix] && rk[ix] > 0 -> rk[ix] = rk[ix] - 1
            :: else -> skip
            fi
          }
          nin = nin - 1
       :: else -> skip
       fi
#endif
    fi;
    ix = 0
  }
}

inline futex_enter(me) {
  d_step {
    if
    :: !chg[me] -> infw[me] = true;
#ifndef FUTEX_ANY
       rk[me] = nin;
#endif
       nin = nin + 1
    :: else -> skip                       /* EAGAIN */
    fi
  }
}

/* (E3) on work_ec */
inline ec_notify_work(all) {
  d_step {
    prev_s = wsl;
    for (ix : 0 .. NP-1) { if :: reg[ix] -> moved[ix] = true; chg[ix] = true :: else -> skip fi }
    ix = 0
  }
  if
  :: prev_s != 0 -> prev_s = 0; futex_wake_work(all)
  :: else -> prev_s = 0
  fi
}

inline word_changed() {
  for (ix : 0 .. NP-1) { if :: reg[ix] -> chg[ix] = true :: else -> skip fi }
  ix = 0
}

inline ec_prepare(me) {
  d_step { wsl = wsl + 1; word_changed(); reg[me] = true; moved[me] = false; chg[me] = false }
}

inline ec_unregister(me) {
  d_step {
    assert(wsl > 0 && reg[me]);
    wsl = wsl - 1; reg[me] = false; moved[me] = false; chg[me] = false; word_changed()
  }
}

/* a worker's (E2): one futex wait unless the epoch moved, then unregister */
inline ec_wait(me) {
  if
  :: moved[me] -> skip
  :: else ->
     futex_enter(me);
end_sleep:
     !infw[me];                               /* woken, word changed, or spurious */
     chg[me] = false                          /* (E4) */
  fi;
  ec_unregister(me)
}

/* (E3) on park_ec (all) */
inline ec_notify_park() {
  d_step {
    prev_p = psl;
    if :: preg -> pmoved = true; pchg = true :: else -> skip fi
  }
  if
  :: prev_p != 0 -> prev_p = 0; pinfw = false      /* futex wake all */
  :: else -> prev_p = 0
  fi
}

/* W's (E1) on park_ec */
inline pec_prepare() {
  d_step { psl = psl + 1; preg = true; pmoved = false; pchg = false }
}
inline pec_unregister() {
  d_step { assert(psl > 0 && preg); psl = psl - 1; preg = false; pmoved = false; pchg = false }
}
/* W's (E2) on park_ec, with or without a deadline; then unregister. Two copies, one per call
 * site, because each carries its own end-state label (a valid place to sleep for ever only if
 * the checker's assertions hold). */
inline pec_sleep(timed) {
  d_step { if :: !pchg -> pinfw = true :: else -> skip fi }   /* FUTEX_WAIT */
}
inline pec_woken(timed) {
  if
  :: !pinfw -> skip                           /* woken, word changed, or spurious */
  :: timed && pinfw -> pinfw = false          /* futex timeout */
  fi;
  pchg = false                                /* (E4) */
}
inline pec_wait_go() {
  if
  :: pmoved -> skip
  :: else ->
     pec_sleep(false);
end_park_go:
     pec_woken(false)
  fi;
  pec_unregister()
}
inline pec_wait_all(timed) {
  if
  :: pmoved -> skip
  :: else ->
     if
     :: timed -> skip                         /* the deadline passed (any time) */
     :: true ->
        pec_sleep(timed);
end_park_wait:
        pec_woken(timed)
     fi
  fi;
  pec_unregister()
}

/* (R1): the last access to the group; notify park_ec if it passed a registered waiter's target
 * or a go() is parked */
inline finish(g) {
  atomic {
    assert(sub[g] > fin[g]);
    pc = (tgt[g] == fin[g] + 1); pw = wtr[g]; pb = blk[g];
    fin[g] = fin[g] + 1
  }
  if
  :: (pw != 0 && pc) || pb != 0 -> pc = 0; pw = 0; pb = 0; ec_notify_park()
  :: else -> pc = 0; pw = 0; pb = 0
  fi
}

/* group_base::run: skipped if the group (or an ancestor) is stopped; S1's job in group 1 holds
 * the place until the group is stopped and W's go() has returned */
inline run_job(g) {
#ifndef NO_PARENT_STOP
  if
  :: g == 1 && !REQUESTED(1) ->
end_hold:
     (REQUESTED(1) && w_left_go)
  :: else -> skip
  fi;
#endif
  ran[g] = ran[g] + 1;
  finish(g);
  g = 0
}

/* basic_executor::try_submit for group g; sets ok */
inline try_submit(g, ok) {
#ifdef BROKEN_NO_FENCE
  sl = wsl;                                   /* the load overtakes the push */
#endif
  atomic {
    if
    :: len(queue) < QCAP -> queue!g; acc[g] = acc[g] + 1; ok = true
    :: else -> ok = false
    fi
  }
  if
  :: ok ->
     /* (F1) seq_cst fence */
#ifndef BROKEN_NO_FENCE
     sl = wsl;                                /* has_sleepers() */
#endif
     if
     :: sl != 0 -> sl = 0; ec_notify_work(false)
     :: else -> skip
     fi
  :: else -> sl = 0
  fi
}

/* group_base::stop: (T2), then (P2): the group's own registrations and parked_below */
inline stop(g) {
  stopped[g] = true;
  atomic { pb = blk[g] + wtr[g] + below[g] }
  if
  :: pb != 0 -> pb = 0; ec_notify_park()
  :: else -> skip
  fi
}

/* try_go: reserve without blocking, push once; queue_full -> destroy, give the place back */
inline try_go(g) {
  pc = fin[g];                                /* (A1) */
  atomic {
    if
    :: REQUESTED(g) -> ok = false
    :: !REQUESTED(g) && sub[g] - pc >= lim[g] -> ok = false
    :: !REQUESTED(g) && sub[g] - pc < lim[g] -> sub[g] = sub[g] + 1; ok = true
    fi
  };
  pc = 0;
  if
  :: ok ->
     try_submit(g, ok);
     if
     :: ok -> skip
     :: else ->
        atomic { ran[g] = ran[g] + 1; acc[g] = acc[g] + 1 }
        finish(g)
     fi
  :: else -> skip
  fi
}

proctype worker(byte me) {
  byte ix, jg, prev_s, prev_p, pc, pw, pb;
  bool ok;
end_loop:
  do
  :: true ->
     if
     :: atomic { len(queue) > 0 -> queue?jg; ok = true }
     :: atomic { len(queue) == 0 -> ok = false }
     fi;
     if
     :: !ok ->                                /* pop failed (spin = 0) */
        ec_prepare(me);                       /* (E1) */
        /* (F2) seq_cst fence */
#ifndef BROKEN_NO_RECHECK
        atomic {
          if
          :: len(queue) > 0 -> queue?jg; ok = true
          :: else -> ok = false
          fi
        };
#endif
        if
        :: ok -> ec_unregister(me)
        :: else -> ec_wait(me)                /* (E2) */
        fi
     :: else -> skip
     fi;
     if
     :: ok -> ok = false; run_job(jg)
     :: else -> skip
     fi
  od
}

active proctype waiter() {
  byte ix, jg, prev_s, prev_p, pc, pw, pb, s2, sl, f, t;
  bool ok, timed, gost, helping;

  /* ---- go() into group 1: reserve, parking at the limit (help_policy::never: no helping) ---- */
  do
  :: f = fin[1];                              /* (A1) */
     if
     :: atomic { REQUESTED(1) -> gost = false } -> break                       /* stopped */
     :: atomic { !REQUESTED(1) && sub[1] - f < LIMIT1 -> sub[1] = sub[1] + 1; gost = true } -> break
     :: atomic { !REQUESTED(1) && sub[1] - f >= LIMIT1 } ->
        pec_prepare();                        /* (E1) on park_ec */
        atomic { blk[1] = blk[1] + 1; f = fin[1] }      /* (B1) */
#ifndef BROKEN_NO_ANCESTOR_COUNT
        below[3] = below[3] + 1;              /* (P1) */
#endif
        s2 = sub[1] - f;                      /* then submitted */
        if
#ifndef BROKEN_NO_STOP_RECHECK
        :: s2 < LIMIT1 || REQUESTED(1) -> pec_unregister()                  /* (T3) */
        :: else -> pec_wait_go()
#else
        :: s2 < LIMIT1 -> pec_unregister()
        :: else -> pec_wait_go()
#endif
        fi;
#ifndef BROKEN_NO_ANCESTOR_COUNT
        below[3] = below[3] - 1;
#endif
        atomic { assert(blk[1] > 0); blk[1] = blk[1] - 1 }
     fi
  od;
  w_left_go = true;
  assert(sub[1] - fin[1] <= LIMIT1);
  /* ---- go(): push; an outside help_policy::never caller waits for room in the queue ---- */
  if
  :: gost ->
     do
     :: try_submit(1, ok);
        if
        :: ok -> break
        :: else -> skip                       /* pause, try again */
        fi
     od
  :: else -> skip
  fi;

  /* ---- wait_until_ns(deadline) (does not help), then wait() (helps with its own jobs) ---- */
#ifndef NO_TIMED
  timed = true;
#endif
again:
  helping = !timed;
  do
  :: f = fin[1];                              /* (A1), then submitted */
     if
     :: atomic { sub[1] == f -> assert(ran[1] == acc[1]) } -> break   /* ok */
     :: atomic { sub[1] != f && helping && queue??[eval(1)] -> queue??eval(1) } ->
        jg = 1; run_job(jg)                   /* took its own job back (revoke), ran or skipped it */
     :: atomic { sub[1] != f && !(helping && queue??[eval(1)]) } ->
        if
        :: timed -> break                     /* the deadline passed: status::timeout */
        :: true ->
           pec_prepare();                     /* (E1) on park_ec */
           t = sub[1];                        /* the target */
           atomic { wtr[1] = wtr[1] + 1; tgt[1] = t; f = fin[1] }   /* (A3) */
           below[3] = below[3] + 1;           /* (P1) */
           s2 = sub[1];                       /* then submitted */
           if
           :: s2 == f -> pec_unregister()
#ifndef BROKEN_NO_TARGET_RECHECK
           :: s2 != f && s2 != t -> pec_unregister()   /* target stale: look again */
           :: s2 != f && s2 == t && helping && REQUESTED(1) -> pec_unregister()   /* (T3) */
           :: s2 != f && s2 == t && !(helping && REQUESTED(1)) -> pec_wait_all(timed)
#else
           :: s2 != f && helping && REQUESTED(1) -> pec_unregister()
           :: s2 != f && !(helping && REQUESTED(1)) -> pec_wait_all(timed)
#endif
           fi;
           below[3] = below[3] - 1;
           atomic { assert(wtr[1] > 0); wtr[1] = wtr[1] - 1 }
        fi
     fi
  od;
  if
  :: timed -> timed = false; goto again       /* then wait() without a deadline */
  :: else -> skip
  fi;
  w_done = true
}

/* S1: try_go into group 1 (the job that holds its place); S2: try_go into group 2 */
proctype submitter(byte g) {
  byte ix, jg, prev_s, prev_p, pc, pw, pb, sl;
  bool ok;
  try_go(g)
}

/* P: stops group 3, group 1's parent */
proctype parent_stopper() {
  byte ix, prev_p, pb;
  stop(3)
}

/* Whenever nothing can move: nothing is lost. */
active proctype checker() {
end_check:
  timeout ->
  assert(len(queue) == 0);
  assert(sub[1] == fin[1] && sub[2] == fin[2]);
  assert(ran[1] == acc[1] && ran[2] == acc[2]);
  assert(w_done);
  assert(wtr[1] == 0 && blk[1] == 0 && below[3] == 0);
  assert(wsl == reg[0] + reg[1]);
  assert(nin == infw[0] + infw[1] && wsl >= nin);
  assert(psl == preg)
}

init {
  atomic {
    lim[1] = LIMIT1; lim[2] = 255; lim[3] = 255;
    run worker(0);
#if NW > 1
    run worker(1);
#endif
    run submitter(1); run submitter(2);
#ifndef NO_PARENT_STOP
    run parent_stopper()
#endif
  }
}
