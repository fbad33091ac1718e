// Golden tests of what the follower makes of real logs: every tests/fixtures/maillog/*.log
// is fed line by line through RecordApplier (the code the follower runs) into an in-memory
// EmailRecorder, and the transitions it records (attempt fields, status, event, payload
// facts, suppression) are rendered one per line and compared with <name>.transitions.
// Regenerate deliberately: ARK_UPDATE_GOLDENS=1 ./postfix_log_test --gtest_filter='Applier*'
//
// The fake knows every message that is not a Postfix notice (from=<>): like the real store,
// it answers for the recipients seen in that queue entry's delivery lines. A second group
// of tests asserts the scenarios the issue names (mixed multi-recipient outcomes, expiry,
// hold and release, TLS) with plain expectations that do not depend on the golden files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "admind/delivery/email_writer.h"
#include "admind/logs/follower.h"
#include "admind/logs/record_applier.h"
#include "core/base/clock.h"

namespace ark::admind::logs {
namespace {

namespace fs = std::filesystem;
using delivery::AttemptRow;
using delivery::EmailRow;
using delivery::Transition;

const fs::path kFixtures = ARK_MAILLOG_FIXTURES;
// 2026-12-15T12:00:00Z: the fixtures' "Nov 29" / "Dec  1" stamps are read in 2026.
constexpr int64_t kNowUs = 1797249600LL * 1000000;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<LogLine> lines_of(const std::string& text) {
  std::vector<LogLine> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      nl = text.size();
    }
    out.push_back({text.substr(start, nl - start), static_cast<int64_t>(start)});
    start = nl + 1;
  }
  return out;
}

struct FakeEmail {
  EmailRow row;
  std::vector<AttemptRow> attempts;
};

class FakeRecorder final : public delivery::EmailRecorder {
 public:
  // Learns the messages of a log: every queue id with delivery lines, except notices.
  explicit FakeRecorder(const std::vector<LogLine>& lines) {
    std::set<std::string> notices;
    for (const auto& l : lines) {
      auto rec = parse_postfix_line(l.text);
      if (!rec) {
        continue;
      }
      if (const auto* f = std::get_if<QmgrFrom>(&rec->body); f != nullptr && f->from.empty()) {
        notices.insert(rec->header.queue_id);
      }
    }
    for (const auto& l : lines) {
      auto rec = parse_postfix_line(l.text);
      const Delivery* d = rec ? std::get_if<Delivery>(&rec->body) : nullptr;
      if (d == nullptr || rec->header.queue_id.empty() || notices.count(rec->header.queue_id)) {
        continue;
      }
      std::string rcpt = d->orig_to ? *d->orig_to : d->to;
      std::string key = rec->header.queue_id + " " + rcpt;
      if (!emails_.count(key)) {
        FakeEmail e;
        e.row.id = "e" + std::to_string(emails_.size() + 1);
        e.row.tenant_id = "t1";
        e.row.rcpt = rcpt;
        e.row.status = "pending";
        e.row.message_row_id = rec->header.queue_id;
        e.row.message.id = static_cast<int64_t>(emails_.size() + 1);
        e.row.message.token = e.row.id;
        e.row.message.to = rcpt;
        emails_[key] = e;
        order_.push_back(key);
      }
    }
  }

  std::vector<EmailRow> by_queue(const std::string& node, const std::string& queue_id,
                                 const std::string* rcpt) override {
    EXPECT_EQ(node, "n1");
    std::vector<EmailRow> out;
    for (const auto& key : order_) {
      const FakeEmail& e = emails_.at(key);
      if (e.row.message_row_id == queue_id && (rcpt == nullptr || e.row.rcpt == *rcpt)) {
        out.push_back(e.row);
      }
    }
    return out;
  }
  std::vector<EmailRow> by_message(const std::string& id, const std::string* rcpt) override {
    return by_queue("n1", id, rcpt);
  }

