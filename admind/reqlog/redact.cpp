#include "admind/reqlog/redact.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

namespace ark::admind::reqlog {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void redact_value(Poco::Dynamic::Var& v);

void redact_object(Poco::JSON::Object::Ptr o) {
  std::vector<std::string> names;
  o->getNames(names);
  for (const auto& name : names) {
    Poco::Dynamic::Var child = o->get(name);
    if (is_secret_field(name) && !child.isEmpty()) {
      o->set(name, std::string(kRedacted));
    } else {
      redact_value(child);
    }
  }
}

void redact_value(Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    redact_object(v.extract<Poco::JSON::Object::Ptr>());
  } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto arr = v.extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < arr->size(); ++i) {
      Poco::Dynamic::Var item = arr->get(static_cast<unsigned>(i));
      redact_value(item);
    }
  }
}

bool parse_json(const std::string& text, Poco::Dynamic::Var* out) {
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    *out = parser.parse(text);
    return true;
  } catch (const Poco::Exception&) {
    return false;
  } catch (const std::exception&) {
    return false;
  }
}

// End of the JSON string literal whose opening quote is at `open` (index of the closing
// quote), or npos when unterminated.
size_t string_end(const std::string& s, size_t open) {
  for (size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i;
    }
  }
  return std::string::npos;
}

size_t skip_space(const std::string& s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  return i;
}

// Textual fallback for bodies that are not valid JSON.
std::string scrub_text(std::string s) {
  size_t pos = s.find('"');
  while (pos != std::string::npos) {
    size_t name_end = string_end(s, pos);
    if (name_end == std::string::npos) {
      break;
    }
    std::string_view name(s.data() + pos + 1, name_end - pos - 1);
    size_t colon = skip_space(s, name_end + 1);
    size_t next = name_end + 1;
    if (colon < s.size() && s[colon] == ':') {
      size_t value = skip_space(s, colon + 1);
      if (value < s.size() && s[value] == '"' && is_secret_field(name)) {
        size_t value_end = string_end(s, value);
        size_t cut = value_end == std::string::npos ? s.size() : value_end;
        s.replace(value + 1, cut - value - 1, kRedacted);
        next = value + 1 + kRedacted.size() + (value_end == std::string::npos ? 0 : 1);
      }
    }
    pos = next < s.size() ? s.find('"', next) : std::string::npos;
  }
  return s;
}

}  // namespace

bool is_secret_field(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kSecrets = {
      "key", "secret", "password", "smtpUsername", "apiKey", "privateKey", "authorization"};
  return std::any_of(kSecrets.begin(), kSecrets.end(),
                     [&](std::string_view s) { return iequals(s, name); });
}

std::string redact_body(const std::string& text) {
  Poco::Dynamic::Var v;
  if (!parse_json(text, &v)) {
    return scrub_text(text);
  }
  redact_value(v);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

std::string truncate_body(const std::string& text) {
  if (text.size() <= kMaxStoredBody) {
    return text;
  }
  size_t cut = kMaxStoredBody;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + std::string(kTruncatedMarker);
}

StoredBody prepare_body(const std::string& raw) {
  StoredBody b;
  if (raw.empty()) {
    return b;
  }
  b.size = static_cast<int64_t>(raw.size());
  b.text = truncate_body(redact_body(raw));
  return b;
}

Poco::Dynamic::Var body_value(const std::string& stored) {
  if (stored.size() >= kTruncatedMarker.size() &&
      stored.compare(stored.size() - kTruncatedMarker.size(), kTruncatedMarker.size(),
                     kTruncatedMarker) == 0) {
    return stored;
  }
  Poco::Dynamic::Var v;
  if (parse_json(stored, &v)) {
    return v;
  }
  return stored;
}

}  // namespace ark::admind::reqlog
