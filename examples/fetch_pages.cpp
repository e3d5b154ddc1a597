// SPDX-License-Identifier: BSL-1.0
// examples/fetch_pages.cpp — Go's errgroup "JustErrors" example, without the internet.
//
// Go's version (golang.org/x/sync/errgroup, example_test.go):
//
//   g := new(errgroup.Group)
//   for _, url := range urls {
//       g.Go(func() error { resp, err := http.Get(url); ...; return err })
//   }
//   if err := g.Wait(); err == nil { fmt.Println("Successfully fetched all URLs.") }
//
// Here the program first starts a tiny HTTP/1.0 server on 127.0.0.1 (an ephemeral port, its own
// std::thread, plain POSIX sockets), then fetches pages from it with an errgroup::group on an
// errgroup::thread_executor, in three rounds:
//   1. three pages that exist                  -> wait() succeeds: "all pages fetched"
//   2. g.reset(), then a page that does not    -> wait() returns the first error (http 404)
//   3. a group_options::with_context() group:  -> the 404 stops the group; the slow fetches still
//      a 404 plus two slow pages                  in flight see stop_token::stop_requested() and
//                                                 give up at once instead of after 3 s
// The exit code is 0 only if every round behaved as described (the example doubles as a test).
//
// Socket I/O inside a task is fine here: this is not a real-time path. What matters for the
// library is that each task's callable fits the group's slot (six pointers by default): the
// lambdas capture one pointer to a fetch_job, never a std::string by value.
#include <errgroup/std_thread.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// --- error domains ------------------------------------------------------------------------------

// HTTP status codes as task errors: errgroup::error{404, http_domain}.
const char* http_message(std::int32_t code) noexcept {
  switch (code) {
    case 400: return "bad request";
    case 404: return "not found";
    case 500: return "internal server error";
    case 503: return "service unavailable";
    default: return "unexpected HTTP status";
  }
}
constexpr errgroup::error_domain http_domain{"http", &http_message};

// Transport-level failures of the client (Go: *url.Error, context.Canceled).
enum class fetch_errc : std::int32_t {
  cancelled = 1,   // the group was stopped while the fetch was in flight
  connect_failed,  // socket() or connect() failed
  io_error,        // send() or recv() failed
  timed_out,       // no complete response within fetch_timeout_ms
  malformed,       // not an HTTP/1.x response
  too_large,       // the response does not fit fetch_job::buf
};
const char* fetch_message(std::int32_t code) noexcept {
  switch (static_cast<fetch_errc>(code)) {
    case fetch_errc::cancelled: return "cancelled: the group was stopped";
    case fetch_errc::connect_failed: return "connect failed";
    case fetch_errc::io_error: return "I/O error";
    case fetch_errc::timed_out: return "timed out";
    case fetch_errc::malformed: return "malformed HTTP response";
    case fetch_errc::too_large: return "response too large";
  }
  return "fetch error";
}
constexpr errgroup::error_domain fetch_domain{"fetch", &fetch_message};
errgroup::error make_error(fetch_errc c) noexcept {
  return errgroup::error{static_cast<std::int32_t>(c), fetch_domain};
}

constexpr int poll_slice_ms = 10;           // every blocking call is a poll() of at most this long
constexpr int fetch_timeout_ms = 5000;      // client: give up on a response after this
constexpr int server_io_timeout_ms = 2000;  // server: give up on a silent client after this
constexpr int slow_page_delay_ms = 3000;    // server: how long the slow pages take

std::uint64_t now_ms() noexcept { return errgroup::std_thread_port::now_ns() / 1000000u; }

