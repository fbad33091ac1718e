// DKIM "relaxed" canonicalization of header fields and of the body (RFC 6376 §3.4.2 and
// §3.4.4), the only canonicalization ark-milter signs with (c=relaxed/relaxed).
//
// Header (§3.4.2): the name is lower-cased; the value is unfolded (every CR and LF is
// removed: a milter may hand us folded values with CRLF or with bare LF line breaks, and
// both reach the wire as CRLF); runs of SP/HTAB become one SP; WSP at both ends of the
// value is removed; the result is "name:value" CRLF.
//
// Body (§3.4.4): a line ends at LF, with or without a preceding CR. Bare LF counts as a
// line end because Postfix turns it into CRLF before the message goes on the wire, and
// the verifier sees the wire form. WSP at the end of a line is removed, other WSP runs
// become one SP, empty lines at the end of the body are dropped, and a non-empty body
// always ends with exactly one CRLF. An empty body (or one made only of empty lines)
// canonicalizes to the empty string, so its sha256 body hash is the hash of "" (§3.4.4
// adds a CRLF only to a *non-empty* body; §3.4.3's CRLF rule is for "simple" only).
// A CR not followed by LF is ordinary content. Bytes >= 0x80 pass through untouched.
//
// Ownership: value types; the canonicalizer owns only its small state.
// Thread-safety: one RelaxedBodyCanonicalizer per message; the free functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ark::milter::dkim {

// "name:value\r\n" in relaxed form. `value` is everything after the colon, as received.
std::string canonicalize_header_relaxed(std::string_view name, std::string_view value);

// Streaming relaxed body canonicalization. Feed the body in chunks of any size (a CRLF may
// be split across chunks); canonical bytes are appended to `out`. Memory stays constant:
// only counters are kept between calls, never a line.
class RelaxedBodyCanonicalizer {
 public:
  void feed(std::string_view chunk, std::string& out);
  // Ends the body; appends the final CRLF if any content was seen. Call once.
  void finish(std::string& out);

 private:
  void content(char c, std::string& out);
  void end_line();

  size_t owed_crlf_ = 0;  // line ends seen since the last content byte was emitted
  bool line_has_content_ = false;
  bool wsp_pending_ = false;  // WSP seen in this line after (or before) content
  bool cr_pending_ = false;   // a CR that may be the first half of CRLF
  bool any_content_ = false;  // the body is not empty after canonicalization
};

// Whole-body convenience wrapper (tests, small messages).
std::string canonicalize_body_relaxed(std::string_view body);

}  // namespace ark::milter::dkim
