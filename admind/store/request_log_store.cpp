#include "admind/store/request_log_store.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <algorithm>
#include <memory>
#include <variant>

#include "admind/store/sql_util.h"
#include "core/base/clock.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kListColumns =
    "request_id, tenant_id, key_id, key_prefix, method, path, endpoint, status_code, "
    "duration_ms, ip_address, user_agent, idempotency_key, query_params, rate_limit, "
    "rate_remaining, rate_reset, rate_limited, email_id, recipient_count, error_code, "
    "error_message, sdk_name, sdk_version, received_at";

constexpr int kColumns = 29;
constexpr size_t kRowsPerStatement = 50;  // bodies are cut at 25 KB: < 3 MB per statement

// Binds one row's 29 values from parameter `first` + 1 on.
void bind_row(sql::PreparedStatement& ps, const RequestLogRow& r, int first) {
  int i = first;
  ps.setString(++i, r.request_id);
  bind_opt(ps, ++i, r.tenant_id);
  bind_opt(ps, ++i, r.key_id);
  bind_opt(ps, ++i, r.key_prefix);
  ps.setString(++i, r.method);
  ps.setString(++i, r.path);
  ps.setString(++i, r.endpoint);
  ps.setInt(++i, r.status_code);
  ps.setInt(++i, r.duration_ms);
  bind_opt(ps, ++i, r.ip_address);
  bind_opt(ps, ++i, r.user_agent);
  bind_opt(ps, ++i, r.idempotency_key);
  bind_opt(ps, ++i, r.query_json);
  bind_opt(ps, ++i, r.rate_limit);
  bind_opt(ps, ++i, r.rate_remaining);
  bind_opt(ps, ++i, r.rate_reset);
  ps.setBoolean(++i, r.rate_limited);
  bind_opt(ps, ++i, r.email_id);
  bind_opt(ps, ++i, r.recipient_count);
  bind_opt(ps, ++i, r.error_code);
  bind_opt(ps, ++i, r.error_message);
  bind_opt(ps, ++i, r.sdk_name);
  bind_opt(ps, ++i, r.sdk_version);
  ps.setBoolean(++i, r.body_sealed);
  bind_opt(ps, ++i, r.request_body);
  bind_opt(ps, ++i, r.request_body_size);
  bind_opt(ps, ++i, r.response_body);
  bind_opt(ps, ++i, r.response_body_size);
  ps.setString(++i, base::format_sql_datetime(r.received_us));
}

RequestLogRow read_row(sql::ResultSet& rs, bool with_bodies) {
  RequestLogRow r;
  r.request_id = col_string(rs, "request_id");
  r.tenant_id = col_opt_string(rs, "tenant_id");
  r.key_id = col_opt_int(rs, "key_id");
  r.key_prefix = col_opt_string(rs, "key_prefix");
  r.method = col_string(rs, "method");
  r.path = col_string(rs, "path");
  r.endpoint = col_string(rs, "endpoint");
  r.status_code = rs.getInt("status_code");
  r.duration_ms = rs.getInt("duration_ms");
  r.ip_address = col_opt_string(rs, "ip_address");
  r.user_agent = col_opt_string(rs, "user_agent");
  r.idempotency_key = col_opt_string(rs, "idempotency_key");
  r.query_json = col_opt_string(rs, "query_params");
  auto small = [&](const char* n) -> std::optional<int> {
    auto v = col_opt_int(rs, n);
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  };
  r.rate_limit = small("rate_limit");
  r.rate_remaining = small("rate_remaining");
  r.rate_reset = col_opt_int(rs, "rate_reset");
  r.rate_limited = rs.getBoolean("rate_limited");
  r.email_id = col_opt_string(rs, "email_id");
  r.recipient_count = small("recipient_count");
  r.error_code = col_opt_string(rs, "error_code");
  r.error_message = col_opt_string(rs, "error_message");
  r.sdk_name = col_opt_string(rs, "sdk_name");
  r.sdk_version = col_opt_string(rs, "sdk_version");
  r.received_us = col_time_us(rs, "received_at");
  if (with_bodies) {
    r.body_sealed = rs.getBoolean("body_sealed");
    r.request_body = col_opt_string(rs, "request_body");
    r.request_body_size = col_opt_int(rs, "request_body_size");
    r.response_body = col_opt_string(rs, "response_body");
    r.response_body_size = col_opt_int(rs, "response_body_size");
  }
  return r;
}

using Arg = SqlArg;