// Sends all of [data, data + n) on a connected socket, polling for writability; false on error,
// on timeout, or when `give_up` says so.
template <class GiveUp>
bool send_all(int fd, const char* data, std::size_t n, int timeout_ms, GiveUp give_up) noexcept {
  const std::uint64_t end = now_ms() + static_cast<std::uint64_t>(timeout_ms);
  while (n != 0) {
    if (give_up() || now_ms() >= end) return false;
    pollfd p{fd, POLLOUT, 0};
    const int r = ::poll(&p, 1, poll_slice_ms);
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    const ssize_t k = ::send(fd, data, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return false;
    }
    data += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

// --- the server ---------------------------------------------------------------------------------

// A deliberately small HTTP/1.0 server: one accept thread, one short-lived thread per connection.
// Every wait is a poll() with a timeout and every loop is bounded, so shutdown() always returns.
class http_server {
 public:
  struct page {
    const char* path;
    std::string body;
    int delay_ms;  // the slow pages make the client wait this long
  };

  http_server() {
    pages_.push_back({"/index.html", make_body("Home", 40), 0});
    pages_.push_back({"/about.html", make_body("About us", 12), 0});
    pages_.push_back({"/style.css", "body { font-family: sans-serif; margin: 2em; }\n", 0});
    pages_.push_back({"/slow/report.html", make_body("Quarterly report", 300), slow_page_delay_ms});
    pages_.push_back({"/slow/archive.html", make_body("Archive", 200), slow_page_delay_ms});
  }
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  ~http_server() { shutdown(); }

  // Binds 127.0.0.1:0 (the kernel picks a free port), listens, starts the accept thread.
  bool start() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return fail("socket");
    const int one = 1;
    (void)::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
      return fail("bind");
    if (::listen(listen_fd_, 16) != 0) return fail("listen");
    socklen_t len = sizeof a;
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return fail("getsockname");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
    return true;
  }

  std::uint16_t port() const noexcept { return port_; }

  // Stops accepting, lets every connection thread finish (each is bounded by its timeouts and
  // checks the stop flag every poll slice), joins everything. Idempotent.
  void shutdown() {
    // (S1) release: pairs with (S2) in the accept loop and the connection threads.
    stopping_.store(true, std::memory_order_release);
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

  // Read after shutdown(): the joins order it, so a relaxed load is enough.
  unsigned connections() const noexcept { return connections_.load(std::memory_order_relaxed); }

 private:
  static std::string make_body(const char* title, int paragraphs) {
    std::string b = "<!doctype html>\n<html><head><title>";
    b += title;
    b += "</title></head><body>\n<h1>";
    b += title;
    b += "</h1>\n";
    for (int i = 0; i < paragraphs; ++i)
      b += "<p>errgroup: Go's errgroup for real-time and embedded C++.</p>\n";
    b += "</body></html>\n";
    return b;
  }

  bool fail(const char* what) {
    std::fprintf(stderr, "server: %s: %s\n", what, std::strerror(errno));
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }

  bool stopping() const noexcept {
    // (S2) acquire: pairs with (S1) in shutdown().
    return stopping_.load(std::memory_order_acquire);
  }

  void accept_loop() {
    std::vector<std::thread> connections;
    while (!stopping()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, poll_slice_ms) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      connections.emplace_back([this, fd] { serve(fd); });
    }
    for (std::thread& t : connections) t.join();
  }

  // One connection: read the request head, answer, close.
  void serve(int fd) {
    // relaxed: a statistic, read after the joins in shutdown().
    connections_.fetch_add(1, std::memory_order_relaxed);
    char req[2048];
    std::size_t got = 0;
    const std::uint64_t end = now_ms() + server_io_timeout_ms;
    bool complete = false;
    while (!complete && got < sizeof req - 1 && !stopping() && now_ms() < end) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, poll_slice_ms) <= 0) continue;
      const ssize_t k = ::recv(fd, req + got, sizeof req - 1 - got, 0);
      if (k <= 0) break;
      got += static_cast<std::size_t>(k);
      req[got] = '\0';
      complete = std::strstr(req, "\r\n\r\n") != nullptr;
    }
    if (complete) respond(fd, req);
    ::close(fd);
  }

  void respond(int fd, const char* req) {
    // "GET /path HTTP/1.0"
    char method[8] = {};
    char path[256] = {};
    if (std::sscanf(req, "%7s %255s", method, path) != 2 || std::strcmp(method, "GET") != 0) {
      send_response(fd, 400, "Bad Request", "bad request\n");
      return;
    }
    for (const page& pg : pages_) {
      if (std::strcmp(pg.path, path) != 0) continue;
      if (pg.delay_ms > 0 && !delay(fd, pg.delay_ms)) return;
      send_response(fd, 200, "OK", pg.body);
      return;
    }
    send_response(fd, 404, "Not Found", "not found\n");
  }

  // Waits delay_ms before answering, but gives up early if the client hangs up or the server
  // stops. Returns true if the answer should still be sent.
  bool delay(int fd, int delay_ms) {
    const std::uint64_t end = now_ms() + static_cast<std::uint64_t>(delay_ms);
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, poll_slice_ms);
      if (r > 0 && client_gone(fd)) return false;
      if (now_ms() >= end) return true;
      if (stopping()) return false;
    }
  }

  // Called when fd is readable while the server delays its answer: EOF means the client hung up.
  static bool client_gone(int fd) {
    char scratch[64];
    const ssize_t k = ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (k > 0) return false;  // extra bytes after the request: discarded; the client is still there
    return !(k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
  }

  void send_response(int fd, int code, const char* reason, const std::string& body) {
    char head[256];
    const int n = std::snprintf(head, sizeof head,
                                "HTTP/1.0 %d %s\r\nContent-Type: text/html\r\n"
                                "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                code, reason, body.size());
    const auto give_up = [this] { return stopping(); };
    if (n > 0 && send_all(fd, head, static_cast<std::size_t>(n), server_io_timeout_ms, give_up))
      (void)send_all(fd, body.data(), body.size(), server_io_timeout_ms, give_up);
  }

  std::vector<page> pages_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> connections_{0};
  std::thread thread_;
};

// --- the client ---------------------------------------------------------------------------------

// Everything one fetch needs and produces. The task captures a pointer to it (8 bytes), so the
// callable fits the group's slot; the results are read after wait(), which makes them visible.
struct fetch_job {
  const char* path = "";
  std::uint16_t port = 0;
  // Results.
  bool started = false;   // the task ran (false: skipped because the group stopped first)
  bool saw_stop = false;  // the task noticed stop_token::stop_requested() and gave up
  int http_status = 0;    // 0 if no status line was received
  std::size_t body_bytes = 0;
  std::uint64_t elapsed_ms = 0;
  errgroup::error result{};
  char buf[16 * 1024];  // the raw response
};

// Parses "HTTP/1.x NNN ..." and the body's length; checks Content-Length when present.
errgroup::error parse_response(fetch_job& j, std::size_t n) noexcept {
  j.buf[n] = '\0';
  int code = 0;
  if (std::sscanf(j.buf, "HTTP/1.%*d %d", &code) != 1) return make_error(fetch_errc::malformed);
  j.http_status = code;
  const char* sep = std::strstr(j.buf, "\r\n\r\n");
  if (sep == nullptr) return make_error(fetch_errc::malformed);
  j.body_bytes = n - static_cast<std::size_t>(sep + 4 - j.buf);
  if (const char* cl = std::strstr(j.buf, "Content-Length:"); cl != nullptr && cl < sep) {
    const unsigned long want = std::strtoul(cl + 15, nullptr, 10);
    if (want != j.body_bytes) return make_error(fetch_errc::malformed);
  }
  if (code != 200) return errgroup::error{code, http_domain};
  return errgroup::error{};
}

// The task body: GET j.path from 127.0.0.1:j.port. Checks the stop token between poll slices, as
// a Go fetch would watch ctx.Done().
errgroup::error fetch(fetch_job& j, errgroup::stop_token st) noexcept {
  j.started = true;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(fetch_errc::connect_failed);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(j.port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return make_error(fetch_errc::connect_failed);
  }
  char req[320];
  const int n =
      std::snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", j.path);
  const auto stopped = [&] {
    if (!st.stop_requested()) return false;
    j.saw_stop = true;
    return true;
  };
  errgroup::error e{};
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof req) {
    e = make_error(fetch_errc::malformed);
  } else if (!send_all(fd, req, static_cast<std::size_t>(n), fetch_timeout_ms, stopped)) {
    e = make_error(j.saw_stop ? fetch_errc::cancelled : fetch_errc::io_error);
  } else {
    // Read until the server closes the connection (HTTP/1.0), the group stops, or time runs out.
    std::size_t got = 0;
    const std::uint64_t end = now_ms() + fetch_timeout_ms;
    for (;;) {
      if (stopped()) {
        e = make_error(fetch_errc::cancelled);
        break;
      }
      if (now_ms() >= end) {
        e = make_error(fetch_errc::timed_out);
        break;
      }
      if (got == sizeof j.buf - 1) {
        e = make_error(fetch_errc::too_large);
        break;
      }
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, poll_slice_ms);
      if (r < 0 && errno != EINTR) {
        e = make_error(fetch_errc::io_error);
        break;
      }
      if (r <= 0) continue;
      const ssize_t k = ::recv(fd, j.buf + got, sizeof j.buf - 1 - got, 0);
      if (k < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        e = make_error(fetch_errc::io_error);
        break;
      }
      if (k == 0) {
        e = parse_response(j, got);
        break;
      }
      got += static_cast<std::size_t>(k);
    }
  }
  ::close(fd);
  return e;
}

