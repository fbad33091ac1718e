#include "admind/store/usage_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <map>
#include <memory>

#include "admind/store/row.h"
#include "core/base/clock.h"

namespace ark::admind::store {

using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

namespace {

constexpr int64_t kSlotSeconds = 900;

// Per-tenant counters for the period; placeholders: start, end.
constexpr const char* kPerTenantCounts =
    "SELECT tenant_id, COUNT(*) AS sent, "
    "CAST(SUM(status = 'sent') AS SIGNED) AS delivered, "
    "CAST(SUM(status = 'softfail') AS SIGNED) AS soft_failed, "
    "CAST(SUM(status = 'hardfail') AS SIGNED) AS hard_failed, "
    "CAST(SUM(status = 'bounced') AS SIGNED) AS bounced, "
    "CAST(SUM(status = 'held') AS SIGNED) AS held "
    "FROM emails WHERE created_at >= ? AND created_at < ? GROUP BY tenant_id";

// Tenants joined with their counters; placeholders: start, end, status x2, tenant x2.
std::string tenants_with_counts() {
  return std::string(
             "SELECT t.id, t.name, t.metadata, t.status, COALESCE(c.sent, 0) AS sent, "
             "COALESCE(c.delivered, 0) AS delivered, COALESCE(c.soft_failed, 0) AS soft_failed, "
             "COALESCE(c.hard_failed, 0) AS hard_failed, COALESCE(c.bounced, 0) AS bounced, "
             "COALESCE(c.held, 0) AS held FROM tenants t LEFT JOIN (") +
         kPerTenantCounts +
         ") c ON c.tenant_id = t.id WHERE (? = '' OR t.status = ?) AND (? = '' OR t.id = ?)";
}

std::string order_by(const std::string& sort) {
  bool desc = !sort.empty() && sort[0] == '-';
  std::string key = desc ? sort.substr(1) : sort;
  std::string expr = "u.sent";
  if (key == "delivered") {
    expr = "u.delivered";
  } else if (key == "bounce_rate") {
    expr = "(CASE WHEN u.sent = 0 THEN 0 ELSE (u.bounced + u.hard_failed) / u.sent END)";
  } else if (key == "delivery_rate") {
    expr = "(CASE WHEN u.sent = 0 THEN 0 ELSE u.delivered / u.sent END)";
  } else if (key == "tenant_name") {
    expr = "u.name";
  }
  return " ORDER BY " + expr + (desc ? " DESC" : " ASC") + ", u.id ASC";
}

void bind_period_and_filters(sql::PreparedStatement& ps, const UsageQuery& q) {
  ps.setString(1, base::format_sql_datetime(q.start_us));
  ps.setString(2, base::format_sql_datetime(q.end_us));
  ps.setString(3, q.tenant_status.value_or(""));
  ps.setString(4, q.tenant_status.value_or(""));
  ps.setString(5, q.only_tenant.value_or(""));
  ps.setString(6, q.only_tenant.value_or(""));
  ps.setInt64(7, q.min_sent);
}

EmailCounts read_counts(sql::ResultSet& rs) {
  EmailCounts c;
  c.sent = rs.getInt64("sent");
  c.delivered = rs.getInt64("delivered");
  c.soft_failed = rs.getInt64("soft_failed");
  c.hard_failed = rs.getInt64("hard_failed");
  c.bounced = rs.getInt64("bounced");
  c.held = rs.getInt64("held");
  return c;
}

}  // namespace

void EmailCounts::add(const std::string& status, int64_t n) {
  sent += n;
  if (status == "sent") {
    delivered += n;
  } else if (status == "softfail") {
    soft_failed += n;
  } else if (status == "hardfail") {
    hard_failed += n;
  } else if (status == "bounced") {
    bounced += n;
  } else if (status == "held") {
    held += n;
  }
}

bool UsageStore::valid_sort(const std::string& sort) {
  static const char* kSorts[] = {"sent", "delivered", "bounce_rate", "delivery_rate",
                                 "tenant_name"};
  std::string key = !sort.empty() && sort[0] == '-' ? sort.substr(1) : sort;
  for (const char* s : kSorts) {
    if (key == s) {
      return true;
    }
  }
  return false;
}

Result<EmailCounts> UsageStore::totals(int64_t start_us, int64_t end_us,
                                       const std::optional<std::string>& only_tenant) {
  EmailCounts out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT status, COUNT(*) AS n FROM emails WHERE created_at >= ? AND created_at < ? "
        "AND (? = '' OR tenant_id = ?) GROUP BY status"));
    ps->setString(1, base::format_sql_datetime(start_us));
    ps->setString(2, base::format_sql_datetime(end_us));
    ps->setString(3, only_tenant.value_or(""));
    ps->setString(4, only_tenant.value_or(""));
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.add(col_string(*rs, "status"), rs->getInt64("n"));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<TenantTotals> UsageStore::tenant_totals(int64_t start_us, int64_t end_us,
                                               const std::optional<std::string>& only_tenant) {
  TenantTotals out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT COUNT(*) AS total, CAST(COALESCE(SUM(t.status = 'active'), 0) AS SIGNED) AS "
        "active, CAST(COALESCE(SUM(EXISTS (SELECT 1 FROM emails e WHERE e.tenant_id = t.id "
        "AND e.created_at >= ? AND e.created_at < ?)), 0) AS SIGNED) AS with_activity "
        "FROM tenants t WHERE (? = '' OR t.id = ?)"));
    ps->setString(1, base::format_sql_datetime(start_us));
    ps->setString(2, base::format_sql_datetime(end_us));
    ps->setString(3, only_tenant.value_or(""));
    ps->setString(4, only_tenant.value_or(""));
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      out.total = rs->getInt64("total");
      out.active = rs->getInt64("active");
      out.with_activity = rs->getInt64("with_activity");
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<std::vector<TenantUsageRow>> UsageStore::per_tenant(const UsageQuery& q, int page,
                                                           int per_page, int64_t* total) {
  std::vector<TenantUsageRow> out;
  std::string base_sql = "SELECT * FROM (" + tenants_with_counts() + ") u WHERE u.sent >= ?";
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) AS n FROM (" + base_sql + ") x"));
    bind_period_and_filters(*count, q);
    Rows cr(count->executeQuery());
    *total = cr->next() ? cr->getInt64("n") : 0;
    std::string sql = base_sql + order_by(q.sort);
    if (per_page > 0) {
      sql += " LIMIT ? OFFSET ?";
    }
    Stmt ps(c.prepareStatement(sql));
    bind_period_and_filters(*ps, q);
    if (per_page > 0) {
      ps->setInt64(8, per_page);
      ps->setInt64(9, int64_t{page - 1} * per_page);
    }
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      TenantUsageRow r;
      r.tenant_id = col_string(*rs, "id");
      r.name = col_string(*rs, "name");
      r.metadata_json = col_string(*rs, "metadata");
      r.status = col_string(*rs, "status");
      r.counts = read_counts(*rs);
      out.push_back(std::move(r));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<std::vector<SlotCount>> UsageStore::slots(const std::string& tenant_id, int64_t start_us,
                                                 int64_t end_us) {
  std::vector<SlotCount> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', created_at) DIV ? AS slot, "
        "status, COUNT(*) AS n FROM emails WHERE tenant_id = ? AND created_at >= ? "
        "AND created_at < ? GROUP BY slot, status ORDER BY slot"));
    ps->setInt64(1, kSlotSeconds);
    ps->setString(2, tenant_id);
    ps->setString(3, base::format_sql_datetime(start_us));
    ps->setString(4, base::format_sql_datetime(end_us));
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back({rs->getInt64("slot") * kSlotSeconds * 1000000, col_string(*rs, "status"),
                     rs->getInt64("n")});
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

}  // namespace ark::admind::store
