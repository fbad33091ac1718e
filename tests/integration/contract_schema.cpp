#include "tests/integration/contract_schema.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <regex>
#include <sstream>
#include <stdexcept>

namespace ark::itest {
namespace {

using Poco::Dynamic::Var;
using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

const std::vector<std::string> kPrimitives = {"string", "integer", "number",   "boolean", "object",
                                              "array",  "map",     "datetime", "any"};

bool is_object(const Var& v) {
  return v.type() == typeid(Obj);
}
bool is_array(const Var& v) {
  return v.type() == typeid(Arr);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) {
    out.push_back(item);
  }
  return out;
}

Presence presence_of(const std::string& word, int line) {
  if (word == "req")
    return Presence::Req;
  if (word == "null")
    return Presence::Null;
  if (word == "opt")
    return Presence::Opt;
  if (word == "optnull")
    return Presence::OptNull;
  throw std::runtime_error("fields line " + std::to_string(line) + ": bad presence " + word);
}

FieldRule parse_rule(const std::vector<std::string>& w, int line) {
  if (w.size() < 3) {
    throw std::runtime_error("fields line " + std::to_string(line) + ": PATH TYPE PRESENCE");
  }
  FieldRule r{w[0], w[1], presence_of(w[2], line), false, {}};
  for (size_t i = 3; i < w.size(); ++i) {
    if (w[i] == "nonempty") {
      r.nonempty = true;
    } else if (w[i].rfind("enum=", 0) == 0) {
      r.allowed = split(w[i].substr(5), '|');
    } else {
      throw std::runtime_error("fields line " + std::to_string(line) + ": unknown flag " + w[i]);
    }
  }
  return r;
}

bool is_datetime(const std::string& s) {
  static const std::regex kRe(
      R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)");
  return std::regex_match(s, kRe);
}

std::string type_error(const std::string& type, const Var& v) {
  bool ok = true;
  if (type == "string") {
    ok = v.isString();
  } else if (type == "integer") {
    ok = v.isInteger() && !v.isBoolean();
  } else if (type == "number") {
    ok = v.isNumeric() && !v.isBoolean();
  } else if (type == "boolean") {
    ok = v.isBoolean();
  } else if (type == "array") {
    ok = is_array(v);
  } else if (type == "datetime") {
    ok = v.isString() && is_datetime(v.toString());
  } else if (type != "any") {
    ok = is_object(v);  // object, map, or a named type
  }
  if (ok) {
    return "";
  }
  std::string shown = v.isString() ? "\"" + v.toString() + "\"" : v.toString();
  if (is_object(v)) {
    shown = "an object";
  } else if (is_array(v)) {
    shown = "an array";
  }
  return "expected " + type + ", got " + shown.substr(0, 60);
}

struct Leaf {
  std::string path;
  bool present = false;
  Var value;
};

// Expands one path segment ("name", "name[]", "name{}", "$", "$[]") over the nodes.
std::vector<Leaf> step(const std::vector<Leaf>& nodes, const std::string& seg, bool last) {
  std::vector<Leaf> out;
  std::string name = seg;
  std::string suffix;
  if (seg.size() > 2 &&
      (seg.substr(seg.size() - 2) == "[]" || seg.substr(seg.size() - 2) == "{}")) {
    name = seg.substr(0, seg.size() - 2);
    suffix = seg.substr(seg.size() - 2);
  }
  for (const auto& n : nodes) {
    if (!n.present || n.value.isEmpty()) {
      continue;  // a missing or null parent is reported by its own rule
    }
    Leaf child = n;
    if (name != "$") {
      if (!is_object(n.value)) {
        continue;
      }
      Obj o = n.value.extract<Obj>();
      child.path = n.path.empty() ? name : n.path + "." + name;
      child.present = o->has(name);
      child.value = child.present ? o->get(name) : Var();
    }
    if (suffix.empty()) {
      if (child.present || last) {
        out.push_back(child);
      }
      continue;
    }
    if (!child.present || child.value.isEmpty()) {
      continue;
    }
    if (suffix == "[]" && is_array(child.value)) {
      Arr a = child.value.extract<Arr>();
      for (size_t i = 0; i < a->size(); ++i) {
        out.push_back(
            {child.path + "[" + std::to_string(i) + "]", true, a->get(static_cast<unsigned>(i))});
      }
    } else if (suffix == "{}" && is_object(child.value)) {
      Obj o = child.value.extract<Obj>();
      for (const auto& [k, v] : *o) {
        out.push_back({child.path + "{" + k + "}", true, v});
      }
    }
  }
  return out;
}

std::vector<Leaf> resolve(const Var& root, const std::string& root_path, const std::string& path) {
  std::vector<Leaf> nodes{{root_path, true, root}};
  auto segs = split(path, '.');
  for (size_t i = 0; i < segs.size(); ++i) {
    nodes = step(nodes, segs[i], i + 1 == segs.size());
  }
  return nodes;
}

void check_rules(const Contract& c, const std::vector<FieldRule>& rules, const Var& node,
                 const std::string& prefix, std::vector<std::string>* errs, int depth);

void check_leaf(const Contract& c, const FieldRule& r, const Leaf& leaf,
                std::vector<std::string>* errs, int depth) {
  bool nullable = r.presence == Presence::Null || r.presence == Presence::OptNull;
  bool optional = r.presence == Presence::Opt || r.presence == Presence::OptNull;
  if (!leaf.present) {
    if (!optional) {
      errs->push_back(leaf.path + ": missing");
    }
    return;
  }
  if (leaf.value.isEmpty()) {
    if (!nullable) {
      errs->push_back(leaf.path + ": null, but the spec does not allow null");
    }
    return;
  }
  if (std::string e = type_error(r.type, leaf.value); !e.empty()) {
    errs->push_back(leaf.path + ": " + e);
    return;
  }
  if (!r.allowed.empty() && leaf.value.isString() &&
      std::find(r.allowed.begin(), r.allowed.end(), leaf.value.toString()) == r.allowed.end()) {
    errs->push_back(leaf.path + ": \"" + leaf.value.toString() + "\" is not an allowed value");
  }
  if (r.nonempty && is_array(leaf.value) && leaf.value.extract<Arr>()->size() == 0) {
    errs->push_back(leaf.path + ": empty array (its items could not be checked)");
  }
  auto t = c.types.find(r.type);
  if (t != c.types.end()) {
    check_rules(c, t->second, leaf.value, leaf.path, errs, depth + 1);
  }
}

void check_rules(const Contract& c, const std::vector<FieldRule>& rules, const Var& node,
                 const std::string& prefix, std::vector<std::string>* errs, int depth) {
  if (depth > 16) {
    errs->push_back(prefix + ": types nest too deep");
    return;
  }
  for (const auto& r : rules) {
    for (const auto& leaf : resolve(node, prefix, r.path)) {
      check_leaf(c, r, leaf, errs, depth);
    }
  }
}

void check_shape(const EndpointContract& e, const Var& root, std::vector<std::string>* errs) {
  if (e.shape == "array") {
    if (!is_array(root)) {
      errs->push_back("$: expected a JSON array");
    }
    return;
  }
  if (!is_object(root)) {
    errs->push_back("$: expected a JSON object");
    return;
  }
  Obj o = root.extract<Obj>();
  if (e.shape == "envelope" || o->has("success")) {
    if (!o->has("success") || !o->get("success").isBoolean() || !o->getValue<bool>("success")) {
      errs->push_back("success: must be true");
    }
  }
  if (!o->has("data")) {
    errs->push_back("data: missing");
  }
  Obj meta = o->getObject("meta");
  if (meta.isNull() || !meta->has("requestId") || !meta->get("requestId").isString() ||
      meta->getValue<std::string>("requestId").rfind("req_", 0) != 0) {
    errs->push_back("meta.requestId: missing or not a req_ string");
  }
  if (e.shape != "page") {
    return;
  }
  for (const char* k : {"page", "perPage", "total", "totalPages"}) {
    if (!o->has(k) || !o->get(k).isInteger()) {
      errs->push_back(std::string(k) + ": missing or not an integer");
      return;
    }
  }
  int64_t total = o->getValue<int64_t>("total");
  int64_t per = o->getValue<int64_t>("perPage");
  int64_t pages = per > 0 ? (total + per - 1) / per : -1;
  if (o->getValue<int64_t>("totalPages") != pages) {
    errs->push_back("totalPages: not ceil(total / perPage)");
  }
}

void check_required(const EndpointContract& e, const Var& root, std::vector<std::string>* errs) {
  for (const auto& path : e.required_paths) {
    auto leaves = resolve(root, "", path);
    if (leaves.empty()) {
      errs->push_back(path + ": required for this call, but nothing to check (parent absent)");
    }
    for (const auto& l : leaves) {
      if (!l.present || l.value.isEmpty()) {
        errs->push_back(l.path + ": required for this call, but absent or null");
      }
    }
  }
}

}  // namespace

