#include "admind/store/email_read_store.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>
#include <variant>

#include "admind/store/sql_util.h"
#include "core/base/clock.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

using Arg = SqlArg;

std::string where_clause(const EmailListFilter& f, std::vector<Arg>* args) {
  std::string w = " WHERE 1 = 1";
  auto add = [&](const char* cond, Arg a) {
    w += cond;
    args->push_back(std::move(a));
  };
  if (!f.restrict_tenant.empty()) {
    add(" AND e.tenant_id = ?", f.restrict_tenant);
  }
  if (f.status) {
    add(" AND e.status = ?", *f.status);
  }
  if (f.to) {
    add(" AND e.rcpt = ?", *f.to);
  }
  if (f.from) {
    add(" AND m.envelope_from = ?", *f.from);
  }
  if (f.tag) {
    add(" AND m.tag = ?", *f.tag);
  }
  if (f.after_us) {
    add(" AND e.created_at > ?", base::format_sql_datetime(*f.after_us));
  }
  if (f.before_us) {
    add(" AND e.created_at < ?", base::format_sql_datetime(*f.before_us));
  }
  return w;
}

}  // namespace

Result<std::vector<EmailSummaryRow>> EmailReadStore::list(const EmailListFilter& f, int page,
                                                          int per_page, int64_t* total) {
  std::vector<EmailSummaryRow> out;
  std::vector<Arg> args;
  std::string from = " FROM emails e JOIN messages m ON m.id = e.message_id";
  std::string where = where_clause(f, &args);
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) AS n" + from + where));
    bind_args(*count, args);
    Rows cr(count->executeQuery());
    *total = cr->next() ? cr->getInt64("n") : 0;
    Stmt ps(c.prepareStatement(
        "SELECT e.id, e.rcpt, e.status, e.created_at, m.from_header, m.subject, m.tag" + from +
        where + " ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?"));
    bind_args(*ps, args);
    ps->setInt64(static_cast<unsigned>(args.size() + 1), per_page);
    ps->setInt64(static_cast<unsigned>(args.size() + 2), int64_t{page - 1} * per_page);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      EmailSummaryRow r;
      r.id = col_string(*rs, "id");
      r.rcpt = col_string(*rs, "rcpt");
      r.status = col_string(*rs, "status");
      r.created_us = col_time_us(*rs, "created_at");
      r.from_header = col_string(*rs, "from_header");
      r.subject = col_string(*rs, "subject");
      r.tag = col_opt_string(*rs, "tag");
      out.push_back(std::move(r));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<EmailQueueRow> EmailReadStore::queue_row(const std::string& email_id,
                                                const std::string& restrict_tenant) {
  EmailQueueRow r;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT e.id, e.tenant_id, e.status, m.queue_id, m.raw_message IS NOT NULL AS raw, "
        "m.held_at IS NOT NULL AS in_hold, "
        "(SELECT COUNT(*) FROM delivery_attempts a WHERE a.email_id = e.id "
        " AND a.status = 'softfail') AS deferrals, "
        "EXISTS (SELECT 1 FROM email_retries r WHERE r.email_id = e.id AND r.requested_at > "
        " COALESCE((SELECT MAX(a2.attempted_at) FROM delivery_attempts a2 "
        "  WHERE a2.email_id = e.id), '1970-01-01')) AS manual "
        "FROM emails e JOIN messages m ON m.id = e.message_id "
        "WHERE e.id = ? AND (? = '' OR e.tenant_id = ?)"));
    ps->setString(1, email_id);
    ps->setString(2, restrict_tenant);
    ps->setString(3, restrict_tenant);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("email not found");
    }
    r.id = col_string(*rs, "id");
    r.tenant_id = col_string(*rs, "tenant_id");
    r.status = col_string(*rs, "status");
    r.queue_id = col_opt_string(*rs, "queue_id");
    r.raw_retained = rs->getBoolean("raw");
    r.in_hold_queue = rs->getBoolean("in_hold");
    r.deferrals = rs->getInt("deferrals");
    r.manual = rs->getBoolean("manual");
    return {};
  });
  if (!st) {
    return st.error();
  }
  return r;
}

Status EmailReadStore::request_retry(const std::string& email_id, const std::string& tenant_id,
                                     int64_t key_id, int64_t now_us) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("INSERT INTO email_retries (email_id, tenant_id, key_id, requested_at) "
                           "VALUES (?, ?, ?, ?)"));
    ps->setString(1, email_id);
    ps->setString(2, tenant_id);
    if (key_id != 0) {
      ps->setInt64(3, key_id);
    } else {
      ps->setNull(3, sql::DataType::BIGINT);
    }
    ps->setString(4, base::format_sql_datetime(now_us));
    ps->executeUpdate();
    return {};
  });
}

Result<int64_t> EmailReadStore::clear_raw_before(int64_t cutoff_us, int limit) {
  int64_t n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("UPDATE messages SET raw_message = NULL WHERE raw_message IS NOT NULL "
                           "AND created_at < ? LIMIT ?"));
    ps->setString(1, base::format_sql_datetime(cutoff_us));
    ps->setInt(2, limit);
    n = ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return n;
}

}  // namespace ark::admind::store
