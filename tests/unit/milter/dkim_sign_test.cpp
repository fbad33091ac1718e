// The DKIM signing stage of ark-milter, driven through Connection like the libmilter
// callbacks do, with a fake key store, a real sealed key and dkimpy (Debian python3-dkim)
// as the independent verifier of what the stage inserts. Also the key cache (SigningKeys)
// and the From-domain rules.
#include "milter/stages/dkim_sign.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/dkim_keys/dkim_keys.h"
#include "core/mail/binding.h"
#include "core/seal/seal.h"
#include "milter/connection.h"
#include "milter/message_filter.h"
#include "milter/settings.h"
#include "tests/unit/milter/dkim/dkimpy_verifier.h"
#include "tests/unit/milter/fakes.h"

namespace ark::milter {
namespace {

using testing::FakeClock;
using testing::FakeMessageStore;

constexpr const char* kSecret = "binding-secret-0123456789abcdef";
constexpr int64_t kNow = 1700000000;
constexpr const char* kQueueId = "4Vq7Xw1Zk9zB2mC";
constexpr const char* kMessageId = "msgAbCdEfGhIjKlMnOpQrStU";
constexpr const char* kTenant = "cmabcdefghijklm";
constexpr const char* kUuid = "6f1c2b1e-1111-4222-8333-944455556666";

class FakeKeyStore final : public SigningKeyStore {
 public:
  std::vector<DomainKeyRow> rows;  // every tenant's verified domains (tenant in `tenants`)
  std::vector<std::string> tenants;
  bool transient = false;
  int calls = 0;
  std::vector<std::string> last_names;

  base::Result<std::vector<DomainKeyRow>> verified_domains(
      const std::string& tenant_id, const std::vector<std::string>& names) override {
    ++calls;
    last_names = names;
    if (transient) {
      return base::Error::transient("database down");
    }
    std::vector<DomainKeyRow> out;
    for (size_t i = 0; i < rows.size(); ++i) {
      for (const auto& n : names) {
        if (tenants[i] == tenant_id && rows[i].name == n) {
          out.push_back(rows[i]);
        }
      }
    }
    return out;
  }
};

struct KeyMaterial {
  std::string pem;
  std::string txt;
};

KeyMaterial make_key(dkim_keys::KeyType type) {
  auto pem = dkim_keys::generate_private_key_pem(type);
  EXPECT_TRUE(pem.ok());
  auto pub = dkim_keys::public_key_from_private_pem(*pem);
  EXPECT_TRUE(pub.ok());
  return {*pem, dkim_keys::dns_txt_value(*pub)};
}

// One RSA key for the whole suite: generating RSA-2048 takes a while.
const KeyMaterial& rsa_key() {
  static const KeyMaterial k = make_key(dkim_keys::KeyType::Rsa);
  return k;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Sent {
  Decision eom;
  std::vector<HeaderEdit> edits;
};

class DkimSignTest : public ::testing::Test {
 protected:
  DkimSignTest() : seal_key_(seal::SealKey::generate()) {}

  void add_domain(const std::string& name, const std::string& tenant = kTenant,
                  const std::string& selector = "ark-sel1") {
    DomainKeyRow row{name,     kUuid,
                     selector, seal::seal(seal_key_, rsa_key().pem, seal_context_rsa(kUuid)),
                     "",       ""};
    keys_.rows.push_back(row);
    keys_.tenants.push_back(tenant);
  }

  std::unique_ptr<Connection> connect(DkimSettings settings = {}) {
    cache_ = std::make_unique<SigningKeys>(keys_, seal_key_, clock_, 60000);
    FilterSettings fs{kSecret, 600, "node-a", Verdict::Tempfail};
    auto filter = std::make_shared<const MessageFilter>(std::move(fs), store_, clock_, cache_.get(),
                                                        std::move(settings));
    return std::make_unique<Connection>(std::move(filter));
  }

  // A bound message: binding header first, then `headers`, then the body in two chunks.
  Sent send(Connection& c, const Headers& headers, const std::string& body) {
    Sent out;
    EXPECT_EQ(c.on_mail().verdict, Verdict::Continue);
    std::string binding = mail::sign_binding({kMessageId, kTenant, kNow}, kSecret);
    EXPECT_EQ(c.on_header(mail::kBindingHeader, binding).verdict, Verdict::Continue);
    for (const auto& [name, value] : headers) {
      EXPECT_EQ(c.on_header(name, value).verdict, Verdict::Continue);
    }
    EXPECT_EQ(c.on_end_of_headers(kQueueId).verdict, Verdict::Continue);
    size_t half = body.size() / 2;
    EXPECT_EQ(c.on_body(body.substr(0, half)).verdict, Verdict::Continue);
    EXPECT_EQ(c.on_body(body.substr(half)).verdict, Verdict::Continue);
    out.eom = c.on_end_of_message(kQueueId, [&](const HeaderEdit& e) -> base::Status {
      out.edits.push_back(e);
      return {};
    });
    return out;
  }

  static std::vector<const HeaderEdit*> signatures(const Sent& s) {
    std::vector<const HeaderEdit*> out;
    for (const auto& e : s.edits) {
      if (e.kind == HeaderEdit::Kind::Insert && e.name == kDkimHeader) {
        out.push_back(&e);
      }
    }
    return out;
  }

  static std::vector<dkim::Header> as_headers(const Headers& h) {
    std::vector<dkim::Header> out;
    for (const auto& [n, v] : h) {
      out.push_back({n, v});
    }
    return out;
  }

  FakeClock clock_{kNow * 1000000};
  FakeMessageStore store_;
  FakeKeyStore keys_;
  seal::SealKey seal_key_;
  std::unique_ptr<SigningKeys> cache_;
};

const Headers kHeaders = {{"From", "Alice <alice@Mail.Example.COM>"},
                          {"To", "bob@example.net"},
                          {"Subject", "a subject that is long enough to be folded by some\n\tMTA"},
                          {"Date", "Tue, 14 Nov 2023 22:13:20 +0000"},
                          {"Message-ID", "<1@mail.example.com>"}};

TEST_F(DkimSignTest, SignsWithTheVerifiedDomainKeyAndDkimpyAccepts) {
  add_domain("mail.example.com");
  auto c = connect();
  std::string body = "Hello,  world \r\nbare lf line\n\r\n\r\n";
  Sent s = send(*c, kHeaders, body);
  EXPECT_EQ(s.eom.verdict, Verdict::Accept);
  auto sigs = signatures(s);
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0]->index, 0);
  EXPECT_NE(sigs[0]->value.find("d=mail.example.com;"), std::string::npos);
  EXPECT_NE(sigs[0]->value.find("s=ark-sel1;"), std::string::npos);
  EXPECT_EQ(sigs[0]->value.find('\r'), std::string::npos) << "inserted with bare LF folds";
  ASSERT_EQ(store_.calls.size(), 1u) << "the queue id is still recorded";
  std::string wire = dkim::testing::wire_message(sigs[0]->value, as_headers(kHeaders), body);
  auto v =
      dkim::testing::dkimpy_verify(wire, "ark-sel1._domainkey.mail.example.com", rsa_key().txt);
  EXPECT_TRUE(v.verified) << v.log;
}

TEST_F(DkimSignTest, ATamperedBodyFailsVerification) {
  add_domain("mail.example.com");
  auto c = connect();
  Sent s = send(*c, kHeaders, "original body\r\n");
  auto sigs = signatures(s);
  ASSERT_EQ(sigs.size(), 1u);
  std::string wire =
      dkim::testing::wire_message(sigs[0]->value, as_headers(kHeaders), "changed body\r\n");
  auto v =
      dkim::testing::dkimpy_verify(wire, "ark-sel1._domainkey.mail.example.com", rsa_key().txt);
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.exit_code, 1) << v.log;
}

