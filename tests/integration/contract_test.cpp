// The contract suite (issue 3 acceptance): every operation of endpoints.tsv is called over
// HTTP against the running stack, and its status, envelope and every field the spec lists
// (tests/fixtures/contract/fields.txt: name, JSON type, nullability, nested objects) are
// checked. Prerequisite resources are created through the API. An endpoint without a
// route, a missing field, a wrong type or an unexpected null fails its test.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "core/crypto/crypto.h"
#include "tests/integration/api_call.h"
#include "tests/integration/contract_schema.h"
#include "tests/integration/dns_zone.h"
#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fixture(const std::string& name) {
  return read_text(std::string(ARK_SOURCE_DIR) + "/tests/fixtures/contract/" + name);
}

struct Operation {
  std::string method;
  std::string pattern;  // with /v1
  std::string name;
};

void PrintTo(const Operation& op, std::ostream* os) {
  *os << op.method << " " << op.pattern << " (" << op.name << ")";
}

std::vector<Operation> read_endpoints() {
  std::vector<Operation> ops;
  std::istringstream in(fixture("endpoints.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream cols(line);
    Operation op;
    if (std::getline(cols, op.method, '\t') && std::getline(cols, op.pattern, '\t') &&
        std::getline(cols, op.name, '\t')) {
      ops.push_back(op);
    }
  }
  return ops;
}

const Contract& contract() {
  static const Contract c = parse_contract(fixture("fields.txt"));
  return c;
}

// ---- prerequisites, created once through the API ----

std::string must_id(const ApiResult& r, const std::string& what, const char* key = "id") {
  if (r.status < 200 || r.status > 299 || r.data().isNull() || !r.data()->has(key)) {
    throw std::runtime_error(what + " failed: " + std::to_string(r.status) + " " + r.body);
  }
  return r.data()->get(key).toString();
}

class World {
 public:
  static World& get() {
    static World w;
    return w;
  }

  const std::string& tenant() {
    return once(tenant_, [&] {
      return must_id(call("POST", "/v1/tenants", org_key(),
                          R"({"name":"Contract Co","metadata":{"externalId":"contract-ext"}})"),
                     "tenant");
    });
  }

  // A verified sending domain of the tenant (API sends need one, behaviour.md C.15).
  const std::string& sender_domain() {
    return once(sender_domain_, [&] { return add_verified_domain(tenant()); });
  }
  std::string sender() { return "contract@" + sender_domain(); }

  std::string send(const std::string& to, bool html) {
    std::string body = R"({"from":"Contract <)" + sender() + R"(>","to":[)" + json_str(to) +
                       R"(],"subject":"contract suite","text":"plain contract body")" +
                       (html ? R"(,"html":"<p>html contract body</p>")" : "") + R"(,"tenantId":)" +
                       json_str(tenant()) + "}";
    return must_id(call("POST", "/v1/emails", org_key(), body), "send to " + to);
  }

  // A delivered email (status sent, one attempt recorded).
  const std::string& email() {
    return once(email_, [&] {
      std::string id = send("contract@ok.test", true);
      wait_status(id, "sent");
      return id;
    });
  }

  // A hard-failed email (a retry candidate).
  const std::string& failed_email() {
    return once(failed_, [&] {
      std::string id = send("contract@reject.test", false);
      wait_status(id, "hardfail");
      return id;
    });
  }

  const std::string& request_id() {
    return once(request_id_, [&] {
      auto r = call("GET", "/v1/tenants/" + tenant(), org_key());
      std::string id = r.json->getObject("meta")->getValue<std::string>("requestId");
      eventually([&] { return call("GET", "/v1/logs/" + id, org_key()).status == 200; }, 15s);
      return id;
    });
  }

  std::string credential(const std::string& type = "smtp") {
    return must_id(call("POST", "/v1/tenants/" + tenant() + "/credentials", org_key(),
                        R"({"name":")" + unique_name("cred") + R"(","type":")" + type + R"("})"),
                   "credential");
  }
  const std::string& smtp_credential() {
    return once(credential_, [&] { return credential(); });
  }

  std::string domain() {
    return must_id(call("POST", "/v1/tenants/" + tenant() + "/domains", org_key(),
                        R"({"name":")" + unique_name("mail") + R"(.contract.test"})"),
                   "domain");
  }
  const std::string& the_domain() {
    return once(domain_, [&] { return domain(); });
  }

  std::string suppression() {
    std::string address = unique_name("sup") + "@contract.test";
    must_id(call("POST", "/v1/tenants/" + tenant() + "/suppressions", org_key(),
                 R"({"address":")" + address + R"(","reason":"contract suite"})"),
            "suppression");
    return address;
  }
  const std::string& the_suppression() {
    return once(suppression_, [&] { return suppression(); });
  }

  std::string webhook() {
    return must_id(call("POST", "/v1/tenants/" + tenant() + "/webhooks", org_key(),
                        R"({"name":"contract hook","url":"https://127.0.0.1:9/contract-hook",)"
                        R"("events":["MessageSent","MessageBounced"]})"),
                   "webhook");
  }
  const std::string& the_webhook() {
    return once(webhook_, [&] { return webhook(); });
  }

  // A delivery record of the tenant webhook (a test send is recorded, behaviour.md C.2).
  const std::string& webhook_delivery() {
    return once(delivery_, [&] {
      std::string base = "/v1/tenants/" + tenant() + "/webhooks/" + the_webhook();
      call("POST", base + "/test", org_key(), R"({"event":"MessageSent"})");
      return first_item_id(base + "/deliveries", "webhook delivery");
    });
  }

  std::string tracking() {
    return must_id(call("POST", "/v1/tenants/" + tenant() + "/tracking", org_key(),
                        R"({"domainId":)" + domain() + R"(,"name":"track"})"),
                   "track domain");
  }
  const std::string& the_tracking() {
    return once(tracking_, [&] { return tracking(); });
  }

  std::string platform_webhook() {
    return must_id(call("POST", "/v1/platform/webhooks", org_key(),
                        R"({"name":"contract platform hook",)"
                        R"("url":"https://127.0.0.1:9/contract-platform","events":[]})"),
                   "platform webhook");
  }
  const std::string& the_platform_webhook() {
    return once(platform_webhook_, [&] { return platform_webhook(); });
  }

  // The stack's DNS server answering for the track domain's zone with the CNAME the API
  // asks for, so verify gets a definite answer (no server at all is a lookup failure).
  void publish_track_cname() {
    static NsdServer nsd;
    auto t = call("GET", "/v1/tenants/" + tenant() + "/tracking/" + the_tracking(), org_key());
    std::string full = t.data()->getValue<std::string>("fullName");
    std::string target = t.data()->getObject("dnsRecord")->getValue<std::string>("value");
    TestZone zone(full.substr(full.find('.', full.find('.') + 1) + 1));
    zone.publish({{full, "CNAME", target}});
  }

  const std::string& platform_delivery() {
    return once(platform_delivery_, [&] {
      call("POST", "/v1/platform/webhooks/" + the_platform_webhook() + "/test", org_key(),
           R"({"event":"MessageSent"})");
      return first_item_id("/v1/platform/webhooks/deliveries?webhookId=" + the_platform_webhook(),
                           "platform delivery");
    });
  }

 private:
  const std::string& once(std::optional<std::string>& slot,
                          const std::function<std::string()>& make) {
    if (!slot) {
      slot = make();
    }
    return *slot;
  }

  void wait_status(const std::string& id, const std::string& status) {
    std::string last;
    bool ok = eventually(
        [&] {
          auto r = call("GET", "/v1/emails/" + id, org_key());
          last = r.data().isNull() ? r.body : r.data()->getValue<std::string>("status");
          return last == status;
        },
        60s);
    if (!ok) {
      throw std::runtime_error("email " + id + " never became " + status + " (last: " + last + ")");
    }
  }

  std::string first_item_id(const std::string& path, const std::string& what) {
    std::string id;
    eventually(
        [&] {
          auto r = call("GET", path, org_key());
          if (r.status != 200 || !r.json->isArray("data") ||
              r.json->getArray("data")->size() == 0) {
            return false;
          }
          id = r.json->getArray("data")->getObject(0)->getValue<std::string>("id");
          return true;
        },
        20s);
    if (id.empty()) {
      throw std::runtime_error(what + ": none listed at " + path);
    }
    return id;
  }

  std::optional<std::string> tenant_, sender_domain_, email_, failed_, request_id_, credential_,
      domain_, suppression_, webhook_, delivery_, tracking_, platform_webhook_, platform_delivery_;
};

// ---- one call per operation ----

struct Call {
  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;
};

std::string raw_message(const std::string& from) {
  return crypto::base64_encode("From: Contract <" + from +
                               ">\r\nTo: raw@ok.test\r\nSubject: contract raw\r\n"
                               "Message-ID: <contract-raw@contract.test>\r\n\r\nraw body\r\n");
}

using Scenario = std::function<Call(World&)>;

std::map<std::string, Scenario> email_scenarios() {
  return {
      {"emails.get",
       [](World& w) {
         return Call{"GET", "/v1/emails/" + w.email() + "?expand=full"};
       }},
      {"emails.list",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/emails?perPage=5"};
       }},
      {"emails.get_deliveries",
       [](World& w) {
         return Call{"GET", "/v1/emails/" + w.email() + "/deliveries"};
       }},
      {"emails.retry",
       [](World& w) {
         return Call{"POST", "/v1/emails/" + w.failed_email() + "/retry"};
       }},
      {"emails.send",
       [](World& w) {
         return Call{"POST", "/v1/emails",
                     R"({"from":"Contract <)" + w.sender() +
                         R"(>","to":["send@ok.test"],)"
                         R"("subject":"contract send","text":"hello","tenantId":)" +
                         json_str(w.tenant()) + "}"};
       }},
      {"emails.send_batch",
       [](World& w) {
         return Call{"POST", "/v1/emails/batch",
                     R"({"from":"Contract <)" + w.sender() +
                         R"(>","emails":[)"
                         R"({"to":["b1@ok.test"],"subject":"batch 1","text":"one"},)"
                         R"({"to":["b2@ok.test"],"subject":"batch 2","html":"<p>two</p>"}],)"
                         R"("tenantId":)" +
                         json_str(w.tenant()) + "}"};
       }},
      {"emails.send_raw",
       [](World& w) {
         return Call{"POST", "/v1/emails/raw",
                     R"({"from":")" + w.sender() + R"(","to":["raw@ok.test"],"rawMessage":")" +
                         raw_message(w.sender()) + R"(","tenantId":)" + json_str(w.tenant()) + "}"};
       }},
  };
}

