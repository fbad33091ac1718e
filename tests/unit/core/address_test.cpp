#include <gtest/gtest.h>

#include "core/mail/address.h"

namespace ark::mail {
namespace {

TEST(Address, Valid) {
  for (const char* a : {"a@b.co", "first.last+tag@sub.example.org", "x_y-z@ex-ample.test",
                        "\"quoted local\"@example.com", "user@xn--bcher-kva.example"}) {
    EXPECT_TRUE(valid_address(a)) << a;
  }
}

TEST(Address, Invalid) {
  for (const char* a : {"", "plain", "@example.com", "a@", "a@localhost", "a..b@example.com",
                        ".a@example.com", "a@-example.com", "a@example-.com", "a b@example.com",
                        "a@exa mple.com", "a@@example.com"}) {
    EXPECT_FALSE(valid_address(a)) << a;
  }
}

TEST(Address, MailboxForms) {
  auto plain = parse_mailbox("hello@Acme.COM");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->address, "hello@Acme.COM");
  EXPECT_EQ(plain->domain, "acme.com");
  auto named = parse_mailbox("Acme <hello@acme.com>");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->display, "Acme");
  EXPECT_EQ(named->address, "hello@acme.com");
  auto quoted = parse_mailbox("\"Acme, Inc.\" <hello@acme.com>");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->display, "Acme, Inc.");
  EXPECT_FALSE(parse_mailbox("Acme <hello@acme.com").ok());
  EXPECT_FALSE(parse_mailbox("Acme <not-an-address>").ok());
  EXPECT_FALSE(parse_mailbox("a@b.com\r\nBcc: x@y.com").ok());
}

}  // namespace
}  // namespace ark::mail
