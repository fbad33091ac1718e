// The webhook plugin's pure parts: URL parsing, address classification, request building
// and the incremental response parser (fed whole and one byte at a time).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "address.h"
#include "connection.h"
#include "http_message.h"
#include "url.h"

namespace ark::plugins::webhook {
namespace {

struct UrlCase {
  const char* name;
  const char* text;
  bool ok;
  bool https;
  const char* host;
  uint16_t port;
  const char* target;
  const char* host_header;
};

class UrlTable : public ::testing::TestWithParam<UrlCase> {};

TEST_P(UrlTable, Parses) {
  const UrlCase& c = GetParam();
  std::string error;
  auto url = parse_url(c.text, &error);
  ASSERT_EQ(url.has_value(), c.ok) << c.text << " " << error;
  if (!c.ok) {
    EXPECT_FALSE(error.empty());
    return;
  }
  EXPECT_EQ(url->https, c.https);
  EXPECT_EQ(url->host, c.host);
  EXPECT_EQ(url->port, c.port);
  EXPECT_EQ(url->target, c.target);
  EXPECT_EQ(url->host_header, c.host_header);
}

INSTANTIATE_TEST_SUITE_P(
    Webhook, UrlTable,
    ::testing::Values(
        UrlCase{"https_default_port", "https://Hooks.Example.COM/ark", true, true,
                "hooks.example.com", 443, "/ark", "hooks.example.com"},
        UrlCase{"http_explicit_port", "http://h.example:8080/a/b?x=1&y=2", true, false, "h.example",
                8080, "/a/b?x=1&y=2", "h.example:8080"},
        UrlCase{"no_path", "https://h.example", true, true, "h.example", 443, "/", "h.example"},
        UrlCase{"query_only", "https://h.example?q=1", true, true, "h.example", 443, "/?q=1",
                "h.example"},
        UrlCase{"fragment_dropped", "https://h.example/p#frag", true, true, "h.example", 443, "/p",
                "h.example"},
        UrlCase{"ipv6_literal", "http://[::1]:81/x", true, false, "::1", 81, "/x", "[::1]:81"},
        UrlCase{"default_port_written", "https://h.example:443/", true, true, "h.example", 443, "/",
                "h.example"},
        UrlCase{"scheme_case", "HTTPS://h.example/", true, true, "h.example", 443, "/",
                "h.example"},
        UrlCase{"bad_scheme", "ftp://h.example/", false},
        UrlCase{"no_scheme", "h.example/x", false},
        UrlCase{"userinfo", "https://u:p@h.example/", false},
        UrlCase{"empty_host", "https:///x", false},
        UrlCase{"port_zero", "https://h.example:0/", false},
        UrlCase{"port_too_big", "https://h.example:65536/", false},
        UrlCase{"port_not_numeric", "https://h.example:http/", false},
        UrlCase{"empty_port", "https://h.example:/", false},
        UrlCase{"space", "https://h.example/a b", false},
        UrlCase{"newline", "https://h.example/a\r\nX: y", false},
        UrlCase{"unbracketed_ipv6", "http://::1/", false},
        UrlCase{"bad_bracketed", "http://[h.example]/", false},
        UrlCase{"unterminated_bracket", "http://[::1/", false}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

AddressClass classify_text(const char* text) {
  sockaddr_storage ss{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    ss.ss_family = AF_INET;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr), 1);
    ss.ss_family = AF_INET6;
  }
  return classify(reinterpret_cast<const sockaddr*>(&ss));
}

TEST(AddressClassify, KnowsLoopbackPrivateAndPublicRanges) {
  struct {
    const char* ip;
    AddressClass cls;
  } cases[] = {
      {"127.0.0.1", AddressClass::Loopback},
      {"127.255.0.9", AddressClass::Loopback},
      {"::1", AddressClass::Loopback},
      {"::ffff:127.0.0.1", AddressClass::Loopback},
      {"10.0.0.1", AddressClass::Private},
      {"172.16.0.1", AddressClass::Private},
      {"172.31.255.255", AddressClass::Private},
      {"192.168.1.1", AddressClass::Private},
      {"169.254.169.254", AddressClass::Private},
      {"100.64.0.1", AddressClass::Private},
      {"0.0.0.0", AddressClass::Private},
      {"224.0.0.1", AddressClass::Private},
      {"255.255.255.255", AddressClass::Private},
      {"198.18.0.1", AddressClass::Private},
      {"::", AddressClass::Private},
      {"fd12::1", AddressClass::Private},
      {"fe80::1", AddressClass::Private},
      {"ff02::1", AddressClass::Private},
      {"::ffff:192.168.0.1", AddressClass::Private},
      {"64:ff9b::a00:1", AddressClass::Private},
      {"172.32.0.1", AddressClass::Public},
      {"100.128.0.1", AddressClass::Public},
      {"8.8.8.8", AddressClass::Public},
      {"2001:4860::8888", AddressClass::Public},
      {"64:ff9b::808:808", AddressClass::Public},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(classify_text(c.ip), c.cls) << c.ip;
  }
}

// Only literals and /etc/hosts names: unit tests never send DNS queries.
TEST(AddressResolve, LiteralsAndHostsFileNames) {
  Resolved r = resolve("127.0.0.1", 8080, std::chrono::milliseconds(1000));
  ASSERT_EQ(r.status, ResolveStatus::Ok);
  ASSERT_EQ(r.addresses.size(), 1u);
  EXPECT_EQ(r.addresses[0].text, "127.0.0.1");
  EXPECT_EQ(r.addresses[0].cls, AddressClass::Loopback);
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in*>(&r.addresses[0].storage)->sin_port), 8080);