std::map<std::string, Scenario> platform_scenarios() {
  return {
      {"logs.get",
       [](World& w) {
         return Call{"GET", "/v1/logs/" + w.request_id()};
       }},
      {"logs.list",
       [](World& w) {
         w.request_id();
         return Call{"GET", "/v1/logs?perPage=5"};
       }},
      {"usage.get",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/usage"};
       }},
      {"usage.export",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/usage/export", "", {{"Accept", "application/json"}}};
       }},
      {"usage.list_tenants",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/usage/tenants"};
       }},
      {"limits.get",
       [](World&) {
         return Call{"GET", "/v1/limits"};
       }},
      {"tenants.usage.get",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/tenants/" + w.tenant() + "/usage"};
       }},
      {"tenants.usage.get_timeseries",
       [](World& w) {
         w.email();
         return Call{"GET", "/v1/tenants/" + w.tenant() + "/usage/timeseries?granularity=day"};
       }},
  };
}

std::map<std::string, Scenario> tenant_scenarios() {
  return {
      {"tenants.create",
       [](World&) {
         return Call{"POST", "/v1/tenants", R"({"name":"Contract New","metadata":{"plan":"pro"}})"};
       }},
      {"tenants.get",
       [](World& w) {
         return Call{"GET", "/v1/tenants/" + w.tenant()};
       }},
      {"tenants.update",
       [](World& w) {
         return Call{"PATCH", "/v1/tenants/" + w.tenant(),
                     R"({"metadata":{"externalId":"contract-ext","tier":2}})"};
       }},
      {"tenants.list",
       [](World& w) {
         w.tenant();
         return Call{"GET", "/v1/tenants?perPage=5"};
       }},
      {"tenants.delete",
       [](World&) {
         return Call{"DELETE", "/v1/tenants/" + must_id(call("POST", "/v1/tenants", org_key(),
                                                             R"({"name":"Contract Victim"})"),
                                                        "victim tenant")};
       }},
  };
}

