// SendState: the send-policy part of one SMTP transaction's state (issue 4), kept inside
// MessageState and reset with it (at MAIL, abort and end of message).
//
// Source: how the message is bound to a tenant.
//   None   nothing yet: an API submission (bound by X-Ark-Binding at end of headers) or an
//          unbound message (rejected there)
//   Login  SMTP AUTH: policyd's login {auth_authen} "{tenantId}/{credential name}"
//   Relay  the trusted relay listener ({daemon_name} = relay.daemon_name): relay.tenant
//   Api    the binding verified
// Login and Relay mail is "SMTP-submitted": the milter creates its messages/emails rows.
//
// Thread-safety: used by one libmilter worker at a time (the connection's); not shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/engine/decision.h"
#include "policy/engine/rules.h"

namespace ark::milter {

enum class SendSource { None, Login, Relay, Api };

struct RcptState {
  std::string address;
  std::string email_id;
  policy::Decision decision;  // Allow, or the hold decided at RCPT
};

struct SendState {
  SendSource source = SendSource::None;
  std::string tenant_id;
  std::optional<policy::CredentialFacts> credential;
  std::string sender;  // envelope sender
  bool sandbox = false;
  std::optional<policy::Decision> message_hold;  // holds every recipient (credential held)
  std::vector<RcptState> rcpts;
  std::optional<bool> held_class;  // the class of the transaction's first accepted recipient
  // Collected headers (SMTP-submitted mail).
  std::vector<std::string> from_values;
  std::string subject;
  std::string message_id_hdr;
  std::vector<std::string> tag_values;
  std::vector<std::string> metadata_values;
  std::optional<std::string> tag;
  std::optional<std::string> metadata_json;
  int64_t header_bytes = 0;
  int64_t body_bytes = 0;

  bool smtp_submitted() const { return source == SendSource::Login || source == SendSource::Relay; }
};

}  // namespace ark::milter
