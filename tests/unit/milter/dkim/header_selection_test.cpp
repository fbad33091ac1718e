#include "milter/dkim/header_selection.h"

#include <gtest/gtest.h>

namespace ark::milter::dkim {
namespace {

std::vector<std::string> names_of(const HeaderSelection& s) {
  return s.h_names;
}

TEST(HeaderSelection, DefaultSetInOrderWithFromOversigned) {
  std::vector<Header> hs = {{"Received", " x"},      {"Subject", " s"}, {"From", " a@x.test"},
                            {"To", " b@y.test"},     {"X-Other", " o"}, {"Date", " d"},
                            {"Message-ID", " <m@x>"}};
  auto sel = select_headers(hs, default_signed_headers(), default_oversigned_headers());
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(names_of(*sel),
            (std::vector<std::string>{"from", "from", "to", "subject", "date", "message-id"}));
  ASSERT_EQ(sel->picked.size(), 6u);
  EXPECT_EQ(sel->picked[0], &hs[2]);
  EXPECT_EQ(sel->picked[1], nullptr);  // the oversigned, absent From
  EXPECT_EQ(sel->picked[2], &hs[3]);
}

TEST(HeaderSelection, RepeatedHeaderLastInstanceFirst) {
  std::vector<Header> hs = {
      {"From", " a@x.test"}, {"Cc", " first"}, {"cC", " second"}, {"CC", " third"}};
  auto sel = select_headers(hs, {"from", "cc"}, {});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(names_of(*sel), (std::vector<std::string>{"from", "cc", "cc", "cc"}));
  EXPECT_EQ(sel->picked[1], &hs[3]);
  EXPECT_EQ(sel->picked[2], &hs[2]);
  EXPECT_EQ(sel->picked[3], &hs[1]);
}

TEST(HeaderSelection, OversignedNameAbsentFromMessageStillListed) {
  std::vector<Header> hs = {{"From", " a@x.test"}};
  auto sel = select_headers(hs, {"from", "reply-to"}, {"from", "Reply-To"});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(names_of(*sel), (std::vector<std::string>{"from", "from", "reply-to"}));
  EXPECT_EQ(sel->picked[2], nullptr);
}

TEST(HeaderSelection, NameWithTrailingWspMatches) {
  std::vector<Header> hs = {{"From", " a@x.test"}, {"Subject\t ", " s"}};
  auto sel = select_headers(hs, {"from", "subject"}, {});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(names_of(*sel), (std::vector<std::string>{"from", "subject"}));
  EXPECT_EQ(sel->picked[1], &hs[1]);
}

TEST(HeaderSelection, MissingFromIsInvalid) {
  std::vector<Header> hs = {{"To", " b@y.test"}, {"Subject", " s"}};
  auto sel = select_headers(hs, default_signed_headers(), default_oversigned_headers());
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.error().kind, base::ErrorKind::Invalid);
}

TEST(HeaderSelection, SignedSetWithoutFromIsInvalid) {
  std::vector<Header> hs = {{"From", " a@x.test"}, {"Subject", " s"}};
  auto sel = select_headers(hs, {"subject"}, {});
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.error().kind, base::ErrorKind::Invalid);
}

}  // namespace
}  // namespace ark::milter::dkim
