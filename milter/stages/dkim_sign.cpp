#include "milter/stages/dkim_sign.h"

#include <strings.h>

#include "core/base/log.h"
#include "core/mail/address.h"
#include "milter/dkim/signer.h"

namespace ark::milter {
namespace {

// Header values reach us folded (CRLF or LF + WSP); an address parser wants one line.
std::string unfold(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c != '\r' && c != '\n') {
      out.push_back(c);
    }
  }
  size_t b = out.find_first_not_of(" \t");
  size_t e = out.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

void log_outcome(const MessageState& state, std::string_view from, std::string_view d,
                 std::string_view s, std::string_view result, std::string_view reason) {
  base::log_info("dkim", {{"qid", state.queue_id},
                          {"tenant", signing_tenant(state)},
                          {"from_domain", from},
                          {"d", d},
                          {"s", s},
                          {"result", result},
                          {"reason", reason}});
}

}  // namespace

std::string signing_tenant(const MessageState& state) {
  return state.bound ? state.binding.tenant_id : std::string();
}

std::optional<std::string> from_domain(const std::vector<dkim::Header>& headers,
                                       std::string* reason) {
  const dkim::Header* from = nullptr;
  for (const auto& h : headers) {
    if (strcasecmp(h.name.c_str(), "from") == 0) {
      if (from != nullptr) {
        *reason = "several_from";
        return std::nullopt;
      }
      from = &h;
    }
  }
  if (from == nullptr) {
    *reason = "no_from";
    return std::nullopt;
  }
  auto mailbox = mail::parse_mailbox(unfold(from->value));
  if (!mailbox || mailbox->domain.empty()) {
    *reason = "from_unparsable";
    return std::nullopt;
  }
  return mailbox->domain;
}

DkimOutcome DkimSign::run(MessageState& state, const std::string* replaced_body) const {
  if (!active()) {
    return {};
  }
  std::string tenant = signing_tenant(state);
  if (tenant.empty()) {
    log_outcome(state, "", "", "", "unsigned", "no_tenant");
    return {};
  }
  std::string reason;
  auto domain = from_domain(state.dkim.headers, &reason);
  if (!domain) {
    log_outcome(state, "", "", "", "unsigned", reason);
    return {};
  }
  auto signer = keys_->find(tenant, *domain);
  if (!signer) {
    return error(state, *domain, signer.error().message);
  }
  if (!*signer) {
    log_outcome(state, *domain, "", "", "unsigned", "no_verified_domain");
    return {};
  }
  return sign(state, **signer, *domain, replaced_body);
}

DkimOutcome DkimSign::sign(MessageState& state, const DomainSigner& signer, const std::string& from,
                           const std::string* replaced_body) const {
  std::string body_hash =
      replaced_body != nullptr ? dkim::relaxed_body_hash(*replaced_body) : state.dkim.body.finish();
  dkim::SignParams params;
  params.domain = signer.domain;
  params.timestamp = clock_.now_s();
  params.eol = "\n";
  if (!settings_.signed_headers.empty()) {
    params.signed_headers = settings_.signed_headers;
  }
  DkimOutcome out;
  std::string selectors;
  auto add = [&](const dkim::SigningKey& key, const std::string& selector) {
    params.selector = selector;
    auto value = dkim::sign_with_body_hash(state.dkim.headers, body_hash, key, params);
    if (!value) {
      return value.error().message;
    }
    out.edits.push_back({HeaderEdit::Kind::Insert, std::string(kDkimHeader), 0, *value});
    selectors += selectors.empty() ? selector : "," + selector;
    return std::string();
  };
  std::string failed = add(*signer.rsa, signer.rsa_selector);
  if (failed.empty() && settings_.ed25519 && signer.ed25519) {
    failed = add(*signer.ed25519, signer.ed25519_selector);
  }
  if (!failed.empty()) {
    return error(state, from, failed);
  }
  log_outcome(state, from, signer.domain, selectors, "signed", "");
  return out;
}

DkimOutcome DkimSign::error(const MessageState& state, const std::string& from_domain,
                            const std::string& what) const {
  base::log_error("dkim", {{"qid", state.queue_id},
                           {"tenant", signing_tenant(state)},
                           {"from_domain", from_domain},
                           {"result", "error"},
                           {"what", what},
                           {"action", settings_.tempfail_on_error ? "tempfail" : "unsigned"}});
  if (!settings_.tempfail_on_error) {
    return {};
  }
  return {Decision::tempfail("DKIM signing failed temporarily, try again later", "dkim_error"), {}};
}

}  // namespace ark::milter
