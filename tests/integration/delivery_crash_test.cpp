// The exactly-once test of the log follower (issue 6 acceptance): 5,000 API messages go
// through the real Postfix while ark-admind is killed with SIGKILL at random moments (at
// least five times) and the maillog is rotated once (`postfix logrotate`: rename, reopen,
// gzip). Afterwards every delivery line Postfix wrote for our messages — read back from the
// live file and the compressed rotated one — must be in delivery_attempts exactly once,
// with one outbox event each: none missing, none duplicated.
//
// Settings (environment): ARK_CRASH_MESSAGES (default 5000), ARK_CRASH_KILLS (default 6).
// The rotation is done while admind is down, so the restart must resume inside the rotated,
// gzip-compressed file. Every 20th message goes to reject.test (550), the rest to ok.test (250):
// both outcomes are final at their first line, so once every email has its final status the log is
// complete for them and can be compared line for line. A send retried after a kill may go out
// twice; when the first copy to a reject.test address failed, that address is suppressed and the
// second copy is held (as the spec wants): such emails are finished too, and the hold line's
// attempt and MessageHeld event are left out of the line-for-line comparison.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "admind/logs/postfix_log.h"
#include "tests/integration/delivery_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

std::string rcpt_for(int i) {
  return "c" + std::to_string(i) + (i % 20 == 0 ? "@reject.test" : "@ok.test");
}