// WHERE clause and its arguments for a list filter.
std::string where_clause(const RequestLogFilter& f, std::vector<Arg>* args) {
  std::string w = " WHERE received_at >= ?";
  args->push_back(base::format_sql_datetime(f.not_before_us));
  auto add = [&](const char* cond, Arg a) {
    w += cond;
    args->push_back(std::move(a));
  };
  if (!f.restrict_tenant.empty()) {
    add(" AND tenant_id = ?", f.restrict_tenant);
  }
  if (f.errors_only) {
    w += *f.errors_only ? " AND status_code >= 400" : " AND status_code < 400";
  }
  if (f.status_code) {
    add(" AND status_code = ?", int64_t{*f.status_code});
  }
  if (f.endpoint) {
    add(" AND endpoint = ?", *f.endpoint);
  }
  if (f.key_id) {
    add(" AND key_id = ?", *f.key_id);
  }
  if (f.request_id_part) {
    add(" AND INSTR(request_id, ?) > 0", *f.request_id_part);
  }
  if (f.start_us) {
    add(" AND received_at >= ?", base::format_sql_datetime(*f.start_us));
  }
  if (f.end_us) {
    add(" AND received_at < ?", base::format_sql_datetime(*f.end_us));
  }
  return w;
}

}  // namespace

namespace {
std::string insert_sql(size_t rows) {
  std::string sql =
      "INSERT IGNORE INTO api_request_logs (request_id, tenant_id, key_id, key_prefix, "
      "method, path, endpoint, status_code, duration_ms, ip_address, user_agent, "
      "idempotency_key, query_params, rate_limit, rate_remaining, rate_reset, rate_limited, "
      "email_id, recipient_count, error_code, error_message, sdk_name, sdk_version, "
      "body_sealed, request_body, request_body_size, response_body, response_body_size, "
      "received_at) VALUES ";
  std::string one = "(?";
  for (int i = 1; i < kColumns; ++i) {
    one += ", ?";
  }
  one += ")";
  for (size_t r = 0; r < rows; ++r) {
    sql += (r ? ", " : "") + one;
  }
  return sql;
}
}  // namespace

// One transaction; multi-row statements of up to kRowsPerStatement rows (one round trip
// each instead of one per row).
Status RequestLogStore::insert_batch(const std::vector<RequestLogRow>& rows) {
  if (rows.empty()) {
    return {};
  }
  return db_.run_tx([&](sql::Connection& c) -> Status {
    for (size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
      size_t n = std::min(kRowsPerStatement, rows.size() - start);
      Stmt ps(c.prepareStatement(insert_sql(n)));
      for (size_t k = 0; k < n; ++k) {
        bind_row(*ps, rows[start + k], static_cast<int>(k) * kColumns);
      }
      ps->executeUpdate();
    }
    return {};
  });
}

Result<std::vector<RequestLogRow>> RequestLogStore::list(const RequestLogFilter& f, int page,
                                                         int per_page, int64_t* total) {
  std::vector<RequestLogRow> out;
  std::vector<Arg> args;
  std::string where = where_clause(f, &args);
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) AS n FROM api_request_logs" + where));
    bind_args(*count, args);
    Rows cr(count->executeQuery());
    *total = cr->next() ? cr->getInt64("n") : 0;
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kListColumns + " FROM api_request_logs" +
                               where + " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"));
    bind_args(*ps, args);
    ps->setInt64(static_cast<unsigned>(args.size() + 1), per_page);
    ps->setInt64(static_cast<unsigned>(args.size() + 2), int64_t{page - 1} * per_page);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(read_row(*rs, false));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<RequestLogRow> RequestLogStore::get(const std::string& request_id,
                                           const std::string& restrict_tenant,
                                           int64_t not_before_us) {
  RequestLogRow row;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        std::string("SELECT ") + kListColumns +
        ", body_sealed, request_body, request_body_size, response_body, response_body_size "
        "FROM api_request_logs WHERE request_id = ? AND received_at >= ? "
        "AND (? = '' OR tenant_id = ?)"));
    ps->setString(1, request_id);
    ps->setString(2, base::format_sql_datetime(not_before_us));
    ps->setString(3, restrict_tenant);
    ps->setString(4, restrict_tenant);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("request log not found");
    }
    row = read_row(*rs, true);
    return {};
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<int64_t> RequestLogStore::purge_before(int64_t cutoff_us, int limit) {
  int64_t n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "DELETE FROM api_request_logs WHERE received_at < ? ORDER BY received_at LIMIT ?"));
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
