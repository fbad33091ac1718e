// Builds a folded DKIM-Signature value (RFC 6376 §3.5) that keeps lines under 78 columns
// (RFC 5322 §2.1.1), folding only where the DKIM grammar allows FWS: between tags, after
// a colon inside h=, and anywhere inside the base64 of b=.
//
// Why folding is safe for the signature: the signature header is hashed with relaxed
// canonicalization, which turns each fold into a single SP, and the verifier does the same
// to the header it receives. The b= value (with its folds) is removed before hashing, so it
// can be folded after signing. Nothing is ever folded inside bh=, whose value some
// verifiers compare without removing whitespace.
//
// Ownership: a value type. Thread-safety: none needed (one per signature).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ark::milter::dkim {

class TagFolder {
 public:
  // eol: "\r\n" for wire form, "\n" where the milter API expects bare LF line breaks.
  // start_col: columns already used on the first line ("DKIM-Signature: " = 16).
  TagFolder(std::string_view eol, size_t start_col) : eol_(eol), col_(start_col) {}

  // Appends `token`, separated by one SP, or by a fold when the line would get too long.
  void word(std::string_view token);
  // Appends `token` with no separator, folding before it when the line would get too long.
  void glued(std::string_view token);
  // Appends `text`, folding inside it whenever a line is full.
  void breakable(std::string_view text);

  const std::string& text() const { return out_; }

 private:
  void fold();

  static constexpr size_t kMaxCol = 78;
  std::string eol_;
  size_t col_;
  std::string out_;
};

}  // namespace ark::milter::dkim
