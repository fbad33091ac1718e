// Usage counted from the real email rows (api.md §3.8, §4.3, §4.11): per tenant, as a
// time series, per tenant list with sort and filters, the organisation summary, and the
// export as CSV (with BOM), JSONL and a JSON array.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>

#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

// One tenant with 2 delivered and 1 hard-failed email today, shared by the tests below.
const TestTenant& usage_tenant() {
  static const TestTenant t = [] {
    TestTenant u =
        new_tenant(unique_name("Usage Co "), R"({"externalId":"ext-usage","plan":"pro"})");
    std::vector<std::string> ids = {sent_id(send_email(u, {"u1@ok.test"}, "usage 1")),
                                    sent_id(send_email(u, {"u2@ok.test"}, "usage 2")),
                                    sent_id(send_email(u, {"u3@reject.test"}, "usage 3"))};
    wait_status(ids[0], "sent");
    wait_status(ids[1], "sent");
    wait_status(ids[2], "hardfail");
    return u;
  }();
  return t;
}

std::string today_utc() {
  std::time_t now = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&now));
  return buf;
}

TEST(Usage, TenantCountsComeFromTheEmailRows) {
  const TestTenant& u = usage_tenant();
  ASSERT_EQ(sql_count("SELECT COUNT(*) FROM emails WHERE tenant_id = '" + u.id + "'"), 3);
  auto r = call("GET", "/v1/tenants/" + u.id + "/usage?period=today", u.key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.data();
  EXPECT_EQ(d->getValue<std::string>("tenant_id"), u.id);
  EXPECT_EQ(d->getValue<std::string>("external_id"), "ext-usage");
  auto e = d->getObject("emails");
  EXPECT_EQ(e->getValue<int>("sent"), 3);
  EXPECT_EQ(e->getValue<int>("delivered"), 2);
  EXPECT_EQ(e->getValue<int>("hard_failed"), 1);
  EXPECT_EQ(
      e->getValue<int>("soft_failed") + e->getValue<int>("bounced") + e->getValue<int>("held"), 0);
  EXPECT_NEAR(d->getObject("rates")->getValue<double>("delivery_rate"), 2.0 / 3, 1e-5);
  EXPECT_NEAR(d->getObject("rates")->getValue<double>("bounce_rate"), 1.0 / 3, 1e-5);
  EXPECT_EQ(d->getObject("period")->getValue<std::string>("start"), today_utc() + "T00:00:00.000Z");
  EXPECT_EQ(d->getObject("period")->getValue<std::string>("end"), today_utc() + "T23:59:59.999Z");
  // Yesterday has none of them.
  auto y = call("GET", "/v1/tenants/" + u.id + "/usage?period=yesterday", u.key);
  EXPECT_EQ(y.data()->getObject("emails")->getValue<int>("sent"), 0);
  EXPECT_EQ(y.data()->getObject("rates")->getValue<double>("delivery_rate"), 0.0);
}

TEST(Usage, TimeseriesBucketsInTheTimeZone) {
  const TestTenant& u = usage_tenant();
  auto r =
      call("GET", "/v1/tenants/" + u.id + "/usage/timeseries?period=today&granularity=hour", u.key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto points = r.data()->getArray("data");
  ASSERT_EQ(points->size(), 24u);
  int total = 0, nonzero = 0;
  for (size_t i = 0; i < points->size(); ++i) {
    int sent = points->getObject(static_cast<unsigned>(i))->getValue<int>("sent");
    total += sent;
    nonzero += sent > 0;
  }
  EXPECT_EQ(total, 3);
  EXPECT_GE(nonzero, 1);
  EXPECT_EQ(r.data()->getValue<std::string>("granularity"), "hour");
  // In a +14:00 zone the day starts at 10:00 UTC the day before (or of) today.
  auto kiritimati =
      call("GET", "/v1/tenants/" + u.id + "/usage?period=today&timezone=Pacific/Kiritimati", u.key);
  ASSERT_EQ(kiritimati.status, 200) << kiritimati.body;
  std::string start = kiritimati.data()->getObject("period")->getValue<std::string>("start");
  EXPECT_EQ(start.substr(10), "T10:00:00.000Z") << start;
}

TEST(Usage, TenantListSortFiltersAndOrganisationSummary) {
  const TestTenant& u = usage_tenant();
  auto list =
      call("GET", "/v1/usage/tenants?period=today&minSent=3&sort=-sent&perPage=100", org_key());
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = list.json->getArray("data");
  bool found = false;
  int64_t previous = INT64_MAX;
  for (size_t i = 0; i < items->size(); ++i) {
    auto it = items->getObject(static_cast<unsigned>(i));
    int64_t sent = it->getObject("emails")->getValue<int64_t>("sent");
    EXPECT_GE(sent, 3);
    EXPECT_LE(sent, previous);
    previous = sent;
    if (it->getValue<std::string>("tenantId") == u.id) {
      found = true;
      EXPECT_EQ(it->getValue<std::string>("externalId"), "ext-usage");
      EXPECT_EQ(it->getValue<std::string>("status"), "active");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(list.json->has("period"));
  // A tenant-scoped key sees only its own tenant.
  auto own = call("GET", "/v1/usage/tenants?period=today", u.key);
  ASSERT_EQ(own.json->getValue<int>("total"), 1);
  EXPECT_EQ(own.json->getArray("data")->getObject(0)->getValue<std::string>("tenantId"), u.id);
  auto summary = call("GET", "/v1/usage?period=today", org_key());
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_GE(summary.data()->getObject("emails")->getValue<int>("sent"), 3);
  EXPECT_GE(summary.data()->getObject("tenants")->getValue<int>("withActivity"), 1);
  EXPECT_GE(summary.data()->getObject("tenants")->getValue<int>("total"),
            summary.data()->getObject("tenants")->getValue<int>("active"));
  auto mine = call("GET", "/v1/usage?period=today", u.key);
  EXPECT_EQ(mine.data()->getObject("emails")->getValue<int>("sent"), 3);
  EXPECT_EQ(mine.data()->getObject("tenants")->getValue<int>("total"), 1);
  // tenant_name sorts in the database's case-insensitive collation.
  auto by_name = call("GET", "/v1/usage/tenants?sort=tenant_name&perPage=100", org_key());
  auto named = by_name.json->getArray("data");
  auto folded = [&](size_t i) {
    std::string n = named->getObject(static_cast<unsigned>(i))->getValue<std::string>("tenantName");
    std::transform(n.begin(), n.end(), n.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return n;
  };
  ASSERT_GT(named->size(), 1u);
  for (size_t i = 1; i < named->size(); ++i) {
    EXPECT_LE(folded(i - 1), folded(i));
  }
}

TEST(UsageExport, CsvJsonlAndJsonArray) {
  const TestTenant& u = usage_tenant();
  auto csv = call("GET", "/v1/usage/export?period=today&minSent=3", org_key(), "",
                  {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("Content-Type").rfind("text/csv", 0), 0u);
  EXPECT_NE(csv.header("Content-Disposition").find("attachment; filename=\"usage-"),
            std::string::npos);
  ASSERT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  std::string header =
      "tenant_id,tenant_name,external_id,status,sent,delivered,soft_failed,hard_failed,bounced,"
      "held,delivery_rate,bounce_rate,period_start,period_end";
  EXPECT_EQ(csv.body.substr(3, header.size()), header);
  std::string row_prefix = u.id + ",";
  size_t at = csv.body.find("\n" + row_prefix);
  ASSERT_NE(at, std::string::npos) << csv.body;
  std::string row = csv.body.substr(at + 1, csv.body.find('\n', at + 1) - at - 1);
  EXPECT_NE(row.find(",ext-usage,active,3,2,0,1,0,0,0.666667,0.333333,"), std::string::npos) << row;

  auto jsonl = call("GET", "/v1/usage/export?format=jsonl&period=today&minSent=3", org_key(), "",
                    {{"Accept", "application/x-ndjson"}});
  ASSERT_EQ(jsonl.status, 200);
  EXPECT_EQ(jsonl.header("Content-Type").rfind("application/x-ndjson", 0), 0u);
  std::istringstream lines(jsonl.body);
  bool seen = false;
  for (std::string line; std::getline(lines, line);) {
    auto o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    if (o->getValue<std::string>("tenant_id") == u.id) {
      seen = true;
      EXPECT_EQ(o->getValue<int>("sent"), 3);
      EXPECT_EQ(o->getValue<int>("hard_failed"), 1);
    }
  }
  EXPECT_TRUE(seen);

  auto array =
      call("GET", "/v1/usage/export?period=today", org_key(), "", {{"Accept", "application/json"}});
  ASSERT_EQ(array.status, 200);
  EXPECT_EQ(array.header("Content-Type").rfind("application/json", 0), 0u);
  auto arr = Poco::JSON::Parser().parse(array.body).extract<Poco::JSON::Array::Ptr>();
  EXPECT_GT(arr->size(), 0u);
  // Not exactly application/json: the format parameter decides.
  auto mixed = call("GET", "/v1/usage/export?period=today", org_key(), "",
                    {{"Accept", "application/json, text/plain"}});
  EXPECT_EQ(mixed.body.substr(0, 3), "\xEF\xBB\xBF");
}

TEST(Usage, BadParametersAndOtherTenants) {
  const TestTenant& u = usage_tenant();
  TestTenant other = new_tenant("Usage Other");
  for (const auto& [path, field] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/usage?period=fortnight", "period"},
           {"/v1/usage?period=2024-02-30", "period"},
           {"/v1/usage?timezone=Nowhere/Land", "timezone"},
           {"/v1/usage?timezone=../../etc/passwd", "timezone"},
           {"/v1/usage/tenants?sort=size", "sort"},
           {"/v1/usage/tenants?minSent=-1", "minSent"},
           {"/v1/usage/tenants?status=gone", "status"},
           {"/v1/usage/tenants?page=0", "page"},
           {"/v1/usage/tenants?perPage=101", "perPage"},
           {"/v1/usage/export?format=xml", "format"},
           {"/v1/tenants/" + u.id + "/usage/timeseries?granularity=minute", "granularity"},
           {"/v1/tenants/" + u.id +
                "/usage/timeseries?period=2024-01-01..2024-12-31&granularity=hour",
            "granularity"}}) {
    auto r = call("GET", path, org_key());
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(r.error_field(), field) << path;
  }
  EXPECT_EQ(call("GET", "/v1/tenants/cmnosuchtenant00/usage", org_key()).status, 404);
  EXPECT_EQ(call("GET", "/v1/tenants/" + other.id + "/usage", u.key).status, 403);
  EXPECT_EQ(call("GET", "/v1/tenants/" + other.id + "/usage/timeseries", u.key).status, 403);
}

}  // namespace
}  // namespace ark::itest
