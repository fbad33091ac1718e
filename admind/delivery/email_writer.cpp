// Recording status transitions; see email_writer.h.
#include "admind/delivery/email_writer.h"

#include <Poco/UUIDGenerator.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include "core/base/clock.h"

namespace ark::admind::delivery {
namespace {

using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* kSelectEmails =
    "SELECT e.id, e.seq, e.tenant_id, e.rcpt, e.status, e.created_at, e.held_detail, m.id AS mid, "
    "m.message_id_hdr, m.from_header, m.subject, m.tag, m.metadata, "
    "EXISTS (SELECT 1 FROM suppressions s WHERE s.tenant_id = e.tenant_id "
    "AND s.address = e.rcpt) AS suppressed "
    "FROM messages m JOIN emails e ON e.message_id = m.id ";

std::optional<std::string> opt_col(sql::ResultSet& rs, const char* name) {
  if (rs.isNull(name)) {
    return std::nullopt;
  }
  return std::string(rs.getString(name));
}

std::string str_col(sql::ResultSet& rs, const char* name) {
  return opt_col(rs, name).value_or("");
}

int64_t time_col(sql::ResultSet& rs, const char* name) {
  int64_t us = 0;
  if (!rs.isNull(name)) {
    base::parse_sql_datetime(std::string(rs.getString(name)), &us);
  }
  return us;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      return 0;
    }
  }
  if (n == 3) {
    unsigned cp = ((c & 0x0Fu) << 12) | ((b(i + 1) & 0x3Fu) << 6) | (b(i + 2) & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0;
    }
  }
  if (n == 4) {
    unsigned cp = ((c & 0x07u) << 18) | ((b(i + 1) & 0x3Fu) << 12) | ((b(i + 2) & 0x3Fu) << 6);
    if (cp < 0x10000 || cp > 0x10FFFF) {
      return 0;
    }
  }
  return n;
}

}  // namespace

