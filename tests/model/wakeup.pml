/* wakeup.pml — a SPIN model of errgroup's park/wake protocol (issue 6).
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_wakeup*, via run_spin.cmake):
 *   spin -a -DNW=1 wakeup.pml && gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000
 * CI uses NW=1 (one worker; 9.8 M states, ~25 s). NW=2 (the default here) is the same model with a
 * second worker: over 10^8 states, too slow for CI (-DNO_TIMED -DNO_STOP: 36 M states, ~2 min).
 * Broken variants that must FAIL (each is a ctest with WILL_FAIL):
 *   -DBROKEN_NO_BATON    a helping waiter woken by a submit's notify-one leaves without passing
 *                        the wake-up on (group.hpp: struct baton)
 *   -DBROKEN_NO_RECHECK  a worker sleeps without re-checking the queue after (E1)/(F2)
 *   -DBROKEN_NO_FENCE    try_submit without (F1): the sleeper check is satisfied before the push
 *                        is visible (a store->load reordering, modelled by reading first)
 *   -DBROKEN_NO_TARGET_RECHECK  wait parks although a task was submitted between reading its
 *                        target and registering it (run with -DNO_LIMIT, so that S1's try_go can
 *                        land in that window)
 * Other switches: -DNO_LIMIT (the waiter's go() never blocks at the limit), -DNO_STOP (nobody
 * calls stop()), -DNO_TIMED (the waiter calls wait() only, no wait_until_ns with a deadline).
 *
 * Parties (the bound): 2 workers, 1 helping thread W that go()es into group 1 (limit 1) and then
 * waits on it (first with a deadline, then without), and 2 submitter threads that try_go() one
 * job each (S1 into group 1, S2 into group 2, which nobody waits for: an "audio thread" that
 * submits and moves on; S2 may also stop() group 2). Queue capacity 1, so try_go can meet
 * queue_full and go() must help to get its job in. Jobs: 4 at most.
 *
 * What each step mirrors (labels are those of include/errgroup/executor.hpp and group.hpp):
 *   ec_prepare(E1)       eventcount::prepare_wait: seq_cst fetch_add of one sleeper, key = result
 *   ec_cancel            eventcount::cancel_wait: fetch_sub of one sleeper (relaxed)
 *   ec_wait(E2,E4)       eventcount::wait: epoch moved? -> return; deadline? -> timeout; else one
 *                        wait_on(word, key); load (E4); then fetch_sub sleeper (single-shot: the
 *                        caller loops and re-checks)
 *   futex_wait/wake      Port::wait_on (FUTEX_WAIT: sleeps only while word == expected, checked
 *                        atomically with joining the futex queue) / Port::wake (FUTEX_WAKE 1 or all;
 *                        wake-one picks any one sleeper of that word)
 *   ec_notify(E3)        eventcount::notify: seq_cst fetch_add of the epoch; if the returned value
 *                        had sleepers, wake one or all (a separate step: the wake is a syscall)
 *   try_submit(F1)       basic_executor::try_submit: try_push; (F1) seq_cst fence;
 *                        has_sleepers() (relaxed load) -> notify(one)
 *   worker               basic_executor::loop with spin = 0: pop; (S2) not modelled (the executor
 *                        outlives the model); (E1); (F2) fence; re-check pop -> cancel_wait + run;
 *                        else (E2)
 *   counts               two words, as in group.hpp ("Counting"): submitted_ (sub[g]) and done_
 *                        (fin[g], the registration fields wtr/blk and the waiters' target
 *                        tgt[g]). outstanding = sub - fin, read as fin (acquire) THEN sub, in
 *                        two steps. The target is compared exactly (the code compares its low 8
 *                        bits, which only adds spurious wake-ups every 256 finishes).
 *   run_job              group_base::run: skipped if the group is stopped, else run; then
 *                        finish (R1): fetch_add of the finished count as the last group access;
 *                        if it passed the waiters' target with a waiter registered, or any go()
 *                        is blocked: notify(all) on done_ec and work_ec (E3)
 *   reserve              group_base::reserve: stopped? closed (not modelled); load fin (a
 *                        finished count, possibly stale by the time of the CAS); sub - fin <
 *                        limit -> CAS sub+1; else block_until_room
 *   block_until_room     (A1) load fin, then sub; room -> out; stopped -> out; help
 *                        (try_run_one); (E1) on work_ec (helping); seq_cst RMW of a blocked bit
 *                        + fence, then load sub; re-check room/stop; (E2); notified -> arm the
 *                        baton; fetch_sub of the blocked bit (relaxed)
 *   wait_until_ns        (A1) load fin, then sub: equal -> ok; try_run_one; deadline -> timeout;
 *                        (E1) on work_ec (helping); load sub as the target; (A3) seq_cst RMW: a
 *                        waiter bit + the target; load sub: count 0 -> cancel; sub moved since
 *                        the target was read -> cancel (look again); else try_run_one + cancel;
 *                        else (E2); notified -> arm the baton; fetch_sub of the waiter bit
 *   baton                group_base::baton: on leaving wait_until_ns/block_until_room with the
 *                        baton armed, notify(one) on work_ec
 *   stop                 group_base::stop: set the flag (T2, seq_cst exchange), seq_cst load of
 *                        done_: blocked go()s -> notify(all) on done_ec and work_ec
 *
 * Memory model. Promela interleaves atomic steps: sequential consistency. That is exact for the
 * seq_cst operations (E1, E3, A3, the blocked-bit RMW, the fences F1/F2, T2) and the futex calls.
 * The relaxed operations are assumed to do what they do in C++ when ordered by those: cancel_wait
 * and the sleeper fetch_sub after (E2), and the waiter/blocked-bit fetch_subs, only unregister
 * (a notifier that still sees the registration just wakes nobody, which the model explores);
 * has_sleepers() is ordered after the push by (F1), which BROKEN_NO_FENCE removes; the queue's
 * push/pop are linearizable (release/acquire inside the queue); the reservation CAS is relaxed
 * but totally ordered on submitted_. The relaxed loads of submitted_ after an acquire load or a
 * seq_cst RMW of done_ are modelled as later steps: they see at least every reservation whose
 * task's finish that done_ value counted (the happens-before argument in group.hpp). Data publication (acquire/release on the task's effects)
 * is not modelled: ThreadSanitizer checks that in the C++ tests.
 *
 * Properties:
 *  - no lost wake-up: whenever no process can move (SPIN's timeout), the queue is empty, every
 *    accepted job has run or been skipped, every group count is 0, and W has returned
 *    (a queued job with every worker asleep, or a parked waiter on a finished group, fails here);
 *  - no deadlock: every process ends or sits at an end-state label (a futex sleep), and
 *    `-DSAFETY` pan reports invalid end states;
 *  - counters: a count never goes below 0 or above the limit; an event count's sleeper field is
 *    never decremented below 0 and is never below the number of parties in its futex; the
 *    waiter/blocked fields likewise; when wait returns ok, every accepted job of its group has
 *    finished.
 */

