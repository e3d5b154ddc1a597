// SPDX-License-Identifier: BSL-1.0
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>

// catch_discover_tests splits names at ';' into names that match no test: each such test would
// fail as "No test cases matched". Said here, once, for every suite.
TEST_CASE("no test name of this binary contains a semicolon (ctest discovery splits names there)",
          "[meta]") {
  for (const Catch::TestCase& t :
       Catch::getAllTestCasesSorted(*Catch::getCurrentContext().getConfig())) {
    INFO(t.name);
    CHECK(t.name.find(';') == std::string::npos);
  }
}
