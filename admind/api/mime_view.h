// Reads a stored MIME message back for GET /emails/{id}?expand=content,headers,attachments
// (api.md §4.1): the top-level headers, the first text/plain and text/html bodies
// (transfer encoding removed), and the attachments, descending into nested multiparts.
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ark::admind::api {

struct MimeAttachment {
  std::string filename;
  std::string content_type;  // type/subtype, parameters dropped
  std::string data;          // decoded bytes
};

struct MimeView {
  std::vector<std::pair<std::string, std::string>> headers;  // repeated names joined by ", "
  std::optional<std::string> text;
  std::optional<std::string> html;
  std::vector<MimeAttachment> attachments;
};

// Never throws: what cannot be parsed is left out.
MimeView parse_mime(const std::string& raw);

}  // namespace ark::admind::api