std::string clean_text(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  size_t i = 0;
  while (i < text.size()) {
    size_t n = utf8_len(text, i);
    size_t add = n == 0 ? 1 : n;
    if (out.size() + add > max_bytes) {
      break;
    }
    if (n == 0 || text[i] == '\0') {
      out += '?';
      i += 1;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string new_uuid() {
  return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

EmailWriter::EmailWriter(sql::Connection& c, int64_t now_us) : c_(c), now_us_(now_us) {}
EmailWriter::~EmailWriter() = default;

sql::PreparedStatement& EmailWriter::stmt(const char* key, const char* text) {
  auto& slot = stmts_[key];
  if (!slot) {
    slot.reset(c_.prepareStatement(text));
  }
  return *slot;
}

std::vector<EmailRow> EmailWriter::read_rows(sql::PreparedStatement& ps) {
  std::vector<EmailRow> out;
  Rows rs(ps.executeQuery());
  while (rs->next()) {
    EmailRow e;
    e.id = rs->getString("id");
    e.tenant_id = rs->getString("tenant_id");
    e.rcpt = rs->getString("rcpt");
    e.status = rs->getString("status");
    e.message_row_id = rs->getString("mid");
    e.held_detail = str_col(*rs, "held_detail");
    e.suppressed = rs->getBoolean("suppressed");
    e.message.id = rs->getInt64("seq");
    e.message.token = e.id;
    e.message.message_id = str_col(*rs, "message_id_hdr");
    e.message.to = e.rcpt;
    e.message.from = str_col(*rs, "from_header");
    e.message.subject = str_col(*rs, "subject");
    e.message.timestamp_us = time_col(*rs, "created_at");
    e.message.tag = opt_col(*rs, "tag");
    e.message.metadata_json = opt_col(*rs, "metadata");
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<EmailRow> EmailWriter::by_queue(const std::string& node, const std::string& queue_id,
                                            const std::string* rcpt) {
  if (rcpt != nullptr) {
    static const std::string q = std::string(kSelectEmails) +
                                 "WHERE m.node = ? AND m.queue_id = ? AND e.rcpt = ? FOR UPDATE";
    auto& ps = stmt("by_queue_rcpt", q.c_str());
    ps.setString(1, node);
    ps.setString(2, queue_id);
    ps.setString(3, *rcpt);
    return read_rows(ps);
  }
  static const std::string q =
      std::string(kSelectEmails) + "WHERE m.node = ? AND m.queue_id = ? ORDER BY e.seq FOR UPDATE";
  auto& ps = stmt("by_queue", q.c_str());
  ps.setString(1, node);
  ps.setString(2, queue_id);
  return read_rows(ps);
}

std::vector<EmailRow> EmailWriter::by_message(const std::string& message_row_id,
                                              const std::string* rcpt) {
  if (rcpt != nullptr) {
    static const std::string q =
        std::string(kSelectEmails) + "WHERE m.id = ? AND e.rcpt = ? FOR UPDATE";
    auto& ps = stmt("by_message_rcpt", q.c_str());
    ps.setString(1, message_row_id);
    ps.setString(2, *rcpt);
    return read_rows(ps);
  }
  static const std::string q =
      std::string(kSelectEmails) + "WHERE m.id = ? ORDER BY e.seq FOR UPDATE";
  auto& ps = stmt("by_message", q.c_str());
  ps.setString(1, message_row_id);
  return read_rows(ps);
}

bool EmailWriter::insert_attempt(const EmailRow& e, const AttemptRow& a) {
  auto& ps =
      stmt("attempt",
           "INSERT IGNORE INTO delivery_attempts (email_id, tenant_id, status, code, "
           "output, details, smtp_enhanced_code, remote_host, sent_with_ssl, "
           "classification, classification_code, node, log_file_id, log_offset, "
           "attempted_at, queue_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, e.id);
  ps.setString(2, e.tenant_id);
  ps.setString(3, a.status);
  a.code ? ps.setInt(4, *a.code) : ps.setNull(4, 0);
  ps.setString(5, a.output);
  ps.setString(6, a.details);
  a.enhanced.empty() ? ps.setNull(7, 0) : ps.setString(7, a.enhanced);
  a.remote_host ? ps.setString(8, *a.remote_host) : ps.setNull(8, 0);
  ps.setInt(9, a.sent_with_ssl ? 1 : 0);
  a.classification ? ps.setString(10, a.classification->name) : ps.setNull(10, 0);
  a.classification ? ps.setInt(11, a.classification->code) : ps.setNull(11, 0);
  ps.setString(12, a.node);
  ps.setString(13, a.log_file_id);
  ps.setInt64(14, a.log_offset);
  ps.setString(15, base::format_sql_datetime(a.attempted_us));
  a.queue_id.empty() ? ps.setNull(16, 0) : ps.setString(16, a.queue_id);
  return ps.executeUpdate() == 1;
}

void EmailWriter::set_status(const std::string& email_id, const std::string& status,
                             int64_t at_us) {
  auto& ps = stmt("status", "UPDATE emails SET status = ?, updated_at = ? WHERE id = ?");
  ps.setString(1, status);
  ps.setString(2, base::format_sql_datetime(at_us));
  ps.setString(3, email_id);
  ps.executeUpdate();
}

void EmailWriter::add_event(const EmailRow& e, const char* type, const std::string& source_key,
                            const std::string& payload, int64_t occurred_us) {
  auto& ps = stmt("event",
                  "INSERT IGNORE INTO events (uuid, tenant_id, type, email_id, source_key, "
                  "payload, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, new_uuid());
  ps.setString(2, e.tenant_id);
  ps.setString(3, type);
  ps.setString(4, e.id);
  ps.setString(5, source_key);
  ps.setString(6, payload);
  ps.setString(7, base::format_sql_datetime(occurred_us));
  ps.setString(8, base::format_sql_datetime(now_us_));
  events_ += ps.executeUpdate();
}

void EmailWriter::change_suppression(const EmailRow& e, const Transition& t, int64_t at_us) {
  if (t.suppression == SuppressionChange::Add) {
    auto& ps = stmt("suppress",
                    "INSERT INTO suppressions (tenant_id, address, reason, created_at) "
                    "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id");
    ps.setString(1, e.tenant_id);
    ps.setString(2, e.rcpt);
    ps.setString(3, t.reason != nullptr ? t.reason : "");
    ps.setString(4, base::format_sql_datetime(at_us));
    ps.executeUpdate();
  } else if (t.suppression == SuppressionChange::Remove && e.suppressed) {
    // read with the email row: most deliveries have nothing to clear and cost no DELETE
    auto& ps = stmt("unsuppress", "DELETE FROM suppressions WHERE tenant_id = ? AND address = ?");
    ps.setString(1, e.tenant_id);
    ps.setString(2, e.rcpt);
    ps.executeUpdate();
  }
}

std::string delivery_payload_for(const EmailRow& e, const Transition& t, const AttemptRow& a) {
  DeliveryEventFacts f;
  const char* status = payload_status_for(t.to_status);
  f.status = status != nullptr ? status : "";
  f.details = a.details;
  f.output = a.output;
  f.sent_with_ssl = a.sent_with_ssl;
  f.timestamp_us = a.attempted_us;
  f.time_s = a.time_s;
  f.with_classification = t.to_status == "softfail" || t.to_status == "hardfail";
  f.classification = a.classification;
  f.smtp_enhanced_code = a.enhanced;
  f.remote_host = a.remote_host;
  return delivery_event_payload(e.message, f);
}

void EmailWriter::message_released(const std::string& node, const std::string& queue_id) {
  auto& ps = stmt("released",
                  "UPDATE messages SET held_at = NULL, release_requested_at = NULL WHERE node = ? "
                  "AND queue_id = ?");
  ps.setString(1, node);
  ps.setString(2, queue_id);
  ps.executeUpdate();
}

std::optional<AttemptRow> EmailWriter::last_softfail(const std::string& email_id) {
  auto& ps = stmt("last_softfail",
                  "SELECT code, output, smtp_enhanced_code, remote_host, classification, "
                  "classification_code FROM delivery_attempts WHERE email_id = ? AND "
                  "status = 'softfail' ORDER BY id DESC LIMIT 1");
  ps.setString(1, email_id);
  Rows rs(ps.executeQuery());
  if (!rs->next()) {
    return std::nullopt;
  }
  AttemptRow a;
  if (!rs->isNull("code")) {
    a.code = rs->getInt("code");
  }
  a.output = str_col(*rs, "output");
  a.enhanced = str_col(*rs, "smtp_enhanced_code");
  a.remote_host = opt_col(*rs, "remote_host");
  if (!rs->isNull("classification")) {
    a.classification =
        Classification{rs->getString("classification"), rs->getInt("classification_code")};
  }
  return a;
}

bool EmailWriter::apply(EmailRow& e, const Transition& t, const AttemptRow& raw,
                        const std::string& source_key,
                        const std::optional<std::string>& bounced_payload) {
  AttemptRow a = raw;
  a.output = clean_text(raw.output, 60000);
  a.details = clean_text(raw.details, 60000);
  a.enhanced = clean_text(raw.enhanced, 16);
  if (raw.remote_host) {
    a.remote_host = clean_text(*raw.remote_host, 255);
  }
  a.log_file_id = clean_text(raw.log_file_id, 64);
  a.queue_id = clean_text(raw.queue_id, 32);
  if (t.record_attempt) {
    if (!insert_attempt(e, a)) {
      return false;
    }
    ++attempts_;
  }
  if (t.to_status != e.status) {
    set_status(e.id, t.to_status, a.attempted_us);
  }
  if (t.event != nullptr) {
    add_event(e, t.event, source_key,
              bounced_payload ? *bounced_payload : delivery_payload_for(e, t, a), a.attempted_us);
  }
  change_suppression(e, t, a.attempted_us);
  e.status = t.to_status;
  return true;
}

}  // namespace ark::admind::delivery
