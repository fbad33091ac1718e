// clean_text (admind/delivery/email_writer.h): what reaches MySQL is valid UTF-8 that fits.
#include <gtest/gtest.h>

#include "admind/delivery/email_writer.h"

namespace ark::admind::delivery {
namespace {

TEST(CleanText, KeepsValidUtf8) {
  EXPECT_EQ(clean_text("b\xc3\xa4r \xe2\x82\xac \xf0\x9f\x98\x80", 100),
            "b\xc3\xa4r \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(CleanText, ReplacesInvalidBytesAndNul) {
  EXPECT_EQ(clean_text(std::string("a\xff"
                                   "b\xc3(c",
                                   5) +
                           std::string(1, '\0') + "d",
                       100),
            "a?b?(?d");
  EXPECT_EQ(clean_text("\xed\xa0\x80", 100), "???") << "surrogates are not UTF-8";
  EXPECT_EQ(clean_text("\xc0\xaf", 100), "??") << "overlong";
}

TEST(CleanText, NeverCutsInsideACharacter) {
  EXPECT_EQ(clean_text("ab\xe2\x82\xac", 4), "ab");
  EXPECT_EQ(clean_text("ab\xe2\x82\xac", 5), "ab\xe2\x82\xac");
  EXPECT_EQ(clean_text("abcdef", 3), "abc");
}

}  // namespace
}  // namespace ark::admind::delivery
