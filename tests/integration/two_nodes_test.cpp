// Two Postfix nodes (scripts/extra-node), each with its own ark-milter, one database, one
// tenant with an hourly limit of N: smtp-source loads both nodes at once with more than N
// messages, and exactly N are admitted for delivery in total (the rest are held, nothing is
// refused or lost), because both milters reserve the same counter rows atomically.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>

#include "tests/integration/outbox_db.h"
#include "tests/integration/send_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

constexpr int kLimit = 30;
constexpr int kPerNode = 40;

std::string node_cmd(const std::string& args) {
  return "ARK_DEV_ENV='" + env_get("ARK_DEV_DIR") + "/env' bash '" + env_get("ARK_REPO") +
         "/scripts/extra-node' " + args + " >/dev/null 2>&1";
}

class TwoNodes : public ::testing::Test {
 protected:
  void TearDown() override {
    run(node_cmd("stop itest-a"));
    run(node_cmd("stop itest-b"));
  }
  OutboxDb db_;
};

TEST_F(TwoNodes, ShareOneTenantLimitExactly) {
  SmtpTenant t = make_smtp_tenant(db_, unique_label("nodes"));
  db_.exec(
      "INSERT INTO tenant_send_limits (tenant_id, hourly, updated_at) VALUES (?, ?, "
      "UTC_TIMESTAMP(6))",
      {t.id, std::to_string(kLimit)});
  int base = std::stoi(env_get("ARK_PORT_BASE"));
  std::string port_a = std::to_string(base + 60);
  std::string port_b = std::to_string(base + 61);
  ASSERT_EQ(run(node_cmd("start itest-a --port " + port_a + " --relay-tenant " + t.id)), 0);
  ASSERT_EQ(run(node_cmd("start itest-b --port " + port_b + " --relay-tenant " + t.id)), 0);
  auto load = [&](const std::string& port, int* rc) {
    *rc = run("smtp-source -s 8 -m " + std::to_string(kPerNode) + " -f app@" + t.domain +
              " -t load@rcpt.example 127.0.0.1:" + port + " >/dev/null 2>&1");
  };
  int rc_a = -1;
  int rc_b = -1;
  std::thread a(load, port_a, &rc_a);
  std::thread b(load, port_b, &rc_b);
  a.join();
  b.join();
  ASSERT_EQ(rc_a, 0);
  ASSERT_EQ(rc_b, 0);
  auto rows = db_.query(
      "SELECT m.node, e.held_reason IS NULL AS admitted, COUNT(*) AS n FROM emails e JOIN "
      "messages m ON m.id = e.message_id WHERE e.tenant_id = ? GROUP BY m.node, admitted",
      {t.id});
  int admitted = 0;
  int held = 0;
  std::map<std::string, int> per_node;
  for (const auto& r : rows) {
    int n = std::stoi(r.at("n"));
    (r.at("admitted") == "1" ? admitted : held) += n;
    per_node[r.at("node")] += n;
  }
  EXPECT_EQ(admitted, kLimit) << "exactly the limit, across both nodes";
  EXPECT_EQ(held, 2 * kPerNode - kLimit) << "every other message accepted and held";
  EXPECT_EQ(per_node["itest-a"], kPerNode);
  EXPECT_EQ(per_node["itest-b"], kPerNode);
  auto used =
      db_.query("SELECT used FROM send_counters WHERE tenant_id = ? AND period = 'hour'", {t.id});
  ASSERT_EQ(used.size(), 1u);
  EXPECT_EQ(used[0].at("used"), std::to_string(kLimit));
  auto exceeded = db_.query(
      "SELECT COUNT(*) AS n FROM events WHERE tenant_id = ? AND type = 'SendLimitExceeded'",
      {t.id});
  EXPECT_EQ(exceeded.at(0).at("n"), "1") << "recorded once per window, whichever node saw it";
}

}  // namespace
}  // namespace ark::itest
