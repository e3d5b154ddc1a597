// SPDX-License-Identifier: BSL-1.0
// Exception policies: rethrow from wait() (default), convert to an error value, or terminate.
#include <catch2/catch.hpp>

#if defined(_WIN32)
#include <errgroup/hosted/win32.hpp>  // <windows.h>, lean
#else
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <csignal>
#include <stdexcept>
#include <string>

#include "test_util.hpp"

using errgroup::error;
using errgroup::status;

#define ALL_EXECUTORS test::boost_pool, test::ring_pool, test::inline_exec

TEMPLATE_TEST_CASE("an escaping exception is rethrown by wait()", "[exceptions]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  REQUIRE(g.go([]() -> error { throw std::runtime_error("boom"); }) == status::ok);
  REQUIRE(g.go([] { return error{}; }) == status::ok);
  try {
    (void)g.wait();
    FAIL("wait() did not rethrow");
  } catch (const std::runtime_error& e) {
    REQUIRE(std::string(e.what()) == "boom");
  }
  REQUIRE(g.first_error() == error(errgroup::errc::task_threw));
  REQUIRE(g.reset() == status::ok);
  REQUIRE_FALSE(g.wait());
}

TEMPLATE_TEST_CASE("to_error: an exception becomes errc::task_threw", "[exceptions]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group_options o;
  o.exceptions = errgroup::exception_policy::to_error;
  errgroup::group<4> g(h.ex, o);
  REQUIRE(g.go([] { throw 42; }) == status::ok);
  REQUIRE(g.wait() == error(errgroup::errc::task_threw));
}

TEMPLATE_TEST_CASE("an error recorded before an exception stays the first failure", "[exceptions]",
                   ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex);
  REQUIRE(g.set_limit(1) == status::ok);  // run in order
  REQUIRE(g.go([] { return error(5); }) == status::ok);
  REQUIRE(g.go([] { throw std::logic_error("later"); }) == status::ok);
  REQUIRE(g.wait() == error(5));  // no rethrow: the exception was not first
  REQUIRE(g.errors().size == 2);
}

TEMPLATE_TEST_CASE("an exception stops a with_context group", "[exceptions]", ALL_EXECUTORS) {
  test::executor_holder<TestType> h;
  errgroup::group<4> g(h.ex, errgroup::group_options::with_context());
  REQUIRE(g.go([] { throw std::runtime_error("x"); }) == status::ok);
  REQUIRE_THROWS_AS(g.wait(), std::runtime_error);
  REQUIRE(g.stop_requested());
}

#if defined(_WIN32)
// No fork() on Windows: the test runs this hidden case in a child process (this executable again,
// its test spec on the command line) and checks the child's exit code.
TEST_CASE("terminate: the child", "[.terminate_child]") {
  errgroup::inline_executor ex;
  errgroup::group_options o;
  o.exceptions = errgroup::exception_policy::terminate;
  errgroup::group<1> g(ex, o);
  (void)g.go([] { throw 1; });
  std::exit(0);  // not reached if terminate() was called
}

TEST_CASE("terminate: an escaping exception ends the process", "[exceptions]") {
  wchar_t path[MAX_PATH];
  const DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
  REQUIRE((n > 0 && n < MAX_PATH));
  std::wstring cmd = L"\"" + std::wstring(path, n) + L"\" [.terminate_child]";
  STARTUPINFOW si{};
  si.cb = sizeof si;
  PROCESS_INFORMATION pi{};
  REQUIRE(CreateProcessW(nullptr, &cmd[0], nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi));
  REQUIRE(WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0);
  DWORD code = 0;
  REQUIRE(GetExitCodeProcess(pi.hProcess, &code));
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  REQUIRE(code == 3u);  // abort(): the Windows CRT's exit code (std::exit(0) would give 0)
}
#elif !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
TEST_CASE("terminate: an escaping exception ends the process", "[exceptions]") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    errgroup::inline_executor ex;
    errgroup::group_options o;
    o.exceptions = errgroup::exception_policy::terminate;
    errgroup::group<1> g(ex, o);
    (void)g.go([] { throw 1; });
    _exit(0);  // not reached if terminate() was called
  }
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFSIGNALED(wstatus));
  REQUIRE(WTERMSIG(wstatus) == SIGABRT);
}
#endif
