// VERP return paths (core/mail/return_path.h).
#include "core/mail/return_path.h"

#include <gtest/gtest.h>

#include <cctype>

namespace ark::mail {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kId = "msgAbCdEfGhIjKlMnOpQrStU";

std::string lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

TEST(ReturnPath, RoundTrip) {
  std::string rp = make_return_path(kId, "rp.example.net", kSecret);
  EXPECT_EQ(rp.substr(0, kId.size() + 1), kId + ".");
  EXPECT_EQ(rp.substr(rp.size() - 15), "@rp.example.net");
  auto p = parse_return_path(rp, kSecret);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message_id, kId);
  EXPECT_FALSE(p->rcpt);
}

TEST(ReturnPath, AngleBracketsAreIgnored) {
  std::string rp = make_return_path(kId, "rp.example.net", kSecret);
  EXPECT_TRUE(parse_return_path("<" + rp + ">", kSecret));
}

TEST(ReturnPath, XverpSuffixGivesTheRecipient) {
  std::string rp = make_return_path(kId, "rp.example.net", kSecret);
  size_t at = rp.find('@');
  std::string verp = rp.substr(0, at) + "+jo.smith=example.com" + rp.substr(at);
  auto p = parse_return_path(verp, kSecret);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message_id, kId);
  ASSERT_TRUE(p->rcpt);
  EXPECT_EQ(*p->rcpt, "jo.smith@example.com");
}

TEST(ReturnPath, XverpLocalPartMayContainEquals) {
  std::string rp = make_return_path(kId, "h", kSecret);
  size_t at = rp.find('@');
  auto p = parse_return_path(rp.substr(0, at) + "+a=b=example.com" + rp.substr(at), kSecret);
  ASSERT_TRUE(p && p->rcpt);
  EXPECT_EQ(*p->rcpt, "a=b@example.com");
}

TEST(ReturnPath, LowerCasedOnTheWayBackStillVerifies) {
  std::string rp = make_return_path(kId, "rp.example.net", kSecret);
  auto p = parse_return_path(lower(rp), kSecret);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message_id, lower(kId));
}

TEST(ReturnPath, Refused) {
  std::string rp = make_return_path(kId, "rp.example.net", kSecret);
  std::string other_id = rp;
  other_id[4] = other_id[4] == 'x' ? 'y' : 'x';
  EXPECT_FALSE(parse_return_path(other_id, kSecret)) << "tag belongs to another id";
  EXPECT_FALSE(parse_return_path(rp, "another secret"));
  EXPECT_FALSE(parse_return_path(rp, ""));
  EXPECT_FALSE(parse_return_path(kId + "@rp.example.net", kSecret)) << "no tag";
  EXPECT_FALSE(parse_return_path(kId + ".0000000000@rp.example.net", kSecret));
  EXPECT_FALSE(parse_return_path("no-at-sign", kSecret));
  size_t at = rp.find('@');
  EXPECT_FALSE(parse_return_path(rp.substr(0, at) + "+novalue" + rp.substr(at), kSecret));
  EXPECT_FALSE(parse_return_path("bad$id.0123456789@h", kSecret));
}

}  // namespace
}  // namespace ark::mail
