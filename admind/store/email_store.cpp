#include "admind/store/email_store.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "admind/store/row.h"
#include "core/domain/ids.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

Result<std::vector<std::string>> EmailStore::create_pending(const NewMessage& m) {
  std::vector<std::string> ids;
  std::string now = base::format_sql_datetime(clock_.now_us());
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt msg(c.prepareStatement(
        "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
        "message_id_hdr, created_at, raw_message) VALUES (?, ?, 'api', ?, ?, ?, ?, ?, ?)"));
    msg->setString(1, m.id);
    msg->setString(2, m.tenant_id);
    msg->setString(3, m.envelope_from);
    msg->setString(4, m.from_header);
    msg->setString(5, m.subject);
    msg->setString(6, m.message_id_hdr);
    msg->setString(7, now);
    if (m.raw_message.empty()) {
      msg->setNull(8, sql::DataType::LONGVARBINARY);
    } else {
      msg->setString(8, m.raw_message);
    }
    msg->executeUpdate();
    Stmt em(c.prepareStatement(
        "INSERT INTO emails (id, message_id, tenant_id, rcpt, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'pending', ?, ?)"));
    for (const auto& rcpt : m.rcpts) {
      ids.push_back(domain::new_email_id());
      em->setString(1, ids.back());
      em->setString(2, m.id);
      em->setString(3, m.tenant_id);
      em->setString(4, rcpt);
      em->setString(5, now);
      em->setString(6, now);
      em->executeUpdate();
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return ids;
}

Status EmailStore::discard(const std::string& message_id) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("DELETE FROM messages WHERE id = ?"));
    ps->setString(1, message_id);
    ps->executeUpdate();
    return {};
  });
}

Result<EmailView> EmailStore::get(const std::string& email_id, const std::string& restrict_tenant) {
  EmailView v;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT e.id, e.message_id, e.tenant_id, e.rcpt, e.status, e.created_at, "
        "m.from_header, m.subject, m.message_id_hdr, m.tag "
        "FROM emails e JOIN messages m ON m.id = e.message_id "
        "WHERE e.id = ? AND (? = '' OR e.tenant_id = ?)"));
    ps->setString(1, email_id);
    ps->setString(2, restrict_tenant);
    ps->setString(3, restrict_tenant);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("email not found");
    }
    v.id = col_string(*rs, "id");
    v.message_id = col_string(*rs, "message_id");
    v.tenant_id = col_string(*rs, "tenant_id");
    v.rcpt = col_string(*rs, "rcpt");
    v.status = col_string(*rs, "status");
    v.created_us = col_time_us(*rs, "created_at");
    v.from_header = col_string(*rs, "from_header");
    v.subject = col_string(*rs, "subject");
    v.message_id_hdr = col_string(*rs, "message_id_hdr");
    v.tag = col_opt_string(*rs, "tag");
    return {};
  });
  if (!st) {
    return st.error();
  }
  return v;
}

Result<std::vector<AttemptView>> EmailStore::attempts(const std::string& email_id) {
  std::vector<AttemptView> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT id, status, code, output, details, smtp_enhanced_code, remote_host, "
        "sent_with_ssl, classification, classification_code, attempted_at "
        "FROM delivery_attempts WHERE email_id = ? ORDER BY attempted_at, id"));
    ps->setString(1, email_id);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      AttemptView a;
      a.id = rs->getInt64("id");
      a.status = col_string(*rs, "status");
      if (!rs->isNull("code")) {
        a.code = rs->getInt("code");
      }
      a.output = col_opt_string(*rs, "output");
      a.details = col_opt_string(*rs, "details");
      a.smtp_enhanced_code = col_opt_string(*rs, "smtp_enhanced_code");
      a.remote_host = col_opt_string(*rs, "remote_host");
      a.sent_with_ssl = rs->getBoolean("sent_with_ssl");
      a.classification = col_opt_string(*rs, "classification");
      if (!rs->isNull("classification_code")) {
        a.classification_code = rs->getInt("classification_code");
      }
      a.attempted_us = col_time_us(*rs, "attempted_at");
      out.push_back(std::move(a));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<std::optional<std::string>> EmailStore::raw_message(const std::string& email_id,
                                                           const std::string& restrict_tenant) {
  std::optional<std::string> raw;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT m.raw_message FROM emails e JOIN messages m ON m.id = e.message_id "
        "WHERE e.id = ? AND (? = '' OR e.tenant_id = ?)"));
    ps->setString(1, email_id);
    ps->setString(2, restrict_tenant);
    ps->setString(3, restrict_tenant);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("email not found");
    }
    raw = col_opt_string(*rs, "raw_message");
    return {};
  });
  if (!st) {
    return st.error();
  }
  return raw;
}

}  // namespace ark::admind::store