// Runs one round: submits one task per job, waits, and records the elapsed time per job.
template <class Group>
errgroup::error run_round(Group& g, fetch_job* jobs, std::size_t count, std::uint64_t* wait_ms) {
  const std::uint64_t t0 = now_ms();
  for (std::size_t i = 0; i < count; ++i) {
    fetch_job* j = &jobs[i];  // capture a pointer: 8 bytes, fits the slot
    const errgroup::status s = g.go([j, t0](errgroup::stop_token st) {
      j->result = fetch(*j, st);
      j->elapsed_ms = now_ms() - t0;
      return j->result;
    });
    if (s != errgroup::status::ok)
      std::printf("  go(%s) refused: %s\n", j->path, errgroup::to_string(s));
  }
  const errgroup::error err = g.wait();
  *wait_ms = now_ms() - t0;
  return err;
}

void print_job(const fetch_job& j) {
  if (!j.started) {
    std::printf("  %-20s skipped: the group stopped before it started\n", j.path);
  } else if (j.http_status == 200 && !j.result) {
    std::printf("  %-20s %d %6zu bytes\n", j.path, j.http_status, j.body_bytes);
  } else if (j.saw_stop) {
    std::printf("  %-20s saw stop_requested() and gave up -> %s: %s\n", j.path,
                j.result.domain().name, j.result.message());
  } else {
    std::printf("  %-20s %s %d: %s\n", j.path, j.result.domain().name, j.result.code(),
                j.result.message());
  }
}