Contract parse_contract(const std::string& text) {
  Contract c;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  std::vector<FieldRule>* target = nullptr;
  EndpointContract* endpoint = nullptr;
  while (std::getline(in, line)) {
    ++n;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) {
      w.push_back(x);
    }
    if (w.empty()) {
      continue;
    }
    if (w[0] == "type" && w.size() == 2) {
      target = &c.types[w[1]];
      endpoint = nullptr;
    } else if (w[0] == "end" && w.size() == 1) {
      target = nullptr;
    } else if (w[0] == "endpoint" && w.size() == 4) {
      endpoint = &c.endpoints[w[1]];
      *endpoint = EndpointContract{w[1], std::stoi(w[2]), w[3], {}, {}};
      target = &endpoint->fields;
    } else if (w[0] == "require" && endpoint != nullptr) {
      endpoint->required_paths.insert(endpoint->required_paths.end(), w.begin() + 1, w.end());
    } else if (target != nullptr) {
      target->push_back(parse_rule(w, n));
    } else {
      throw std::runtime_error("fields line " + std::to_string(n) + ": outside type/endpoint");
    }
  }
  auto check_types = [&](const std::string& owner, const std::vector<FieldRule>& rules) {
    for (const auto& r : rules) {
      if (std::find(kPrimitives.begin(), kPrimitives.end(), r.type) == kPrimitives.end() &&
          !c.types.count(r.type)) {
        throw std::runtime_error(owner + ": unknown type " + r.type);
      }
    }
  };
  for (const auto& [name, rules] : c.types) {
    check_types(name, rules);
  }
  for (const auto& [name, e] : c.endpoints) {
    check_types(name, e.fields);
  }
  return c;
}

std::vector<std::string> check_response(const Contract& c, const EndpointContract& e, int status,
                                        const std::string& body) {
  std::vector<std::string> errs;
  if (status != e.status) {
    errs.push_back("status: expected " + std::to_string(e.status) + ", got " +
                   std::to_string(status));
  }
  Var root;
  try {
    root = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception& ex) {
    errs.push_back("body is not JSON: " + ex.message());
    return errs;
  }
  check_shape(e, root, &errs);
  check_rules(c, e.fields, root, "", &errs, 0);
  check_required(e, root, &errs);
  return errs;
}

}  // namespace ark::itest
