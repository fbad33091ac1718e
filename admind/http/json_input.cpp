#include "admind/http/json_input.h"

#include <algorithm>

namespace ark::admind::http {

size_t utf8_length(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool BodyReader::has(const std::string& key) const {
  return !body_.isNull() && body_->has(key) && !body_->isNull(key);
}

std::optional<std::string> BodyReader::string(const std::string& key, bool required,
                                              size_t min_len, size_t max_len) {
  if (!has(key)) {
    if (required) {
      fail(ApiError::validation(key + " is required", key));
    }
    return std::nullopt;
  }
  Poco::Dynamic::Var v = body_->get(key);
  if (!v.isString()) {
    fail(ApiError::validation(key + " must be a string", key));
    return std::nullopt;
  }
  std::string s = v.convert<std::string>();
  size_t n = utf8_length(s);
  if (n < min_len || n > max_len) {
    fail(ApiError::validation(key + " must be " + std::to_string(min_len) + " to " +
                                  std::to_string(max_len) + " characters",
                              key));
    return std::nullopt;
  }
  return s;
}

std::optional<bool> BodyReader::boolean(const std::string& key, bool required) {
  if (!has(key)) {
    if (required) {
      fail(ApiError::validation(key + " is required", key));
    }
    return std::nullopt;
  }
  Poco::Dynamic::Var v = body_->get(key);
  if (!v.isBoolean()) {
    fail(ApiError::validation(key + " must be a boolean", key));
    return std::nullopt;
  }
  return v.convert<bool>();
}

std::optional<std::vector<std::string>> BodyReader::string_array(const std::string& key,
                                                                 bool required, size_t min_items,
                                                                 size_t max_items) {
  if (!has(key)) {
    if (required) {
      fail(ApiError::validation(key + " is required", key));
    }
    return std::nullopt;
  }
  if (!body_->isArray(key)) {
    fail(ApiError::validation(key + " must be an array of strings", key));
    return std::nullopt;
  }
  auto arr = body_->getArray(key);
  if (arr->size() < min_items || arr->size() > max_items) {
    fail(ApiError::validation(key + " must have " + std::to_string(min_items) + " to " +
                                  std::to_string(max_items) + " items",
                              key));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < arr->size(); ++i) {
    Poco::Dynamic::Var v = arr->get(static_cast<unsigned>(i));
    if (!v.isString()) {
      fail(ApiError::validation(key + " must be an array of strings", key));
      return std::nullopt;
    }
    out.push_back(v.convert<std::string>());
  }
  return out;
}

Poco::JSON::Object::Ptr BodyReader::object(const std::string& key, bool required) {
  if (!has(key)) {
    if (required) {
      fail(ApiError::validation(key + " is required", key));
    }
    return nullptr;
  }
  if (!body_->isObject(key)) {
    fail(ApiError::validation(key + " must be an object", key));
    return nullptr;
  }
  return body_->getObject(key);
}

std::optional<std::string> BodyReader::one_of(const std::string& key, bool required,
                                              const std::vector<std::string>& allowed) {
  auto s = string(key, required, 0, 1000);
  if (!s) {
    return s;
  }
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) {
      list += (list.empty() ? "" : ", ") + a;
    }
    fail(ApiError::validation(key + " must be one of: " + list, key));
    return std::nullopt;
  }
  return s;
}

}  // namespace ark::admind::http