  bool apply(EmailRow& e, const Transition& t, const AttemptRow& a, const std::string& source_key,
             const std::optional<std::string>& bounced_payload) override {
    FakeEmail& f = emails_.at(e.message_row_id + " " + e.rcpt);
    if (!source_keys_.insert(source_key).second) {
      return false;
    }
    std::ostringstream o;
    o << "@" << a.log_offset << " " << e.message_row_id << " <" << e.rcpt << "> " << e.status
      << " -> " << t.to_status << " event=" << (t.event ? t.event : "-");
    if (t.suppression == delivery::SuppressionChange::Add) {
      o << " suppress=\"" << t.reason << "\"";
    } else if (t.suppression == delivery::SuppressionChange::Remove) {
      o << " unsuppress";
    }
    if (t.record_attempt) {
      o << " | attempt status=" << a.status << " code=" << (a.code ? std::to_string(*a.code) : "-")
        << " enhanced=" << (a.enhanced.empty() ? "-" : a.enhanced)
        << " host=" << (a.remote_host ? *a.remote_host : "null") << " ssl=" << a.sent_with_ssl
        << " class="
        << (a.classification ? a.classification->name + "/" + std::to_string(a.classification->code)
                             : "-")
        << " at=" << base::format_iso8601(a.attempted_us) << " time=" << a.time_s << " details=\""
        << a.details << "\" output=\"" << a.output << "\"";
      f.attempts.push_back(a);
    }
    if (t.event != nullptr && !bounced_payload) {
      payloads.push_back(delivery::delivery_payload_for(e, t, a));
    }
    transcript.push_back(o.str());
    f.row.status = t.to_status;
    e.status = t.to_status;
    return true;
  }

  std::optional<AttemptRow> last_softfail(const std::string& email_id) override {
    for (const auto& [key, e] : emails_) {
      if (e.row.id != email_id) {
        continue;
      }
      for (auto it = e.attempts.rbegin(); it != e.attempts.rend(); ++it) {
        if (it->status == "softfail") {
          return *it;
        }
      }
    }
    return std::nullopt;
  }

  void message_released(const std::string& node, const std::string& queue_id) override {
    EXPECT_EQ(node, "n1");
    released.push_back(queue_id);
  }

  std::string status_of(const std::string& queue_id, const std::string& rcpt) const {
    auto it = emails_.find(queue_id + " " + rcpt);
    return it == emails_.end() ? "?" : it->second.row.status;
  }

  std::vector<std::string> transcript;
  std::vector<std::string> payloads;
  std::vector<std::string> released;

 private:
  std::map<std::string, FakeEmail> emails_;
  std::vector<std::string> order_;
  std::set<std::string> source_keys_;
};

struct Replay {
  std::unique_ptr<FakeRecorder> rec;
  PollStats stats;
};

