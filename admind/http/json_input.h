// Typed access to a JSON request body with the spec's validation errors
// (400 validation_error naming the field). Absent and explicit null are the same
// ("accepts null" rule, api.md notation).
//
// Thread-safety: used by one request thread.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "admind/http/api_error.h"

namespace ark::admind::http {

class BodyReader {
 public:
  explicit BodyReader(Poco::JSON::Object::Ptr body) : body_(std::move(body)) {}

  bool has(const std::string& key) const;  // present and not null
  // Each getter records the first error; check error() after reading.
  std::optional<std::string> string(const std::string& key, bool required, size_t min_len,
                                    size_t max_len);
  std::optional<bool> boolean(const std::string& key, bool required);
  std::optional<std::vector<std::string>> string_array(const std::string& key, bool required,
                                                       size_t min_items, size_t max_items);
  Poco::JSON::Object::Ptr object(const std::string& key, bool required);
  std::optional<std::string> one_of(const std::string& key, bool required,
                                    const std::vector<std::string>& allowed);

  void fail(ApiError e) {
    if (!error_) {
      error_ = std::move(e);
    }
  }
  const std::optional<ApiError>& error() const { return error_; }
  bool empty() const { return body_.isNull() || body_->size() == 0; }

 private:
  Poco::JSON::Object::Ptr body_;
  std::optional<ApiError> error_;
};

// UTF-8 aware length in code points (the spec's limits are characters).
size_t utf8_length(const std::string& s);

}  // namespace ark::admind::http
