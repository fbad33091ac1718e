// Dovecot auth protocol lines: tab-escaping, command splitting, AUTH parameters, replies.
#include "policy/policyd/protocol.h"

#include <gtest/gtest.h>

namespace ark::policyd {
namespace {

TEST(Protocol, EscapingRoundTrips) {
  std::string raw("a\tb\nc\rd\001e", 9);
  raw.push_back('\0');
  std::string esc = escape_value(raw);
  EXPECT_EQ(esc.find('\t'), std::string::npos);
  EXPECT_EQ(esc.find('\n'), std::string::npos);
  EXPECT_EQ(unescape_value(esc), raw);
  EXPECT_EQ(unescape_value("x\001ty\001z"), "x\tyz") << "unknown escape stands for itself";
  EXPECT_EQ(unescape_value("end\001"), "end\001") << "a trailing escape byte is kept";
}

TEST(Protocol, SplitsCommandsOnTabs) {
  Command c = parse_command("CONT\t5\t");
  EXPECT_EQ(c.name, "CONT");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[1], "") << "a trailing empty field is an argument";
  EXPECT_TRUE(parse_command("DONE").args.empty());
}

TEST(Protocol, AuthParameters) {
  auto a = parse_auth(parse_command(
      "AUTH\t12\tplain\tservice=smtp\tnologin\tlip=127.0.0.1\trip=10.1.2.3\tsecured\tresp=AGE="));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->id, 12u);
  EXPECT_EQ(a->mechanism, "PLAIN");
  EXPECT_EQ(a->get("rip"), "10.1.2.3");
  EXPECT_TRUE(a->has("secured"));
  EXPECT_TRUE(a->has("nologin"));
  EXPECT_EQ(a->get("resp"), "AGE=");
  EXPECT_FALSE(a->has("cert_username"));
  auto empty_resp = parse_auth(parse_command("AUTH\t1\tPLAIN\tresp="));
  ASSERT_TRUE(empty_resp.has_value());
  EXPECT_TRUE(empty_resp->has("resp"));
  EXPECT_EQ(empty_resp->get("resp"), "");
}

TEST(Protocol, MalformedAuth) {
  EXPECT_FALSE(parse_auth(parse_command("AUTH")).has_value());
  EXPECT_FALSE(parse_auth(parse_command("AUTH\t1")).has_value());
  EXPECT_FALSE(parse_auth(parse_command("AUTH\tx1\tPLAIN")).has_value());
  EXPECT_FALSE(parse_auth(parse_command("AUTH\t1\t")).has_value());
  EXPECT_FALSE(parse_auth(parse_command("CONT\t1\tPLAIN")).has_value());
}

TEST(Protocol, Replies) {
  EXPECT_EQ(ok_line(3, "t/name"), "OK\t3\tuser=t/name");
  EXPECT_EQ(ok_line(3, "t\tx"), "OK\t3\tuser=t\001tx") << "a TAB cannot split the reply";
  EXPECT_EQ(fail_line(4, "nope", false), "FAIL\t4\treason=nope");
  EXPECT_EQ(fail_line(4, "later", true), "FAIL\t4\treason=later\ttemp");
  EXPECT_EQ(cont_line(5, "VXNlcm5hbWU6"), "CONT\t5\tVXNlcm5hbWU6");
  auto hs = server_handshake(1, 2, "ab");
  ASSERT_EQ(hs.size(), 7u);
  EXPECT_EQ(hs.front(), "VERSION\t1\t2");
  EXPECT_EQ(hs.back(), "DONE");
}

}  // namespace
}  // namespace ark::policyd