Replay replay(const std::string& name) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto lines = lines_of(read_file(kFixtures / (name + ".log")));
  Replay r{std::make_unique<FakeRecorder>(lines), {}};
  TlsTracker tls;
  RecordApplier applier("n1", tls);
  for (const auto& l : lines) {
    applier.apply(*r.rec, l, "F", kNowUs, &r.stats);
  }
  return r;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (e.path().extension() == ".log") {
      names.push_back(e.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ApplierGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ApplierGolden, MatchesTransitions) {
  Replay r = replay(GetParam());
  std::string got;
  for (const auto& t : r.rec->transcript) {
    got += t + "\n";
  }
  fs::path expected = kFixtures / (GetParam() + ".transitions");
  const char* update = std::getenv("ARK_UPDATE_GOLDENS");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream(expected, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << expected;
  }
  EXPECT_EQ(got, read_file(expected)) << "regenerate with ARK_UPDATE_GOLDENS=1 and review";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ApplierGolden, ::testing::ValuesIn(fixture_names()),
                         [](const auto& i) {
                           std::string n = i.param;
                           std::replace_if(
                               n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return n;
                         });

// ---- the issue's scenarios, asserted directly -----------------------------------------

TEST(ApplierScenario, MultiRecipientMixedOutcomesThenExpiry) {
  Replay r = replay("postfix-3.7-short-ids");
  const std::string q = "49F18A72482";
  EXPECT_EQ(r.rec->status_of(q, "ok2@ok.test"), "sent");
  EXPECT_EQ(r.rec->status_of(q, "rj2@reject.test"), "hardfail");
  EXPECT_EQ(r.rec->status_of(q, "tf2@tempfail.test"), "hardfail") << "expired at the end";
  int softfails = 0;
  bool expiry_seen = false;
  for (const auto& t : r.rec->transcript) {
    if (t.find("<tf2@tempfail.test> softfail -> softfail") != std::string::npos ||
        t.find("<tf2@tempfail.test> pending -> softfail") != std::string::npos) {
      ++softfails;
    }
    if (t.find("<tf2@tempfail.test> softfail -> hardfail event=MessageDeliveryFailed "
               "suppress=\"too many soft fails\"") != std::string::npos) {
      expiry_seen = true;
      EXPECT_NE(t.find("code=450 enhanced=4.2.0"), std::string::npos) << t;
    }
    if (t.find("<rj2@reject.test>") != std::string::npos) {
      EXPECT_NE(t.find("suppress=\"hard fail\""), std::string::npos) << t;
      EXPECT_NE(t.find("class=invalid_recipient/10"), std::string::npos) << t;
      EXPECT_NE(t.find("details=\"550 invalid recipient: Delivery to rj2@reject.test failed at "
                       "127.0.0.1:10028 (127.0.0.1)\""),
                std::string::npos)
          << t;
    }
  }
  EXPECT_EQ(softfails, 7) << "one MessageDelayed per deferred line";
  EXPECT_TRUE(expiry_seen);
}

TEST(ApplierScenario, HoldThenReleaseThenSent) {
  Replay r = replay("postfix-3.7-short-ids");
  const std::string q = "8F6A9A72496";
  std::vector<std::string> mine;
  for (const auto& t : r.rec->transcript) {
    if (t.find(q) != std::string::npos) {
      mine.push_back(t);
    }
  }
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_NE(mine[0].find("pending -> held event=MessageHeld"), std::string::npos) << mine[0];
  EXPECT_NE(mine[0].find("details=\"Message held: held by test rule (header Subject: hold-me "
                         "too)\""),
            std::string::npos)
      << mine[0];
  EXPECT_NE(mine[1].find("held -> pending event=-"), std::string::npos) << mine[1];
  EXPECT_EQ(mine[1].find("| attempt"), std::string::npos) << "a release records no attempt";
  EXPECT_NE(mine[2].find("pending -> sent event=MessageSent unsuppress"), std::string::npos);
  EXPECT_EQ(r.rec->status_of(q, "h3@ok.test"), "sent");
  EXPECT_EQ(r.rec->released, std::vector<std::string>{q}) << "messages.held_at is cleared";
}

TEST(ApplierScenario, NoticesAreNotOurs) {
  Replay r = replay("postfix-3.7-short-ids");
  for (const auto& t : r.rec->transcript) {
    EXPECT_EQ(t.find("<sender@sender.test>"), std::string::npos) << t;
  }
  EXPECT_GT(r.stats.unmatched, 0) << "the NDR deliveries are counted as unmatched";
}

TEST(ApplierScenario, ConnectionRefusedHasNoHost) {
  Replay r = replay("postfix-3.7-long-ids");
  bool seen = false;
  for (const auto& t : r.rec->transcript) {
    if (t.find("<r3@later.test> pending -> softfail") != std::string::npos) {
      seen = true;
      EXPECT_NE(t.find("host=null"), std::string::npos) << t;
      EXPECT_NE(t.find("class=connection_error/40"), std::string::npos) << t;
      EXPECT_NE(t.find("details=\"Connection error: Could not connect to any mail server for "
                       "later.test\""),
                std::string::npos)
          << t;
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ApplierScenario, SentWithSslFollowsTheTlsLines) {
  Replay r = replay("hand-written-tls");
  std::map<std::string, std::string> ssl;
  for (const auto& t : r.rec->transcript) {
    size_t lt = t.find('<');
    std::string rcpt = t.substr(lt + 1, t.find('>') - lt - 1);
    ssl[rcpt] = t.find(" ssl=1 ") != std::string::npos ? "tls" : "plain";
  }
  EXPECT_EQ(ssl["a@tls.example"], "tls");
  EXPECT_EQ(ssl["b@tls.example"], "tls") << "second recipient, same session";
  EXPECT_EQ(ssl["c@plain.example"], "plain");
  EXPECT_EQ(ssl["d@tls.example"], "tls") << "reused cached connection";
  EXPECT_EQ(ssl["e@plain.example"], "plain") << "same process, other peer";
  EXPECT_EQ(ssl["f@other.example"], "tls");
}

TEST(ApplierScenario, PayloadsCarryTheAttempt) {
  Replay r = replay("hand-written-tls");
  ASSERT_FALSE(r.rec->payloads.empty());
  EXPECT_NE(r.rec->payloads[0].find("\"status\":\"Sent\""), std::string::npos);
  EXPECT_NE(r.rec->payloads[0].find("\"sent_with_ssl\":true"), std::string::npos);
  const std::string& failed = r.rec->payloads.back();
  EXPECT_NE(failed.find("\"status\":\"HardFail\""), std::string::npos) << failed;
  EXPECT_NE(failed.find("\"classification\":\"spam_block\""), std::string::npos) << failed;
  EXPECT_NE(failed.find("\"remote_host\":\"mx.other.example\""), std::string::npos) << failed;
}

}  // namespace
}  // namespace ark::admind::logs
