// SPDX-License-Identifier: BSL-1.0
// errgroup/detail/deadline.hpp — std::chrono durations and time points to nanoseconds on the port's
// clock, for every representation and period: no overflow, no undefined behaviour, never early.
//
// Rules: a duration <= 0 (or NaN) is a poll (0 ns); a positive one is rounded up to whole
// nanoseconds (a femtosecond waits 1 ns, so wait_for(d) never returns before d); one too long for
// 64-bit nanoseconds (~584 years, e.g. hours::max()) means "no deadline" (forever_ns). A time
// point is compared with its clock's now() in whichever of the two units is coarser (the
// conversion that cannot overflow), so time_point::min() is "passed" and time_point::max() is
// "no deadline".
//
// Rejected design: duration_cast<D>(nanoseconds::max()) as the "forever" guard, and t - now():
// both overflow for narrow representations (32-bit microseconds), fine periods (picoseconds) and
// extreme time points (min()), which is undefined behaviour (UBSan reports it) and read as
// "forever".
#ifndef ERRGROUP_DETAIL_DEADLINE_HPP
#define ERRGROUP_DETAIL_DEADLINE_HPP

#include <chrono>
#include <cstdint>
#include <ratio>
#include <type_traits>

namespace errgroup {
namespace detail {

inline constexpr std::uint64_t forever_ns = ~std::uint64_t{0};

// n >= 0 units of Period, in nanoseconds rounded up; forever_ns if that is forever_ns or more.
template <class Period>
constexpr std::uint64_t units_to_ns_ceil(std::uintmax_t n) noexcept {
  using R = std::ratio_divide<Period, std::nano>;  // one unit is R::num / R::den nanoseconds
  static_assert(R::num > 0 && R::den > 0, "errgroup: a duration's period must be positive");
  constexpr std::uintmax_t num = static_cast<std::uintmax_t>(R::num);
  constexpr std::uintmax_t den = static_cast<std::uintmax_t>(R::den);
  constexpr std::uintmax_t cap = forever_ns - 1;  // the largest finite result
  const std::uintmax_t whole = n / den, rest = n % den;
  if (whole > cap / num) return forever_ns;
  const std::uintmax_t hi = whole * num;
  std::uintmax_t lo = 0;  // rest * num / den rounded up; rest < den, so lo <= num
  if (rest != 0) {
    if (num <= (~std::uintmax_t{0} - (den - 1)) / rest) {
      lo = (rest * num + (den - 1)) / den;
    } else {  // only for periods whose numerator and denominator are both enormous
      const long double x = static_cast<long double>(rest) * static_cast<long double>(num) /
                            static_cast<long double>(den);
      lo = static_cast<std::uintmax_t>(x);
      if (static_cast<long double>(lo) < x) ++lo;
    }
  }
  if (hi > cap - lo) return forever_ns;
  return static_cast<std::uint64_t>(hi + lo);
}

// A duration in nanoseconds: 0 for d <= 0 (and NaN), rounded up, forever_ns if it does not fit.
template <class Rep, class Period>
constexpr std::uint64_t to_ns_ceil(std::chrono::duration<Rep, Period> d) noexcept {
  if constexpr (std::is_floating_point<Rep>::value) {
    using R = std::ratio_divide<Period, std::nano>;
    const long double x = static_cast<long double>(d.count());
    if (!(x > 0)) return 0;  // negative, zero or NaN: a poll
    const long double ns = x * static_cast<long double>(R::num) / static_cast<long double>(R::den);
    // 2^64 is exact in every long double; beyond it (or infinite): no deadline.
    if (!(ns < 18446744073709551616.0L)) return forever_ns;
    std::uint64_t v = static_cast<std::uint64_t>(ns);
    if (static_cast<long double>(v) < ns && v != forever_ns) ++v;
    return v;
  } else {
    static_assert(std::is_integral<Rep>::value, "errgroup: a duration's rep must be arithmetic");
    if (!(d.count() > 0)) return 0;
    return units_to_ns_ceil<Period>(static_cast<std::uintmax_t>(d.count()));
  }
}

// Nanoseconds from Clock::now() until t: 0 if t has passed, forever_ns if beyond the clock.
template <class Clock, class Duration>
std::uint64_t ns_until(std::chrono::time_point<Clock, Duration> t) noexcept {
  using C = typename Clock::duration;
  const C now = Clock::now().time_since_epoch();
  const Duration at = t.time_since_epoch();
  if constexpr (std::is_floating_point<typename Duration::rep>::value ||
                std::is_floating_point<typename C::rep>::value) {
    using ldns = std::chrono::duration<long double, std::nano>;
    return to_ns_ceil(std::chrono::duration_cast<ldns>(at) - std::chrono::duration_cast<ldns>(now));
  } else if constexpr (std::ratio_greater_equal<typename Duration::period,
                                                typename C::period>::value) {
    // Duration is as coarse as the clock's or coarser: now, floored to Duration, cannot overflow.
    const Duration now_floor = std::chrono::floor<Duration>(now);
    if (!(now_floor < at)) return 0;  // t <= floor(now) <= now
    // t > floor(now), so t >= floor(now) + 1 unit > now. Exact in unsigned arithmetic.
    const std::uintmax_t units =
        static_cast<std::uintmax_t>(at.count()) - static_cast<std::uintmax_t>(now_floor.count());
    const std::uint64_t up = units_to_ns_ceil<typename Duration::period>(units);
    if (up == forever_ns) return forever_ns;
    // Less now's part of a Duration unit below floor(now) (>= 0, < 1 unit), rounded down, so the
    // result is never short of the true remaining time.
    const C below = now - std::chrono::duration_cast<C>(now_floor);
    const std::uint64_t below_ns = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(below).count());
    return up > below_ns ? up - below_ns : 1;
  } else {
    // Duration is finer than the clock's: t, rounded up to the clock's unit, cannot overflow.
    const C at_ceil = std::chrono::ceil<C>(at);
    if (!(now < at_ceil)) return 0;  // t <= ceil(t) <= now
    const std::uintmax_t units =
        static_cast<std::uintmax_t>(at_ceil.count()) - static_cast<std::uintmax_t>(now.count());
    return units_to_ns_ceil<typename C::period>(units);
  }
}

// now + ns, saturating at forever_ns.
constexpr std::uint64_t deadline_after(std::uint64_t now, std::uint64_t ns) noexcept {
  return ns >= forever_ns - now ? forever_ns : now + ns;
}

}  // namespace detail
}  // namespace errgroup

#endif  // ERRGROUP_DETAIL_DEADLINE_HPP
