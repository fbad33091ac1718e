// The send endpoints' request bodies (api.md §4.1 #5-7, §2.14, §6.3) read into SendSpec, a
// plain value the send service works on. Every rule of the contract is checked here, with
// the spec's errors: 400 validation_error naming the field, 400 invalid_email_format for
// a bad address; the size limits of §6.3 with 413 payload_too_large for the whole message
// (the engine's message_too_large).
//
//   POST /emails        from, to (1-50), cc/bcc (<=50 each), replyTo, subject (1-998 chars,
//                       one line), html/text (<= 5,242,880 chars each, one required; text is
//                       made from html when absent), headers (extra MIME headers: no Ark,
//                       address, MIME or structural header, one-line values), attachments
//                       ({content base64, contentType, filename}, each <= 10 MB decoded),
//                       tag (<= 1000 chars), metadata (§2.14), tenantId; whole <= 14 MB
//   POST /emails/batch  from and 1-100 items {to, subject, html, text, tag, metadata};
//                       <= 1000 recipients in all. An item breaking a rule is a failed
//                       entry (ItemResult), not a request error.
//   POST /emails/raw    from, to (>=1, <= 50), rawMessage (base64 of RFC 5322 text), bounce
// Recipients: every distinct address of to, cc and bcc (case-insensitive) becomes one email
// (behaviour.md Appendix C.16); `envelope` lists them in that order.
//
// Thread-safety: pure functions over the parsed JSON.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "admind/http/api_error.h"
#include "core/mail/address.h"
#include "policy/engine/metadata.h"

namespace ark::admind::send {

inline constexpr size_t kMaxBodyChars = 5242880;
inline constexpr size_t kMaxAttachmentBytes = 10 * 1024 * 1024;
inline constexpr size_t kMaxRecipientsPerField = 50;
inline constexpr size_t kMaxBatchItems = 100;
inline constexpr size_t kMaxBatchRecipients = 1000;

struct Attachment {
  std::string filename;
  std::string content_type;
  std::string data;  // decoded bytes
};

struct SendSpec {
  std::string from_text;  // as given (may carry a display name)
  mail::Mailbox from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> bcc;
  std::optional<std::string> reply_to;
  std::string subject;
  std::string html;
  std::string text;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<Attachment> attachments;
  std::optional<std::string> tag;
  std::optional<policy::Metadata> metadata;
  std::optional<std::string> tenant_id;
  std::string raw;  // POST /emails/raw: the decoded message; empty otherwise
  bool bounce = false;

  // Every distinct recipient of to, cc and bcc, in that order.
  std::vector<std::string> envelope() const;
  // Bodies and attachments (or the raw message), bytes.
  int64_t content_size() const;
};

using Parsed = std::variant<SendSpec, http::ApiError>;

Parsed read_send(const Poco::JSON::Object::Ptr& body);
Parsed read_raw(const Poco::JSON::Object::Ptr& body);

// One batch item: its spec, or why it failed (the batch answer's {error} entry).
struct BatchItem {
  std::optional<SendSpec> spec;
  std::string error;     // set when spec is empty
  std::string first_to;  // the key of the entry in `messages` (first `to`, as given)
};
struct BatchInput {
  std::optional<std::string> tenant_id;
  std::vector<BatchItem> items;
};
std::variant<BatchInput, http::ApiError> read_batch(const Poco::JSON::Object::Ptr& body);

// A plain-text version of an HTML body (tags dropped, script/style removed, entities and
// whitespace tidied), for messages sent with html only.
std::string text_from_html(const std::string& html);

}  // namespace ark::admind::send
