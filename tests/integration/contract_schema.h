// The contract field table (tests/fixtures/contract/fields.txt): parsing, and checking a
// response body against one endpoint's entry (envelope or flat page shape, every listed
// field's presence, JSON type, nullability and enum values, nested objects and arrays).
//
// Thread-safety: test code; a parsed Contract is immutable.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <map>
#include <string>
#include <vector>

namespace ark::itest {

enum class Presence { Req, Null, Opt, OptNull };

struct FieldRule {
  std::string path;  // dotted, relative to the owner (endpoint root or type)
  std::string type;  // primitive or a type name
  Presence presence = Presence::Req;
  bool nonempty = false;
  std::vector<std::string> allowed;  // enum values; empty: any
};

struct EndpointContract {
  std::string name;
  int status = 200;
  std::string shape;  // envelope | page | array
  std::vector<FieldRule> fields;
  std::vector<std::string> required_paths;  // `require` lines
};

struct Contract {
  std::map<std::string, std::vector<FieldRule>> types;
  std::map<std::string, EndpointContract> endpoints;
};

// Throws std::runtime_error naming the line for a malformed table.
Contract parse_contract(const std::string& text);

// Every violation as one line ("data.id: missing"); empty when the body conforms.
std::vector<std::string> check_response(const Contract& c, const EndpointContract& e, int status,
                                        const std::string& body);

}  // namespace ark::itest
