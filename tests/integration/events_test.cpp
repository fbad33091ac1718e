// Events out (issue 7) against the real stack: mail through the private Postfix to the sinks
// (ok.test 250, tempfail.test 4xx, reject.test 5xx), a suppressed recipient held, an NDR
// through the bounce intake; the events reach an HTTP receiver in this process, signed, and
// every signature is checked with the key from admind's JWKS by the openssl CLI. Then the
// failure cases: the receiver down for two minutes (nothing lost, failed attempts listed),
// admind killed -9 in the middle of dispatching (nothing lost after the restart), test and
// replay sent now, and a key rotation that keeps the old key published.
//
// The dev stack's retry schedule is in seconds (scripts/lib/config.sh,
// events.retry_schedule), which is what makes the two-minute outage testable.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/crypto/crypto.h"
#include "tests/integration/outbox_db.h"
#include "tests/integration/stack.h"
#include "tests/integration/webhook_receiver.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;
using Obj = Poco::JSON::Object::Ptr;

std::string org_key() {
  return env_get("ARK_ORG_API_KEY");
}

Obj parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Obj>();
}

Obj data(const HttpResult& r) {
  EXPECT_FALSE(r.json.isNull()) << r.body;
  return r.json.isNull() ? Obj() : r.json->getObject("data");
}

// The API with the org key, waiting out the per-key rate limit (10/s) instead of failing.
HttpResult api(const std::string& method, const std::string& path, const std::string& body = "") {
  HttpResult r;
  for (int i = 0; i < 30; ++i) {
    r = http(method, path, org_key(), body);
    if (r.status != 429) {
      break;
    }
    std::this_thread::sleep_for(1100ms);
  }
  return r;
}

std::string new_tenant(const std::string& name) {
  auto r = api("POST", "/v1/tenants", "{\"name\":\"" + name + "\"}");
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json.isNull() ? "" : data(r)->getValue<std::string>("id");
}

// POST /v1/emails for the tenant; the email ids of the recipients, in order.
std::vector<std::string> send_email(OutboxDb& db, const std::string& tenant,
                                    const std::string& domain, const std::vector<std::string>& to,
                                    const std::string& subject) {
  std::string list;
  for (const auto& t : to) {
    list += (list.empty() ? "\"" : ",\"") + t + "\"";
  }
  auto r = api("POST", "/v1/emails",
               "{\"from\":\"Events <sender@" + domain + ">\",\"to\":[" + list + "],\"subject\":\"" +
                   subject + "\",\"text\":\"hello\",\"tenantId\":\"" + tenant + "\"}");
  if (r.status != 200) {
    throw std::runtime_error("send failed: " + std::to_string(r.status) + " " + r.body);
  }
  std::vector<std::string> ids;
  std::string first = data(r)->getValue<std::string>("id");
  for (const auto& t : to) {
    auto rows = db.query(
        "SELECT e2.id FROM emails e JOIN emails e2 ON e2.message_id = e.message_id "
        "WHERE e.id = ? AND e2.rcpt = ?",
        {first, t});
    ids.push_back(rows.empty() ? "" : rows[0]["id"]);
  }
  return ids;
}

