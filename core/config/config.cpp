#include "core/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace ark::config {
namespace {

using base::Error;
using base::Result;

std::string unit_of(KeyType t) {
  switch (t) {
    case KeyType::Duration:
      return "duration: ms, s, m, h or d";
    case KeyType::Size:
      return "size: B, KB, MB or GB";
    case KeyType::Int:
      return "integer";
    case KeyType::Bool:
      return "true or false";
    case KeyType::Enum:
      return "one of";
    case KeyType::List:
      return "list";
    case KeyType::String:
      return "string";
  }
  return "";
}

Result<int64_t> parse_int(const std::string& text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
    return Error::invalid("not an integer: '" + text + "'");
  }
  return v;
}

Result<int64_t> parse_with_units(const std::string& text,
                                 const std::vector<std::pair<std::string, int64_t>>& units,
                                 const char* what) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  if (i == 0) {
    return Error::invalid(std::string("not a ") + what + ": '" + text + "'");
  }
  auto n = parse_int(text.substr(0, i));
  if (!n) {
    return n.error();
  }
  std::string unit = text.substr(i);
  for (const auto& [name, mult] : units) {
    if (unit == name) {
      if (*n > INT64_MAX / mult) {
        return Error::invalid(std::string(what) + " too large: '" + text + "'");
      }
      return *n * mult;
    }
  }
  return Error::invalid(std::string(what) + " needs a unit: '" + text + "'");
}

// Validates one value and returns its normalised text form.
Result<std::string> check_value(const KeySpec& spec, const std::string& text) {
  auto bounds = [&](int64_t v) -> Result<std::string> {
    if (v < spec.min || v > spec.max) {
      return Error::invalid("out of range: '" + text + "'");
    }
    return text;
  };
  switch (spec.type) {
    case KeyType::String:
      return text;
    case KeyType::Int: {
      auto v = parse_int(text);
      return v ? bounds(*v) : Result<std::string>(v.error());
    }
    case KeyType::Duration: {
      auto v = parse_duration_ms(text);
      return v ? bounds(*v) : Result<std::string>(v.error());
    }
    case KeyType::Size: {
      auto v = parse_size(text);
      return v ? bounds(*v) : Result<std::string>(v.error());
    }
    case KeyType::Bool:
      if (text == "true" || text == "false") {
        return text;
      }
      return Error::invalid("expected true or false, got '" + text + "'");
    case KeyType::Enum:
      if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) {
        return text;
      }
      return Error::invalid("unknown value '" + text + "'");
    case KeyType::List: {
      if (!spec.choices.empty()) {
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) {
          if (!item.empty() &&
              std::find(spec.choices.begin(), spec.choices.end(), item) == spec.choices.end()) {
            return Error::invalid("unknown item '" + item + "'");
          }
        }
      }
      return text;
    }
  }
  return Error::internal("bad key type");
}

void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, YAML::Node>* out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  (*out)[prefix] = node;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    s += (s.empty() ? "" : ",") + x;
  }
  return s;
}

}  // namespace

Schema& Schema::add(KeySpec spec) {
  keys_.push_back(std::move(spec));
  return *this;
}

const KeySpec* Schema::find(const std::string& key) const {
  for (const auto& k : keys_) {
    if (k.key == key) {
      return &k;
    }
  }
  return nullptr;
}

Result<int64_t> parse_duration_ms(const std::string& text) {
  return parse_with_units(
      text, {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}}, "duration");
}

