/* SPDX-License-Identifier: BSL-1.0 */
/* idle.pml — a SPIN model of how a waiter idles when the image has no threads (ERRGROUP_THREADS=0,
 * include/errgroup/config.hpp): one core, a main loop M that waits for a group, and interrupt
 * handlers that preempt it. M never parks: with nothing to do it idles once through the port
 * (port/bare_metal: basic_bare_metal_port::wait_on, wfi_idle::idle_unless) and looks again.
 *
 * Checked exhaustively (tests/CMakeLists.txt, ctest model_idle*, via run_spin.cmake):
 *   spin -a idle.pml && gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000
 * Broken variants that must FAIL (each a ctest expecting a counterexample):
 *   -DBROKEN_NO_SUBMIT_BUMP  try_submit does not bump the event word (I2) after its push
 *   -DBROKEN_NO_STOP_BUMP    stop() does not bump it after setting the flag
 *   -DBROKEN_KEY_LATE        M reads the key (I1) after its look instead of before it
 *   -DBROKEN_UNMASKED        the idle's check runs with interrupts enabled (no PRIMASK)
 *   -DBROKEN_CLOCK_UNMASKED  the deadline is checked only in the look, not in the masked check:
 *                            a tick that reaches the deadline in between is slept through
 *
 * What each step mirrors:
 *   M's look: group.hpp wait_until_ns() (block_until_room() is the same loop): idle_key() (I1),
 *     then the count, stopping(), take_own() + run, the deadline; then idle_once(key, deadline),
 *     which is the port's wait_on: PRIMASK set; sleep (wfi) unless the event word moved from the
 *     key or the deadline passed; PRIMASK restored, and the pending handler runs there.
 *   wfi: returns once an interrupt is pending, even with PRIMASK set (ARMv7-M/ARMv6-M ARM).
 *   Handlers (each runs to completion, only while PRIMASK is clear): try_go (a task of M's group
 *     queued, then (I2)), stop() (the flag, then (I2)), SysTick (the clock advances; no bump).
 * The environment raises any sequence of up to NEV interrupts, of any kinds, at any time.
 *
 * The property: M is never asleep for good while what it waits for holds — a queued task of its
 * group (helping), a stop, or its deadline. When nothing in the system can move (timeout), M has
 * returned, or none of those holds (then an idle core is right, and M's wfi is a valid end).
 */

#ifndef NEV
#define NEV 3
#endif
#define DEADLINE 2

mtype = { SUBMIT, STOP, TICK };

chan irq = [NEV] of { mtype };  /* raised, not yet handled: pending interrupts */
byte epoch = 0;                 /* the event word (detail::eventcount::bump / idle_key) */
byte work = 0;                  /* M's group: queued tasks */
bool stopped = false;
byte clock = 0;
bool primask = false;
bool m_done = false;

#define SEES_DEADLINE (clock >= DEADLINE)
#define WANTED (work > 0 || stopped || SEES_DEADLINE)

active proctype Main() {
  byte key;
  byte ran = 0;
  do
  ::
#ifndef BROKEN_KEY_LATE
    key = epoch;                                        /* (I1) before the look */
#endif
    if
    :: ran >= 1 || stopped || SEES_DEADLINE -> break   /* count 0 / stopped / timeout: return */
    :: else ->
      if
      :: work > 0 -> work--; ran++                      /* take_own + run: look again */
      :: else ->
#ifdef BROKEN_KEY_LATE
        key = epoch;
#endif
#ifndef BROKEN_UNMASKED
        primask = true;
#endif
        if
#ifdef BROKEN_CLOCK_UNMASKED
        :: epoch != key -> skip
#else
        :: epoch != key || SEES_DEADLINE -> skip        /* the masked check saw a change */
#endif
        :: else ->
end_wfi:  nempty(irq)                                   /* wfi: until an interrupt is pending */
        fi;
        primask = false                                 /* the handler runs after this */
      fi
    fi
  od;
  m_done = true
}

active proctype Handlers() {
  mtype k;
end_handlers:
  do
  :: atomic {
       !primask && nempty(irq) -> irq?k;
       if
       :: k == SUBMIT -> work++;
#ifndef BROKEN_NO_SUBMIT_BUMP
         epoch++
#endif
       :: k == STOP -> stopped = true;
#ifndef BROKEN_NO_STOP_BUMP
         epoch++
#endif
       :: k == TICK -> clock++
       fi
     }
  od
}

active proctype Env() {
  byte n = 0;
  do
  :: n < NEV -> irq!SUBMIT; n++
  :: n < NEV -> irq!STOP; n++
  :: n < NEV -> irq!TICK; n++
  :: break
  od
}

active proctype Watch() {
  timeout -> assert(m_done || !WANTED)
}
