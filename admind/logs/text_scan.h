// Scanner: a forward-only cursor over a std::string_view, for the hand-written Postfix log
// parsers in this directory (internal; not part of the follower's API).
//
// Every operation is bounds-checked and total: on input that does not match it returns
// false / an empty view / std::nullopt and leaves the cursor where it was (take_* functions
// consume what they return). Nothing allocates and nothing throws. Embedded NUL bytes are
// ordinary characters.
//
// Ownership: borrows the text; the caller keeps it alive while the Scanner and every view it
// returned are in use. Thread-safety: a value type; no shared state.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ark::admind::logs::scan {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}

// Whole-text decimal conversions; nullopt on anything else (sign, spaces, overflow, empty).
inline std::optional<int64_t> to_int(std::string_view s) {
  int64_t v = 0;
  if (s.empty() || !is_digit(s.front())) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

inline std::optional<double> to_double(std::string_view s) {
  double v = 0;
  if (s.empty() || !is_digit(s.front())) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  std::string_view rest() const { return text_.substr(pos_); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool starts_with(std::string_view lit) const { return rest().substr(0, lit.size()) == lit; }

  bool eat(char c) {
    if (done() || text_[pos_] != c) {
      return false;
    }
    ++pos_;
    return true;
  }
  bool eat(std::string_view lit) {
    if (!starts_with(lit)) {
      return false;
    }
    pos_ += lit.size();
    return true;
  }
  void skip(size_t n) { pos_ = n > text_.size() - pos_ ? text_.size() : pos_ + n; }

  // Consumes and returns the text before the first `stop` (or everything); `stop` stays.
  std::string_view take_until(char stop) { return take(rest().find(stop)); }
  std::string_view take_until(std::string_view stop) { return take(rest().find(stop)); }
  std::string_view take_rest() { return take(std::string_view::npos); }

  template <typename Pred>
  std::string_view take_while(Pred pred) {
    size_t n = 0;
    std::string_view r = rest();
    while (n < r.size() && pred(r[n])) {
      ++n;
    }
    return take(n);
  }

  // Between min and max (at most 9) decimal digits as an int; nullopt, consuming nothing,
  // otherwise.
  std::optional<int> take_digits(size_t min_digits, size_t max_digits) {
    if (max_digits > 9) {
      max_digits = 9;
    }
    std::string_view r = rest();
    size_t n = 0;
    while (n < r.size() && n < max_digits && is_digit(r[n])) {
      ++n;
    }
    if (n < min_digits || n == 0) {
      return std::nullopt;
    }
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      v = v * 10 + (r[i] - '0');
    }
    pos_ += n;
    return v;
  }

 private:
  std::string_view take(size_t n) {
    std::string_view r = rest();
    if (n > r.size()) {
      n = r.size();
    }
    pos_ += n;
    return r.substr(0, n);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace ark::admind::logs::scan