#ifndef NW
#define NW      2
#endif
#define NW_UNUSED      /* workers: pids of futex parties 0..NW-1 */
#define W_ID    2      /* the helping waiter's futex party id */
#define NP      3      /* futex parties */
#define QCAP    1      /* executor queue capacity */
#ifndef NO_LIMIT
#define LIMIT1  1      /* group 1's limit (set_limit(1)) */
#else
#define LIMIT1  9
#endif

chan queue = [QCAP] of { byte };   /* the executor's queue of jobs; a job is its group's id */

/* work_ec, the event count workers and helping waiters park on: one 32-bit futex word in the
 * code, [epoch | sleepers]. The model keeps the sleeper count wsl exactly and abstracts the epoch
 * per party: moved[p] = "the epoch moved since p's key (E1)", chg[p] = "the word changed since p
 * last loaded it (its `cur`)". wait_on(word, cur) sleeps iff !chg[p]. Exact for a 20-bit epoch that
 * cannot wrap between a key and its wait; where the real word returns to an old value through the
 * sleeper count alone (+1 -1), the model retries (EAGAIN) instead of sleeping, and the retry sleeps
 * on the same epoch: the same outcome. done_ec is only ever notified (nobody parks there in this
 * model: every waiter helps), so it is not modelled. */
byte wsl;        /* registered sleepers */
bool reg[NP];    /* party p is registered (between E1 and its unregistration) */
bool moved[NP];
bool chg[NP];
bool infw[NP];   /* party p is asleep in the futex on work_ec's word */
byte rk[NP];     /* its place in the futex queue (0: next to be woken) */
byte nin;        /* parties in the futex queue */

