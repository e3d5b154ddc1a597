// SPDX-License-Identifier: BSL-1.0
// firmware/m0plus_refused.cpp — compiled for -mcpu=cortex-m0plus by the firmware_m0plus_refused
// test, which passes only if the compiler stops with bare_metal.hpp's #error text.
#include <errgroup/bare_metal.hpp>
int main() { return 0; }