Result<int64_t> parse_size(const std::string& text) {
  return parse_with_units(
      text, {{"B", 1}, {"KB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024LL * 1024 * 1024}}, "size");
}

Result<Config> parse_config(const Schema& schema, const std::string& yaml_text,
                            const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error::invalid(origin + ": YAML syntax error: " + e.what());
  }
  std::map<std::string, YAML::Node> flat;
  if (root.IsDefined() && !root.IsNull()) {
    if (!root.IsMap()) {
      return Error::invalid(origin + ": the top level must be a mapping");
    }
    flatten(root, "", &flat);
  }
  Config cfg;
  for (const auto& spec : schema.keys()) {
    cfg.values_[spec.key] = spec.default_value;
  }
  for (const auto& [key, node] : flat) {
    const KeySpec* spec = schema.find(key);
    if (spec == nullptr) {
      return Error::invalid(origin + ": unknown key '" + key + "'", key);
    }
    std::string text;
    try {
      if (node.IsNull()) {
        text = "";
      } else if (node.IsSequence()) {
        if (spec->type != KeyType::List) {
          return Error::invalid(origin + ": key '" + key + "' takes a single value", key);
        }
        std::vector<std::string> items;
        for (const auto& item : node) {
          items.push_back(item.as<std::string>());
        }
        text = join(items);
      } else if (node.IsScalar()) {
        text = node.as<std::string>();
      } else {
        return Error::invalid(origin + ": key '" + key + "' has a bad value", key);
      }
    } catch (const YAML::Exception& e) {
      return Error::invalid(origin + ": key '" + key + "': " + e.what(), key);
    }
    auto checked = check_value(*spec, text);
    if (!checked) {
      return Error::invalid(origin + ": key '" + key + "': " + checked.error().message, key);
    }
    cfg.values_[key] = *checked;
  }
  return cfg;
}

Result<Config> load_config(const Schema& schema, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Error::invalid("cannot read config file " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(schema, ss.str(), path);
}

std::string render_sample(const Schema& schema) {
  std::ostringstream out;
  out << "# " << schema.name() << " configuration. Every key is listed with its default.\n"
      << "# Unknown keys are rejected; check a file with --check-config.\n";
  std::vector<std::string> open;  // the mapping path currently open
  for (const auto& spec : schema.keys()) {
    std::vector<std::string> parts;
    std::stringstream ss(spec.key);
    std::string p;
    while (std::getline(ss, p, '.')) {
      parts.push_back(p);
    }
    size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) {
      ++common;
    }
    open.resize(common);
    for (size_t i = common; i + 1 < parts.size(); ++i) {
      out << "\n" << std::string(2 * i, ' ') << parts[i] << ":\n";
      open.push_back(parts[i]);
    }
    std::string indent(2 * (parts.size() - 1), ' ');
    std::string unit = unit_of(spec.type);
    if (spec.type == KeyType::Enum || (spec.type == KeyType::List && !spec.choices.empty())) {
      unit += " " + join(spec.choices);
    }
    out << indent << "# " << spec.doc << " (" << unit << ")\n";
    out << indent << parts.back() << ":";
    if (spec.type == KeyType::List) {
      std::stringstream items(spec.default_value);
      std::string item;
      std::vector<std::string> v;
      while (std::getline(items, item, ',')) {
        v.push_back(item);
      }
      out << " [";
      for (size_t i = 0; i < v.size(); ++i) {
        out << (i ? ", " : "") << v[i];
      }
      out << "]\n";
    } else if (spec.default_value.empty()) {
      out << " \"\"\n";
    } else {
      out << " " << spec.default_value << "\n";
    }
  }
  return out.str();
}

const std::string& Config::raw(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    // A key that is not in the schema is a programming error, not a user error.
    throw std::logic_error("config key not in schema: " + key);
  }
  return it->second;
}

const std::string& Config::get_string(const std::string& key) const { return raw(key); }
int64_t Config::get_int(const std::string& key) const { return parse_int(raw(key)).value(); }
bool Config::get_bool(const std::string& key) const { return raw(key) == "true"; }
int64_t Config::get_duration_ms(const std::string& key) const {
  return parse_duration_ms(raw(key)).value();
}
int64_t Config::get_size(const std::string& key) const { return parse_size(raw(key)).value(); }
std::vector<std::string> Config::get_list(const std::string& key) const {
  std::vector<std::string> v;
  std::stringstream ss(raw(key));
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) {
      v.push_back(item);
    }
  }
  return v;
}
bool Config::has_item(const std::string& key, const std::string& item) const {
  auto v = get_list(key);
  return std::find(v.begin(), v.end(), item) != v.end();
}

Result<std::string> read_secret_file(const std::string& path) {
  if (path.empty()) {
    return std::string();
  }
  std::ifstream in(path);
  if (!in) {
    return Error::invalid("cannot read secret file " + path);
  }
  std::string line;
  std::getline(in, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
    line.pop_back();
  }
  return line;
}

}  // namespace ark::config
