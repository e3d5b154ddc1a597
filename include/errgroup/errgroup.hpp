// SPDX-License-Identifier: BSL-1.0
// errgroup/errgroup.hpp — the core, in one include: error values, executors, groups, stop tokens.
// Add a port header for a concrete executor: <errgroup/std_thread.hpp> on a hosted OS.
#ifndef ERRGROUP_ERRGROUP_HPP
#define ERRGROUP_ERRGROUP_HPP

#include "config.hpp"
#include "error.hpp"
#include "executor.hpp"
#include "group.hpp"
#include "options.hpp"
#include "port.hpp"
#include "stop.hpp"
#include "stop_callback.hpp"

#endif  // ERRGROUP_ERRGROUP_HPP