int failures = 0;
void expect(bool ok, const char* what) {
  if (ok) return;
  ++failures;
  std::printf("UNEXPECTED: %s\n", what);
}

void init_jobs(fetch_job* jobs, const char* const* paths, std::size_t count, std::uint16_t port) {
  for (std::size_t i = 0; i < count; ++i) {
    jobs[i].path = paths[i];
    jobs[i].port = port;
  }
}

}  // namespace

int main() {
  http_server server;
  if (!server.start()) return 1;
  std::printf("server: listening on 127.0.0.1 (ephemeral port)\n");

  // Created once; its workers live until the end of main. 4 workers regardless of the core
  // count, so that round 3's fetches are in flight at the same time even on a small machine.
  errgroup::executor_options eo;
  eo.workers = 4;
  eo.name = "fetch";
  errgroup::thread_executor<> ex(eo);

  // Static: each fetch_job holds a 16 KiB buffer.
  static fetch_job round1[3];
  static fetch_job round2[3];
  static fetch_job round3[3];
  std::uint64_t ms = 0;

  {
    // Go: g := new(errgroup.Group). Plain group: keep_going, no stop on error.
    errgroup::group<4> g(ex);

    std::printf("\nround 1: fetch three pages that exist\n");
    const char* const paths1[] = {"/index.html", "/about.html", "/style.css"};
    init_jobs(round1, paths1, 3, server.port());
    errgroup::error err = run_round(g, round1, 3, &ms);
    for (const fetch_job& j : round1) print_job(j);
    if (!err) std::printf("all pages fetched\n");
    else
      std::printf("wait() -> %s %d: %s\n", err.domain().name, err.code(), err.message());
    expect(!err, "round 1: wait() should succeed");
    for (const fetch_job& j : round1)
      expect(j.http_status == 200 && j.body_bytes > 0, "round 1: 200 + body");

    // A group keeps its error and stop state until reset() (the carry-over rule); reset() starts a
    // new round and refuses with status::busy while tasks are outstanding.
    const errgroup::status rs = g.reset();
    std::printf("\nround 2: g.reset() -> %s; fetch a page that does not exist\n",
                errgroup::to_string(rs));
    expect(rs == errgroup::status::ok, "round 2: reset() should return ok");
    const char* const paths2[] = {"/index.html", "/missing.html", "/about.html"};
    init_jobs(round2, paths2, 3, server.port());
    err = run_round(g, round2, 3, &ms);
    for (const fetch_job& j : round2) print_job(j);
    std::printf("wait() -> %s %d: %s\n", err.domain().name, err.code(), err.message());
    const errgroup::error not_found{404, http_domain};
    expect(err == not_found, "round 2: wait() should return http 404");
    expect(round2[0].http_status == 200 && round2[2].http_status == 200,
           "round 2: a plain group runs every task; the other pages should be fetched");
    const errgroup::error_list errs = g.errors();
    std::printf("errors(): %zu recorded, %zu dropped; the other fetches completed (keep_going)\n",
                errs.size, errs.dropped);
    expect(errs.size == 1 && errs.dropped == 0, "round 2: exactly one error recorded");
    const errgroup::error again = g.wait();
    std::printf("wait() again -> %s %d: %s (kept until reset(), as Go's Wait)\n",
                again.domain().name, again.code(), again.message());
    expect(again == not_found, "round 2: a second wait() should return the same error");
  }

  {
    // Go: g, ctx := errgroup.WithContext(ctx). The first error stops the group: tasks not yet
    // started are skipped, running ones see stop_token::stop_requested().
    errgroup::group<4> g(ex, errgroup::group_options::with_context());

    std::printf("\nround 3: group_options::with_context(); two slow pages (%d ms) and a missing "
                "one\n",
                slow_page_delay_ms);
    const char* const paths3[] = {"/slow/report.html", "/slow/archive.html", "/missing.html"};
    init_jobs(round3, paths3, 3, server.port());
    const errgroup::error err = run_round(g, round3, 3, &ms);
    for (const fetch_job& j : round3) print_job(j);
    std::printf("wait() -> %s %d: %s (the first error, not the cancellations)\n", err.domain().name,
                err.code(), err.message());
    const errgroup::error not_found{404, http_domain};
    expect(err == not_found, "round 3: wait() should return http 404");
    std::printf("wait() returned well before the slow pages' %d ms: %s\n", slow_page_delay_ms,
                ms < static_cast<std::uint64_t>(slow_page_delay_ms) / 2 ? "yes" : "no");
    expect(ms < static_cast<std::uint64_t>(slow_page_delay_ms) / 2,
           "round 3: the stop should cut the slow fetches short");
    std::printf("g.stop_requested() -> %s; g.cause() -> %s %d: %s\n",
                g.stop_requested() ? "true" : "false", g.cause().domain().name, g.cause().code(),
                g.cause().message());
    expect(g.stop_requested(), "round 3: the group should be stopped");
    expect(g.cause() == not_found, "round 3: cause() should be the 404");
    for (int i = 0; i < 2; ++i) {
      const fetch_job& j = round3[i];
      // Either it was running and saw the stop, or it had not started and was skipped.
      expect(!j.started || (j.saw_stop && j.result == make_error(fetch_errc::cancelled)),
             "round 3: a slow fetch should see stop_requested() (or be skipped)");
    }
    const errgroup::group_base::statistics st = g.stats();
    std::printf("stats: %llu run, %llu skipped\n", static_cast<unsigned long long>(st.tasks_run),
                static_cast<unsigned long long>(st.tasks_skipped));
  }

  server.shutdown();
  std::printf("\nserver: shut down cleanly after %u connections\n", server.connections());
  if (failures != 0) {
    std::printf("fetch_pages: %d unexpected result(s)\n", failures);
    return 1;
  }
  std::printf("fetch_pages: OK\n");
  return 0;
}
