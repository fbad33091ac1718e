// Result<T>: the value-or-error type for expected, per-request failures.
//
// Tier 2 of the error policy (style.md §4): a database that is down, a bad request, a
// missing row are values, not exceptions. Each front end maps ErrorKind in one place
// (milter: tempfail/reject; HTTP: status + error code).
//
// Thread-safety: a value type; no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ark::base {

enum class ErrorKind {
  Invalid,    // the caller's input is wrong; retrying the same input fails again
  NotFound,   // the addressed thing does not exist (or is not visible to the caller)
  Conflict,   // the thing exists already / a uniqueness rule was hit
  Transient,  // a dependency is unavailable now (database, Postfix); retry later
  Permanent,  // a dependency refused for good
  Internal,   // a bug or an impossible state reached at runtime
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;
  std::string field;  // the offending input field, when exactly one is to blame

  static Error invalid(std::string msg, std::string field = {}) {
    return {ErrorKind::Invalid, std::move(msg), std::move(field)};
  }
  static Error not_found(std::string msg) { return {ErrorKind::NotFound, std::move(msg), {}}; }
  static Error conflict(std::string msg) { return {ErrorKind::Conflict, std::move(msg), {}}; }
  static Error transient(std::string msg) { return {ErrorKind::Transient, std::move(msg), {}}; }
  static Error permanent(std::string msg) { return {ErrorKind::Permanent, std::move(msg), {}}; }
  static Error internal(std::string msg) { return {ErrorKind::Internal, std::move(msg), {}}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void> spelled as Status.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : e_(std::move(error)) {}  // NOLINT
  static Status success() { return {}; }
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *e_;
  }

 private:
  std::optional<Error> e_;
};

}  // namespace ark::base
