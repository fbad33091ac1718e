// Sending domains and DKIM against the real stack (issue 5): NSD serves the test zones,
// ark-admind verifies them with ldns, the DNS re-check (arkctl dns-check runs the same
// code as the periodic one) records DomainDNSError, and mail signed by ark-milter inside
// the private Postfix is checked at the sink by two independent verifiers that both ask
// the same NSD for the keys: dkimpy (dkimpy_verify.py, Debian python3-dkim) and
// libopendkim (opendkim_verify, see its header for why not the opendkim binary).
#include <gtest/gtest.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "core/base/clock.h"
#include "core/config/config.h"
#include "core/crypto/crypto.h"
#include "core/mail/binding.h"
#include "tests/integration/dns_zone.h"
#include "tests/integration/stack.h"

#ifndef ARK_DKIM_TOOLS_DIR
#define ARK_DKIM_TOOLS_DIR "."
#endif
#ifndef ARK_OPENDKIM_VERIFY
#define ARK_OPENDKIM_VERIFY "opendkim_verify"
#endif

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::string org_key() {
  return env_get("ARK_ORG_API_KEY");
}

std::string lower_rand(size_t n) {
  return crypto::random_alnum(n, true);
}

// Runs a shell command and returns its stdout; *rc gets the exit status.
std::string capture(const std::string& cmd, int* rc = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return out;
  }
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  int status = pclose(p);
  if (rc != nullptr) {
    *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return out;
}

std::string sql(const std::string& query) {
  return capture("mariadb --defaults-file='" + env_get("ARK_DB_ROOT_CNF") + "' -u root -N -B " +
                 env_get("ARK_DB_NAME") + " -e \"" + query + "\"");
}

std::string arkctl(const std::string& args, int* rc = nullptr) {
  return capture(
      env_get("ARK_ARKCTL") + " --config '" + env_get("ARK_ADMIND_CONFIG") + "' " + args + " 2>&1",
      rc);
}

// The API, with the organisation key, waiting out its rate limit (429): these tests make
// requests in quick bursts, and the limit is not what they test.
HttpResult api(const std::string& method, const std::string& path, const std::string& body = "") {
  HttpResult r;
  for (int i = 0; i < 100; ++i) {
    r = http(method, path, org_key(), body);
    if (r.status != 429) {
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  return r;
}

std::string new_tenant(const std::string& name) {
  auto r = api("POST", "/v1/tenants", "{\"name\":\"" + name + "\"}");
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json.isNull() ? "" : r.json->getObject("data")->getValue<std::string>("id");
}

// A sending domain created through the API, with the records it asks for.
struct Domain {
  std::string tenant;
  std::string id;
  std::string uuid;
  std::string name;
  std::map<std::string, ZoneRecord> records;  // spf, dkim, returnPath
};

Domain create_domain(const std::string& tenant, const std::string& name) {
  auto r = api("POST", "/v1/tenants/" + tenant + "/domains", "{\"name\":\"" + name + "\"}");
  EXPECT_EQ(r.status, 201) << r.body;
  Domain d{tenant, {}, {}, name, {}};
  if (r.json.isNull()) {
    return d;
  }
  auto data = r.json->getObject("data");
  d.id = std::to_string(data->getValue<int64_t>("id"));
  d.uuid = data->getValue<std::string>("uuid");
  auto recs = data->getObject("dnsRecords");
  for (const char* key : {"spf", "dkim", "returnPath"}) {
    auto o = recs->getObject(key);
    d.records[key] = {o->getValue<std::string>("fullName"), o->getValue<std::string>("type"),
                      o->getValue<std::string>("value")};
  }
  return d;
}

std::vector<ZoneRecord> all_records(const Domain& d) {
  return {d.records.at("spf"), d.records.at("dkim"), d.records.at("returnPath")};
}

Poco::JSON::Object::Ptr verify(const Domain& d) {
  auto r = api("POST", "/v1/tenants/" + d.tenant + "/domains/" + d.id + "/verify");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json.isNull() ? nullptr : r.json->getObject("data");
}

std::string record_status(const Poco::JSON::Object::Ptr& data, const std::string& key) {
  auto v = data->getObject("dnsRecords")->getObject(key)->get("status");
  return v.isEmpty() ? "null" : v.convert<std::string>();
}

int dns_error_events(const std::string& tenant) {
  std::string n =
      sql("SELECT COUNT(*) FROM events WHERE type='DomainDNSError' AND tenant_id='" + tenant + "'");
  return n.empty() ? -1 : std::stoi(n);
}

// ---- DNS verification and the re-check ------------------------------------------------

TEST(DomainDns, VerifyMissingInvalidAndDomainDnsError) {
  NsdServer nsd;
  std::string tenant = new_tenant("DNS Co");
  TestZone zone("z" + lower_rand(10) + ".test");
  Domain d = create_domain(tenant, "mail." + zone.name());
  ASSERT_FALSE(d.uuid.empty());

  zone.publish(all_records(d));
  auto v = verify(d);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->getValue<bool>("verified"));
  EXPECT_EQ(record_status(v, "spf"), "OK");
  EXPECT_EQ(record_status(v, "dkim"), "OK");
  EXPECT_EQ(record_status(v, "returnPath"), "OK");
  EXPECT_EQ(dns_error_events(tenant), 0);

  // The DKIM record disappears: the re-check finds it Missing and records one event.
  zone.publish({d.records.at("spf"), d.records.at("returnPath")});
  std::string out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("dkim=Missing"), std::string::npos) << out;
  EXPECT_NE(out.find("event=DomainDNSError"), std::string::npos) << out;
  EXPECT_EQ(dns_error_events(tenant), 1);
  std::string payload =
      sql("SELECT payload FROM events WHERE type='DomainDNSError' AND "
          "tenant_id='" +
          tenant + "'");
  EXPECT_NE(payload.find("\"dkim_status\":\"Missing\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"spf_status\":\"OK\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"uuid\":\"" + d.uuid + "\""), std::string::npos) << payload;
  auto got = api("GET", "/v1/tenants/" + tenant + "/domains/" + d.id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_FALSE(got.json->getObject("data")->getValue<bool>("verified"));
  EXPECT_EQ(record_status(got.json->getObject("data"), "dkim"), "Missing");

  // The same state again: no second event.
  out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("event=none"), std::string::npos) << out;
  EXPECT_EQ(dns_error_events(tenant), 1);

  // A wrong value is Invalid (verify), and a new state for the re-check.
  ZoneRecord wrong = d.records.at("dkim");
  wrong.value = "k=rsa;t=s;p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" + lower_rand(20);
  zone.publish({d.records.at("spf"), wrong, d.records.at("returnPath")});
  v = verify(d);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->getValue<bool>("verified"));
  EXPECT_EQ(record_status(v, "dkim"), "Invalid");
  out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("dkim=Invalid"), std::string::npos) << out;
  EXPECT_EQ(dns_error_events(tenant), 2);

  // Fixed again: verified by the re-check, the alert cleared, no event.
  zone.publish(all_records(d));
  out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("verified=yes alert=none event=none"), std::string::npos) << out;
  EXPECT_EQ(dns_error_events(tenant), 2);
}

