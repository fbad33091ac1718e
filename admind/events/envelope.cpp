#include "admind/events/envelope.h"

#include <cstdio>

namespace ark::events {

namespace {

constexpr size_t kNpos = std::string_view::npos;

size_t skip_ws(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
    ++i;
  }
  return i;
}

// s[i] is the opening quote; returns the index after the closing one, or kNpos.
size_t skip_string(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return kNpos;
}

// The index after the value starting at s[i] (objects and arrays with everything nested in
// them), or kNpos when the text ends first. Scalars end at the next delimiter.
size_t skip_value(std::string_view s, size_t i) {
  if (i >= s.size()) {
    return kNpos;
  }
  if (s[i] == '"') {
    return skip_string(s, i);
  }
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
           s[i] != '\n' && s[i] != '\r' && s[i] != '\t') {
      ++i;
    }
    return i;
  }
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = skip_string(s, i);
      if (i == kNpos) {
        return kNpos;
      }
      continue;
    }
    depth += (c == '{' || c == '[') ? 1 : (c == '}' || c == ']') ? -1 : 0;
    ++i;
    if (depth == 0) {
      return i;
    }
  }
  return kNpos;
}

bool is_number_start(char c) {
  return c == '-' || (c >= '0' && c <= '9');
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string format_unix_seconds(int64_t unix_us) {
  bool negative = unix_us < 0;
  uint64_t abs = negative ? static_cast<uint64_t>(-(unix_us + 1)) + 1 : unix_us;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", negative ? "-" : "",
                static_cast<unsigned long long>(abs / 1000000),
                static_cast<unsigned long long>(abs % 1000000));
  return buf;
}

std::string build_envelope(const EnvelopeFields& f) {
  std::string out;
  out.reserve(f.payload_json.size() + 160);
  out += "{\"event\":" + json_string(f.event);
  if (f.tenant_id) {
    out += ",\"tenant_id\":" + json_string(*f.tenant_id);
  }
  out += ",\"timestamp\":" + format_unix_seconds(f.timestamp_us);
  out += ",\"uuid\":" + json_string(f.uuid);
  out += ",\"payload\":";
  out += f.payload_json;
  out += '}';
  return out;
}

std::optional<std::string> replace_timestamp(std::string_view s, int64_t unix_us) {
  size_t i = skip_ws(s, 0);
  if (i >= s.size() || s[i] != '{') {
    return std::nullopt;
  }
  i = skip_ws(s, i + 1);
  while (i < s.size() && s[i] == '"') {
    size_t key_end = skip_string(s, i);
    if (key_end == kNpos) {
      return std::nullopt;
    }
    std::string_view key = s.substr(i + 1, key_end - i - 2);
    size_t colon = skip_ws(s, key_end);
    if (colon >= s.size() || s[colon] != ':') {
      return std::nullopt;
    }
    size_t value = skip_ws(s, colon + 1);
    size_t value_end = skip_value(s, value);
    if (value_end == kNpos) {
      return std::nullopt;
    }
    if (key == "timestamp") {
      if (!is_number_start(s[value])) {
        return std::nullopt;
      }
      return std::string(s.substr(0, value)) + format_unix_seconds(unix_us) +
             std::string(s.substr(value_end));
    }
    i = skip_ws(s, value_end);
    if (i < s.size() && s[i] == ',') {
      i = skip_ws(s, i + 1);
    }
  }
  return std::nullopt;
}

StringPairs webhook_headers(const Signature& signature) {
  return {{"Content-Type", "application/json"},
          {"User-Agent", std::string(kUserAgent)},
          {std::string(kSignatureHeader), signature.base64},
          {std::string(kSignatureKidHeader), signature.kid}};
}

std::string headers_json(const StringPairs& headers) {
  std::string out = "{";
  for (const auto& [name, value] : headers) {
    out += (out.size() > 1 ? "," : "") + json_string(name) + ":" + json_string(value);
  }
  return out + "}";
}

}  // namespace ark::events