/* the groups' counts (index 1 and 2; 0 unused): submitted_ and done_ */
byte sub[3];     /* reservations (submitted_) */
byte fin[3];     /* finished (done_'s count field) */
byte tgt[3];     /* waiters' target (done_'s target field) */
byte wtr[3];     /* parked wait() (waiter_field) */
byte blk[3];     /* parked go() (blocked_field) */
bool stopped[3]; /* stop_ flag */
byte lim[3];     /* limit_ */

/* ghost counters */
byte acc[3];     /* accepted: pushed into the queue */
byte ran[3];     /* run or skipped */
bool w_done;

/* Port::wake on work_ec's word. Default: Linux FUTEX_WAKE for threads of equal priority, which
 * wakes the longest-waiting one (rk = place in the futex queue). -DFUTEX_ANY: the port contract
 * of port.hpp ("wake one thread blocked in wait_on"), which names no order: any sleeper may be
 * picked (the FreeRTOS port: the first slot in its array; Linux: a higher-priority thread first). */
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
       :: infw[2] -> infw[2] = false
       :: else -> skip
       fi;
       nin = infw[0] + infw[1] + infw[2]
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

/* Port::wait_on(word, cur): joins the futex queue only if the word still equals cur */
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

/* leaving the futex queue on a timeout */
inline futex_leave(me) {
  d_step {
    if
    :: infw[me] ->
#ifndef FUTEX_ANY
       for (ix : 0 .. NP-1) {
         if
         :: infw[ix] && rk[ix] > rk[me] -> rk[ix] = rk[ix] - 1
         :: else -> skip
         fi
       }
#endif
       infw[me] = false; rk[me] = 0; nin = nin - 1
    :: else -> skip
    fi;
    ix = 0
  }
}

/* (E3) eventcount::notify on work_ec: seq_cst fetch_add of the epoch; the futex wake is a
 * separate step (a system call) */
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

/* (E3) on done_ec: nobody parks there in this model */
inline ec_notify_done() {
  skip
}

/* the word changed: every registered party's `cur` is stale */
inline word_changed() {
  for (ix : 0 .. NP-1) { if :: reg[ix] -> chg[ix] = true :: else -> skip fi }
  ix = 0
}

/* (E1) eventcount::prepare_wait: seq_cst fetch_add of one sleeper; key = cur = the new word */
inline ec_prepare(me) {
  d_step { wsl = wsl + 1; word_changed(); reg[me] = true; moved[me] = false; chg[me] = false }
}

/* eventcount::cancel_wait and the unregistration at the end of wait(): fetch_sub (relaxed) */
inline ec_unregister(me) {
  d_step {
    assert(wsl > 0 && reg[me]);
    wsl = wsl - 1; reg[me] = false; moved[me] = false; chg[me] = false; word_changed()
  }
}

/* (E2): one futex wait (unless the epoch already moved or the deadline passed), then unregister.
   Single-shot, as in the code: a wake-one taken by a sleeper that registered after the notify
   returns to its caller, which re-checks its own condition (and finds the queued job). */
inline ec_wait(me, timed) {
  if
  :: moved[me] -> notified = true
  :: else ->
     if
     :: timed -> notified = false             /* the deadline has passed (any time) */
     :: true ->
        futex_enter(me);                      /* Port::wait_on: FUTEX_WAIT */
end_sleep:
        if
        :: !infw[me] -> notified = true       /* woken, word changed, or spurious */
        :: timed && infw[me] -> futex_leave(me); notified = moved[me]   /* futex timeout */
        fi;
        chg[me] = false                       /* (E4): cur = word_.load(acquire) */
     fi
  fi;
  ec_unregister(me)
}

/* group_base::run + finish (R1) */
/* (R1) fetch_add of the finished count, the last access to the group; notify if it passed a
 * registered waiter's target or a go() is blocked */