TEST(DomainDns, RefusedLookupIsNeitherMissingNorAnAlert) {
  NsdServer nsd;
  std::string tenant = new_tenant("DNS Refused Co");
  // NSD serves no such zone and answers REFUSED.
  Domain d = create_domain(tenant, "mail.nozone" + lower_rand(8) + ".test");
  ASSERT_FALSE(d.uuid.empty());
  auto v = verify(d);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->getValue<bool>("verified"));
  EXPECT_EQ(record_status(v, "dkim"), "null") << "a failed lookup is not Missing";
  std::string out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("dkim=LookupFailed(refused)"), std::string::npos) << out;
  EXPECT_NE(out.find("event=none"), std::string::npos) << out;
  EXPECT_EQ(dns_error_events(tenant), 0);
}

// ---- Signed mail -----------------------------------------------------------------------

// SMTP with the bytes given, unchanged apart from dot-stuffing: bare LF stays bare LF.
int raw_smtp(const std::string& from, const std::string& rcpt, const std::string& data,
             std::string* last) {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", env_get("ARK_SMTP_PORT")));
  s.setReceiveTimeout(Poco::Timespan(30, 0));
  auto reply = [&] {
    std::string r;
    char c = 0;
    while (true) {
      std::string line;
      while (s.receiveBytes(&c, 1) == 1 && c != '\n') {
        line += c;
      }
      r += line + "\n";
      if (line.size() < 4 || line[3] != '-') {
        break;
      }
    }
    *last = r;
    return r.size() >= 3 ? std::stoi(r.substr(0, 3)) : 0;
  };
  auto cmd = [&](const std::string& c) {
    s.sendBytes(c.data(), static_cast<int>(c.size()));
    return reply();
  };
  reply();
  cmd("EHLO itest.local\r\n");
  if (cmd("MAIL FROM:<" + from + ">\r\n") != 250 || cmd("RCPT TO:<" + rcpt + ">\r\n") != 250 ||
      cmd("DATA\r\n") != 354) {
    return 0;
  }
  std::string stuffed;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    size_t end = eol == std::string::npos ? data.size() : eol + 1;
    if (data[pos] == '.') {
      stuffed += '.';
    }
    stuffed.append(data, pos, end - pos);
    pos = end;
  }
  if (!stuffed.empty() && stuffed.back() != '\n') {
    stuffed += "\r\n";
  }
  int code = cmd(stuffed + ".\r\n");
  cmd("QUIT\r\n");
  return code;
}

