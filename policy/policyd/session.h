// Session: one client connection of ark-policyd as a pure state machine over protocol
// lines (protocol.h), so the whole conversation is unit-tested with transcripts and the
// socket code (listener.h) only moves lines.
//
// Conversation: the server greets first (greeting()); the client must send VERSION with
// major 1 before any AUTH (otherwise the connection is closed) and then CPID. Each AUTH
// starts a request identified by its id; several may be open at once (bounded).
//   PLAIN (RFC 4616): "authzid NUL authcid NUL password", from resp= or from the CONT
//     that follows an empty challenge.
//   LOGIN: CONT "Username:" then CONT "Password:" (base64), answered by CONT lines; an
//     initial resp= is the username (what Postfix sends for "AUTH LOGIN <b64>").
// Answers: OK id user=<login>, FAIL id reason=<text> [temp], CONT id <challenge>.
// Bad base64, a malformed PLAIN response or an unknown mechanism fail that request only.
// A protocol violation (AUTH before VERSION, wrong major version, a malformed AUTH line,
// too many open requests) and internal trouble (the store unreachable) close the
// connection without a reply: Postfix answers the client 454 4.7.0 and reconnects
// (style.md §4). Unknown commands are ignored, as the protocol asks.
//
// Ownership: borrows the authenticator. Thread-safety: one session per connection, used by
// that connection's thread only.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policyd/authenticator.h"

namespace ark::policyd {

struct SessionOutput {
  std::vector<std::string> lines;  // each without LF
  bool close = false;              // close the connection after writing `lines`
  bool failed = false;             // an authentication failed: the listener delays the reply
};

struct HandshakeIds {
  unsigned long spid = 0;  // our process id
  unsigned long cuid = 0;  // this connection's number
  std::string cookie;      // 32 hex characters
};

inline constexpr size_t kMaxOpenRequests = 16;

class Session {
 public:
  Session(const Authenticator& auth, HandshakeIds ids) : auth_(auth), ids_(std::move(ids)) {}

  std::vector<std::string> greeting() const;
  SessionOutput on_line(std::string_view line);

 private:
  enum class Step { PlainResponse, LoginUsername, LoginPassword };
  struct Pending {
    Step step = Step::PlainResponse;
    AuthRequest request;
  };

  SessionOutput on_auth(const std::vector<std::string>& args, std::string_view raw);
  SessionOutput on_cont(const std::vector<std::string>& args);
  SessionOutput advance(unsigned long id, Pending&& p, const std::string& data);
  SessionOutput plain(unsigned long id, Pending&& p, const std::string& decoded);
  SessionOutput finish(unsigned long id, const AuthRequest& request);
  static SessionOutput fail_now(unsigned long id, std::string_view reason);
  static SessionOutput close_now();

  const Authenticator& auth_;
  HandshakeIds ids_;
  bool version_ok_ = false;
  std::map<unsigned long, Pending> pending_;
};

}  // namespace ark::policyd