inline finish(g) {
  atomic {
    assert(sub[g] > fin[g]);
    pc = (tgt[g] == fin[g] + 1); pw = wtr[g]; pb = blk[g];
    fin[g] = fin[g] + 1
  }
  if
  :: (pw != 0 && pc) || pb != 0 -> pc = 0; pw = 0; pb = 0; ec_notify_done(); ec_notify_work(true)
  :: else -> pc = 0; pw = 0; pb = 0
  fi
}

inline run_job(g) {
  ran[g] = ran[g] + 1;                        /* ghost: run, or skipped if stopped[g] */
  finish(g);
  g = 0
}

/* try_run_one: pop + run; sets ok */
inline try_run_one(ok) {
  atomic {
    if
    :: len(queue) > 0 -> queue?jg; ok = true
    :: else -> ok = false
    fi
  }
  if
  :: ok -> run_job(jg)
  :: else -> skip
  fi
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

/* group_base::stop: (T2) seq_cst exchange of the flag, then a seq_cst load of the state word */
inline stop(g) {
  stopped[g] = true;
  atomic { pb = blk[g] }
  if
  :: pb != 0 -> pb = 0; ec_notify_done(); ec_notify_work(true)
  :: else -> skip
  fi
}

/* try_go: reserve without blocking, push once; queue_full -> destroy, finish */
inline try_go(g) {
  pc = fin[g];                                /* (A1): the finished count, then the CAS */
  atomic {
    if
    :: stopped[g] -> ok = false                            /* status::stopped */
    :: !stopped[g] && sub[g] - pc >= lim[g] -> ok = false  /* status::limit_reached */
    :: !stopped[g] && sub[g] - pc < lim[g] -> sub[g] = sub[g] + 1; ok = true
    fi
  };
  pc = 0;
  if
  :: ok ->
     try_submit(g, ok);
     if
     :: ok -> skip
     :: else ->                                /* status::queue_full */
        atomic { ran[g] = ran[g] + 1; acc[g] = acc[g] + 1 }  /* counted as accepted+destroyed */
        finish(g)
     fi
  :: else -> skip                              /* refused */
  fi
}

proctype worker(byte me) {
  byte ix, jg, prev_s, pc, pw, pb;
  bool ok, notified;
end_loop:
  do
  :: atomic { len(queue) > 0 -> queue?jg } -> run_job(jg)
  :: atomic { len(queue) == 0 } ->            /* pop failed (spin = 0) */
     ec_prepare(me);                            /* (E1) */
     /* (F2) seq_cst fence */
#ifndef BROKEN_NO_RECHECK
     atomic {
       if
       :: len(queue) > 0 -> queue?jg; ok = true
       :: else -> ok = false
       fi
     }
#else
     ok = false;
#endif
     if
     :: ok -> ec_unregister(me); run_job(jg)
     :: else -> ec_wait(me, false); notified = false   /* (E2) */
     fi
  od
}

/* W: go() into group 1 with limit 1 (blocks while S1's job is outstanding), then wait */
active proctype waiter() {
  byte me = W_ID;
  byte ix, jg, prev_s, pc, pw, pb, s2, sl, f, t;
  bool ok, notified, armed, timed, gost;

  /* ---- go(): reserve (blocking) ---- */
  do
  :: f = fin[1];                              /* (A1) */
     if
     :: atomic { stopped[1] -> gost = false } -> break                       /* status::stopped */
     :: atomic { !stopped[1] && sub[1] - f < LIMIT1 -> sub[1] = sub[1] + 1; gost = true } -> break
     :: atomic { !stopped[1] && sub[1] - f >= LIMIT1 } ->
     /* block_until_room (k = 0: not inside an own task) */
     armed = false;
     do
     :: f = fin[1];                           /* (A1), then submitted_ */
        if
        :: atomic { sub[1] - f < LIMIT1 } -> break   /* room */
        :: atomic { sub[1] - f >= LIMIT1 && stopped[1] } -> break   /* status::stopped */
        :: atomic { sub[1] - f >= LIMIT1 && !stopped[1] } ->
        try_run_one(ok);                      /* help */
        if
        :: ok -> skip
        :: else ->
           ec_prepare(me);                      /* (E1) on work_ec: helping */
           atomic { blk[1] = blk[1] + 1; f = fin[1] }   /* (B1) seq_cst RMW + fence */
           s2 = sub[1] - f;                   /* then submitted_ */
           if
           :: s2 < LIMIT1 || stopped[1] -> ec_unregister(me)
           :: else ->
              ec_wait(me, false);           /* (E2) */
              if
              :: notified -> armed = true; notified = false
              :: else -> skip
              fi
           fi;
           atomic { assert(blk[1] > 0); blk[1] = blk[1] - 1 }
        fi
        fi
     od;
#ifndef BROKEN_NO_BATON
     if
     :: armed -> ec_notify_work(false)        /* ~baton */
     :: else -> skip
     fi
#endif
     fi
  od;
  assert(sub[1] - fin[1] <= LIMIT1);
  /* ---- go(): push, helping while the queue is full ---- */
  if
  :: gost ->
     do
     :: try_submit(1, ok);
        if
        :: ok -> break
        :: else -> try_run_one(ok)            /* help, or pause */
        fi
     od
  :: else -> skip
  fi;

  /* ---- wait_until_ns(deadline) then wait() ---- */
#ifndef NO_TIMED
  timed = true;
#endif
again:
  armed = false;
  do
  :: f = fin[1];                              /* (A1), then submitted_ */
     if
     :: atomic { sub[1] == f -> assert(ran[1] == acc[1]) } -> break   /* ok */
     :: atomic { sub[1] != f } ->
     try_run_one(ok);
     if
     :: ok -> skip
     :: else ->
        if
        :: timed -> break                     /* deadline passed: status::timeout */
        :: true ->
           ec_prepare(me);                      /* (E1) on work_ec: helping */
           t = sub[1];                        /* the target */
           atomic { wtr[1] = wtr[1] + 1; tgt[1] = t; f = fin[1] }   /* (A3) */
           s2 = sub[1];                       /* then submitted_ */
           if
           :: s2 == f -> ec_unregister(me)
#ifndef BROKEN_NO_TARGET_RECHECK
           :: s2 != f && s2 != t -> ec_unregister(me)   /* target stale: look again */
           :: s2 != f && s2 == t ->
#else
           :: s2 != f ->
#endif
              try_run_one(ok);
              if
              :: ok -> ec_unregister(me)
              :: else ->
                 ec_wait(me, timed);        /* (E2) */
                 if
                 :: notified -> armed = true; notified = false
                 :: else -> skip
                 fi
              fi
           fi;
           atomic { assert(wtr[1] > 0); wtr[1] = wtr[1] - 1 }
        fi
     fi
     fi
  od;
#ifndef BROKEN_NO_BATON
  if
  :: armed -> ec_notify_work(false)           /* ~baton */
  :: else -> skip
  fi
#endif
  if
  :: timed -> timed = false; goto again       /* then wait() without a deadline */
  :: else -> skip
  fi;
  w_done = true
}

/* S1: try_go into group 1, then maybe stop() it; S2: try_go into group 2 */
proctype submitter(byte g) {
  byte ix, jg, prev_s, pc, pw, pb, sl;
  bool ok;
  try_go(g);
#ifndef NO_STOP
  if
  :: g == 1 -> stop(1)
  :: true -> skip
  fi
#endif
}

/* Whenever nothing can move: nothing is lost. */
active proctype checker() {
end_check:
  timeout ->
  assert(len(queue) == 0);
  assert(sub[1] == fin[1] && sub[2] == fin[2]);
  assert(ran[1] == acc[1] && ran[2] == acc[2]);
  assert(w_done);
  assert(wtr[1] == 0 && blk[1] == 0);
  assert(wsl == reg[0] + reg[1] + reg[2]);
  assert(nin == infw[0] + infw[1] + infw[2] && wsl >= nin)
}

init {
  atomic {
    lim[1] = LIMIT1; lim[2] = 255;
    run worker(0);
#if NW > 1
    run worker(1);
#endif
    run submitter(1); run submitter(2)
  }
}
