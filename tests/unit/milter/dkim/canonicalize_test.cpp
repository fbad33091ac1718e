// Golden tables for relaxed canonicalization (RFC 6376 §3.4.2, §3.4.4). Each row names the
// one edge it covers; expected bytes are written out by hand from the RFC text.
#include "milter/dkim/canonicalize.h"

#include <gtest/gtest.h>

#include "core/crypto/crypto.h"
#include "milter/dkim/body_hasher.h"

namespace ark::milter::dkim {
namespace {

struct HeaderRow {
  const char* edge;
  const char* name;
  const char* value;
  const char* expected;
};

TEST(CanonicalizeHeader, GoldenTable) {
  const HeaderRow rows[] = {
      {"lowercases_name", "Subject", " Hello", "subject:Hello\r\n"},
      {"value_without_leading_space", "To", "a@b.example", "to:a@b.example\r\n"},
      {"wsp_run_becomes_one_space", "Subject", " a \t  b\t\tc", "subject:a b c\r\n"},
      {"trailing_wsp_removed", "Subject", " abc \t ", "subject:abc\r\n"},
      {"crlf_fold_unfolded", "Subject", " one\r\n two\r\n\tthree", "subject:one two three\r\n"},
      {"bare_lf_fold_unfolded", "Subject", " one\n two\n\tthree", "subject:one two three\r\n"},
      {"fold_right_after_colon", "To", "\r\n a@b.example", "to:a@b.example\r\n"},
      {"wsp_before_colon_dropped", "Subject \t", " x", "subject:x\r\n"},
      {"empty_value", "Cc", "", "cc:\r\n"},
      {"only_whitespace_value", "Cc", " \t\r\n ", "cc:\r\n"},
      {"eight_bit_untouched", "Subject", " caf\xc3\xa9  \xe2\x9c\x93",
       "subject:caf\xc3\xa9 \xe2\x9c\x93\r\n"},
      {"rfc6376_3_4_5_a", "A", " X", "a:X\r\n"},
      {"rfc6376_3_4_5_b", "B ", " Y\t\r\n\tZ  ", "b:Y Z\r\n"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(canonicalize_header_relaxed(r.name, r.value), r.expected) << r.edge;
  }
}

struct BodyRow {
  const char* edge;
  std::string body;
  std::string expected;
};

std::vector<BodyRow> body_rows() {
  return {
      {"empty_body_is_empty", "", ""},
      {"only_empty_lines_is_empty", "\r\n\r\n\r\n", ""},
      {"only_bare_lf_lines_is_empty", "\n\n", ""},
      {"only_whitespace_lines_is_empty", "  \r\n\t\r\n \t \n", ""},
      {"one_line_crlf", "abc\r\n", "abc\r\n"},
      {"one_line_bare_lf", "abc\n", "abc\r\n"},
      {"missing_final_newline_gets_crlf", "abc", "abc\r\n"},
      {"trailing_wsp_removed", "abc \t \r\n", "abc\r\n"},
      {"trailing_wsp_without_newline", "abc  ", "abc\r\n"},
      {"inner_wsp_run_to_one_sp", "a \t b\t\tc\r\n", "a b c\r\n"},
      {"leading_wsp_kept_as_one_sp", "  \tabc\r\n", " abc\r\n"},
      {"trailing_empty_lines_dropped", "abc\r\n\r\n\r\n", "abc\r\n"},
      {"trailing_wsp_only_lines_dropped", "abc\r\n \r\n\t\r\n", "abc\r\n"},
      {"inner_empty_lines_kept", "a\r\n\r\n\r\nb\r\n", "a\r\n\r\n\r\nb\r\n"},
      {"leading_empty_lines_kept", "\r\n\r\na\r\n", "\r\n\r\na\r\n"},
      {"mixed_crlf_and_bare_lf", "a\nb\r\nc\n", "a\r\nb\r\nc\r\n"},
      {"bare_cr_is_content", "a\rb\r\n", "a\rb\r\n"},
      {"cr_before_crlf_is_content", "a\r\r\n", "a\r\r\n"},
      {"final_bare_cr_is_content", "a\r", "a\r\r\n"},
      {"eight_bit_untouched", "caf\xc3\xa9 \xff\r\n", "caf\xc3\xa9 \xff\r\n"},
      {"nul_byte_is_content", std::string("a\0b\r\n", 5), std::string("a\0b\r\n", 5)},
      {"rfc6376_3_4_5_body", " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n"},
  };
}

TEST(CanonicalizeBody, GoldenTable) {
  for (const auto& r : body_rows()) {
    EXPECT_EQ(canonicalize_body_relaxed(r.body), r.expected) << r.edge;
  }
}

// The milter gets the body in chunks cut anywhere, including between CR and LF.
TEST(CanonicalizeBody, EveryTwoWaySplitGivesSameBytes) {
  for (const auto& r : body_rows()) {
    for (size_t cut = 0; cut <= r.body.size(); ++cut) {
      std::string out;
      RelaxedBodyCanonicalizer c;
      c.feed(std::string_view(r.body).substr(0, cut), out);
      c.feed(std::string_view(r.body).substr(cut), out);
      c.finish(out);
      EXPECT_EQ(out, r.expected) << r.edge << " cut=" << cut;
    }
  }
}

TEST(CanonicalizeBody, ByteAtATimeGivesSameBytes) {
  for (const auto& r : body_rows()) {
    std::string out;
    RelaxedBodyCanonicalizer c;
    for (char ch : r.body) {
      c.feed(std::string_view(&ch, 1), out);
    }
    c.finish(out);
    EXPECT_EQ(out, r.expected) << r.edge;
  }
}

TEST(BodyHash, EmptyBodyIsHashOfEmptyString) {
  // RFC 6376 §3.4.4: relaxed never adds a CRLF to an empty body (unlike "simple", whose
  // empty-body hash is that of "\r\n"). This is the well-known bh= of an empty body.
  EXPECT_EQ(crypto::base64_encode(relaxed_body_hash("")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(relaxed_body_hash("\r\n\r\n"), relaxed_body_hash(""));
  EXPECT_NE(relaxed_body_hash("\r\n"), crypto::sha256("\r\n"));
}

TEST(BodyHash, IsSha256OfCanonicalBody) {
  for (const auto& r : body_rows()) {
    EXPECT_EQ(relaxed_body_hash(r.body), crypto::sha256(r.expected)) << r.edge;
  }
}

TEST(BodyHash, LargeBodyInOddChunksMatchesOneShot) {
  std::string body;
  for (int i = 0; i < 5000; ++i) {
    body += "line " + std::to_string(i) + (i % 3 == 0 ? " \t \r\n" : "\n");
    if (i % 97 == 0) {
      body += "\r\n\r\n";
    }
  }
  BodyHasher h;
  for (size_t pos = 0, step = 1; pos < body.size(); pos += step, step = step * 7 % 40000 + 1) {
    h.update(std::string_view(body).substr(pos, step));
  }
  EXPECT_EQ(h.finish(), crypto::sha256(canonicalize_body_relaxed(body)));
}

}  // namespace
}  // namespace ark::milter::dkim