TEST_F(DkimSignTest, SubdomainMailIsSignedWithTheNearestVerifiedParent) {
  add_domain("example.com");
  auto c = connect();
  Sent s = send(*c, kHeaders, "x\r\n");
  auto sigs = signatures(s);
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_NE(sigs[0]->value.find("d=example.com;"), std::string::npos);
  EXPECT_EQ(keys_.last_names, (std::vector<std::string>{"mail.example.com", "example.com"}));
}

TEST_F(DkimSignTest, UnverifiedOrForeignDomainGoesOutUnsigned) {
  add_domain("mail.example.com", "another-tenant");
  auto c = connect();
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_EQ(s.eom.verdict, Verdict::Accept);
  EXPECT_TRUE(signatures(s).empty());
  EXPECT_EQ(store_.calls.size(), 1u);
}

TEST_F(DkimSignTest, StoreOutageTempfailsBeforeTheBindingIsUsed) {
  add_domain("mail.example.com");
  keys_.transient = true;
  auto c = connect();
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_EQ(s.eom.verdict, Verdict::Tempfail);
  EXPECT_EQ(s.eom.reason, "dkim_error");
  EXPECT_TRUE(s.edits.empty());
  EXPECT_TRUE(store_.calls.empty()) << "a retry must still find the binding unused";
}

TEST_F(DkimSignTest, OnErrorUnsignedDeliversWithoutSignature) {
  add_domain("mail.example.com");
  keys_.transient = true;
  DkimSettings settings;
  settings.tempfail_on_error = false;
  auto c = connect(settings);
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_EQ(s.eom.verdict, Verdict::Accept);
  EXPECT_TRUE(signatures(s).empty());
}

TEST_F(DkimSignTest, KeySealedForAnotherDomainIsAnError) {
  add_domain("mail.example.com");
  keys_.rows[0].uuid = "another-uuid";  // seal context no longer matches
  auto c = connect();
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_EQ(s.eom.verdict, Verdict::Tempfail);
}