struct Verdicts {
  int dkimpy = -1;
  int opendkim = -1;
  std::string output;
};

Verdicts verify_copy(const std::string& copy) {
  char tmpl[] = "/tmp/ark-dkim-itest.XXXXXX";
  int fd = mkstemp(tmpl);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(tmpl, std::ios::binary) << copy;
  std::string args = " " + dns_addr() + " " + dns_port() + " " + tmpl + " 2>&1";
  Verdicts v;
  v.output = "dkimpy: " +
             capture("/usr/bin/python3 " ARK_DKIM_TOOLS_DIR "/dkimpy_verify.py" + args, &v.dkimpy);
  v.output += "libopendkim: " + capture(std::string(ARK_OPENDKIM_VERIFY) + args, &v.opendkim);
  std::remove(tmpl);
  return v;
}

// Sends `message` (headers + body, any line ends) bound to `tenant` as ark-admind would
// (a messages row and a signed X-Ark-Binding), returns the sink's copy. The marker must
// appear in the message and nowhere else.
std::string send_bound(const std::string& tenant, const std::string& from_domain,
                       const std::string& message, const std::string& marker) {
  static const std::string secret = [] {
    auto s = config::read_secret_file(env_get("ARK_BINDING_SECRET_FILE"));
    return s.ok() ? *s : std::string();
  }();
  std::string id = "msg" + lower_rand(21);
  std::string from = "sender@" + from_domain;
  sql("INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
      "created_at) VALUES ('" +
      id + "', '" + tenant + "', 'smtp', '" + from + "', '" + from +
      "', 'dkim', UTC_TIMESTAMP(6))");
  mail::Binding b{id, tenant, base::SystemClock::instance().now_s()};
  std::string binding = "X-Ark-Binding: " + mail::sign_binding(b, secret) + "\r\n";
  std::string last;
  int code = raw_smtp(from, "dkim@ok.test", binding + message, &last);
  EXPECT_EQ(code, 250) << last;
  std::string copy = sink_copy(marker);
  EXPECT_FALSE(copy.empty()) << "no sink copy with " << marker;
  return copy;
}

std::string simple_message(const std::string& domain, const std::string& marker) {
  return "From: sender@" + domain + "\r\nTo: dkim@ok.test\r\nSubject: " + marker +
         "\r\nMessage-ID: <" + marker + "@" + domain + ">\r\n\r\nbody " + marker + "\r\n";
}

class SignedMail : public ::testing::Test {
 protected:
  // The shared domain, made by the first test of the process (ctest runs one test per
  // process, so in practice by each test): done in SetUp so that a failure here fails the
  // test instead of skipping it.
  void SetUp() override {
    if (nsd_ == nullptr) {
      nsd_ = new NsdServer;
      prepare_domain();
    }
    ASSERT_TRUE(ready_) << "the shared signing domain could not be set up";
  }

