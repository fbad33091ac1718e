#include "milter/store/mysql_send_store.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "core/base/clock.h"
#include "core/base/log.h"
#include "policy/store/send_counters.h"
#include "policy/store/send_facts.h"

namespace ark::milter {
namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;
using policy::add_to_counters;
using policy::Period;
using policy::read_counters;
using policy::tenant_limits;
using policy::Window;

// "(?, ?), (?, ?), ..." for n rows of `one`.
std::string pairs(size_t n, const char* one) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += (i ? ", " : "") + std::string(one);
  }
  return out;
}

// Cuts UTF-8 text to at most `max` characters (the columns' VARCHAR lengths).
std::string fit(const std::string& s, size_t max) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++chars > max) {
      return s.substr(0, i);
    }
  }
  return s;
}

std::vector<Window*> pointers(std::vector<Window>& windows, std::optional<Window>& extra) {
  std::vector<Window*> out;
  for (Window& w : windows) {
    out.push_back(&w);
  }
  if (extra) {
    out.push_back(&*extra);
  }
  return out;
}

void record_event(sql::Connection& c, const std::string& tenant, const LimitEvent& e,
                  const std::string& now) {
  const Window& w = e.window;
  std::string key = "limit:" + tenant + ":" + std::string(policy::to_string(w.period)) + ":" +
                    std::to_string(w.start_s) + ":" +
                    (e.type == "SendLimitExceeded" ? "exceeded" : "approaching");
  Stmt ps(c.prepareStatement(
      "INSERT IGNORE INTO events (uuid, tenant_id, type, email_id, source_key, payload, "
      "occurred_at, created_at) SELECT UUID(), t.id, ?, NULL, ?, JSON_OBJECT('server', "
      "JSON_OBJECT('id', t.id, 'name', t.name), 'volume', ?, 'limit', ?, 'period', ?, "
      "'resets_at', ?), ?, ? FROM tenants t WHERE t.id = ?"));
  ps->setString(1, e.type);
  ps->setString(2, key);
  ps->setInt64(3, w.used);
  ps->setInt64(4, w.limit);
  ps->setString(5, std::string(policy::to_string(w.period)));
  ps->setInt64(6, w.reset_s);
  ps->setString(7, now);
  ps->setString(8, now);
  ps->setString(9, tenant);
  ps->executeUpdate();
}

// API: takes the message for this queue id; false when it is unknown or already taken.
bool claim_api_message(sql::Connection& c, const AdmitRequest& r, const std::string& now) {
  Stmt ps(c.prepareStatement(
      "UPDATE messages SET queue_id = ?, node = ?, queued_at = ?, size_bytes = ? "
      "WHERE id = ? AND tenant_id = ? AND queue_id IS NULL"));
  ps->setString(1, r.queue_id);
  ps->setString(2, r.node);
  ps->setString(3, now);
  ps->setInt64(4, r.size_bytes);
  ps->setString(5, r.message_id);
  ps->setString(6, r.tenant_id);
  return ps->executeUpdate() > 0;
}

// Pending emails without a hold reason are counted; those admind already kept (suppressed
// recipients: held_reason set) are not.
void count_api_emails(sql::Connection& c, const std::string& message, int64_t* pending,
                      int64_t* held) {
  Stmt ps(c.prepareStatement(
      "SELECT held_reason IS NULL, COUNT(*) FROM emails WHERE message_id = ? AND "
      "status = 'pending' GROUP BY held_reason IS NULL"));
  ps->setString(1, message);
  Rows rs(ps->executeQuery());
  while (rs->next()) {
    (rs->getInt(1) != 0 ? *pending : *held) += rs->getInt64(2);
  }
}

// The plan holds the message: its emails not kept already get the plan's reason, and the
// message is marked as being in the hold queue.
void hold_message(sql::Connection& c, const AdmitRequest& r, const AdmitPlan& plan,
                  const std::string& now) {
  Stmt em(
      c.prepareStatement("UPDATE emails SET held_reason = ?, held_detail = ?, updated_at = ? "
                         "WHERE message_id = ? AND status = 'pending' AND held_reason IS NULL"));
  em->setString(1, std::string(plan.decision.reason()));
  em->setString(2, fit(plan.decision.detail, 500));
  em->setString(3, now);
  em->setString(4, r.message_id);
  em->executeUpdate();
  Stmt msg(c.prepareStatement("UPDATE messages SET held_at = ? WHERE id = ?"));
  msg->setString(1, now);
  msg->setString(2, r.message_id);
  msg->executeUpdate();
}

