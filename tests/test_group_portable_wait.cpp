// SPDX-License-Identifier: BSL-1.0
// The behavioural suite (tests/test_group.cpp) with ERRGROUP_PORTABLE_WAIT=1 (set by
// tests/CMakeLists.txt): the notify table over a semaphore per thread, what macOS and other POSIX
// systems use, in place of the futex. On the ring pool only: the portable wait changes how threads
// park and wake, which every pool does through the same executor and group code whatever its queue,
// and the inline executor never parks (its tasks run inside go()). The default suite covers the
// other executors (three builds of this file, Release, TSan and ASan, pay for each executor).
#if !ERRGROUP_PORTABLE_WAIT
#error "test_group_portable_wait is the suite with ERRGROUP_PORTABLE_WAIT=1"
#endif

#define ALL_EXECUTORS test::ring_pool
#define POOLS test::ring_pool

#include "test_group.cpp"