  static void prepare_domain() {
    tenant_ = new std::string(new_tenant("DKIM Co"));
    zone_ = new TestZone("k" + lower_rand(10) + ".test");
    domain_ = new Domain(create_domain(*tenant_, "news." + zone_->name()));
    ASSERT_FALSE(domain_->uuid.empty());
    // A second signature with Ed25519 (RFC 8463): the key, its record, then a DNS check
    // that sees it, before any mail so the milter's cache holds nothing older.
    std::string out = arkctl("dkim-ed25519 --domain " + domain_->uuid);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex("(\\S+) TXT (k=ed25519;\\S+)"))) << out;
    std::vector<ZoneRecord> recs = all_records(*domain_);
    recs.push_back({m[1].str(), "TXT", m[2].str()});
    zone_->publish(recs);
    auto v = verify(*domain_);
    ASSERT_TRUE(v && v->getValue<bool>("verified"));
    out = arkctl("dns-check --domain " + domain_->uuid);
    ASSERT_NE(out.find("ed25519=OK"), std::string::npos) << out;
    ready_ = true;
  }

  static void TearDownTestSuite() {
    delete nsd_;
    nsd_ = nullptr;
  }

  std::string send(const std::string& message, const std::string& marker,
                   const std::string& from_domain = "") {
    return send_bound(*tenant_, from_domain.empty() ? domain_->name : from_domain, message, marker);
  }

  void expect_both_pass(const std::string& copy, size_t signatures = 2) {
    ASSERT_FALSE(copy.empty());
    size_t n = 0;
    for (size_t p = copy.find("DKIM-Signature:"); p != std::string::npos;
         p = copy.find("DKIM-Signature:", p + 1)) {
      ++n;
    }
    EXPECT_EQ(n, signatures) << copy;
    EXPECT_NE(copy.find("d=" + domain_->name + ";"), std::string::npos);
    Verdicts v = verify_copy(copy);
    EXPECT_EQ(v.dkimpy, 0) << v.output << "\n--- copy ---\n" << copy;
    EXPECT_EQ(v.opendkim, 0) << v.output << "\n--- copy ---\n" << copy;
    auto count = [&](const std::string& what) {
      size_t k = 0;
      for (size_t p = v.output.find(what); p != std::string::npos; p = v.output.find(what, p + 1)) {
        ++k;
      }
      return k;
    };
    EXPECT_EQ(count("result=pass"), signatures) << v.output;
    EXPECT_EQ(count(": pass"), signatures) << v.output;
  }

  std::string headers(const std::string& marker, const std::string& eol = "\r\n") {
    return "From: Sender <sender@" + domain_->name + ">" + eol + "To: dkim@ok.test" + eol +
           "Subject: dkim " + marker + eol +
           "Date: " + base::format_rfc5322_date(base::SystemClock::instance().now_s()) + eol +
           "Message-ID: <" + marker + "@" + domain_->name + ">" + eol;
  }

  static NsdServer* nsd_;
  static bool ready_;
  static std::string* tenant_;
  static TestZone* zone_;
  static Domain* domain_;
};

NsdServer* SignedMail::nsd_ = nullptr;
bool SignedMail::ready_ = false;
std::string* SignedMail::tenant_ = nullptr;
TestZone* SignedMail::zone_ = nullptr;
Domain* SignedMail::domain_ = nullptr;

TEST_F(SignedMail, PlainMessagePassesBothVerifiersAndTamperingFails) {
  std::string marker = "plain" + lower_rand(12);
  std::string copy = send(headers(marker) + "\r\nHello from ark-milter.\r\n", marker);
  expect_both_pass(copy);
  std::string tampered = std::regex_replace(copy, std::regex("Hello from"), "Hallo from");
  Verdicts v = verify_copy(tampered);
  EXPECT_EQ(v.dkimpy, 1) << v.output;
  EXPECT_EQ(v.opendkim, 1) << v.output;
}

TEST_F(SignedMail, LongAndFoldedHeaders) {
  std::string marker = "folded" + lower_rand(12);
  std::string subject_tail;
  for (int i = 0; i < 12; ++i) {
    subject_tail += "\r\n\t word" + std::to_string(i) + " of a subject folded over many lines";
  }
  std::string long_line(700, 'x');
  std::string msg = headers(marker) + "X-Long: " + long_line + "\r\n" +
                    "Cc: a@ok.test,\r\n  b@ok.test,\r\n\tc@ok.test\r\n" +
                    "Reply-To:   spaced   <r@ok.test>   \r\n" + "Comments: folded" + subject_tail +
                    "\r\n\r\nbody\r\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, BareLfMessage) {
  std::string marker = "barelf" + lower_rand(12);
  std::string msg = headers(marker, "\n") + "\nline one\nline two\n\n\nlast\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, MixedCrlfAndBareLf) {
  std::string marker = "mixed" + lower_rand(12);
  std::string msg = headers(marker) + "\r\ncrlf line\r\nbare lf line\nanother\r\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, EightBitHeadersAndBody) {
  std::string marker = "eightbit" + lower_rand(12);
  std::string msg = headers(marker) + "X-Note: gr\xc3\xbc\xc3\x9f" + "e\r\n" +
                    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n"
                    "Gr\xc3\xbc\xc3\x9f"
                    "e aus K\xc3\xb6ln, \xe2\x82\xac 5, \xf0\x9f\x93\xa7\r\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, EmptyBody) {
  std::string marker = "empty" + lower_rand(12);
  expect_both_pass(send(headers(marker) + "\r\n", marker));
}

