#include "admind/events/fanout.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "admind/events/envelope.h"

namespace ark::events {

namespace {

bool listed(const std::vector<std::string>& events, std::string_view type) {
  return std::find(events.begin(), events.end(), type) != events.end();
}

constexpr std::pair<Target::Kind, std::string_view> kPrefixes[] = {
    {Target::Kind::Tenant, "tenant:"},
    {Target::Kind::Platform, "platform:"},
    {Target::Kind::Sink, "sink:"}};

}  // namespace

bool tenant_webhook_wants(const Subscription& s, std::string_view type) {
  return s.all_events || listed(s.events, type);
}

bool platform_webhook_wants(const Subscription& s, std::string_view type) {
  return s.events.empty() || listed(s.events, type);
}

std::vector<std::string> parse_event_list(std::string_view json) {
  std::vector<std::string> out;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(std::string(json));
    auto array = v.extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < array->size(); ++i) {
      Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
      if (item.isString()) {
        out.push_back(item.toString());
      }
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

std::string Target::text() const {
  for (const auto& [kind_, prefix] : kPrefixes) {
    if (kind_ == kind) {
      return std::string(prefix) + id;
    }
  }
  return id;
}

std::optional<Target> Target::parse(std::string_view text) {
  for (const auto& [kind, prefix] : kPrefixes) {
    if (text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix) {
      return Target{kind, std::string(text.substr(prefix.size()))};
    }
  }
  return std::nullopt;
}

base::Result<std::vector<JobSpec>> plan_jobs(const OutboxEvent& e,
                                             const std::vector<std::string>& tenant_hooks,
                                             const std::vector<std::string>& platform_hooks,
                                             const std::vector<std::string>& sinks,
                                             const WebhookSigner* signer) {
  if ((!tenant_hooks.empty() || !platform_hooks.empty()) && signer == nullptr) {
    return base::Error::invalid("no webhook signing key loaded");
  }
  std::vector<JobSpec> jobs;
  EnvelopeFields fields{e.type, std::nullopt, e.occurred_us, e.uuid, e.payload_json};
  auto add_signed = [&](const std::vector<std::string>& hooks, Target::Kind kind,
                        const std::string& body) -> base::Status {
    if (hooks.empty()) {
      return {};
    }
    auto signature = signer->sign(body);
    if (!signature) {
      return signature.error();
    }
    for (const std::string& id : hooks) {
      jobs.push_back({Target{kind, id}.text(), body, *signature});
    }
    return {};
  };
  base::Status st = add_signed(tenant_hooks, Target::Kind::Tenant, build_envelope(fields));
  if (!st) {
    return st.error();
  }
  fields.tenant_id = e.tenant_id;
  std::string platform_body = build_envelope(fields);
  st = add_signed(platform_hooks, Target::Kind::Platform, platform_body);
  if (!st) {
    return st.error();
  }
  for (const std::string& name : sinks) {
    jobs.push_back({Target{Target::Kind::Sink, name}.text(), platform_body, std::nullopt});
  }
  return jobs;
}

}  // namespace ark::events
