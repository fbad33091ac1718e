// The Dovecot authentication protocol, version 1 (server side), as Postfix's
// `smtpd_sasl_type = dovecot` client speaks it: line-based, LF-terminated, fields separated
// by TAB. Pure parsing and formatting; the conversation lives in session.h.
//
//   S: VERSION 1 2 / MECH PLAIN plaintext / MECH LOGIN plaintext / SPID n / CUID n /
//      COOKIE hex / DONE                                  (sent at connect)
//   C: VERSION 1 x / CPID n
//   C: AUTH id mech service=smtp nologin lip=a rip=b [secured] [resp=base64]
//   S: CONT id base64 | OK id user=name | FAIL id reason=text [temp]
//   C: CONT id base64
//
// Values use Dovecot's tab-escaping: \001 followed by 0 (NUL), 1 (\001), t (TAB), r (CR),
// l (LF); any other character stands for itself. Optional AUTH parameters are name=value
// pairs or bare booleans; unknown ones are ignored (the protocol says so).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ark::policyd {

inline constexpr int kProtocolMajor = 1;
inline constexpr int kProtocolMinor = 2;
inline constexpr size_t kMaxLineLength = 16384;  // Dovecot's expectation for one command

struct Command {
  std::string name;
  std::vector<std::string> args;  // unescaped
};

// Splits one line (without its LF) into the command name and unescaped arguments.
Command parse_command(std::string_view line);

std::string escape_value(std::string_view value);
std::string unescape_value(std::string_view value);

// An AUTH command's fields. nullopt when the id or mechanism is missing or the id is not a
// decimal number.
struct AuthCommand {
  unsigned long id = 0;
  std::string mechanism;                      // upper-cased
  std::map<std::string, std::string> params;  // "secured" -> "" for booleans
  bool has(const std::string& name) const { return params.count(name) != 0; }
  std::string get(const std::string& name) const;
};
std::optional<AuthCommand> parse_auth(const Command& cmd);

// The server's handshake lines, each without LF.
std::vector<std::string> server_handshake(unsigned long spid, unsigned long cuid,
                                          std::string_view cookie_hex);

std::string ok_line(unsigned long id, std::string_view user);
// temp: marks a temporary failure (Dovecot clients may retry later). Postfix 3.7 ignores the
// flag and answers 535 5.7.8 with the reason; only a closed connection gives its 454 4.7.0.
std::string fail_line(unsigned long id, std::string_view reason, bool temp);
std::string cont_line(unsigned long id, std::string_view base64_challenge);

}  // namespace ark::policyd
