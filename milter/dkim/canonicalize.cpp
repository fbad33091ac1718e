#include "milter/dkim/canonicalize.h"

namespace ark::milter::dkim {
namespace {

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace

std::string canonicalize_header_relaxed(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(name.size() + value.size() + 3);
  for (char c : name) {
    if (!is_wsp(c)) {  // WSP between the name and the colon is dropped as well
      out += to_lower_ascii(c);
    }
  }
  out += ':';
  bool wsp = false;
  bool started = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') {
      continue;  // unfolding
    }
    if (is_wsp(c)) {
      wsp = true;
      continue;
    }
    if (wsp && started) {
      out += ' ';
    }
    wsp = false;
    started = true;
    out += c;
  }
  out += "\r\n";
  return out;
}

void RelaxedBodyCanonicalizer::content(char c, std::string& out) {
  if (!line_has_content_) {
    for (; owed_crlf_ > 0; --owed_crlf_) {
      out += "\r\n";
    }
    line_has_content_ = true;
    any_content_ = true;
  }
  if (wsp_pending_) {
    out += ' ';
    wsp_pending_ = false;
  }
  out += c;
}

void RelaxedBodyCanonicalizer::end_line() {
  ++owed_crlf_;
  line_has_content_ = false;
  wsp_pending_ = false;  // trailing WSP is dropped
}

void RelaxedBodyCanonicalizer::feed(std::string_view chunk, std::string& out) {
  for (char c : chunk) {
    if (cr_pending_) {
      cr_pending_ = false;
      if (c == '\n') {
        end_line();
        continue;
      }
      content('\r', out);
    }
    if (c == '\r') {
      cr_pending_ = true;
    } else if (c == '\n') {
      end_line();
    } else if (is_wsp(c)) {
      wsp_pending_ = true;
    } else {
      content(c, out);
    }
  }
}

void RelaxedBodyCanonicalizer::finish(std::string& out) {
  if (cr_pending_) {
    cr_pending_ = false;
    content('\r', out);
  }
  if (any_content_) {
    out += "\r\n";  // the last content line's end; trailing empty lines stay dropped
  }
  owed_crlf_ = 0;
}

std::string canonicalize_body_relaxed(std::string_view body) {
  std::string out;
  RelaxedBodyCanonicalizer canon;
  canon.feed(body, out);
  canon.finish(out);
  return out;
}

}  // namespace ark::milter::dkim
