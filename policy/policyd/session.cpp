#include "policy/policyd/session.h"

#include <cstdlib>

#include "core/base/log.h"
#include "core/crypto/crypto.h"
#include "policy/policyd/protocol.h"

namespace ark::policyd {
namespace {

const std::string kUsernamePrompt = crypto::base64_encode("Username:");
const std::string kPasswordPrompt = crypto::base64_encode("Password:");

}  // namespace

std::vector<std::string> Session::greeting() const {
  return server_handshake(ids_.spid, ids_.cuid, ids_.cookie);
}

SessionOutput Session::close_now() {
  return {{}, true};
}

SessionOutput Session::fail_now(unsigned long id, std::string_view reason) {
  return {{fail_line(id, reason, false)}, false};
}

SessionOutput Session::on_line(std::string_view line) {
  Command cmd = parse_command(line);
  if (cmd.name == "VERSION") {
    if (cmd.args.empty() || cmd.args[0] != std::to_string(kProtocolMajor)) {
      base::log_warn("protocol_error", {{"what", "unsupported VERSION"}});
      return close_now();
    }
    version_ok_ = true;
    return {};
  }
  if (cmd.name == "AUTH") {
    return on_auth(cmd.args, line);
  }
  if (cmd.name == "CONT") {
    return on_cont(cmd.args);
  }
  return {};  // CPID and anything unknown: nothing to answer
}

SessionOutput Session::on_auth(const std::vector<std::string>& args, std::string_view raw) {
  auto auth = parse_auth(Command{"AUTH", args});
  if (!version_ok_ || !auth || pending_.size() >= kMaxOpenRequests) {
    base::log_warn("protocol_error", {{"what", !version_ok_ ? "AUTH before VERSION"
                                               : !auth      ? "malformed AUTH"
                                                            : "too many open requests"},
                                      {"bytes", raw.size()}});
    return close_now();
  }
  if (pending_.count(auth->id) != 0) {
    return fail_now(auth->id, "request id in use");
  }
  Pending p;
  p.request.mechanism = auth->mechanism;
  p.request.client_ip = auth->get("rip");
  p.request.secured = auth->has("secured");
  bool has_resp = auth->has("resp");
  if (auth->mechanism == "PLAIN") {
    p.step = Step::PlainResponse;
    if (!has_resp) {
      pending_[auth->id] = std::move(p);
      return {{cont_line(auth->id, "")}, false};
    }
  } else if (auth->mechanism == "LOGIN") {
    p.step = Step::LoginUsername;
    if (!has_resp || auth->get("resp").empty()) {
      pending_[auth->id] = std::move(p);
      return {{cont_line(auth->id, kUsernamePrompt)}, false};
    }
  } else {
    return fail_now(auth->id, "unsupported mechanism");
  }
  return advance(auth->id, std::move(p), auth->get("resp"));
}

SessionOutput Session::on_cont(const std::vector<std::string>& args) {
  if (args.empty()) {
    return {};
  }
  unsigned long id = std::strtoul(args[0].c_str(), nullptr, 10);
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    return {};  // a stale or unknown request: nothing waits for an answer
  }
  Pending p = std::move(it->second);
  pending_.erase(it);
  return advance(id, std::move(p), args.size() > 1 ? args[1] : std::string());
}

SessionOutput Session::advance(unsigned long id, Pending&& p, const std::string& data) {
  auto decoded = crypto::base64_decode(data);
  if (!decoded) {
    return fail_now(id, "invalid base64 data");
  }
  switch (p.step) {
    case Step::PlainResponse:
      return plain(id, std::move(p), *decoded);
    case Step::LoginUsername:
      p.request.username = std::move(*decoded);
      p.step = Step::LoginPassword;
      pending_[id] = std::move(p);
      return {{cont_line(id, kPasswordPrompt)}, false};
    case Step::LoginPassword:
      p.request.password = std::move(*decoded);
      return finish(id, p.request);
  }
  return close_now();
}

SessionOutput Session::plain(unsigned long id, Pending&& p, const std::string& decoded) {
  size_t first = decoded.find('\0');
  size_t second = first == std::string::npos ? first : decoded.find('\0', first + 1);
  if (second == std::string::npos || decoded.find('\0', second + 1) != std::string::npos) {
    return fail_now(id, "invalid PLAIN response");
  }
  p.request.authzid = decoded.substr(0, first);
  p.request.username = decoded.substr(first + 1, second - first - 1);
  p.request.password = decoded.substr(second + 1);
  return finish(id, p.request);
}

SessionOutput Session::finish(unsigned long id, const AuthRequest& request) {
  AuthResult r = auth_.authenticate(request);
  switch (r.kind) {
    case AuthResult::Kind::Ok:
      return {{ok_line(id, r.user)}, false};
    case AuthResult::Kind::Fail:
      return {{fail_line(id, r.reason, r.temp)}, false, true};
    case AuthResult::Kind::Unavailable:
      break;
  }
  return close_now();
}

}  // namespace ark::policyd