TEST_F(DkimSignTest, Ed25519AddsASecondSignatureUnlessSwitchedOff) {
  add_domain("mail.example.com");
  KeyMaterial ed = make_key(dkim_keys::KeyType::Ed25519);
  keys_.rows[0].ed25519_selector = "ark-sel1e";
  keys_.rows[0].ed25519_sealed = seal::seal(seal_key_, ed.pem, seal_context_ed25519(kUuid));
  {
    auto c = connect();
    Sent s = send(*c, kHeaders, "x\r\n");
    auto sigs = signatures(s);
    ASSERT_EQ(sigs.size(), 2u);
    EXPECT_NE(sigs[0]->value.find("a=rsa-sha256;"), std::string::npos);
    EXPECT_NE(sigs[1]->value.find("a=ed25519-sha256;"), std::string::npos);
    EXPECT_NE(sigs[1]->value.find("s=ark-sel1e;"), std::string::npos);
  }
  DkimSettings off;
  off.ed25519 = false;
  auto c = connect(off);
  EXPECT_EQ(signatures(send(*c, kHeaders, "x\r\n")).size(), 1u);
}

TEST_F(DkimSignTest, DisabledSigningCollectsNothing) {
  add_domain("mail.example.com");
  DkimSettings off;
  off.enabled = false;
  auto c = connect(off);
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_TRUE(signatures(s).empty());
  EXPECT_EQ(keys_.calls, 0);
  EXPECT_TRUE(c->message_for_test().dkim.headers.empty());
}

TEST_F(DkimSignTest, KeysAreCachedForTheTtlThenLookedUpAgain) {
  add_domain("mail.example.com");
  auto c = connect();
  send(*c, kHeaders, "x\r\n");
  send(*c, kHeaders, "y\r\n");
  EXPECT_EQ(keys_.calls, 1);
  clock_.advance_ms(60001);
  send(*c, kHeaders, "z\r\n");
  EXPECT_EQ(keys_.calls, 2);
}

TEST_F(DkimSignTest, ErrorsAreNotCached) {
  add_domain("mail.example.com");
  keys_.transient = true;
  auto c = connect();
  EXPECT_EQ(send(*c, kHeaders, "x\r\n").eom.verdict, Verdict::Tempfail);
  keys_.transient = false;
  Sent s = send(*c, kHeaders, "x\r\n");
  EXPECT_EQ(signatures(s).size(), 1u);
}

TEST(FromDomainTest, Rules) {
  std::string reason;
  EXPECT_EQ(from_domain({{"From", " A <a@X.Example>"}}, &reason), "x.example");
  EXPECT_EQ(from_domain({{"from", "\"Folded\r\n Name\" <a@b.example>"}}, &reason), "b.example");
  EXPECT_FALSE(from_domain({{"To", "a@b.example"}}, &reason));
  EXPECT_EQ(reason, "no_from");
  EXPECT_FALSE(from_domain({{"From", "a@b.example"}, {"FROM", "c@d.example"}}, &reason));
  EXPECT_EQ(reason, "several_from");
  EXPECT_FALSE(from_domain({{"From", "not an address"}}, &reason));
  EXPECT_EQ(reason, "from_unparsable");
}

base::Result<MilterSettings> settings_from(const std::string& yaml) {
  auto cfg = config::parse_config(milter_schema(), yaml, "test.yaml");
  EXPECT_TRUE(cfg.ok()) << (cfg.ok() ? "" : cfg.error().message);
  return milter_settings(*cfg);
}

TEST(DkimSettingsTest, DefaultsSignWithEd25519AndTempfailOnError) {
  auto s = settings_from("milter:\n  node: n1\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->dkim_enabled);
  EXPECT_TRUE(s->dkim_ed25519);
  EXPECT_TRUE(s->dkim_tempfail_on_error);
  EXPECT_EQ(s->dkim_cache_ttl_ms, 60000);
  EXPECT_TRUE(s->dkim_signed_headers.empty());
  EXPECT_EQ(s->seal_key_file, "/etc/ark/seal.key");
}

TEST(DkimSettingsTest, ExplicitValuesAndErrors) {
  auto s = settings_from(
      "dkim:\n  on_error: unsigned\n  key_cache_ttl: 5s\n  signed_headers: [From, Subject]\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->dkim_tempfail_on_error);
  EXPECT_EQ(s->dkim_cache_ttl_ms, 5000);
  EXPECT_EQ(s->dkim_signed_headers, (std::vector<std::string>{"from", "subject"}));
  auto no_from = settings_from("dkim:\n  signed_headers: [to, subject]\n");
  ASSERT_FALSE(no_from.ok());
  EXPECT_EQ(no_from.error().field, "dkim.signed_headers");
  auto no_key = settings_from("seal:\n  key_file: \"\"\n");
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.error().field, "seal.key_file");
  EXPECT_TRUE(settings_from("dkim:\n  enabled: false\nseal:\n  key_file: \"\"\n").ok());
}

TEST(DomainAndParentsTest, StopsAtTwoLabels) {
  EXPECT_EQ(domain_and_parents("a.b.example.com"),
            (std::vector<std::string>{"a.b.example.com", "b.example.com", "example.com"}));
  EXPECT_EQ(domain_and_parents("example.com"), (std::vector<std::string>{"example.com"}));
  EXPECT_TRUE(domain_and_parents("localhost").empty());
}

}  // namespace
}  // namespace ark::milter
