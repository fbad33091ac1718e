#include <gtest/gtest.h>

#include "admind/ctl/postfix_config.h"

namespace ark::admind::ctl {
namespace {

TEST(PostfixConfig, MilterAddressForms) {
  EXPECT_EQ(postfix_milter_address("unix:/run/ark/milter.sock").value(),
            "unix:/run/ark/milter.sock");
  EXPECT_EQ(postfix_milter_address("inet:10030@127.0.0.1").value(), "inet:127.0.0.1:10030");
  EXPECT_FALSE(postfix_milter_address("inet:10030").ok());
  EXPECT_FALSE(postfix_milter_address("tcp:1").ok());
}

TEST(PostfixConfig, MainCfWiresTheMilterAndFailsClosed) {
  auto text = render_main_cf({"unix:/x/m.sock"});
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("smtpd_milters = unix:/x/m.sock\n"), std::string::npos);
  EXPECT_NE(text->find("milter_default_action = tempfail\n"), std::string::npos);
  EXPECT_NE(text->find("enable_long_queue_ids = yes\n"), std::string::npos);
  // Only "name = value" and comment lines, so the text can be appended to main.cf as is.
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    std::string line = text->substr(start, end - start);
    EXPECT_TRUE(line.empty() || line[0] == '#' || line.find(" = ") != std::string::npos) << line;
    start = end + 1;
  }
}

TEST(PostfixConfig, MainCfLogsTlsAndRoutesBouncesOnlyWhenConfigured) {
  auto plain = render_main_cf({"unix:/x/m.sock", "", ""});
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->find("smtp_tls_loglevel = 1\n"), std::string::npos);
  EXPECT_EQ(plain->find("relay_transport"), std::string::npos);
  auto wired = render_main_cf({"unix:/x/m.sock", "rp.brand.test", "/run/ark/bounce.lmtp"});
  ASSERT_TRUE(wired.ok());
  EXPECT_NE(wired->find("relay_domains = rp.brand.test\n"), std::string::npos);
  EXPECT_NE(wired->find("relay_transport = lmtp:unix:/run/ark/bounce.lmtp\n"), std::string::npos);
}

TEST(PostfixConfig, SaslIsWiredToPolicydOnlyWhenGiven) {
  auto none = render_main_cf({"unix:/x/m.sock", "", ""});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->find("smtpd_sasl_type"), std::string::npos);
  PostfixWiring w{"unix:/x/m.sock", "", ""};
  w.sasl_socket = "/run/ark/policyd.sock";
  auto wired = render_main_cf(w);
  ASSERT_TRUE(wired.ok());
  EXPECT_NE(wired->find("smtpd_sasl_type = dovecot\n"), std::string::npos);
  EXPECT_NE(wired->find("smtpd_sasl_path = /run/ark/policyd.sock\n"), std::string::npos);
  EXPECT_NE(wired->find("smtpd_tls_auth_only = yes\n"), std::string::npos);
  EXPECT_EQ(wired->find("smtpd_sasl_auth_enable"), std::string::npos)
      << "AUTH is enabled per listener, not globally";
  for (const std::string& text : {render_master_cf(w), render_master_cf({"unix:/x", "", ""})}) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      EXPECT_EQ(text[start], '#') << "master.cf output is advice only: " << text;
      start = end + 1;
    }
  }
}

}  // namespace
}  // namespace ark::admind::ctl
