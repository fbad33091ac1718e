#include "admind/send/send_service.h"

#include <algorithm>
#include <cctype>

#include "admind/send/mime_builder.h"
#include "core/base/log.h"
#include "core/crypto/crypto.h"
#include "core/domain/ids.h"
#include "core/mail/binding.h"
#include "core/mail/return_path.h"

namespace ark::admind::send {
namespace {

using http::ApiError;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

ApiError store_error(const base::Error& e) {
  if (e.kind == base::ErrorKind::NotFound) {
    return ApiError::not_found(e.message);
  }
  return http::api_error_from(e);
}

}  // namespace

ApiError api_error_of(const policy::Decision& d) {
  return {d.api.status, d.api.error_code, d.smtp.text, {}, {}};
}

std::variant<std::string, ApiError> SendService::resolve_tenant(const SendSpec& spec,
                                                                const http::Principal& who) {
  if (!who.org_level()) {
    if (spec.tenant_id && *spec.tenant_id != who.tenant_id) {
      return ApiError::permission_denied("this key is scoped to another tenant");
    }
    return who.tenant_id;
  }
  if (spec.tenant_id) {
    return *spec.tenant_id;
  }
  if (!policy::is_sandbox_sender(spec.from.address, settings_.policy.rules.sandbox)) {
    auto owner = store_.domain_owner(spec.from.domain);
    if (!owner) {
      return store_error(owner.error());
    }
    if (*owner) {
      return **owner;
    }
  }
  if (!settings_.default_tenant.empty()) {
    return settings_.default_tenant;
  }
  return ApiError::unprocessable("domain_not_verified",
                                 "the from domain is not a verified domain of any tenant; pass "
                                 "tenantId or verify the domain",
                                 "from");
}

std::optional<ApiError> SendService::check_domains(const SendSpec& spec,
                                                   const std::string& tenant) {
  const policy::SandboxRules& sandbox = settings_.policy.rules.sandbox;
  std::vector<std::pair<std::string, bool>> addresses = {{spec.from.address, false}};
  if (!spec.raw.empty()) {
    auto from = mail::parse_mailbox(header_value(spec.raw, "From").value_or(""));
    addresses.push_back({from ? from->address : std::string(), true});
  }
  for (const auto& [address, header] : addresses) {
    policy::DomainFacts facts;
    std::string domain = policy::domain_of(address);
    if (!domain.empty() && !policy::is_sandbox_sender(address, sandbox)) {
      auto f = store_.domain(tenant, domain);
      if (!f) {
        return store_error(f.error());
      }
      facts = *f;
    }
    policy::Decision d = header ? policy::check_from_header(address, facts, sandbox)
                                : policy::check_sender(address, facts, sandbox);
    if (d.rejected()) {
      return api_error_of(d);
    }
  }
  return std::nullopt;
}

std::optional<ApiError> SendService::check_sandbox(const SendSpec& spec,
                                                   const std::string& tenant) {
  const policy::SandboxRules& rules = settings_.policy.rules.sandbox;
  for (const auto& r : spec.envelope()) {
    if (auto d = policy::check_sandbox_recipient(r, rules); d.rejected()) {
      return api_error_of(d);
    }
  }
  auto used = store_.sandbox_used(tenant, clock_.now_s());
  if (!used) {
    return store_error(used.error());
  }
  auto n = static_cast<int64_t>(spec.envelope().size());
  if (auto d = policy::check_sandbox_allowance(*used, n, rules); d.rejected()) {
    return api_error_of(d);
  }
  return std::nullopt;
}

std::optional<ApiError> SendService::check(const SendSpec& spec, const std::string& tenant,
                                           bool* sandbox) {
  auto status = store_.tenant_status(tenant);
  if (!status) {
    return store_error(status.error());
  }
  if (auto d = policy::check_tenant(*status); d.rejected()) {
    return api_error_of(d);
  }
  if (auto e = check_domains(spec, tenant)) {
    return e;
  }
  *sandbox = policy::is_sandbox_sender(spec.from.address, settings_.policy.rules.sandbox);
  if (*sandbox) {
    if (auto e = check_sandbox(spec, tenant)) {
      return e;
    }
  }
  if (auto d = policy::check_size(spec.content_size(), settings_.policy.rules); d.rejected()) {
    return api_error_of(d);
  }
  return std::nullopt;
}

SendService::Part SendService::make_part(const SendSpec& spec, const Plan& plan,
                                         std::vector<NewRecipient> rcpts) {
  Part p;
  NewSubmission& r = p.record;
  r.message_id = domain::new_message_id();
  r.tenant_id = plan.tenant_id;
  r.envelope_from = spec.from.address;
  r.message_id_hdr = plan.message_id_hdr;
  r.tag = spec.tag;
  if (spec.metadata) {
    r.metadata_json = policy::metadata_json(*spec.metadata);
  }
  r.rcpts = std::move(rcpts);
  int64_t now = clock_.now_s();
  std::string binding =
      mail::sign_binding({r.message_id, r.tenant_id, now}, settings_.binding_secret);
  std::string text;
  if (spec.raw.empty()) {
    r.from_header = spec.from_text;
    r.subject = spec.subject;
    text = build_mime(spec, {r.message_id_hdr, now, binding, crypto::random_alnum(24, false)});
    r.raw_message = text.substr(text.find("\r\n") + 2);  // without the binding line
  } else {
    r.from_header = header_value(spec.raw, "From").value_or(spec.from_text);
    r.subject = header_value(spec.raw, "Subject").value_or("");
    text = with_binding(spec.raw, binding);
    r.raw_message = text.substr(text.find("\r\n") + 2);
  }
  p.envelope.from = settings_.return_path_host.empty()
                        ? spec.from.address
                        : mail::make_return_path(r.message_id, settings_.return_path_host,
                                                 settings_.binding_secret);
  for (const auto& rc : r.rcpts) {
    p.envelope.rcpts.push_back(rc.address);
  }
  p.envelope.text = std::move(text);
  return p;
}

std::variant<SendService::Plan, ApiError> SendService::prepare(const SendSpec& spec,
                                                               const http::Principal& who) {
  auto tenant = resolve_tenant(spec, who);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  Plan plan;
  plan.tenant_id = std::get<std::string>(tenant);
  if (auto e = check(spec, plan.tenant_id, &plan.sandbox)) {
    return *e;
  }
  std::vector<std::string> rcpts = spec.envelope();
  auto suppressed = store_.suppressed(plan.tenant_id, rcpts);
  if (!suppressed) {
    return store_error(suppressed.error());
  }
  std::string hdr = spec.raw.empty() ? "" : header_value(spec.raw, "Message-ID").value_or("");
  plan.message_id_hdr =
      hdr.empty() ? "<" + domain::new_message_id() + "@" + settings_.message_id_domain + ">" : hdr;
  plan.first_to = lower(spec.to.front());
  std::vector<NewRecipient> deliverable;
  std::vector<NewRecipient> kept;
  for (const auto& r : rcpts) {
    auto it = suppressed->find(lower(r));
    if (it == suppressed->end()) {
      deliverable.push_back({r, "", ""});
    } else {
      policy::Decision d = policy::check_recipient(r, true, it->second);
      kept.push_back({r, std::string(d.reason()), d.detail});
    }
  }
  for (auto* group : {&deliverable, &kept}) {
    if (!group->empty()) {
      plan.parts.push_back(make_part(spec, plan, std::move(*group)));
    }
  }
  return plan;
}

SendResult SendService::settle(Plan& plan, const std::vector<SubmitOutcome>& outcomes,
                               size_t first) {
  Accepted ok;
  ok.tenant_id = plan.tenant_id;
  ok.sandbox = plan.sandbox;
  ok.message_id_hdr = plan.message_id_hdr;
  std::optional<ApiError> error;
  for (size_t i = 0; i < plan.parts.size(); ++i) {
    Part& part = plan.parts[i];
    const SubmitOutcome& o = outcomes[first + i];
    if (o.accepted) {
      for (size_t k = 0; k < part.record.rcpts.size(); ++k) {
        ok.to.push_back(part.record.rcpts[k].address);
        if (lower(part.record.rcpts[k].address) == plan.first_to) {
          ok.id = part.email_ids[k];
        }
      }
      continue;
    }
    base::log_warn("submit_failed", {{"message", part.record.message_id},
                                     {"tenant", plan.tenant_id},
                                     {"code", o.code},
                                     {"reason", o.reply}});
    if (base::Status gone = store_.discard(part.record.message_id); !gone) {
      base::log_error("discard_failed",
                      {{"message", part.record.message_id}, {"reason", gone.error().message}});
    }
    auto d = policy::decision_for_reply(o.code, o.reply);
    error = d ? api_error_of(*d)
            : o.transient
                ? ApiError::unavailable("the mail system is not accepting messages right now")
                : ApiError::internal("the mail system refused the message");
  }
  if (ok.id.empty()) {
    return error.value_or(ApiError::internal("no recipient was accepted"));
  }
  base::log_info(
      "email_submitted",
      {{"tenant", plan.tenant_id}, {"first", ok.id}, {"rcpts", static_cast<int>(ok.to.size())}});
  return ok;
}

std::vector<SendResult> SendService::send_many(const std::vector<const SendSpec*>& specs,
                                               const http::Principal& who) {
  std::vector<SendResult> results(specs.size(), ApiError::internal("not sent"));
  std::vector<std::optional<Plan>> plans(specs.size());
  std::vector<Envelope> envelopes;
  for (size_t i = 0; i < specs.size(); ++i) {
    auto p = prepare(*specs[i], who);
    if (auto* e = std::get_if<ApiError>(&p)) {
      results[i] = *e;
      continue;
    }
    Plan& plan = plans[i].emplace(std::move(std::get<Plan>(p)));
    bool recorded = true;
    for (Part& part : plan.parts) {
      auto ids = recorded
                     ? store_.create(part.record)
                     : base::Result<std::vector<std::string>>(base::Error::internal("skipped"));
      if (!ids) {
        results[i] = store_error(ids.error());
        recorded = false;
        continue;
      }
      part.email_ids = std::move(*ids);
    }
    if (!recorded) {
      for (Part& part : plan.parts) {
        if (!part.email_ids.empty()) {
          (void)store_.discard(part.record.message_id);
        }
      }
      plans[i].reset();
      continue;
    }
    for (Part& part : plan.parts) {
      envelopes.push_back(part.envelope);
    }
  }
  std::vector<SubmitOutcome> outcomes = smtp_.submit(envelopes);
  size_t next = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (plans[i]) {
      results[i] = settle(*plans[i], outcomes, next);
      next += plans[i]->parts.size();
    }
  }
  return results;
}

SendResult SendService::send(const SendSpec& spec, const http::Principal& who) {
  return send_many({&spec}, who).front();
}

std::optional<policy::Window> SendService::hourly(const std::string& tenant_id) {
  auto w = store_.usage(tenant_id, clock_.now_s(), settings_.policy.default_limits);
  if (!w || w->empty()) {
    return std::nullopt;
  }
  return w->front();
}

}  // namespace ark::admind::send