// Mail submitted the way an authenticated SMTP client's arrives (XCLIENT LOGIN stands in
// for SASL, which Postfix allows from 127.0.0.0/8 in the dev stack): ark-milter's send
// policy applies, including holds. Returns the SMTP code of the data phase.
int smtp_as(const std::string& login, const std::string& from, const std::string& rcpt,
            const std::string& subject, std::string* reply) {
  try {
    Poco::Net::SMTPClientSession s("127.0.0.1",
                                   static_cast<Poco::UInt16>(std::stoi(env_get("ARK_SMTP_PORT"))));
    s.setTimeout(Poco::Timespan(30, 0));
    s.login("itest.local");
    int code = s.sendCommand("XCLIENT LOGIN=" + login, *reply);
    if (code != 220) {
      return code;
    }
    s.sendCommand("EHLO itest.local", *reply);
    s.sendAddresses(from, {rcpt});
    s.sendData();
    std::istringstream in("From: <" + from + ">\r\nTo: <" + rcpt + ">\r\nSubject: " + subject +
                          "\r\n\r\nheld, I hope\r\n");
    s.sendMessage(in);
    s.close();
    *reply = "250";
    return 250;
  } catch (const Poco::Net::SMTPException& e) {
    *reply = e.message();
    return e.code();
  }
}

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new OutboxDb();
    std::string tmpl = "/tmp/ark-events-itest.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    work_ = new std::string(tmpl);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*work_);
    delete work_;
    delete db_;
  }
  void SetUp() override {
    tenant_ = new_tenant("Events Co");
    ASSERT_FALSE(tenant_.empty());
    // A sending domain of the tenant, marked verified directly: DNS verification has its
    // own tests (dkim_itest); without a verified_name the milter sends unsigned.
    domain_ = "ev" + crypto::random_alnum(10, true) + ".test";
    auto dom = api("POST", "/v1/tenants/" + tenant_ + "/domains", "{\"name\":\"" + domain_ + "\"}");
    ASSERT_EQ(dom.status, 201) << dom.body;
    db().exec("UPDATE domains SET verified_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND name = ?",
              {tenant_, domain_});
    receiver_.start();
  }
  void TearDown() override { receiver_.stop(); }

  OutboxDb& db() { return *db_; }

  // A tenant webhook of tenant_ pointing at the receiver's `path`; returns its id.
  std::string add_webhook(const std::string& path, const std::string& tenant = "") {
    std::string t = tenant.empty() ? tenant_ : tenant;
    auto r =
        api("POST", "/v1/tenants/" + t + "/webhooks",
            "{\"name\":\"receiver\",\"url\":\"" + receiver_.url(path) + "\",\"allEvents\":true}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.isNull() ? "" : data(r)->getValue<std::string>("id");
  }

  // An email to `rcpt` sent over SMTP AUTH as the tenant, from its domain: the path on
  // which ark-milter applies the send policy (a suppressed recipient is held). Returns the
  // email id.
  std::string send_over_smtp(const std::string& rcpt) {
    auto cred = api("POST", "/v1/tenants/" + tenant_ + "/credentials",
                    "{\"name\":\"events-smtp\",\"type\":\"smtp\"}");
    EXPECT_EQ(cred.status, 201) << cred.body;
    std::string reply;
    int code = smtp_as(tenant_ + "/events-smtp", "sender@" + domain_, rcpt, "held", &reply);
    EXPECT_EQ(code, 250) << reply;
    std::string id;
    eventually(
        [&] {
          auto rows =
              db().query("SELECT id FROM emails WHERE tenant_id = ? AND rcpt = ?", {tenant_, rcpt});
          id = rows.empty() ? "" : rows[0]["id"];
          return !id.empty();
        },
        20s);
    return id;
  }

  std::vector<Jwk> jwks() {
    auto r = http("GET", "/.well-known/jwks.json", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse_jwks(r.body, *work_);
  }

  // The envelope of a hit, its signature checked by openssl with the JWKS key its KID
  // names (the JWKS is fetched again when the kid is unknown, as receivers do).
  Obj verified(const Hit& h) {
    auto kid = h.headers.find("x-ark-signature-kid");
    auto sig = h.headers.find("x-ark-signature");
    EXPECT_NE(kid, h.headers.end()) << h.body;
    EXPECT_NE(sig, h.headers.end()) << h.body;
    EXPECT_EQ(h.headers.at("content-type"), "application/json");
    if (kid == h.headers.end() || sig == h.headers.end()) {
      return parse(h.body);
    }
    if (!keys_.count(kid->second)) {
      for (const Jwk& k : jwks()) {
        keys_[k.kid] = k.pem;
      }
    }
    EXPECT_EQ(keys_.count(kid->second), 1u) << "kid " << kid->second << " is not in the JWKS";
    std::string said;
    int rc = openssl_verify(keys_[kid->second], h.body, sig->second, *work_, &said);
    EXPECT_EQ(rc, 0) << "openssl dgst -sha256 -verify: " << said << "\nbody: " << h.body;
    Obj env = parse(h.body);
    EXPECT_TRUE(env->has("event") && env->has("timestamp") && env->has("uuid") &&
                env->has("payload"))
        << h.body;
    EXPECT_TRUE(env->get("timestamp").isNumeric()) << h.body;
    return env;
  }

  // Hits at `path`, one per event uuid (the receiver dedupes, as advised).
  std::map<std::string, Hit> by_uuid(const std::string& path) {
    std::map<std::string, Hit> out;
    for (const Hit& h : receiver_.hits()) {
      if (h.path == path && h.answered == 200) {
        out.emplace(parse(h.body)->getValue<std::string>("uuid"), h);
      }
    }
    return out;
  }

  std::vector<Row> outbox(const std::string& email_id) {
    return db().query("SELECT uuid, type FROM events WHERE email_id = ? ORDER BY id", {email_id});
  }

  bool wait_status(const std::string& id, const std::string& status,
                   std::chrono::milliseconds d = 60s) {
    return eventually([&] { return db().email_status(id) == status; }, d);
  }

  // The email's outbox events of `type` have all reached `path`.
  bool arrived(const std::string& email_id, const std::string& type, const std::string& path) {
    auto hits = by_uuid(path);
    bool any = false;
    for (Row& e : outbox(email_id)) {
      if (e["type"] == type) {
        any = true;
        if (!hits.count(e["uuid"])) {
          return false;
        }
      }
    }
    return any;
  }

  static OutboxDb* db_;
  static std::string* work_;
  std::string tenant_;
  std::string domain_;  // verified sending domain of tenant_
  Receiver receiver_;
  std::map<std::string, std::string> keys_;  // kid -> PEM
};

OutboxDb* EventsTest::db_ = nullptr;
std::string* EventsTest::work_ = nullptr;

// The report a remote MTA sends back (RFC 3464) for a sent message.
std::string ndr_for(const std::string& rp, const std::string& rcpt, const std::string& tag) {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.ok.test>\nTo: " + rp +
         "\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <ndr-" + tag +
         "@mx.ok.test>\nMIME-Version: 1.0\nContent-Type: multipart/report; "
         "report-type=delivery-status; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\n"
         "Your message could not be delivered.\n\n--b1\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; mx.ok.test\n\nFinal-Recipient: rfc822; " +
         rcpt +
         "\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown"
         "\n\n--b1--\n";
}

// Hands a null-sender message to the dev Postfix (pickup), as a remote MTA's NDR arrives.
void inject(const std::string& rcpt, const std::string& text) {
  std::string cmd = "sendmail -C '" + env_get("ARK_PF_CONF") + "' -f '<>' -- '" + rcpt + "'";
  FILE* p = popen(cmd.c_str(), "w");
  ASSERT_NE(p, nullptr);
  fwrite(text.data(), 1, text.size(), p);
  ASSERT_EQ(pclose(p), 0) << cmd;
}

TEST_F(EventsTest, JwksPublishesTheSigningKeyWithoutAuthentication) {
  auto r = http("GET", "/.well-known/jwks.json", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["Content-Type"].rfind("application/json", 0), 0u)
      << r.headers["Content-Type"];
  std::vector<Jwk> keys = parse_jwks(r.body, *work_);
  ASSERT_GE(keys.size(), 1u);
  for (const Jwk& k : keys) {
    EXPECT_EQ(k.kty, "RSA");
    EXPECT_EQ(k.alg, "RS256");
    EXPECT_EQ(k.use, "sig");
    EXPECT_TRUE(std::regex_match(k.kid, std::regex("[0-9a-f]{64}"))) << k.kid;
    // The kid is the SHA-256 of the DER public key: the DER rebuilt from n and e here.
    EXPECT_EQ(crypto::sha256_hex(k.der), k.kid);
    EXPECT_NE(k.pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  }
}

TEST_F(EventsTest, RealMailEventsArriveSignedAndVerifyWithTheJwksKey) {
  add_webhook("/tenant");
  auto platform = api(
      "POST", "/v1/platform/webhooks",
      "{\"name\":\"all tenants\",\"url\":\"" + receiver_.url("/platform") + "\",\"events\":[]}");
  ASSERT_EQ(platform.status, 201) << platform.body;
  std::string pwh = data(platform)->getValue<std::string>("id");
  auto sup = api("POST", "/v1/tenants/" + tenant_ + "/suppressions",
                 "{\"address\":\"held@ok.test\",\"reason\":\"events test\"}");
  ASSERT_EQ(sup.status, 201) << sup.body;

  auto ok = send_email(db(), tenant_, domain_, {"ev-sent@ok.test"}, "sent");
  auto tf = send_email(db(), tenant_, domain_, {"ev-delay@tempfail.test"}, "delayed");
  auto rj = send_email(db(), tenant_, domain_, {"ev-fail@reject.test"}, "failed");
  std::vector<std::string> held = {send_over_smtp("held@ok.test")};
  ASSERT_FALSE(held[0].empty()) << "the SMTP-submitted email was not recorded";
  ASSERT_TRUE(wait_status(ok[0], "sent")) << db().email_status(ok[0]);
  ASSERT_TRUE(wait_status(tf[0], "softfail")) << db().email_status(tf[0]);
  ASSERT_TRUE(wait_status(rj[0], "hardfail")) << db().email_status(rj[0]);
  ASSERT_TRUE(wait_status(held[0], "held")) << db().email_status(held[0]);

  // An NDR for the sent email, through Postfix and the bounce intake.
  std::string rp_host = postconf("relay_domains");
  ASSERT_FALSE(rp_host.empty()) << "the dev stack has no bounce intake (bounces.lmtp_socket)";
  auto msg = db().query("SELECT message_id FROM emails WHERE id = ?", {ok[0]});
  std::string secret = read_file(env_get("ARK_BINDING_SECRET_FILE"));
  secret = secret.substr(0, secret.find('\n'));
  std::string rp = return_path(msg[0]["message_id"], rp_host, secret);
  inject(rp, ndr_for(rp, "ev-sent@ok.test", ok[0]));
  ASSERT_TRUE(wait_status(ok[0], "bounced")) << db().email_status(ok[0]);

  struct Want {
    std::string email;
    std::string type;
  };
  const std::vector<Want> wants = {{ok[0], "MessageSent"},
                                   {tf[0], "MessageDelayed"},
                                   {rj[0], "MessageDeliveryFailed"},
                                   {held[0], "MessageHeld"},
                                   {ok[0], "MessageBounced"}};
  for (const Want& w : wants) {
    EXPECT_TRUE(eventually([&] { return arrived(w.email, w.type, "/tenant"); }, 60s))
        << w.type << " of " << w.email << " did not reach the tenant webhook";
    EXPECT_TRUE(eventually([&] { return arrived(w.email, w.type, "/platform"); }, 30s))
        << w.type << " of " << w.email << " did not reach the platform webhook";
  }

  auto tenant_hits = by_uuid("/tenant");
  auto platform_hits = by_uuid("/platform");
  for (const Want& w : wants) {
    for (Row& e : outbox(w.email)) {
      if (e["type"] != w.type || !tenant_hits.count(e["uuid"])) {
        continue;
      }
      Obj env = verified(tenant_hits[e["uuid"]]);
      EXPECT_EQ(env->getValue<std::string>("event"), w.type);
      EXPECT_FALSE(env->has("tenant_id")) << "tenant webhooks get no tenant_id";
      Obj payload = env->getObject("payload");
      Obj message = payload->getObject(w.type == "MessageBounced" ? "original_message" : "message");
      ASSERT_FALSE(message.isNull()) << tenant_hits[e["uuid"]].body;
      EXPECT_EQ(message->getValue<std::string>("token"), w.email);
      Obj penv = verified(platform_hits[e["uuid"]]);
      EXPECT_EQ(penv->getValue<std::string>("tenant_id"), tenant_);
      EXPECT_EQ(penv->getValue<std::string>("uuid"), e["uuid"]);
    }
  }
  // The dev stack's jsonl sink got every one of them too, in the platform form.
  std::string jsonl = read_file(env_get("ARK_LOG_DIR") + "/events.jsonl");
  for (const Want& w : wants) {
    for (Row& e : outbox(w.email)) {
      EXPECT_NE(jsonl.find("\"tenant_id\":\"" + tenant_ + "\",\"timestamp\":"), std::string::npos);
      EXPECT_TRUE(eventually(
          [&] {
            return read_file(env_get("ARK_LOG_DIR") + "/events.jsonl").find(e["uuid"]) !=
                   std::string::npos;
          },
          10s))
          << e["type"] << " " << e["uuid"] << " is not in the jsonl sink's file";
    }
  }

  // The check can fail: one byte more and openssl refuses the signature.
  Hit tampered = tenant_hits.begin()->second;
  tampered.body += " ";
  std::string said;
  EXPECT_NE(openssl_verify(keys_[tampered.headers["x-ark-signature-kid"]], tampered.body,
                           tampered.headers["x-ark-signature"], *work_, &said),
            0)
      << said;
  auto status = [&](const std::string& type) {
    for (auto& [uuid, h] : tenant_hits) {
      Obj env = parse(h.body);
      if (env->getValue<std::string>("event") == type) {
        return env->getObject("payload")->optValue<std::string>("status", "");
      }
    }
    return std::string("<none>");
  };
  EXPECT_EQ(status("MessageSent"), "Sent");
  EXPECT_EQ(status("MessageDelayed"), "SoftFail");
  EXPECT_EQ(status("MessageDeliveryFailed"), "HardFail");
  EXPECT_EQ(status("MessageHeld"), "Held");
  ASSERT_EQ(api("DELETE", "/v1/platform/webhooks/" + pwh).status, 200);
}

TEST_F(EventsTest, ReceiverDownForTwoMinutesThenUpLosesNothing) {
  std::string hook = add_webhook("/down");
  receiver_.stop();
  auto ids =
      send_email(db(), tenant_, domain_, {"d1@ok.test", "d2@ok.test", "d3@ok.test"}, "outage");
  for (const std::string& id : ids) {
    ASSERT_TRUE(wait_status(id, "sent")) << id;
  }
  std::set<std::string> uuids;
  for (const std::string& id : ids) {
    for (Row& e : outbox(id)) {
      uuids.insert(e["uuid"]);
    }
  }
  ASSERT_EQ(uuids.size(), 3u);
  std::this_thread::sleep_for(60s);  // the outage itself: first nobody listens...
  receiver_.set_status(500);
  receiver_.start();
  std::this_thread::sleep_for(60s);  // ...then the endpoint answers 500
  receiver_.set_status(200);

  ASSERT_TRUE(eventually(
      [&] {
        auto got = by_uuid("/down");
        return std::all_of(uuids.begin(), uuids.end(), [&](auto& u) { return got.count(u); });
      },
      90s))
      << "not every event arrived after the outage";
  for (auto& [uuid, h] : by_uuid("/down")) {
    verified(h);
  }

  // The deliveries list shows the failed attempts, then the success, per event.
  auto list =
      api("GET", "/v1/tenants/" + tenant_ + "/webhooks/" + hook + "/deliveries?perPage=100");
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = list.json->getArray("data");
  std::map<std::string, std::string> uuid_of;  // delivery id -> event uuid
  for (Row& r :
       db().query("SELECT id, event_uuid FROM webhook_deliveries WHERE webhook_id = ?", {hook})) {
    uuid_of[r["id"]] = r["event_uuid"];
  }
  std::map<std::string, std::vector<Obj>> per_event;
  for (size_t i = 0; i < items->size(); ++i) {
    Obj d = items->getObject(static_cast<unsigned>(i));
    per_event[uuid_of[d->getValue<std::string>("id")]].push_back(d);
  }
  // One detail: the request is exactly what was posted, uuid included.
  std::string one = items->getObject(0)->getValue<std::string>("id");
  auto detail = api("GET", "/v1/tenants/" + tenant_ + "/webhooks/" + hook + "/deliveries/" + one);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(data(detail)->getObject("request")->getObject("payload")->getValue<std::string>("uuid"),
            uuid_of[one]);
  bool saw_refused = false;
  bool saw_500 = false;
  for (const std::string& u : uuids) {
    auto& attempts = per_event[u];
    ASSERT_GE(attempts.size(), 3u) << "event " << u << ": expected failed attempts listed";
    std::sort(attempts.begin(), attempts.end(), [](const Obj& a, const Obj& b) {
      return a->getValue<int>("attempt") < b->getValue<int>("attempt");
    });
    for (size_t i = 0; i < attempts.size(); ++i) {
      const Obj& a = attempts[i];
      EXPECT_EQ(a->getValue<int>("attempt"), static_cast<int>(i + 1));
      bool last = i + 1 == attempts.size();
      EXPECT_EQ(a->getValue<bool>("success"), last);
      EXPECT_EQ(a->getValue<bool>("willRetry"), !last);
      saw_refused = saw_refused || a->isNull("statusCode");
      saw_500 = saw_500 || (!a->isNull("statusCode") && a->getValue<int>("statusCode") == 500);
    }
  }
  EXPECT_TRUE(saw_refused) << "attempts while nothing listened have statusCode null";
  EXPECT_TRUE(saw_500) << "attempts while the endpoint answered 500 show it";
  auto failed =
      api("GET", "/v1/tenants/" + tenant_ + "/webhooks/" + hook + "/deliveries?success=false");
  EXPECT_GE(failed.json->getValue<int>("total"), 6);
}

TEST_F(EventsTest, TypesOutsideTheEnumReachAllEventsWebhooksOnly) {
  std::string all = add_webhook("/all");
  auto listed = api("POST", "/v1/tenants/" + tenant_ + "/webhooks",
                    "{\"name\":\"listed\",\"url\":\"" + receiver_.url("/listed") +
                        "\",\"events\":[\"MessageSent\"]}");
  ASSERT_EQ(listed.status, 201) << listed.body;
  std::string listed_id = data(listed)->getValue<std::string>("id");
  // Outbox rows as the milter writes them for a send limit (sql/005), then a MessageSent.
  auto add_event = [&](const std::string& type, const std::string& payload) {
    std::string uuid = db().query("SELECT UUID() AS u")[0]["u"];
    db().exec(
        "INSERT INTO events (uuid, tenant_id, type, source_key, payload, occurred_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
        {uuid, tenant_, type, "itest:" + uuid, payload});
    return uuid;
  };
  std::string limit = add_event("SendLimitExceeded", "{\"server\":{\"id\":\"" + tenant_ +
                                                         "\"},\"volume\":101,\"limit\":100}");
  std::string sent = add_event("MessageSent", "{\"status\":\"Sent\"}");
  ASSERT_TRUE(eventually(
      [&] {
        auto got = by_uuid("/all");
        return got.count(limit) && got.count(sent) && by_uuid("/listed").count(sent);
      },
      30s))
      << "the allEvents webhook gets both, the listed one MessageSent";
  Obj env = verified(by_uuid("/all")[limit]);
  EXPECT_EQ(env->getValue<std::string>("event"), "SendLimitExceeded");
  EXPECT_EQ(env->getObject("payload")->getValue<int>("limit"), 100);
  // Fan-out handles rows in id order, so the limit event's jobs existed before MessageSent
  // arrived: the listed webhook never had one.
  EXPECT_EQ(by_uuid("/listed").count(limit), 0u);
  EXPECT_TRUE(db().query("SELECT id FROM dispatch_jobs WHERE event_uuid = ? AND target = ?",
                         {limit, "tenant:" + listed_id})
                  .empty());
  EXPECT_TRUE(db().query("SELECT id FROM webhook_deliveries WHERE event_uuid = ? AND "
                         "webhook_id = ?",
                         {limit, listed_id})
                  .empty());
  EXPECT_EQ(
      db().query("SELECT dispatch_state FROM events WHERE uuid = ?", {limit})[0]["dispatch_state"],
      "dispatched");
  (void)all;
}

TEST_F(EventsTest, AdmindRefusesAPluginBuiltForAnotherAbiMajor) {
  // The dev stack's config with the webhook transport swapped for a test plugin that
  // declares ABI major 2 (tests/unit/admind/events/abi_variant_plugin.c), on another port.
  std::string cfg = read_file(env_get("ARK_ADMIND_CONFIG"));
  cfg = std::regex_replace(cfg, std::regex("\n  dir: [^\n]*"),
                           "\n  dir: \"" ARK_TEST_PLUGIN_DIR "\"");
  cfg = std::regex_replace(cfg, std::regex("\n  webhook: webhook\\.so"),
                           "\n  webhook: abi_other_major.so");
  cfg = std::regex_replace(cfg, std::regex("\n  sinks: [^\n]*\n  sink_config: [^\n]*"), "");
  cfg = std::regex_replace(cfg, std::regex("roles: [^\n]*"), "roles: [api]");
  cfg = std::regex_replace(cfg, std::regex("\n  port: " + env_get("ARK_API_PORT")),
                           "\n  port: " + std::to_string(std::stoi(env_get("ARK_API_PORT")) + 1));
  ASSERT_NE(cfg.find("abi_other_major.so"), std::string::npos) << cfg;
  std::string path = *work_ + "/bad-abi.yaml";
  std::ofstream(path) << cfg;
  std::string err = *work_ + "/bad-abi.err";
  int rc = run("timeout 60 '" + env_get("ARK_ADMIND_BIN") + "' --config '" + path +
               "' >/dev/null 2>'" + err + "'");
  EXPECT_EQ(rc, 78) << read_file(err);
  std::string said = read_file(err);
  std::vector<std::string> lines;
  std::istringstream in(said);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ark-admind: ", 0) == 0) {
      lines.push_back(line);
    }
  }
  ASSERT_EQ(lines.size(), 1u) << said;
  EXPECT_NE(lines[0].find("abi_other_major.so"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("plugin ABI major 2"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("rebuild the plugin"), std::string::npos) << lines[0];
}

// The PID of the dev stack's admind (run/admind.pid holds "PID STARTTIME").
int admind_pid() {
  std::ifstream in(env_get("ARK_RUN_DIR") + "/admind.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

TEST_F(EventsTest, AdmindKilledDuringDispatchLosesNoEvent) {
  std::string hook = add_webhook("/kill");
  // An attempt record past events.retention (30 d): the restarted admind's
  // first retention pass deletes it, and only it.
  db().exec(
      "INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, event, event_uuid, url, "
      "request_headers, payload, created_at, attempted_at) VALUES ('whr_expiredexpired00', ?, "
      "?, 'MessageSent', UUID(), 'http://127.0.0.1/', '{}', '{}', UTC_TIMESTAMP(6) - INTERVAL "
      "40 DAY, UTC_TIMESTAMP(6) - INTERVAL 40 DAY)",
      {hook, tenant_});
  // And an outbox row dispatched as long ago: purged with them.
  db().exec(
      "INSERT INTO events (uuid, tenant_id, type, source_key, payload, occurred_at, created_at, "
      "dispatch_state, dispatched_at) VALUES (UUID(), ?, 'MessageSent', 'itest:expired-event', "
      "'{}', UTC_TIMESTAMP(6) - INTERVAL 40 DAY, UTC_TIMESTAMP(6) - INTERVAL 40 DAY, "
      "'dispatched', UTC_TIMESTAMP(6) - INTERVAL 40 DAY)",
      {tenant_});
  receiver_.set_delay(400ms);  // slow enough that dispatch is still going when admind dies
  std::vector<std::string> rcpts;
  for (int i = 0; i < 12; ++i) {
    rcpts.push_back("k" + std::to_string(i) + "@ok.test");
  }
  auto ids = send_email(db(), tenant_, domain_, rcpts, "kill -9");
  for (const std::string& id : ids) {
    ASSERT_TRUE(wait_status(id, "sent")) << id;
  }
  std::set<std::string> uuids;
  for (const std::string& id : ids) {
    for (Row& e : outbox(id)) {
      uuids.insert(e["uuid"]);
    }
  }
  ASSERT_EQ(uuids.size(), 12u);
  ASSERT_TRUE(eventually([&] { return receiver_.count() >= 2; }, 30s));
  size_t before = by_uuid("/kill").size();
  int pid = admind_pid();
  ASSERT_GT(pid, 1);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_LT(before, 12u) << "admind was killed after dispatch had finished; no test of a crash";
  ASSERT_TRUE(eventually([&] { return kill(pid, 0) != 0; }, 10s)) << "admind did not die";
  ASSERT_EQ(run("'" + env_get("ARK_DEV_CTL") + "' start admind >/dev/null 2>&1"), 0);

  ASSERT_TRUE(eventually(
      [&] {
        auto got = by_uuid("/kill");
        return std::all_of(uuids.begin(), uuids.end(), [&](auto& u) { return got.count(u); });
      },
      60s))
      << "events lost across the crash: " << by_uuid("/kill").size() << " of 12 arrived";
  // Jobs that were in flight when admind died are sent again (at least once: the receiver
  // may see a uuid twice); then every job of these events is done and gone.
  auto jobs_left = [&] {
    size_t n = 0;
    for (const std::string& u : uuids) {
      n += db().query("SELECT state FROM dispatch_jobs WHERE event_uuid = ?", {u}).size();
    }
    return n;
  };
  EXPECT_TRUE(eventually([&] { return jobs_left() == 0; }, 60s))
      << jobs_left() << " jobs left after the restart";
  EXPECT_GE(receiver_.count(), 12u);
  EXPECT_TRUE(eventually(
      [&] {
        return db()
            .query("SELECT id FROM webhook_deliveries WHERE id = 'whr_expiredexpired00'")
            .empty();
      },
      30s))
      << "the expired attempt record was not purged";
  EXPECT_TRUE(eventually(
      [&] {
        return db().query("SELECT id FROM events WHERE source_key = 'itest:expired-event'").empty();
      },
      30s))
      << "the dispatched outbox row past retention was not purged";
  for (const std::string& id : ids) {
    EXPECT_FALSE(outbox(id).empty()) << "recent outbox rows must stay";
  }
  EXPECT_GE(std::stoi(db().query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE "
                                 "webhook_id = ?",
                                 {hook})[0]["n"]),
            12)
      << "recent attempt records must stay";
}

TEST_F(EventsTest, TestAndReplaySendNowSignedAndAreListed) {
  std::string hook = add_webhook("/direct");
  const std::string base = "/v1/tenants/" + tenant_ + "/webhooks/" + hook;
  auto tested = api("POST", base + "/test", "{\"event\":\"MessageDelayed\"}");
  ASSERT_EQ(tested.status, 200) << tested.body;
  Obj t = data(tested);
  EXPECT_TRUE(t->getValue<bool>("success")) << tested.body;
  EXPECT_EQ(t->getValue<int>("statusCode"), 200);
  EXPECT_EQ(t->getValue<std::string>("body"), "receiver says 200");
  EXPECT_TRUE(t->isNull("error"));
  ASSERT_EQ(receiver_.count(), 1u) << "the test was sent before the call returned";
  Hit first = receiver_.hits()[0];
  Obj env = verified(first);
  EXPECT_EQ(env->getValue<std::string>("event"), "MessageDelayed");
  EXPECT_EQ(env->getObject("payload")->getValue<std::string>("status"), "SoftFail");

  auto list = api("GET", base + "/deliveries");
  ASSERT_EQ(list.json->getValue<int>("total"), 1) << list.body;
  std::string did = list.json->getArray("data")->getObject(0)->getValue<std::string>("id");
  auto detail = data(api("GET", base + "/deliveries/" + did));
  EXPECT_EQ(
      detail->getObject("request")->getObject("headers")->getValue<std::string>("X-Ark-Signature"),
      first.headers["x-ark-signature"]);
  EXPECT_EQ(detail->getObject("response")->getValue<int>("statusCode"), 200);

  std::this_thread::sleep_for(1100ms);  // a visibly newer timestamp
  auto replayed = api("POST", base + "/deliveries/" + did + "/replay");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_TRUE(data(replayed)->getValue<bool>("success"));
  EXPECT_EQ(data(replayed)->getValue<std::string>("originalDeliveryId"), did);
  ASSERT_EQ(receiver_.count(), 2u);
  Obj again = verified(receiver_.hits()[1]);
  EXPECT_EQ(again->getValue<std::string>("uuid"), env->getValue<std::string>("uuid"));
  EXPECT_GT(again->getValue<double>("timestamp"), env->getValue<double>("timestamp") + 1.0)
      << "a replay gets a new timestamp";
  EXPECT_EQ(Poco::JSON::Parser().parse(receiver_.hits()[1].body).extract<Obj>()->has("payload"),
            true);

  receiver_.set_status(503);
  auto failing = api("POST", base + "/test", "{\"event\":\"MessageSent\"}");
  ASSERT_EQ(failing.status, 200) << failing.body;
  EXPECT_FALSE(data(failing)->getValue<bool>("success"));
  EXPECT_EQ(data(failing)->getValue<int>("statusCode"), 503);
  EXPECT_NE(data(failing)->getValue<std::string>("error").find("503"), std::string::npos);
  EXPECT_EQ(api("GET", base + "/deliveries").json->getValue<int>("total"), 3);
  EXPECT_EQ(api("GET", base + "/deliveries?success=false").json->getValue<int>("total"), 1);

  // A platform test: tenant_id null at envelope level and "_test": true.
  receiver_.set_status(200);
  auto p = api("POST", "/v1/platform/webhooks",
               "{\"name\":\"p\",\"url\":\"" + receiver_.url("/ptest") + "\",\"events\":[]}");
  ASSERT_EQ(p.status, 201) << p.body;
  std::string pwh = data(p)->getValue<std::string>("id");
  auto pt = api("POST", "/v1/platform/webhooks/" + pwh + "/test", "{\"event\":\"DomainDNSError\"}");
  ASSERT_EQ(pt.status, 200) << pt.body;
  EXPECT_TRUE(data(pt)->getValue<bool>("success"));
  EXPECT_GE(data(pt)->getValue<int>("durationMs"), 0);
  Obj penv = verified(receiver_.hits().back());
  EXPECT_TRUE(penv->has("tenant_id") && penv->isNull("tenant_id"));
  EXPECT_TRUE(penv->getValue<bool>("_test"));
  ASSERT_EQ(api("DELETE", "/v1/platform/webhooks/" + pwh).status, 200);
}

TEST_F(EventsTest, RotationSignsWithTheNewKeyAndKeepsTheOldOnePublished) {
  std::string hook = add_webhook("/rotate");
  const std::string base = "/v1/tenants/" + tenant_ + "/webhooks/" + hook;
  ASSERT_EQ(api("POST", base + "/test", "{\"event\":\"MessageSent\"}").status, 200);
  std::string old_kid = receiver_.hits()[0].headers["x-ark-signature-kid"];

  std::string out = *work_ + "/rotate.out";
  ASSERT_EQ(run("'" + env_get("ARK_ARKCTL") + "' --config '" + env_get("ARK_ADMIND_CONFIG") +
                "' rotate-webhook-key >'" + out + "' 2>/dev/null"),
            0);
  std::string new_kid = read_file(out);
  new_kid = new_kid.substr(0, new_kid.find('\n'));
  ASSERT_TRUE(std::regex_match(new_kid, std::regex("[0-9a-f]{64}"))) << new_kid;
  ASSERT_NE(new_kid, old_kid);

  // admind re-reads the keys every events.key_refresh.
  ASSERT_TRUE(eventually(
      [&] {
        auto keys = jwks();
        return !keys.empty() && keys[0].kid == new_kid;
      },
      90s))
      << "the JWKS does not list the new key first";
  std::set<std::string> published;
  for (const Jwk& k : jwks()) {
    published.insert(k.kid);
  }
  EXPECT_TRUE(published.count(old_kid)) << "the retired key must stay published";

  ASSERT_EQ(api("POST", base + "/test", "{\"event\":\"MessageSent\"}").status, 200);
  Hit newer = receiver_.hits().back();
  EXPECT_EQ(newer.headers["x-ark-signature-kid"], new_kid);
  verified(newer);
  verified(receiver_.hits()[0]);  // the delivery signed before the rotation still verifies
}

}  // namespace
}  // namespace ark::itest
