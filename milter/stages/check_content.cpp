#include "milter/stages/check_content.h"

#include <strings.h>

#include "core/mail/address.h"
#include "policy/engine/metadata.h"

namespace ark::milter {
namespace {

bool is(std::string_view name, std::string_view want) {
  return name.size() == want.size() && strncasecmp(name.data(), want.data(), name.size()) == 0;
}

}  // namespace

std::string unfold_header(std::string_view value) {
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

void CheckContent::collect(SendState& send, std::string_view name, std::string_view value) {
  send.header_bytes += static_cast<int64_t>(name.size() + value.size() + 4);  // ": " + CRLF
  if (is(name, "From")) {
    send.from_values.push_back(unfold_header(value));
  } else if (is(name, "Subject")) {
    send.subject = unfold_header(value);
  } else if (is(name, "Message-ID")) {
    send.message_id_hdr = unfold_header(value);
  } else if (is(name, kTagHeader)) {
    send.tag_values.push_back(unfold_header(value));
  } else if (is(name, kMetadataHeader)) {
    send.metadata_values.push_back(unfold_header(value));
  }
}

Decision CheckContent::run(MessageState& state) const {
  SendState& s = state.send;
  if (!s.tag_values.empty()) {
    if (s.tag_values.size() > 1 || !policy::validate_tag(s.tag_values[0]).ok()) {
      return from_policy(policy::decide(policy::Code::BadTag));
    }
    s.tag = s.tag_values[0];
  }
  if (!s.metadata_values.empty()) {
    auto m = policy::parse_metadata_json(s.metadata_values[0]);
    if (s.metadata_values.size() > 1 || !m || !policy::validate_metadata(*m).ok()) {
      return from_policy(policy::decide(policy::Code::BadMetadata));
    }
    s.metadata_json = policy::metadata_json(*m);
  }
  return check_from(s);
}

Decision CheckContent::check_from(SendState& s) const {
  std::string address;
  if (s.from_values.size() == 1) {
    auto mb = mail::parse_mailbox(s.from_values[0]);
    if (mb) {
      address = mb->address;
    }
  }
  const policy::SandboxRules& sandbox = settings_.policy.rules.sandbox;
  policy::DomainFacts facts;
  std::string domain = policy::domain_of(address);
  if (!domain.empty() && !policy::is_sandbox_sender(address, sandbox)) {
    auto found = store_.domain(s.tenant_id, domain);
    if (!found) {
      return store_failure(found.error(), settings_.on_internal_error, "eoh");
    }
    facts = *found;
  }
  return from_policy(policy::check_from_header(address, facts, sandbox));
}

}  // namespace ark::milter
