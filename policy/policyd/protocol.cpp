#include "policy/policyd/protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ark::policyd {

std::string escape_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\0':
        out += "\0010";
        break;
      case '\001':
        out += "\0011";
        break;
      case '\t':
        out += "\001t";
        break;
      case '\r':
        out += "\001r";
        break;
      case '\n':
        out += "\001l";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string unescape_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\001' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    char e = value[++i];
    switch (e) {
      case '0':
        out += '\0';
        break;
      case '1':
        out += '\001';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'l':
        out += '\n';
        break;
      default:
        out += e;
    }
  }
  return out;
}

Command parse_command(std::string_view line) {
  Command cmd;
  size_t start = 0;
  bool first = true;
  while (start <= line.size()) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      tab = line.size();
    }
    std::string_view field = line.substr(start, tab - start);
    if (first) {
      cmd.name = std::string(field);
      first = false;
    } else {
      cmd.args.push_back(unescape_value(field));
    }
    start = tab + 1;
  }
  return cmd;
}

std::string AuthCommand::get(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::optional<AuthCommand> parse_auth(const Command& cmd) {
  if (cmd.name != "AUTH" || cmd.args.size() < 2) {
    return std::nullopt;
  }
  AuthCommand a;
  const std::string& id = cmd.args[0];
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), a.id);
  if (id.empty() || ec != std::errc() || p != id.data() + id.size()) {
    return std::nullopt;
  }
  a.mechanism = cmd.args[1];
  if (a.mechanism.empty()) {
    return std::nullopt;
  }
  std::transform(a.mechanism.begin(), a.mechanism.end(), a.mechanism.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (size_t i = 2; i < cmd.args.size(); ++i) {
    const std::string& p2 = cmd.args[i];
    size_t eq = p2.find('=');
    if (eq == std::string::npos) {
      a.params[p2] = "";
    } else {
      a.params[p2.substr(0, eq)] = p2.substr(eq + 1);
    }
  }
  return a;
}

std::vector<std::string> server_handshake(unsigned long spid, unsigned long cuid,
                                          std::string_view cookie_hex) {
  return {
      "VERSION\t" + std::to_string(kProtocolMajor) + "\t" + std::to_string(kProtocolMinor),
      "MECH\tPLAIN\tplaintext",
      "MECH\tLOGIN\tplaintext",
      "SPID\t" + std::to_string(spid),
      "CUID\t" + std::to_string(cuid),
      "COOKIE\t" + std::string(cookie_hex),
      "DONE",
  };
}

std::string ok_line(unsigned long id, std::string_view user) {
  return "OK\t" + std::to_string(id) + "\tuser=" + escape_value(user);
}

std::string fail_line(unsigned long id, std::string_view reason, bool temp) {
  std::string line = "FAIL\t" + std::to_string(id) + "\treason=" + escape_value(reason);
  if (temp) {
    line += "\ttemp";
  }
  return line;
}

std::string cont_line(unsigned long id, std::string_view base64_challenge) {
  return "CONT\t" + std::to_string(id) + "\t" + std::string(base64_challenge);
}

}  // namespace ark::policyd