void set_opt(sql::PreparedStatement& ps, int i, const std::optional<std::string>& v, size_t max) {
  if (v) {
    ps.setString(i, fit(*v, max));
  } else {
    ps.setNull(i, sql::DataType::VARCHAR);
  }
}

// The SMTP message's rows, before any counter is locked (so the locks are held briefly):
// the message and one pending email per recipient in one multi-row INSERT, recipients kept
// at RCPT with their own reason.
void insert_smtp_message(sql::Connection& c, const AdmitRequest& r, const std::string& now) {
  Stmt msg(c.prepareStatement(
      "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
      "message_id_hdr, tag, metadata, node, queue_id, size_bytes, created_at, queued_at) "
      "VALUES (?, ?, 'smtp', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  msg->setString(1, r.message_id);
  msg->setString(2, r.tenant_id);
  msg->setString(3, fit(r.envelope_from, 320));
  msg->setString(4, fit(r.from_header, 1000));
  msg->setString(5, fit(r.subject, 1000));
  set_opt(*msg, 6, r.message_id_hdr.empty() ? std::nullopt : std::optional(r.message_id_hdr), 255);
  set_opt(*msg, 7, r.tag, 1000);
  set_opt(*msg, 8, r.metadata_json, 1u << 30);
  msg->setString(9, r.node);
  msg->setString(10, r.queue_id);
  msg->setInt64(11, r.size_bytes);
  msg->setString(12, now);
  msg->setString(13, now);
  msg->executeUpdate();
  if (r.emails.empty()) {
    return;
  }
  Stmt em(c.prepareStatement(
      "INSERT INTO emails (id, message_id, tenant_id, rcpt, status, held_reason, held_detail, "
      "created_at, updated_at) VALUES " +
      pairs(r.emails.size(), "(?, ?, ?, ?, 'pending', ?, ?, ?, ?)")));
  int i = 1;
  for (const NewEmail& e : r.emails) {
    bool kept = e.status == "held";
    em->setString(i++, e.id);
    em->setString(i++, r.message_id);
    em->setString(i++, r.tenant_id);
    em->setString(i++, fit(e.rcpt, 320));
    set_opt(*em, i++, kept ? std::optional(e.held_reason) : std::nullopt, 64);
    set_opt(*em, i++, kept ? std::optional(e.held_detail) : std::nullopt, 500);
    em->setString(i++, now);
    em->setString(i++, now);
  }
  em->executeUpdate();
}

// Step 1 of the admission: the rows (SMTP) or the claim of the API message; false when the
// API message is unknown or already has a queue id. *pending and *held get the counts.
bool write_rows(sql::Connection& c, const AdmitRequest& r, const std::string& now, int64_t* pending,
                int64_t* held) {
  if (r.api) {
    if (!claim_api_message(c, r, now)) {
      return false;
    }
    count_api_emails(c, r.message_id, pending, held);
    return true;
  }
  insert_smtp_message(c, r, now);
  for (const NewEmail& e : r.emails) {
    (e.status == "held" ? *held : *pending) += 1;
  }
  return true;
}

// The plan's writes while the counters are locked: counts, limit events, the hold.
void apply_plan(sql::Connection& c, const AdmitRequest& r, const AdmitPlan& plan,
                const std::vector<Window*>& windows, const std::string& now) {
  if (plan.counted > 0) {
    add_to_counters(c, r.tenant_id, windows, plan.counted);
  }
  for (const LimitEvent& e : plan.events) {
    record_event(c, r.tenant_id, e, now);
  }
  if (plan.held) {
    hold_message(c, r, plan, now);
  }
}

}  // namespace

base::Result<std::optional<LoginFacts>> MySqlSendStore::find_login(const std::string& tenant_id,
                                                                   const std::string& name) {
  std::optional<LoginFacts> found;
  base::Status st = pool_.run([&](sql::Connection& c) {
    Stmt ps(c.prepareStatement(
        "SELECT c.id, c.hold, t.status FROM credentials c JOIN tenants t ON t.id = c.tenant_id "
        "WHERE c.tenant_id = ? AND c.name = ? AND c.type = 'smtp'"));
    ps->setString(1, tenant_id);
    ps->setString(2, name);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      found = LoginFacts{{rs->getInt64(1), tenant_id, rs->getInt(2) != 0},
                         policy::parse_tenant_status(std::string(rs->getString(3)))};
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return found;
}

base::Result<policy::TenantStatus> MySqlSendStore::tenant_status(const std::string& tenant_id) {
  return policy::read_tenant_status(pool_, tenant_id);
}

base::Result<policy::DomainFacts> MySqlSendStore::domain(const std::string& tenant_id,
                                                         const std::string& domain) {
  return policy::read_domain_facts(pool_, tenant_id, domain);
}

base::Result<std::optional<std::string>> MySqlSendStore::suppression(const std::string& tenant_id,
                                                                     const std::string& address) {
  std::optional<std::string> reason;
  base::Status st = pool_.run([&](sql::Connection& c) {
    Stmt ps(
        c.prepareStatement("SELECT reason FROM suppressions WHERE tenant_id = ? AND address = ?"));
    ps->setString(1, tenant_id);
    ps->setString(2, address);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      reason = rs->isNull(1) ? std::string() : std::string(rs->getString(1));
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return reason;
}

base::Result<policy::Limits> MySqlSendStore::limits(const std::string& tenant_id,
                                                    const policy::Limits& defaults) {
  policy::Limits out;
  base::Status st = pool_.run([&](sql::Connection& c) {
    out = tenant_limits(c, tenant_id, defaults);
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return out;
}

base::Result<std::vector<Window>> MySqlSendStore::usage(const std::string& tenant_id, int64_t now_s,
                                                        const policy::Limits& defaults) {
  std::vector<Window> windows;
  base::Status st = pool_.run([&](sql::Connection& c) {
    windows = policy::send_windows(now_s, tenant_limits(c, tenant_id, defaults));
    std::optional<Window> none;
    read_counters(c, tenant_id, pointers(windows, none), false);
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return windows;
}

base::Result<Admission> MySqlSendStore::admit(const AdmitRequest& request,
                                              const AdmitDecider& decide) {
  for (int attempt = 1;; ++attempt) {
    auto r = admit_once(request, decide);
    if (r || r.error().kind != base::ErrorKind::Transient || attempt == kAdmitAttempts) {
      return r;
    }
    base::log_warn("admit_retry",
                   {{"qid", request.queue_id}, {"attempt", attempt}, {"error", r.error().message}});
  }
}

base::Result<Admission> MySqlSendStore::admit_once(const AdmitRequest& r,
                                                   const AdmitDecider& decide) {
  Admission out;
  bool rejected = false;
  base::Status st = pool_.run_tx([&](sql::Connection& c) -> base::Status {
    out = Admission{};
    std::string now = base::format_sql_datetime(r.now_us);
    int64_t pending = 0;
    int64_t held = 0;
    if (!write_rows(c, r, now, &pending, &held)) {
      out.unknown_binding = true;
      return {};
    }
    int64_t now_s = r.now_us / 1000000;
    std::vector<Window> windows =
        policy::send_windows(now_s, tenant_limits(c, r.tenant_id, r.default_limits));
    std::optional<Window> sandbox;
    if (r.sandbox) {
      sandbox = Window{Period::SandboxDay, policy::window_start(Period::SandboxDay, now_s),
                       policy::window_reset(Period::SandboxDay, now_s), r.sandbox_limit, 0};
    }
    read_counters(c, r.tenant_id, pointers(windows, sandbox), true);
    out.plan = decide(windows, sandbox, pending, held);
    if (out.plan.reject) {
      rejected = true;
      return base::Error::invalid("refused");  // rolls the rows back
    }
    apply_plan(c, r, out.plan, pointers(windows, sandbox), now);
    return {};
  });
  if (!st && !rejected) {
    return st.error();
  }
  return out;
}

}  // namespace ark::milter