TEST_F(SignedMail, TrailingWhitespaceAndBlankLines) {
  std::string marker = "trailing" + lower_rand(12);
  std::string msg = headers(marker) +
                    "\r\nspaces at the end   \r\ntab at the end\t\r\n"
                    "  leading and  inner   runs \r\n.starts with a dot\r\n"
                    "\r\n\r\n  \r\n\r\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, MultipartWithAttachments) {
  std::string marker = "multipart" + lower_rand(12);
  std::string binary;
  std::mt19937 rng(7);
  for (int i = 0; i < 6000; ++i) {
    binary.push_back(static_cast<char>(rng() & 0xff));
  }
  std::string b64 = crypto::base64_encode(binary);
  std::string wrapped;
  for (size_t i = 0; i < b64.size(); i += 76) {
    wrapped += b64.substr(i, 76) + "\r\n";
  }
  std::string msg =
      headers(marker) +
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_ark_b\"\r\n\r\n"
      "This is a multi-part message in MIME format.\r\n"
      "--=_ark_b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee attached.\r\n"
      "--=_ark_b\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\n" +
      wrapped +
      "--=_ark_b\r\nContent-Type: text/csv; name=\"t.csv\"\r\n"
      "Content-Disposition: attachment; filename=\"t.csv\"\r\n\r\na,b\r\n1,2\r\n"
      "--=_ark_b--\r\n";
  expect_both_pass(send(msg, marker));
}

TEST_F(SignedMail, NoSignatureForADomainTheTenantHasNotVerified) {
  std::string marker = "unverified" + lower_rand(12);
  std::string other = "other" + lower_rand(8) + ".test";
  std::string msg =
      "From: x@" + other + "\r\nTo: dkim@ok.test\r\nSubject: " + marker + "\r\n\r\nbody\r\n";
  std::string copy = send(msg, marker, other);
  ASSERT_FALSE(copy.empty());
  EXPECT_EQ(copy.find("DKIM-Signature:"), std::string::npos) << copy;
}

TEST(DkimRotation, NewSelectorSignsOnlyOnceItsRecordIsPublished) {
  NsdServer nsd;
  std::string tenant = new_tenant("Rotation Co");
  TestZone zone("r" + lower_rand(10) + ".test");
  Domain d = create_domain(tenant, "mail." + zone.name());
  ASSERT_FALSE(d.uuid.empty());
  zone.publish(all_records(d));
  auto v = verify(d);
  ASSERT_TRUE(v && v->getValue<bool>("verified"));
  std::string old_selector =
      d.records.at("dkim").name.substr(0, d.records.at("dkim").name.find('.'));

  std::string out = arkctl("dkim-rotate --domain " + d.uuid);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("(\\S+) TXT (k=rsa;\\S+)"))) << out;
  ZoneRecord next{m[1].str(), "TXT", m[2].str()};
  std::string new_selector = next.name.substr(0, next.name.find('.'));
  ASSERT_NE(new_selector, old_selector);

  // Not published yet: no switch, mail is still signed with the old key.
  out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("next_key=Missing rotated=no"), std::string::npos) << out;
  std::string marker = "before" + lower_rand(10);
  std::string copy = send_bound(tenant, d.name, simple_message(d.name, marker), marker);
  EXPECT_NE(copy.find("s=" + old_selector + ";"), std::string::npos) << copy;
  Verdicts before = verify_copy(copy);
  EXPECT_EQ(before.dkimpy, 0) << before.output;
  EXPECT_EQ(before.opendkim, 0) << before.output;

  // Published (the old record stays): the check switches, then mail carries the new one.
  std::vector<ZoneRecord> recs = all_records(d);
  recs.push_back(next);
  zone.publish(recs);
  out = arkctl("dns-check --domain " + d.uuid);
  EXPECT_NE(out.find("next_key=OK rotated=yes"), std::string::npos) << out;
  auto got = api("GET", "/v1/tenants/" + tenant + "/domains/" + d.id);
  ASSERT_EQ(got.status, 200) << got.body;
  auto dkim = got.json->getObject("data")->getObject("dnsRecords")->getObject("dkim");
  EXPECT_EQ(dkim->getValue<std::string>("fullName"), next.name);
  EXPECT_EQ(dkim->getValue<std::string>("value"), next.value);
  std::string after;
  ASSERT_TRUE(eventually(
      [&] {  // the milter's key cache (dkim.key_cache_ttl, 1 s in the dev stack) expires
        std::string mk = "after" + lower_rand(10);
        after = send_bound(tenant, d.name, simple_message(d.name, mk), mk);
        return after.find("s=" + new_selector + ";") != std::string::npos;
      },
      15s));
  Verdicts v2 = verify_copy(after);
  EXPECT_EQ(v2.dkimpy, 0) << v2.output;
  EXPECT_EQ(v2.opendkim, 0) << v2.output;
}

}  // namespace
}  // namespace ark::itest