// Sends message i, retrying while admind is down or restarting.
bool send_one(const std::string& tenant, const std::string& domain, int i) {
  for (int tries = 0; tries < 600; ++tries) {
    try {
      auto r = http("POST", "/v1/emails", env_get("ARK_ORG_API_KEY"),
                    "{\"from\":\"Crash <crash@" + domain + ">\",\"to\":[\"" + rcpt_for(i) +
                        "\"],\"subject\":\"crash " + std::to_string(i) +
                        "\",\"text\":\"x\",\"tenantId\":\"" + tenant + "\"}");
      if (r.status == 200) {
        return true;
      }
    } catch (const std::exception&) {
      // connection refused or reset: admind was killed
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

int admind_pid() {
  std::string text = read_file(env_get("ARK_RUN_DIR") + "/admind.pid");
  return text.empty() ? 0 : std::atoi(text.c_str());
}

// SIGKILLs admind; `between` runs while it is down; then starts it again (dev-ctl waits
// until it answers).
void kill_and_restart(const std::function<void()>& between = {}) {
  int pid = admind_pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  eventually(
      [&] {
        return ::kill(pid, 0) != 0 ||
               read_file("/proc/" + std::to_string(pid) + "/stat").find(") Z") != std::string::npos;
      },
      10s);
  if (between) {
    between();
  }
  ASSERT_EQ(run("bash '" + env_get("ARK_DEV_CTL") + "' start admind >/dev/null 2>&1"), 0);
}

// What `postfix logrotate` does — rename to maillog.<date>, HUP the master (postlogd
// reopens), gzip the renamed file — except that it gzips once the renamed file has stopped
// growing rather than after a fixed second: on a loaded machine postlogd can still be
// appending to the old file then, and gzip would drop those lines for everyone (a race of
// Postfix's own rotation, not of the follower, which can only read what exists).
void rotate() {
  std::string log = env_get("ARK_MAILLOG");
  char suffix[32];
  time_t now = time(nullptr);
  strftime(suffix, sizeof suffix, "%Y%m%d-%H%M%S", gmtime(&now));
  std::string rotated = log + "." + suffix;
  fs::rename(log, rotated);
  ASSERT_EQ(run("kill -HUP $(head -1 '" + env_get("ARK_PF_QUEUE") + "/pid/master.pid')"), 0);
  uintmax_t size = 0;
  int stable = 0;
  for (int i = 0; i < 300 && stable < 10; ++i) {  // 1 s without growth, at most 30 s
    std::this_thread::sleep_for(100ms);
    uintmax_t now_size = fs::file_size(rotated);
    stable = now_size == size && fs::exists(log) ? stable + 1 : 0;
    size = now_size;
  }
  ASSERT_EQ(run("gzip '" + rotated + "'"), 0);
}

std::string read_log_file(const fs::path& p) {
  if (p.extension() != ".gz") {
    return read_file(p.string());
  }
  std::string out;
  FILE* z = popen(("zcat '" + p.string() + "'").c_str(), "r");
  char buf[65536];
  size_t n;
  while (z != nullptr && (n = fread(buf, 1, sizeof buf, z)) > 0) {
    out.append(buf, n);
  }
  if (z != nullptr) {
    pclose(z);
  }
  return out;
}

struct Counts {
  std::map<std::string, int> by_key;  // "<email id> <status>" -> count
  int total = 0;
};

// Delivery lines of our queue entries, from every maillog file (live and rotated).
Counts expected_from_logs(const std::map<std::string, std::string>& email_of, int* files) {
  Counts c;
  fs::path live = env_get("ARK_MAILLOG");
  *files = 0;
  for (const auto& f : fs::directory_iterator(live.parent_path())) {
    std::string name = f.path().filename().string();
    if (name.rfind(live.filename().string(), 0) != 0) {
      continue;
    }
    ++*files;
    std::string text = read_log_file(f.path());
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view line(text.data() + start,
                            (nl == std::string::npos ? text.size() : nl) - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      auto rec = admind::logs::parse_postfix_line(line);
      const auto* d = rec ? std::get_if<admind::logs::Delivery>(&rec->body) : nullptr;
      if (d == nullptr) {
        continue;
      }
      auto it = email_of.find(rec->header.queue_id + " " + d->to);
      if (it == email_of.end()) {
        continue;
      }
      std::string status = d->status == admind::logs::DeliveryStatus::Sent      ? "sent"
                           : d->status == admind::logs::DeliveryStatus::Bounced ? "hardfail"
                                                                                : "softfail";
      ++c.by_key[it->second + " " + status];
      ++c.total;
    }
  }
  return c;
}

// For a failure message: the first unfinished emails and every log line of their queue ids
// (live and rotated files), so a lost line can be told from a line the follower skipped.
std::string describe_unfinished(TestDb& db, const std::string& tenant) {
  std::string out;
  auto rows = db.query(
      "SELECT e.id, e.status, m.queue_id FROM emails e JOIN messages m ON m.id = e.message_id "
      "WHERE e.tenant_id = ? AND m.queue_id IS NOT NULL AND e.status NOT IN ('sent', "
      "'hardfail') LIMIT 3",
      {tenant});
  fs::path dir = fs::path(env_get("ARK_MAILLOG")).parent_path();
  for (auto& r : rows) {
    out += "\n  email " + r["id"] + " status " + r["status"] + " queue id " + r["queue_id"];
    for (const auto& f : fs::directory_iterator(dir)) {
      std::string text = read_log_file(f.path());
      for (size_t at = text.find(r["queue_id"]); at != std::string::npos;
           at = text.find(r["queue_id"], at + 1)) {
        size_t begin = text.rfind('\n', at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        size_t end = text.find('\n', at);
        out += "\n    " + f.path().filename().string() + ": " + text.substr(begin, end - begin);
        at = end == std::string::npos ? text.size() : end;
        if (at >= text.size()) {
          break;
        }
      }
    }
  }
  return out;
}

TEST(DeliveryCrash, EveryDeliveryLineOnceAcrossKillsAndARotation) {
  const int n = env_int("ARK_CRASH_MESSAGES", 5000);
  const int kills = env_int("ARK_CRASH_KILLS", 6);
  TestDb db;
  std::string tenant = create_tenant("Crash Co");
  const std::string domain = tenant_sender_domain(tenant);
  std::atomic<int> next{0};
  std::atomic<int> sent{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        if (!send_one(tenant, domain, i)) {
          failed = true;
          return;
        }
        ++sent;
      }
    });
  }
  // Kills spread over the sending phase; the rotation after about half of the messages.
  std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
  int killed = 0;
  bool rotated = false;
  for (int k = 0; k < kills; ++k) {
    int target = static_cast<int>((k + std::uniform_real_distribution<double>(0.2, 0.9)(rng)) * n /
                                  (kills + 1));
    while (sent < target && !failed) {
      std::this_thread::sleep_for(20ms);
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng)));
    if (!rotated && sent >= n / 2) {
      // The rotation happens while admind is down: it must find its checkpoint's file again
      // among the rotated (by then compressed) files.
      kill_and_restart(rotate);
      rotated = true;
    } else {
      kill_and_restart();
    }
    ++killed;
  }
  for (auto& s : senders) {
    s.join();
  }
  ASSERT_FALSE(failed) << "a send never succeeded";
  if (!rotated) {
    kill_and_restart(rotate);
  } else {
    kill_and_restart();  // and once more while the follower catches up
  }
  ++killed;
  EXPECT_GE(killed, 5);

  // Every queued email reaches its final status once the follower has read its line. (An
  // email whose API call was killed before Postfix took it never got a queue id.)
  std::string unfinished;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = db.query(
            "SELECT COUNT(*) AS c FROM emails e JOIN messages m ON m.id = e.message_id "
            "WHERE e.tenant_id = ? AND m.queue_id IS NOT NULL AND e.status NOT IN "
            "('sent', 'hardfail') AND NOT (e.status = 'held' AND e.held_reason = "
            "'recipient_suppressed')",
            {tenant});
        unfinished = r[0]["c"];
        return unfinished == "0";
      },
      180s))
      << unfinished << " queued emails still unfinished" << describe_unfinished(db, tenant);

  auto rows = db.query(
      "SELECT e.id, e.rcpt, m.queue_id FROM emails e JOIN messages m ON m.id = e.message_id "
      "WHERE e.tenant_id = ? AND m.queue_id IS NOT NULL",
      {tenant});
  std::map<std::string, std::string> email_of;
  for (auto& r : rows) {
    email_of[r["queue_id"] + " " + r["rcpt"]] = r["id"];
  }
  EXPECT_GE(static_cast<int>(email_of.size()), n) << "every message was queued at least once";
  int files = 0;
  Counts expected = expected_from_logs(email_of, &files);
  EXPECT_GE(files, 2) << "the rotated file is part of the comparison";

  Counts got;
  for (auto& r :
       db.query("SELECT a.email_id, a.status FROM delivery_attempts a WHERE a.tenant_id = ? "
                "AND a.status <> 'held'",
                {tenant})) {
    ++got.by_key[r["email_id"] + " " + r["status"]];
    ++got.total;
  }
  EXPECT_EQ(got.total, expected.total);
  int missing = 0;
  int duplicated = 0;
  for (const auto& [key, count] : expected.by_key) {
    int have = got.by_key.count(key) ? got.by_key.at(key) : 0;
    missing += std::max(0, count - have);
    duplicated += std::max(0, have - count);
  }
  for (const auto& [key, count] : got.by_key) {
    if (!expected.by_key.count(key)) {
      duplicated += count;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicated, 0);

  auto ev = db.query(
      "SELECT COUNT(*) AS c, COUNT(DISTINCT uuid) AS u, COUNT(DISTINCT source_key) AS s, "
      "SUM(type = 'MessageSent') AS sent, SUM(type = 'MessageDeliveryFailed') AS failed "
      "FROM events WHERE tenant_id = ? AND type <> 'MessageHeld'",
      {tenant});
  int sent_lines = 0;
  int failed_lines = 0;
  for (const auto& [key, count] : expected.by_key) {
    (key.substr(key.find(' ') + 1) == "sent" ? sent_lines : failed_lines) += count;
  }
  EXPECT_EQ(ev[0]["c"], std::to_string(expected.total)) << "one event per delivery line";
  EXPECT_EQ(ev[0]["u"], ev[0]["c"]);
  EXPECT_EQ(ev[0]["s"], ev[0]["c"]);
  EXPECT_EQ(ev[0]["sent"], std::to_string(sent_lines));
  EXPECT_EQ(ev[0]["failed"], std::to_string(failed_lines));
  std::printf("crash test: %d messages, %d kills, %d log files, %d delivery lines, %d attempts\n",
              n, killed, files, expected.total, got.total);
}

}  // namespace
}  // namespace ark::itest