std::map<std::string, Scenario> resource_scenarios() {
  auto t = [](World& w) { return "/v1/tenants/" + w.tenant(); };
  return {
      {"tenants.credentials.create",
       [t](World& w) {
         return Call{"POST", t(w) + "/credentials",
                     R"({"name":")" + unique_name("c") + R"(","type":"smtp"})"};
       }},
      {"tenants.credentials.get",
       [t](World& w) {
         return Call{"GET", t(w) + "/credentials/" + w.smtp_credential() + "?reveal=true"};
       }},
      {"tenants.credentials.update",
       [t](World& w) {
         return Call{"PATCH", t(w) + "/credentials/" + w.smtp_credential(), R"({"hold":false})"};
       }},
      {"tenants.credentials.list",
       [t](World& w) {
         w.smtp_credential();
         return Call{"GET", t(w) + "/credentials"};
       }},
      {"tenants.credentials.delete",
       [t](World& w) {
         return Call{"DELETE", t(w) + "/credentials/" + w.credential()};
       }},
      {"tenants.domains.create",
       [t](World& w) {
         return Call{"POST", t(w) + "/domains",
                     R"({"name":")" + unique_name("new") + R"(.contract.test"})"};
       }},
      {"tenants.domains.get",
       [t](World& w) {
         return Call{"GET", t(w) + "/domains/" + w.the_domain()};
       }},
      {"tenants.domains.list",
       [t](World& w) {
         w.the_domain();
         return Call{"GET", t(w) + "/domains"};
       }},
      {"tenants.domains.delete",
       [t](World& w) {
         return Call{"DELETE", t(w) + "/domains/" + w.domain()};
       }},
      {"tenants.domains.verify",
       [t](World& w) {
         return Call{"POST", t(w) + "/domains/" + w.the_domain() + "/verify"};
       }},
      {"tenants.suppressions.create",
       [t](World& w) {
         return Call{"POST", t(w) + "/suppressions",
                     R"({"address":")" + unique_name("s") + R"(@contract.test","reason":"x"})"};
       }},
      {"tenants.suppressions.get",
       [t](World& w) {
         return Call{"GET", t(w) + "/suppressions/" + w.the_suppression()};
       }},
      {"tenants.suppressions.list",
       [t](World& w) {
         w.the_suppression();
         return Call{"GET", t(w) + "/suppressions?page=0&perPage=100"};
       }},
      {"tenants.suppressions.delete",
       [t](World& w) {
         return Call{"DELETE", t(w) + "/suppressions/" + w.suppression()};
       }},
  };
}

