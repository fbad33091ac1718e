#include "policy/engine/metadata.h"

#include <cctype>
#include <cstdio>
#include <set>

namespace ark::policy {
namespace {

using base::Error;

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxMetadataKeyLength ||
      !std::isalpha(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_') {
      return false;
    }
  }
  return true;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over the JSON text; each reader returns false on a syntax error.
class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) {
      ++i_;
    }
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }
  bool string(std::string* out) {
    if (!eat('"')) {
      return false;
    }
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c != '\\') {
        *out += static_cast<char>(c);
      } else if (!escape(out)) {
        return false;
      }
    }
    return false;
  }

 private:
  bool hex4(uint32_t* cp) {
    if (i_ + 4 > s_.size()) {
      return false;
    }
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_++];
      int v = std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
              : (h >= 'a' && h <= 'f')                    ? h - 'a' + 10
              : (h >= 'A' && h <= 'F')                    ? h - 'A' + 10
                                                          : -1;
      if (v < 0) {
        return false;
      }
      *cp = *cp * 16 + static_cast<uint32_t>(v);
    }
    return true;
  }
  bool unicode(std::string* out) {
    uint32_t cp = 0;
    if (!hex4(&cp)) {
      return false;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return false;  // a lone low surrogate
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') {
        return false;
      }
      i_ += 2;
      if (!hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(*out, cp);
    return true;
  }
  bool escape(std::string* out) {
    if (i_ >= s_.size()) {
      return false;
    }
    char e = s_[i_++];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        *out += e;
        return true;
      case 'b':
        *out += '\b';
        return true;
      case 'f':
        *out += '\f';
        return true;
      case 'n':
        *out += '\n';
        return true;
      case 'r':
        *out += '\r';
        return true;
      case 't':
        *out += '\t';
        return true;
      case 'u':
        return unicode(out);
      default:
        return false;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

base::Result<Metadata> parse_metadata_json(std::string_view text) {
  JsonReader r(text);
  Metadata out;
  if (!r.eat('{')) {
    return Error::invalid("metadata must be a JSON object");
  }
  if (!r.eat('}')) {
    do {
      std::string key;
      std::string value;
      if (!r.string(&key) || !r.eat(':') || !r.string(&value)) {
        return Error::invalid("metadata must be a JSON object of string values");
      }
      out.emplace_back(std::move(key), std::move(value));
    } while (r.eat(','));
    if (!r.eat('}')) {
      return Error::invalid("metadata must be a JSON object of string values");
    }
  }
  if (!r.at_end()) {
    return Error::invalid("unexpected text after the metadata object");
  }
  return out;
}

base::Status validate_metadata(const Metadata& metadata) {
  if (metadata.size() > kMaxMetadataKeys) {
    return Error::invalid("metadata has more than 10 keys");
  }
  std::set<std::string> seen;
  for (const auto& [key, value] : metadata) {
    if (!valid_key(key)) {
      return Error::invalid("metadata key '" + key +
                            "' must be 1-40 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$");
    }
    if (!seen.insert(key).second) {
      return Error::invalid("metadata key '" + key + "' appears twice");
    }
    size_t n = utf8_length(value);
    if (n == 0 || n > kMaxMetadataValueLength || has_control(value)) {
      return Error::invalid("metadata value of '" + key +
                            "' must be 1-500 characters without control characters");
    }
  }
  if (metadata_json(metadata).size() > kMaxMetadataJsonBytes) {
    return Error::invalid("metadata is larger than 4 KB as JSON");
  }
  return {};
}

base::Status validate_tag(std::string_view tag) {
  if (utf8_length(tag) > kMaxTagLength || has_control(tag)) {
    return Error::invalid("tag must be at most 1000 characters without control characters");
  }
  return {};
}

std::string metadata_json(const Metadata& metadata) {
  auto quote = [](std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  };
  std::string out = "{";
  for (size_t i = 0; i < metadata.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    quote(out, metadata[i].first);
    out += ':';
    quote(out, metadata[i].second);
  }
  out += '}';
  return out;
}

}  // namespace ark::policy
