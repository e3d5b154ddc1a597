// SPDX-License-Identifier: BSL-1.0
// firmware/heap_canary.cpp — must NOT link: it uses operator new, and the firmware's link wraps
// every heap entry point without defining the wrappers. The ctest firmware_no_heap_proof builds
// this target and passes only if the link fails with "undefined reference to `__wrap_...".
#include "semihosting.hpp"

int* volatile keep;  // the pointer escapes, so the compiler cannot delete the new

int main() {
  keep = new int(42);
  return *keep == 42 ? 0 : 1;
}
