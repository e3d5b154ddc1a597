// SPDX-License-Identifier: BSL-1.0
// tests/strict/no_boost.cpp — errgroup::std_thread needs no Boost: its header, the core and the
// bare-metal port include no Boost header (every Boost header includes boost/config.hpp, whose
// guard is BOOST_CONFIG_HPP). The Boost.Lockfree backend is errgroup/std_thread_boost.hpp.
#include <errgroup/bare_metal.hpp>
#include <errgroup/errgroup.hpp>
#include <errgroup/std_thread.hpp>

#if defined(BOOST_CONFIG_HPP)
#error "errgroup/std_thread.hpp (or the core) included a Boost header"
#endif

namespace {
[[maybe_unused]] errgroup::thread_executor<16, 2>* no_boost_executor = nullptr;
}  // namespace
