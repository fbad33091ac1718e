// The send rules, table-driven: one row per edge.
#include "policy/engine/rules.h"

#include <gtest/gtest.h>

namespace ark::policy {
namespace {

SandboxRules sandbox() {
  SandboxRules s;
  s.sender = "sandbox@arkhq.io";
  s.recipients = {"owner@provider.example", "@team.example"};
  s.daily_limit = 10;
  return s;
}

TEST(Rules, TenantStatus) {
  EXPECT_TRUE(check_tenant(TenantStatus::Active).allowed());
  Decision s = check_tenant(TenantStatus::Suspended);
  EXPECT_EQ(s.code, Code::TenantInactive);
  EXPECT_EQ(s.smtp.code, 550);
  EXPECT_EQ(s.smtp.enhanced, "5.7.1");
  EXPECT_EQ(s.api.status, 403);
  EXPECT_EQ(s.api.error_code, "tenant_suspended");
  EXPECT_EQ(check_tenant(TenantStatus::Archived).code, Code::TenantInactive);
  EXPECT_EQ(parse_tenant_status("active"), TenantStatus::Active);
  EXPECT_EQ(parse_tenant_status("archived"), TenantStatus::Archived);
  EXPECT_EQ(parse_tenant_status("suspended"), TenantStatus::Suspended);
  EXPECT_EQ(parse_tenant_status("weird"), TenantStatus::Suspended) << "unknown fails closed";
}

TEST(Rules, CredentialHoldIsAHoldNotAReject) {
  EXPECT_TRUE(check_credential(CredentialFacts{7, "t", false}).allowed());
  Decision h = check_credential(CredentialFacts{7, "t", true});
  EXPECT_TRUE(h.held());
  EXPECT_EQ(h.email_status, "held");
  EXPECT_EQ(h.reason(), "credential_held");
  EXPECT_EQ(check_credential(std::nullopt).code, Code::CredentialUnknown);
}

struct SenderCase {
  const char* name;
  const char* address;
  DomainFacts facts;
  Code want;
};

TEST(Rules, SenderDomain) {
  const SenderCase cases[] = {
      {"verified own domain", "a@shop.example", {true, true}, Code::Allow},
      {"own domain not verified", "a@shop.example", {true, false}, Code::SenderDomainUnverified},
      {"foreign domain", "a@other.example", {false, false}, Code::SenderDomainForeign},
      {"null sender", "", {true, true}, Code::SenderMissing},
      {"no domain", "root", {true, true}, Code::SenderMissing},
      {"sandbox sender needs no domain", "sandbox@arkhq.io", {false, false}, Code::Allow},
      {"sandbox sender any case", "Sandbox@ARKHQ.io", {false, false}, Code::Allow},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Decision d = check_sender(c.address, c.facts, sandbox());
    EXPECT_EQ(d.code, c.want);
    if (c.want == Code::SenderDomainForeign || c.want == Code::SenderDomainUnverified) {
      EXPECT_EQ(d.api.status, 422);
      EXPECT_EQ(d.api.error_code, "domain_not_verified");
      EXPECT_EQ(d.detail, domain_of(c.address));
    }
  }
}

TEST(Rules, SandboxDisabledWhenSenderEmpty) {
  SandboxRules off = sandbox();
  off.sender.clear();
  EXPECT_EQ(check_sender("sandbox@arkhq.io", {false, false}, off).code, Code::SenderDomainForeign);
}

TEST(Rules, FromHeaderAlignment) {
  EXPECT_TRUE(check_from_header("x@shop.example", {true, true}, sandbox()).allowed());
  EXPECT_EQ(check_from_header("x@shop.example", {true, false}, sandbox()).code,
            Code::FromNotAligned);
  EXPECT_EQ(check_from_header("x@evil.example", {false, false}, sandbox()).code,
            Code::FromNotAligned);
}

TEST(Rules, SandboxRecipientsAndAllowance) {
  EXPECT_TRUE(check_sandbox_recipient("owner@provider.example", sandbox()).allowed());
  EXPECT_TRUE(check_sandbox_recipient("OWNER@provider.example", sandbox()).allowed());
  EXPECT_TRUE(check_sandbox_recipient("anyone@team.example", sandbox()).allowed());
  EXPECT_EQ(check_sandbox_recipient("x@sub.team.example", sandbox()).code, Code::SandboxRecipient);
  EXPECT_EQ(check_sandbox_recipient("other@provider.example", sandbox()).code,
            Code::SandboxRecipient);
  EXPECT_TRUE(check_sandbox_allowance(9, 1, sandbox()).allowed());
  Decision over = check_sandbox_allowance(10, 1, sandbox());
  EXPECT_EQ(over.code, Code::SandboxDailyLimit);
  EXPECT_EQ(over.api.error_code, "sandbox_restricted");
  EXPECT_EQ(check_sandbox_allowance(8, 3, sandbox()).code, Code::SandboxDailyLimit);
}

TEST(Rules, SuppressedRecipientIsHeldWithTheReason) {
  EXPECT_TRUE(check_recipient("a@b.example", false).allowed());
  Decision d = check_recipient("a@b.example", true, "hard fail");
  EXPECT_TRUE(d.held());
  EXPECT_EQ(d.smtp.code, 250);
  EXPECT_EQ(d.api.status, 200);
  EXPECT_TRUE(d.api.error_code.empty());
  EXPECT_EQ(d.detail, "Recipient a@b.example is on the suppression list (reason: hard fail)");
}

TEST(Rules, Size) {
  SendRules r;
  r.max_message_size = 1000;
  EXPECT_TRUE(check_size(1000, r).allowed());
  Decision big = check_size(1001, r);
  EXPECT_EQ(big.code, Code::MessageTooLarge);
  EXPECT_EQ(big.smtp.code, 552);
  EXPECT_EQ(big.smtp.enhanced, "5.3.4");
  EXPECT_EQ(big.api.status, 413);
  r.max_message_size = 0;
  EXPECT_TRUE(check_size(int64_t{1} << 40, r).allowed());
}

TEST(Rules, DecisionForAPostfixReply) {
  auto d = decision_for_reply(550, "5.7.1 Sender domain is not verified yet");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->code, Code::SenderDomainUnverified);
  EXPECT_EQ(d->api.error_code, "domain_not_verified");
  EXPECT_FALSE(decision_for_reply(451, "4.3.0 temporary storage failure").has_value());
  EXPECT_FALSE(decision_for_reply(451, "5.7.1 Sender domain is not verified yet").has_value())
      << "the code must match too";
}

TEST(Rules, DomainOf) {
  EXPECT_EQ(domain_of("A@Shop.Example"), "shop.example");
  EXPECT_EQ(domain_of("\"a@b\"@c.example"), "c.example");
  EXPECT_EQ(domain_of("a@"), "");
  EXPECT_EQ(domain_of("plain"), "");
}

}  // namespace
}  // namespace ark::policy
