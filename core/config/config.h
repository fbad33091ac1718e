// Typed YAML configuration with a schema: every key has a type, a default, a unit and a
// line of documentation. Loading rejects unknown keys and bad values naming the key
// (style.md §6), and the same schema renders the sample files in etc/, so a sample can
// never miss a key (a unit test compares them).
//
// Keys are dotted paths ("database.host") that map to nested YAML mappings.
// Durations carry a unit (ms, s, m, h, d) and sizes a unit (B, KB, MB, GB; powers of 1024).
//
// Thread-safety: a loaded Config is immutable; share it as shared_ptr<const Config>.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::config {

enum class KeyType { String, Int, Bool, Duration, Size, Enum, List };

struct KeySpec {
  std::string key;            // dotted path
  KeyType type = KeyType::String;
  std::string default_value;  // in the YAML text form ("10s", "true", "a,b" for lists)
  std::string doc;            // one line, shown in the sample
  std::vector<std::string> choices;  // Enum: allowed values; List: allowed items if non-empty
  int64_t min = INT64_MIN;    // Int/Duration(ms)/Size(bytes) bounds, inclusive
  int64_t max = INT64_MAX;
};

class Schema {
 public:
  explicit Schema(std::string name) : name_(std::move(name)) {}
  Schema& add(KeySpec spec);
  const std::vector<KeySpec>& keys() const { return keys_; }
  const KeySpec* find(const std::string& key) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<KeySpec> keys_;
};

class Config {
 public:
  const std::string& get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  int64_t get_duration_ms(const std::string& key) const;
  int64_t get_size(const std::string& key) const;
  std::vector<std::string> get_list(const std::string& key) const;
  bool has_item(const std::string& key, const std::string& item) const;

 private:
  friend base::Result<Config> parse_config(const Schema&, const std::string&, const std::string&);
  const std::string& raw(const std::string& key) const;
  std::map<std::string, std::string> values_;  // normalised text per key (defaults filled in)
};

// Parses YAML text against the schema. `origin` names the file in error messages.
base::Result<Config> parse_config(const Schema& schema, const std::string& yaml_text,
                                  const std::string& origin);
// Reads and parses a file; a missing file is an error.
base::Result<Config> load_config(const Schema& schema, const std::string& path);
// The commented sample listing every key with its default and unit.
std::string render_sample(const Schema& schema);

// Value parsers, exposed for tests and for other modules' own validation.
base::Result<int64_t> parse_duration_ms(const std::string& text);
base::Result<int64_t> parse_size(const std::string& text);

// Reads a secret file (first line, trailing whitespace stripped). Empty path -> "".
base::Result<std::string> read_secret_file(const std::string& path);

}  // namespace ark::config
