// Reading NDRs (admind/delivery/dsn.h) from the files in tests/fixtures/ndr: a real report
// written by Postfix 3.7 (captured from the dev stack's sink) and hand-written ones for
// shapes other servers send.
#include "admind/delivery/dsn.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ark::admind::delivery {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(ARK_NDR_FIXTURES) / name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

TEST(Dsn, TwoRecipientsOneFailedOneDelayed) {
  NdrReport r = parse_ndr(fixture("hand-written-two-recipients.eml"));
  EXPECT_TRUE(r.is_dsn);
  EXPECT_EQ(r.message_id, "<20261129020000.ABC123@mx.remote.test>");
  EXPECT_EQ(r.subject, "Undelivered Mail Returned to Sender");
  EXPECT_EQ(r.from, "Mail Delivery System <MAILER-DAEMON@mx.remote.test>");
  EXPECT_EQ(r.reporting_mta, "mx.remote.test");
  EXPECT_EQ(r.original_message_id, "<msgAbCdEfGhIjKlMnOpQrStU@ark.localhost>");
  ASSERT_EQ(r.recipients.size(), 2u);
  EXPECT_EQ(r.recipients[0].final_recipient, "gone@remote.test");
  EXPECT_EQ(r.recipients[0].original_recipient, "Gone@Remote.test");
  EXPECT_EQ(r.recipients[0].action, "failed");
  EXPECT_EQ(r.recipients[0].status, "5.1.1");
  EXPECT_EQ(r.recipients[0].remote_mta, "inbox.remote.test");
  EXPECT_EQ(r.recipients[0].diagnostic,
            "550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown in local "
            "recipient table")
      << "continuation lines are unfolded";
  EXPECT_EQ(r.recipients[1].action, "delayed");
  EXPECT_EQ(r.recipients[1].status, "4.2.2");
}

TEST(Dsn, Base64StatusPartIsDecoded) {
  NdrReport r = parse_ndr(fixture("hand-written-base64-status.eml"));
  EXPECT_TRUE(r.is_dsn);
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].final_recipient, "full@b64.remote.test");
  EXPECT_EQ(r.recipients[0].status, "5.2.2");
  EXPECT_EQ(r.recipients[0].diagnostic, "552 5.2.2 Mailbox full");
  EXPECT_EQ(r.original_message_id, "<orig-b64@ark.localhost>");
}

TEST(Dsn, PlainTextBounceFallsBackToTheFirstStatusCode) {
  NdrReport r = parse_ndr(fixture("hand-written-plain-text.eml"));
  EXPECT_FALSE(r.is_dsn);
  EXPECT_EQ(r.message_id, "<plain-123@old.remote.test>");
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].status, "5.1.1");
  EXPECT_EQ(r.recipients[0].action, "failed");
  EXPECT_EQ(r.recipients[0].diagnostic, "Sorry, no mailbox here by that name. (#5.1.1)");
}

TEST(Dsn, PostfixOwnReportCarriesItsQueueId) {
  NdrReport r = parse_ndr(fixture("postfix-3.7-bounce.eml"));
  EXPECT_TRUE(r.is_dsn);
  EXPECT_FALSE(r.postfix_queue_id.empty());
  ASSERT_FALSE(r.recipients.empty());
  EXPECT_EQ(r.recipients[0].action, "failed");
  EXPECT_EQ(r.recipients[0].status, "5.1.1");
  EXPECT_NE(r.recipients[0].diagnostic.find("550 5.1.1"), std::string::npos)
      << r.recipients[0].diagnostic;
  EXPECT_FALSE(r.original_message_id.empty());
}

TEST(Dsn, StatusGroups) {
  auto g = parse_status_groups(
      "Reporting-MTA: dns; a\r\n\r\nFinal-Recipient: rfc822; x@y\r\nAction: FAILED\r\n"
      "Status: 5.0.0\r\n  \r\n\r\nFinal-Recipient: rfc822; z@y\r\n");
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0][0].first, "reporting-mta");
  EXPECT_EQ(g[1][1].second, "FAILED");
  EXPECT_EQ(g[2][0].second, "rfc822; z@y");
}

TEST(Dsn, GarbageNeverThrows) {
  for (const char* raw : {"", "\r\n\r\n",
                          "Content-Type: multipart/report; boundary=\"x\"\r\n\r\n"
                          "--x\r\nContent-Type: message/delivery-status\r\n\r\n",
                          "\xff\xfe\x00garbage 5.", "Subject: 4.4.\r\n\r\n9.9.9 5.5"}) {
    NdrReport r = parse_ndr(std::string_view(raw, std::strlen(raw)));
    EXPECT_TRUE(r.recipients.empty()) << raw;
  }
}

}  // namespace
}  // namespace ark::admind::delivery
