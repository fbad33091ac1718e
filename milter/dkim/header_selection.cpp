#include "milter/dkim/header_selection.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace ark::milter::dkim {
namespace {

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(const std::string& s) {
  std::string out = s;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Instances of `name`, top to bottom. Names are compared without trailing WSP, which some
// senders leave before the colon.
std::vector<const Header*> instances(const std::vector<Header>& headers, const std::string& name) {
  std::vector<const Header*> out;
  for (const Header& h : headers) {
    std::string n = h.name;
    while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) {
      n.pop_back();
    }
    if (same_name(n, name)) {
      out.push_back(&h);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> default_signed_headers() {
  return {"from",         "to",           "cc",
          "subject",      "date",         "message-id",
          "mime-version", "content-type", "content-transfer-encoding",
          "reply-to",     "in-reply-to",  "references"};
}

std::vector<std::string> default_oversigned_headers() {
  return {"from"};
}

base::Result<HeaderSelection> select_headers(const std::vector<Header>& headers,
                                             const std::vector<std::string>& signed_names,
                                             const std::vector<std::string>& oversigned) {
  if (instances(headers, "from").empty()) {
    return base::Error::invalid("dkim: message has no From header");
  }
  if (std::none_of(signed_names.begin(), signed_names.end(),
                   [](const std::string& n) { return same_name(lower(n), "from"); })) {
    return base::Error::invalid("dkim: the signed header set must include From");
  }
  HeaderSelection sel;
  for (const std::string& raw_name : signed_names) {
    std::string name = lower(raw_name);
    std::vector<const Header*> found = instances(headers, name);
    // Last instance first: the verifier consumes them bottom-up.
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
      sel.h_names.push_back(name);
      sel.picked.push_back(*it);
    }
    bool over = std::any_of(oversigned.begin(), oversigned.end(),
                            [&](const std::string& o) { return same_name(lower(o), name); });
    if (over) {
      sel.h_names.push_back(name);
      sel.picked.push_back(nullptr);
    }
  }
  return sel;
}

}  // namespace ark::milter::dkim
