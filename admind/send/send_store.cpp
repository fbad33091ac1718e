#include "admind/send/send_store.h"

#include "policy/store/send_counters.h"
#include "policy/store/send_facts.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/domain/ids.h"

namespace ark::admind::send {
namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string sql_time_s(int64_t s) {
  return base::format_sql_datetime(s * 1000000);
}

int64_t counter(sql::Connection& c, const std::string& tenant, policy::Period p, int64_t start) {
  Stmt ps(c.prepareStatement(
      "SELECT used FROM send_counters WHERE tenant_id = ? AND period = ? AND window_start = ?"));
  ps->setString(1, tenant);
  ps->setString(2, std::string(policy::to_string(p)));
  ps->setString(3, sql_time_s(start));
  Rows rs(ps->executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

void set_opt(sql::PreparedStatement& ps, int i, const std::optional<std::string>& v) {
  if (v && !v->empty()) {
    ps.setString(i, *v);
  } else {
    ps.setNull(i, sql::DataType::VARCHAR);
  }
}

}  // namespace

base::Result<policy::TenantStatus> SendStore::tenant_status(const std::string& tenant_id) {
  return policy::read_tenant_status(db_, tenant_id);
}

base::Result<std::optional<std::string>> SendStore::domain_owner(const std::string& domain) {
  std::optional<std::string> owner;
  base::Status st = db_.run([&](sql::Connection& c) {
    Stmt ps(c.prepareStatement("SELECT tenant_id FROM domains WHERE verified_name = ?"));
    ps->setString(1, domain);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      owner = std::string(rs->getString(1));
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return owner;
}

base::Result<policy::DomainFacts> SendStore::domain(const std::string& tenant_id,
                                                    const std::string& domain) {
  return policy::read_domain_facts(db_, tenant_id, domain);
}

base::Result<std::map<std::string, std::string>> SendStore::suppressed(
    const std::string& tenant_id, const std::vector<std::string>& addresses) {
  std::map<std::string, std::string> out;
  base::Status st = db_.run([&](sql::Connection& c) {
    Stmt ps(
        c.prepareStatement("SELECT reason FROM suppressions WHERE tenant_id = ? AND address = ?"));
    for (const auto& a : addresses) {
      ps->setString(1, tenant_id);
      ps->setString(2, a);
      Rows rs(ps->executeQuery());
      if (rs->next()) {
        out[lower(a)] = rs->isNull(1) ? std::string() : std::string(rs->getString(1));
      }
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return out;
}

base::Result<std::vector<policy::Window>> SendStore::usage(const std::string& tenant_id,
                                                           int64_t now_s,
                                                           const policy::Limits& defaults) {
  std::vector<policy::Window> windows;
  base::Status st = db_.run([&](sql::Connection& c) {
    // The same limits and counters the milter's admission reads (policy/store).
    windows = policy::send_windows(now_s, policy::tenant_limits(c, tenant_id, defaults));
    std::vector<policy::Window*> ptrs;
    for (auto& w : windows) {
      ptrs.push_back(&w);
    }
    if (!ptrs.empty()) {
      policy::read_counters(c, tenant_id, ptrs, false);
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return windows;
}

base::Result<int64_t> SendStore::sandbox_used(const std::string& tenant_id, int64_t now_s) {
  int64_t used = 0;
  base::Status st = db_.run([&](sql::Connection& c) {
    used = counter(c, tenant_id, policy::Period::SandboxDay,
                   policy::window_start(policy::Period::SandboxDay, now_s));
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return used;
}

base::Result<std::vector<std::string>> SendStore::create(const NewSubmission& s) {
  std::vector<std::string> ids;
  std::string now = base::format_sql_datetime(clock_.now_us());
  base::Status st = db_.run_tx([&](sql::Connection& c) {
    ids.clear();
    Stmt msg(c.prepareStatement(
        "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
        "message_id_hdr, tag, metadata, created_at, raw_message) "
        "VALUES (?, ?, 'api', ?, ?, ?, ?, ?, ?, ?, ?)"));
    msg->setString(1, s.message_id);
    msg->setString(2, s.tenant_id);
    msg->setString(3, s.envelope_from);
    msg->setString(4, s.from_header);
    msg->setString(5, s.subject);
    msg->setString(6, s.message_id_hdr);
    set_opt(*msg, 7, s.tag);
    set_opt(*msg, 8, s.metadata_json);
    msg->setString(9, now);
    msg->setString(10, s.raw_message);
    msg->executeUpdate();
    Stmt em(c.prepareStatement(
        "INSERT INTO emails (id, message_id, tenant_id, rcpt, status, held_reason, held_detail, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)"));
    for (const auto& r : s.rcpts) {
      ids.push_back(domain::new_email_id());
      em->setString(1, ids.back());
      em->setString(2, s.message_id);
      em->setString(3, s.tenant_id);
      em->setString(4, r.address);
      set_opt(*em, 5, r.held_reason);
      set_opt(*em, 6, r.held_detail.substr(0, 500));
      em->setString(7, now);
      em->setString(8, now);
      em->executeUpdate();
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return ids;
}

base::Status SendStore::discard(const std::string& message_id) {
  return db_.run([&](sql::Connection& c) {
    Stmt ps(c.prepareStatement("DELETE FROM messages WHERE id = ?"));
    ps->setString(1, message_id);
    ps->executeUpdate();
    return base::Status();
  });
}

}  // namespace ark::admind::send