  Resolved local = resolve("localhost", 80, std::chrono::milliseconds(2000));
  ASSERT_EQ(local.status, ResolveStatus::Ok) << local.error;
  ASSERT_FALSE(local.addresses.empty());
  for (const Address& a : local.addresses) {
    EXPECT_EQ(a.cls, AddressClass::Loopback) << a.text;
  }
}

TEST(BuildPost, WritesTheRequestAndRefusesTransportHeaders) {
  std::string error;
  auto req = build_post("/p?q=1", "h.example:8443", {{"X-A", "1"}, {"Content-Type", "text/x"}},
                        "body\r\nbytes", &error);
  ASSERT_TRUE(req.has_value()) << error;
  EXPECT_EQ(*req,
            "POST /p?q=1 HTTP/1.1\r\nHost: h.example:8443\r\nX-A: 1\r\nContent-Type: text/x\r\n"
            "Content-Length: 11\r\nConnection: close\r\n\r\nbody\r\nbytes");
  for (const char* name :
       {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "", "A B", "X:Y"}) {
    EXPECT_FALSE(build_post("/", "h", {{name, "v"}}, "", &error).has_value()) << name;
  }
  EXPECT_FALSE(build_post("/", "h", {{"X", "a\nb"}}, "", &error).has_value());
  EXPECT_FALSE(build_post("/", "h", {{"X", std::string_view("a\0b", 3)}}, "", &error));
}

struct ResponseCase {
  const char* name;
  std::string bytes;
  size_t limit;
  bool eof;  // the peer closes after the bytes
  bool done;
  int status;
  std::string excerpt;
};

class ResponseTable : public ::testing::TestWithParam<ResponseCase> {};

void check(const ResponseCase& c, ResponseParser& p) {
  if (c.eof) {
    p.feed_eof();
  }
  EXPECT_EQ(p.done(), c.done) << p.error();
  EXPECT_EQ(p.status(), c.status);
  EXPECT_EQ(p.excerpt(), c.excerpt);
}

TEST_P(ResponseTable, WholeAndByteByByte) {
  const ResponseCase& c = GetParam();
  ResponseParser whole(c.limit);
  whole.feed(c.bytes);
  check(c, whole);
  ResponseParser bytewise(c.limit);
  for (char ch : c.bytes) {
    if (bytewise.done() || !bytewise.feed(std::string_view(&ch, 1))) {
      break;
    }
  }
  check(c, bytewise);
}

INSTANTIATE_TEST_SUITE_P(
    Webhook, ResponseTable,
    ::testing::Values(
        ResponseCase{"content_length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 100,
                     false, true, 200, "hello"},
        ResponseCase{"excerpt_limit", "HTTP/1.1 500 Oops\r\nContent-Length: 10\r\n\r\n0123456789",
                     4, false, true, 500, "0123"},
        ResponseCase{"chunked",
                     "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
                     100, false, true, 201, "hello, world"},
        ResponseCase{"chunked_limit",
                     "HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n"
                     "a\r\n0123456789\r\n",
                     3, false, true, 200, "012"},
        ResponseCase{"interim_100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
                     100, false, true, 204, ""},
        ResponseCase{"until_close", "HTTP/1.0 200 OK\r\n\r\nstreamed", 100, true, true, 200,
                     "streamed"},
        ResponseCase{"until_close_not_yet", "HTTP/1.0 200 OK\r\n\r\nstream", 100, false, false, 200,
                     "stream"},
        ResponseCase{"zero_limit", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0, false,
                     true, 200, ""},
        ResponseCase{"truncated_body", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", 100, true,
                     false, 200, "abc"},
        ResponseCase{"no_status_line", "hello\r\n\r\n", 100, false, false, 0, ""},
        ResponseCase{"bad_content_length",
                     "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 100,
                     false, false, 0, ""},
        ResponseCase{"bad_chunk_size",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100, false,
                     false, 200, ""},
        ResponseCase{"switching_protocols", "HTTP/1.1 101 Switching\r\n\r\n", 100, false, false, 0,
                     ""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ResponseParser, RefusesAnEndlessHead) {
  ResponseParser p(100);
  EXPECT_TRUE(p.feed("HTTP/1.1 200 OK\r\n"));
  std::string line = "X-Pad: " + std::string(1000, 'p') + "\r\n";
  bool ok = true;
  for (int i = 0; i < 100 && ok; ++i) {
    ok = p.feed(line);
  }
  EXPECT_FALSE(ok);
  EXPECT_NE(p.error().find("64 KiB"), std::string::npos);
}

// A write to a socket whose peer is gone raises SIGPIPE in the writing thread. Inside a
// SigpipeBlock it is held and then discarded, so the process lives with SIGPIPE at default.
TEST(SigpipeBlock, SwallowsTheSignalOfABrokenPipe) {
  struct sigaction old {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ASSERT_EQ(sigaction(SIGPIPE, &dfl, &old), 0);
  sigset_t only_pipe;
  sigset_t old_mask;
  sigemptyset(&only_pipe);
  sigaddset(&only_pipe, SIGPIPE);
  // PocoNet, linked into this binary, blocks SIGPIPE at startup; unblock it here so the
  // guard's own blocking is what is tested.
  ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &only_pipe, &old_mask), 0);
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  close(fds[1]);
  int err = 0;
  {
    SigpipeBlock block;
    EXPECT_EQ(write(fds[0], "x", 1), -1);
    err = errno;
    sigset_t pending;
    sigpending(&pending);
    EXPECT_EQ(sigismember(&pending, SIGPIPE), 1) << "the write did raise SIGPIPE";
  }
  EXPECT_EQ(err, EPIPE);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_EQ(sigismember(&mask, SIGPIPE), 0) << "the guard restored the thread's mask";
  close(fds[0]);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old, nullptr);
}

}  // namespace
}  // namespace ark::plugins::webhook