std::map<std::string, Scenario> webhook_scenarios() {
  auto hook = [](World& w) { return "/v1/tenants/" + w.tenant() + "/webhooks"; };
  return {
      {"tenants.webhooks.create",
       [hook](World& w) {
         return Call{"POST", hook(w),
                     R"({"name":"new hook","url":"https://127.0.0.1:9/new","allEvents":true})"};
       }},
      {"tenants.webhooks.get",
       [hook](World& w) {
         return Call{"GET", hook(w) + "/" + w.the_webhook()};
       }},
      {"tenants.webhooks.update",
       [hook](World& w) {
         return Call{"PATCH", hook(w) + "/" + w.the_webhook(), R"({"name":"renamed hook"})"};
       }},
      {"tenants.webhooks.list",
       [hook](World& w) {
         w.the_webhook();
         return Call{"GET", hook(w)};
       }},
      {"tenants.webhooks.delete",
       [hook](World& w) {
         return Call{"DELETE", hook(w) + "/" + w.webhook()};
       }},
      {"tenants.webhooks.list_deliveries",
       [hook](World& w) {
         w.webhook_delivery();
         return Call{"GET", hook(w) + "/" + w.the_webhook() + "/deliveries"};
       }},
      {"tenants.webhooks.replay_delivery",
       [hook](World& w) {
         return Call{"POST", hook(w) + "/" + w.the_webhook() + "/deliveries/" +
                                 w.webhook_delivery() + "/replay"};
       }},
      {"tenants.webhooks.get_delivery",
       [hook](World& w) {
         return Call{"GET",
                     hook(w) + "/" + w.the_webhook() + "/deliveries/" + w.webhook_delivery()};
       }},
      {"tenants.webhooks.test",
       [hook](World& w) {
         return Call{"POST", hook(w) + "/" + w.the_webhook() + "/test",
                     R"({"event":"MessageSent"})"};
       }},
  };
}

std::map<std::string, Scenario> tracking_scenarios() {
  auto tr = [](World& w) { return "/v1/tenants/" + w.tenant() + "/tracking"; };
  return {
      {"tenants.tracking.create",
       [tr](World& w) {
         return Call{"POST", tr(w), R"({"domainId":)" + w.domain() + R"(,"name":"clicks"})"};
       }},
      {"tenants.tracking.get",
       [tr](World& w) {
         return Call{"GET", tr(w) + "/" + w.the_tracking()};
       }},
      {"tenants.tracking.update",
       [tr](World& w) {
         return Call{"PATCH", tr(w) + "/" + w.the_tracking(),
                     R"({"trackOpens":false,"excludedClickDomains":"example.com"})"};
       }},
      {"tenants.tracking.list",
       [tr](World& w) {
         w.the_tracking();
         return Call{"GET", tr(w)};
       }},
      {"tenants.tracking.delete",
       [tr](World& w) {
         return Call{"DELETE", tr(w) + "/" + w.tracking()};
       }},
      {"tenants.tracking.verify",
       [tr](World& w) {
         w.publish_track_cname();
         return Call{"POST", tr(w) + "/" + w.the_tracking() + "/verify"};
       }},
  };
}

std::map<std::string, Scenario> platform_webhook_scenarios() {
  const std::string base = "/v1/platform/webhooks";
  return {
      {"platform.webhooks.create",
       [base](World&) {
         return Call{
             "POST", base,
             R"({"name":"new platform hook","url":"https://127.0.0.1:9/p","events":["MessageSent"]})"};
       }},
      {"platform.webhooks.get",
       [base](World& w) {
         return Call{"GET", base + "/" + w.the_platform_webhook()};
       }},
      {"platform.webhooks.update",
       [base](World& w) {
         return Call{"PATCH", base + "/" + w.the_platform_webhook(), R"({"enabled":true})"};
       }},
      {"platform.webhooks.list",
       [base](World& w) {
         w.the_platform_webhook();
         return Call{"GET", base};
       }},
      {"platform.webhooks.delete",
       [base](World& w) {
         return Call{"DELETE", base + "/" + w.platform_webhook()};
       }},
      {"platform.webhooks.list_deliveries",
       [base](World& w) {
         w.platform_delivery();
         return Call{"GET", base + "/deliveries?page=0&perPage=100"};
       }},
      {"platform.webhooks.replay_delivery",
       [base](World& w) {
         return Call{"POST", base + "/deliveries/" + w.platform_delivery() + "/replay"};
       }},
      {"platform.webhooks.get_delivery",
       [base](World& w) {
         return Call{"GET", base + "/deliveries/" + w.platform_delivery()};
       }},
      {"platform.webhooks.test",
       [base](World& w) {
         return Call{"POST", base + "/" + w.the_platform_webhook() + "/test",
                     R"({"event":"MessageSent"})"};
       }},
  };
}

const std::map<std::string, Scenario>& scenarios() {
  static const std::map<std::string, Scenario> all = [] {
    std::map<std::string, Scenario> m;
    for (auto part :
         {email_scenarios(), platform_scenarios(), tenant_scenarios(), resource_scenarios(),
          webhook_scenarios(), tracking_scenarios(), platform_webhook_scenarios()}) {
      m.insert(part.begin(), part.end());
    }
    return m;
  }();
  return all;
}

// The call must be the operation of endpoints.tsv: same method, and the path matches the
// pattern segment by segment ({name} matches any one non-empty segment).
bool matches(const Operation& op, const Call& c) {
  std::string path = c.path.substr(0, c.path.find('?'));
  std::vector<std::string> want, got;
  for (auto [s, out] : {std::pair{op.pattern, &want}, {path, &got}}) {
    std::stringstream ss(s);
    for (std::string seg; std::getline(ss, seg, '/');) {
      out->push_back(seg);
    }
  }
  if (op.method != c.method || want.size() != got.size()) {
    return false;
  }
  for (size_t i = 0; i < want.size(); ++i) {
    bool capture = !want[i].empty() && want[i].front() == '{';
    if (capture ? got[i].empty() : want[i] != got[i]) {
      return false;
    }
  }
  return true;
}

class ContractTest : public ::testing::TestWithParam<Operation> {};

TEST_P(ContractTest, StatusEnvelopeAndEveryField) {
  const Operation& op = GetParam();
  auto spec = contract().endpoints.find(op.name);
  ASSERT_NE(spec, contract().endpoints.end()) << op.name << " has no entry in fields.txt";
  auto scenario = scenarios().find(op.name);
  ASSERT_NE(scenario, scenarios().end()) << op.name << " has no call in contract_test.cpp";
  Call c;
  try {
    c = scenario->second(World::get());
  } catch (const std::exception& e) {
    FAIL() << op.name << ": a prerequisite could not be created: " << e.what();
  }
  ASSERT_TRUE(matches(op, c)) << c.method << " " << c.path << " is not " << op.method << " "
                              << op.pattern;
  ApiResult r = call(c.method, c.path, org_key(), c.body, c.headers);
  auto errors = check_response(contract(), spec->second, r.status, r.body);
  std::string all;
  for (const auto& e : errors) {
    all += "\n  " + e;
  }
  EXPECT_TRUE(errors.empty()) << op.method << " " << c.path << ":" << all
                              << "\nbody: " << r.body.substr(0, 2000);
  EXPECT_FALSE(r.header("X-RateLimit-Limit").empty()) << "no X-RateLimit-Limit header";
}

std::string test_name(const ::testing::TestParamInfo<Operation>& info) {
  std::string n = info.param.name;
  for (auto& ch : n) {
    if (ch == '.') {
      ch = '_';
    }
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Endpoints, ContractTest, ::testing::ValuesIn(read_endpoints()), test_name);

// ---- isolation: the same calls with another tenant's scoped key ----

// Tenant B: a tenant of its own with a tenant-scoped key. Every call the contract makes for
// tenant A (ids of A's tenant, emails, resources, request logs in the path, or A's
// tenantId in a send body) must be refused with 403 or 404 and must not show A's data;
// the organisation-level reads answer for B alone and must not contain A's tenant id.
struct Outsider {
  std::string tenant;
  std::string key;
};

const Outsider& outsider() {
  static const Outsider o = [] {
    Outsider b;
    b.tenant = must_id(call("POST", "/v1/tenants", org_key(), R"({"name":"Contract Outsider"})"),
                       "outsider tenant");
    b.key = tenant_key(b.tenant);
    return b;
  }();
  return o;
}

// Operations a tenant-scoped key may call for itself; B gets B's own view (200).
const std::set<std::string> kOwnViews = {"emails.list",  "logs.list",          "usage.get",
                                         "usage.export", "usage.list_tenants", "limits.get",
                                         "tenants.list"};

class IsolationTest : public ::testing::TestWithParam<Operation> {};

TEST_P(IsolationTest, AnotherTenantsKeyIsRefusedAndSeesNothing) {
  const Operation& op = GetParam();
  auto scenario = scenarios().find(op.name);
  ASSERT_NE(scenario, scenarios().end()) << op.name;
  World& a = World::get();
  Call c;
  try {
    c = scenario->second(a);
  } catch (const std::exception& e) {
    FAIL() << op.name << ": a prerequisite could not be created: " << e.what();
  }
  const Outsider& b = outsider();
  ApiResult r = call(c.method, c.path, b.key, c.body, c.headers);
  if (kOwnViews.count(op.name)) {
    EXPECT_EQ(r.status, 200) << op.name << " " << r.body.substr(0, 500);
  } else {
    EXPECT_TRUE(r.status == 403 || r.status == 404)
        << op.method << " " << c.path << " with another tenant's key answered " << r.status << ": "
        << r.body.substr(0, 500);
  }
  EXPECT_EQ(r.body.find(a.tenant()), std::string::npos)
      << op.name << " showed tenant A's id to tenant B: " << r.body.substr(0, 500);
}

INSTANTIATE_TEST_SUITE_P(Endpoints, IsolationTest, ::testing::ValuesIn(read_endpoints()),
                         test_name);

// The refused calls changed nothing: A's resources are all still there.
TEST(Isolation, RefusedWritesLeftTenantAIntact) {
  World& a = World::get();
  const Outsider& b = outsider();
  std::string t = "/v1/tenants/" + a.tenant();
  EXPECT_EQ(call("DELETE", t, b.key).status, 403);
  EXPECT_EQ(call("PATCH", t, b.key, R"({"name":"taken over"})").status, 403);
  EXPECT_EQ(call("DELETE", t + "/credentials/" + a.smtp_credential(), b.key).status, 403);
  EXPECT_EQ(call("POST", "/v1/emails/" + a.failed_email() + "/retry", b.key).status, 404);
  auto tenant = call("GET", t, org_key());
  ASSERT_EQ(tenant.status, 200);
  EXPECT_EQ(tenant.data()->getValue<std::string>("name"), "Contract Co");
  EXPECT_EQ(call("GET", t + "/credentials/" + a.smtp_credential(), org_key()).status, 200);
  EXPECT_EQ(
      sql_count("SELECT COUNT(*) FROM email_retries WHERE email_id = '" + a.failed_email() + "'"),
      0);
}

// ---- the suite's own inputs ----

TEST(ContractInputs, EndpointsCopyMatchesTheSharedSpec) {
  const std::string shared = "/work/shared/spec/endpoints.tsv";
  std::ifstream probe(shared);
  if (!probe) {
    GTEST_SKIP() << shared << " is not on this machine; the repo copy is used";
  }
  EXPECT_EQ(fixture("endpoints.tsv"), read_text(shared))
      << "tests/fixtures/contract/endpoints.tsv differs from " << shared;
}

TEST(ContractInputs, EveryOperationHasAFieldEntryAndACall) {
  auto ops = read_endpoints();
  EXPECT_EQ(ops.size(), 58u);
  std::set<std::string> names;
  for (const auto& op : ops) {
    names.insert(op.name);
    EXPECT_TRUE(contract().endpoints.count(op.name)) << op.name;
    EXPECT_TRUE(scenarios().count(op.name)) << op.name;
  }
  for (const auto& [name, e] : contract().endpoints) {
    EXPECT_TRUE(names.count(name)) << "fields.txt names an unknown operation " << name;
  }
}

// The checker itself must catch what it is for (so a passing suite means something).
TEST(ContractChecker, CatchesMissingWrongAndNullFields) {
  Contract c = parse_contract(R"(
type Item
id string req
n integer null
end
endpoint x.get 200 envelope
data Item req
data.tags array req nonempty
data.tags[] string req
data.kind string req enum=a|b
)");
  const auto& e = c.endpoints.at("x.get");
  std::string ok =
      R"({"success":true,"data":{"id":"1","n":null,"tags":["t"],"kind":"a"},"meta":{"requestId":"req_x"}})";
  EXPECT_TRUE(check_response(c, e, 200, ok).empty());
  EXPECT_EQ(check_response(c, e, 201, ok).size(), 1u);  // status
  auto errs = check_response(c, e, 200,
                             R"({"success":true,"data":{"id":1,"tags":[],"kind":"z"},"meta":{}})");
  std::string all;
  for (const auto& s : errs) {
    all += s + "\n";
  }
  EXPECT_NE(all.find("data.id: expected string"), std::string::npos) << all;
  EXPECT_NE(all.find("data.n: missing"), std::string::npos) << all;
  EXPECT_NE(all.find("data.tags: empty array"), std::string::npos) << all;
  EXPECT_NE(all.find("data.kind: \"z\" is not an allowed value"), std::string::npos) << all;
  EXPECT_NE(all.find("meta.requestId"), std::string::npos) << all;
  auto null_id = check_response(
      c, e, 200,
      R"({"success":true,"data":{"id":null,"n":2,"tags":[3],"kind":"b"},"meta":{"requestId":"req_1"}})");
  ASSERT_EQ(null_id.size(), 2u);
  EXPECT_EQ(null_id[0], "data.id: null, but the spec does not allow null");
  EXPECT_EQ(null_id[1], "data.tags[0]: expected string, got 3");
}

TEST(ContractChecker, FlatPagesAndBareArrays) {
  Contract c = parse_contract(R"(
endpoint p.list 200 page
data array req
endpoint a.export 200 array
$ array req nonempty
$[].x datetime req
)");
  EXPECT_TRUE(
      check_response(
          c, c.endpoints.at("p.list"), 200,
          R"({"data":[],"page":1,"perPage":30,"total":0,"totalPages":0,"meta":{"requestId":"req_1"}})")
          .empty());
  EXPECT_FALSE(
      check_response(
          c, c.endpoints.at("p.list"), 200,
          R"({"data":[],"page":1,"perPage":30,"total":31,"totalPages":1,"meta":{"requestId":"req_1"}})")
          .empty());
  EXPECT_TRUE(
      check_response(c, c.endpoints.at("a.export"), 200, R"([{"x":"2024-01-01T00:00:00.000Z"}])")
          .empty());
  EXPECT_FALSE(
      check_response(c, c.endpoints.at("a.export"), 200, R"([{"x":"yesterday"}])").empty());
  EXPECT_FALSE(check_response(c, c.endpoints.at("a.export"), 200, R"([])").empty());
}

}  // namespace
}  // namespace ark::itest
