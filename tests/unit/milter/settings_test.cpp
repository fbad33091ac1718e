// ark-milter's config schema and validation: defaults, socket forms, and errors that
// name the offending key (what --check-config prints).
#include "milter/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace ark::milter {
namespace {

base::Result<MilterSettings> settings_from(const std::string& yaml) {
  auto cfg = config::parse_config(milter_schema(), yaml, "test.yaml");
  if (!cfg) {
    return cfg.error();
  }
  return milter_settings(*cfg);
}

TEST(MilterSettingsTest, DefaultsAreTheDocumentedOnes) {
  auto s = settings_from("");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->socket, "unix:/run/ark/milter.sock");
  EXPECT_EQ(s->socket_spec.kind, SocketSpec::Kind::Unix);
  EXPECT_EQ(s->socket_spec.path, "/run/ark/milter.sock");
  EXPECT_EQ(s->socket_group, "postfix");
  EXPECT_EQ(s->socket_mode, 0660u);
  EXPECT_EQ(s->on_internal_error, Verdict::Tempfail);
  EXPECT_EQ(s->timeout_s, 30);
  EXPECT_EQ(s->binding_secret_file, "/etc/ark/binding.secret");
  EXPECT_EQ(s->binding_max_age_s, 600);
  EXPECT_EQ(s->log_level, base::LogLevel::Info);
  EXPECT_FALSE(s->log_syslog);
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(s->node, host);  // empty milter.node means the host name
}

TEST(MilterSettingsTest, ExplicitValuesAreRead) {
  auto s = settings_from(
      "milter:\n  socket: inet:10030@127.0.0.1\n  on_internal_error: accept\n"
      "  timeout: 90s\n  node: mx-7\n  socket_mode: '0600'\n"
      "binding:\n  max_age: 2m\nlog:\n  level: debug\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->socket_spec.kind, SocketSpec::Kind::Inet);
  EXPECT_EQ(s->socket_spec.port, 10030);
  EXPECT_EQ(s->socket_spec.host, "127.0.0.1");
  EXPECT_EQ(s->on_internal_error, Verdict::Accept);
  EXPECT_EQ(s->timeout_s, 90);
  EXPECT_EQ(s->node, "mx-7");
  EXPECT_EQ(s->socket_mode, 0600u);
  EXPECT_EQ(s->binding_max_age_s, 120);
  EXPECT_EQ(s->log_level, base::LogLevel::Debug);
}

TEST(MilterSettingsTest, ErrorsNameTheKey) {
  struct Case {
    std::string yaml;
    const char* key;
  };
  const Case cases[] = {
      {"milter:\n  sockett: unix:/x\n", "milter.sockett"},
      {"milter:\n  socket: tcp:1234\n", "milter.socket"},
      {"milter:\n  socket: inet:99999@127.0.0.1\n", "milter.socket"},
      {"milter:\n  socket_mode: '0999'\n", "milter.socket_mode"},
      {"milter:\n  on_internal_error: discard\n", "milter.on_internal_error"},
      {"milter:\n  timeout: 30\n", "milter.timeout"},
      {"milter:\n  node: " + std::string(65, 'n') + "\n", "milter.node"},
      {"binding:\n  secret_file: ''\n", "binding.secret_file"},
      {"binding:\n  max_age: 0s\n", "binding.max_age"},
      {"database:\n  port: 0\n", "database.port"},
      {"log:\n  level: verbose\n", "log.level"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.yaml);
    auto s = settings_from(tc.yaml);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, tc.key);
    EXPECT_NE(s.error().message.find(tc.key), std::string::npos) << s.error().message;
  }
}

TEST(SocketSpecTest, AcceptedAndRefusedForms) {
  struct Case {
    const char* text;
    bool ok;
    SocketSpec::Kind kind;
  };
  const Case cases[] = {
      {"unix:/run/ark/milter.sock", true, SocketSpec::Kind::Unix},
      {"local:/tmp/m.sock", true, SocketSpec::Kind::Unix},
      {"inet:10030@127.0.0.1", true, SocketSpec::Kind::Inet},
      {"inet6:10030@::1", false, {}},  // not yet: arkctl cannot render it for Postfix
      {"unix:relative.sock", false, {}},
      {"unix:", false, {}},
      {"inet:10030", false, {}},  // no host: would listen on every address
      {"inet:@127.0.0.1", false, {}},
      {"inet:0@127.0.0.1", false, {}},
      {"inet:65536@127.0.0.1", false, {}},
      {"inet:12x@127.0.0.1", false, {}},
      {"inet:10030@", false, {}},
      {"/run/ark/milter.sock", false, {}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto spec = parse_socket_spec(tc.text);
    ASSERT_EQ(spec.ok(), tc.ok);
    if (tc.ok) {
      EXPECT_EQ(spec->kind, tc.kind);
    }
  }
}

TEST(SocketModeTest, OctalOnlyAndBounded) {
  EXPECT_EQ(parse_socket_mode("0660").value(), 0660u);
  EXPECT_EQ(parse_socket_mode("600").value(), 0600u);
  EXPECT_EQ(parse_socket_mode("0777").value(), 0777u);
  EXPECT_FALSE(parse_socket_mode("1777").ok());
  EXPECT_FALSE(parse_socket_mode("0668").ok());
  EXPECT_FALSE(parse_socket_mode("rw-rw----").ok());
  EXPECT_FALSE(parse_socket_mode("").ok());
}

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ark-milter-secret-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { unlink(path_.c_str()); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_;
};

TEST_F(SecretFileTest, ReadsTheFirstLine) {
  write("0123456789abcdefXYZ\nsecond line\n");
  auto s = load_binding_secret(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*s, "0123456789abcdefXYZ");
}

TEST_F(SecretFileTest, ShortOrMissingSecretIsAConfigError) {
  write("tooshort\n");
  auto short_secret = load_binding_secret(path_);
  ASSERT_FALSE(short_secret.ok());
  EXPECT_EQ(short_secret.error().field, "binding.secret_file");
  auto missing = load_binding_secret(path_ + ".absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "binding.secret_file");
}

TEST(SampleConfigTest, SampleParsesToTheDefaults) {
  auto s = settings_from(config::render_sample(milter_schema()));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->socket, "unix:/run/ark/milter.sock");
}

}  // namespace
}  // namespace ark::milter
