#include "admind/api/email_views.h"

#include <Poco/JSON/Array.h>

#include "admind/api/mime_view.h"
#include "admind/http/reply.h"
#include "core/base/clock.h"
#include "core/crypto/crypto.h"

namespace ark::admind::api {
namespace {

double unix_seconds(int64_t us) {
  return static_cast<double>(us) / 1e6;
}

bool wants(const std::set<std::string>& expand, const char* item) {
  return expand.count(item) > 0 || expand.count("full") > 0;
}

Poco::JSON::Array::Ptr attachments_json(const MimeView& view) {
  Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
  for (const auto& a : view.attachments) {
    auto o = http::new_object();
    o->set("filename", a.filename);
    o->set("contentType", a.content_type);
    o->set("size", static_cast<int64_t>(a.data.size()));
    o->set("hash", crypto::sha256_hex(a.data));
    o->set("data", crypto::base64_encode(a.data));
    arr->add(o);
  }
  return arr;
}

}  // namespace

Poco::JSON::Object::Ptr attempt_json(const store::AttemptView& a) {
  auto o = http::new_object();
  o->set("id", std::to_string(a.id));
  o->set("status", a.status);
  o->set("timestamp", unix_seconds(a.attempted_us));
  o->set("timestampIso", base::format_iso8601(a.attempted_us));
  if (a.code) {
    o->set("code", *a.code);
  }
  if (a.output) {
    o->set("output", *a.output);
  }
  if (a.details) {
    o->set("details", *a.details);
  }
  o->set("sentWithSsl", a.sent_with_ssl);
  auto opt = [&](const char* k, const auto& v) {
    if (v) {
      o->set(k, *v);
    } else {
      o->set(k, Poco::Dynamic::Var());
    }
  };
  opt("classification", a.classification);
  opt("classificationCode", a.classification_code);
  opt("smtpEnhancedCode", a.smtp_enhanced_code);
  opt("remoteHost", a.remote_host);
  return o;
}

Poco::Dynamic::Var retry_state_json(const std::optional<RetryState>& r) {
  if (!r) {
    return {};
  }
  auto o = http::new_object();
  o->set("attempt", r->attempt);
  o->set("maxAttempts", r->max_attempts);
  o->set("attemptsRemaining", r->max_attempts - r->attempt);
  o->set("processing", r->processing);
  o->set("manual", r->manual);
  if (r->next_retry_us) {
    o->set("nextRetryAt", unix_seconds(*r->next_retry_us));
    o->set("nextRetryAtIso", base::format_iso8601(*r->next_retry_us));
  } else {
    o->set("nextRetryAt", Poco::Dynamic::Var());
    o->set("nextRetryAtIso", Poco::Dynamic::Var());
  }
  return o;
}

void add_expansions(Poco::JSON::Object::Ptr email, const std::set<std::string>& expand,
                    const std::optional<std::string>& raw) {
  if (wants(expand, "activity")) {
    // Opens and clicks are recorded by the tracking endpoints; none exist until then.
    auto activity = http::new_object();
    activity->set("opens", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    activity->set("clicks", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    email->set("activity", activity);
  }
  if (!raw) {
    return;
  }
  MimeView view = parse_mime(*raw);
  if (wants(expand, "content")) {
    if (view.html) {
      email->set("htmlBody", *view.html);
    }
    if (view.text) {
      email->set("plainBody", *view.text);
    }
  }
  if (wants(expand, "headers")) {
    auto h = http::new_object();
    for (const auto& [name, value] : view.headers) {
      h->set(name, value);
    }
    email->set("headers", h);
  }
  if (wants(expand, "attachments")) {
    email->set("attachments", attachments_json(view));
  }
  if (wants(expand, "raw")) {
    email->set("rawMessage", crypto::base64_encode(*raw));
  }
}

std::string strip_binding_header(const std::string& m) {
  static const std::string kName = "x-ark-binding:";
  std::string out;
  out.reserve(m.size());
  size_t pos = 0;
  bool skipping = false;
  while (pos < m.size()) {
    size_t eol = m.find('\n', pos);
    size_t next = eol == std::string::npos ? m.size() : eol + 1;
    std::string_view line(m.data() + pos, next - pos);
    if (line == "\r\n" || line == "\n") {  // end of the header: copy the rest
      out.append(m, pos, std::string::npos);
      return out;
    }
    bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!continuation) {
      std::string head(line.substr(0, kName.size()));
      for (auto& c : head) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      skipping = head == kName;
    }
    if (!skipping) {
      out.append(line);
    }
    pos = next;
  }
  return out;
}

}  // namespace ark::admind::api
