// SmtpBatch against a scripted SMTP server on loopback: pipelining, per-message refusals,
// RSET, and a server that ends the session mid-batch.
#include "admind/send/smtp_batch.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace ark::admind::send {
namespace {

// A tiny SMTP server, one session at a time: offers PIPELINING, refuses RCPT to "refuse@..."
// (550) and "later@..." (450), drops the session (421) at the MAIL command number
// drop_at_mail (1-based over all sessions; 0: never).
class FakeSmtp {
 public:
  explicit FakeSmtp(int drop_at_mail = 0)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), drop_at_mail_(drop_at_mail) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSmtp() {
    stop_ = true;
    socket_.close();
    thread_.join();
  }
  int port() const { return socket_.address().port(); }
  std::vector<std::string> log() {
    std::lock_guard l(mu_);
    return log_;
  }
  int sessions = 0;

 private:
  void serve() {
    while (!stop_) {
      Poco::Net::StreamSocket s;
      try {
        if (!socket_.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) {
          continue;
        }
        s = socket_.acceptConnection();
      } catch (...) {
        return;
      }
      ++sessions;
      session(s);
    }
  }
  void send(Poco::Net::StreamSocket& s, const std::string& line) {
    std::string l = line + "\r\n";
    s.sendBytes(l.data(), static_cast<int>(l.size()));
  }
  void session(Poco::Net::StreamSocket& s) {
    send(s, "220 fake ESMTP");
    std::string buf;
    bool data = false;
    int queued = 0;
    char chunk[4096];
    for (;;) {
      int n = s.receiveBytes(chunk, sizeof chunk);
      if (n <= 0) {
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buf.find("\r\n")) != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 2);
        if (data) {
          if (line == ".") {
            data = false;
            send(s, "250 2.0.0 Ok: queued as Q" + std::to_string(sessions) + "x" +
                        std::to_string(++queued));
          }
          continue;
        }
        {
          std::lock_guard l(mu_);
          log_.push_back(line);
        }
        if (line.rfind("EHLO", 0) == 0) {
          send(s, "250-fake");
          send(s, "250 PIPELINING");
        } else if (line.rfind("MAIL", 0) == 0) {
          if (++mails_ == drop_at_mail_) {
            send(s, "421 4.4.2 too many errors");
            return;
          }
          send(s, "250 2.1.0 Ok");
        } else if (line.rfind("RCPT", 0) == 0) {
          if (line.find("later@") != std::string::npos) {
            send(s, "450 4.2.0 try later");
          } else {
            send(s, line.find("refuse@") != std::string::npos ? "550 5.1.1 no such user"
                                                              : "250 2.1.5 Ok");
          }
        } else if (line == "DATA") {
          data = true;
          send(s, "354 go ahead");
        } else if (line == "QUIT") {
          send(s, "221 bye");
          return;
        } else {
          send(s, "250 2.0.0 Ok");
        }
      }
    }
  }

  Poco::Net::ServerSocket socket_;
  int drop_at_mail_;
  int mails_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> log_;
};

submit::SubmitSettings settings(int port) {
  return {"127.0.0.1", port, 5, "test.local"};
}

Envelope msg(std::vector<std::string> rcpts) {
  return {"from@x.example", std::move(rcpts), "Subject: s\r\n\r\n.dot\r\n"};
}

TEST(SmtpBatch, OneSessionPerBatchWithRefusalsPerMessage) {
  FakeSmtp server;
  SmtpBatch batch(settings(server.port()));
  auto out = batch.submit({msg({"a@x.example", "b@x.example"}),
                           msg({"ok@x.example", "refuse@x.example"}), msg({"c@x.example"})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].accepted);
  EXPECT_EQ(out[0].queue_id, "Q1x1");
  EXPECT_FALSE(out[1].accepted) << "a message with a refused recipient is not sent";
  EXPECT_EQ(out[1].code, 550);
  EXPECT_FALSE(out[1].transient);
  EXPECT_TRUE(out[2].accepted);
  EXPECT_EQ(out[2].queue_id, "Q1x2");
  EXPECT_EQ(server.sessions, 1);
  auto log = server.log();
  EXPECT_NE(std::find(log.begin(), log.end(), "RSET"), log.end());
  EXPECT_EQ(std::count(log.begin(), log.end(), "DATA"), 2);
}

TEST(SmtpBatch, ReconnectsWhenTheServerEndsTheSession) {
  FakeSmtp server(2);  // the second MAIL gets 421 and the session ends
  SmtpBatch batch(settings(server.port()));
  auto out = batch.submit({msg({"a@x.example"}), msg({"b@x.example"}), msg({"c@x.example"})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].accepted);
  EXPECT_TRUE(out[1].accepted) << "tried again on a new session before any data was sent";
  EXPECT_TRUE(out[2].accepted);
  EXPECT_EQ(server.sessions, 2);
}

submit::SubmitSettings pooled(int port, int idle_timeout_ms = 60000) {
  submit::SubmitSettings s = settings(port);
  s.keep_open = 1;
  s.idle_timeout_ms = idle_timeout_ms;
  return s;
}

TEST(SmtpBatch, AKeptSessionServesTheNextCall) {
  FakeSmtp server;
  SmtpBatch batch(pooled(server.port()));
  auto first = batch.submit({msg({"a@x.example"})});
  EXPECT_EQ(batch.idle_sessions(), 1u);
  auto second = batch.submit({msg({"b@x.example"})});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(first[0].accepted);
  EXPECT_TRUE(second[0].accepted);
  EXPECT_EQ(second[0].queue_id, "Q1x2") << "the second call went over the first session";
  EXPECT_EQ(server.sessions, 1);
  auto log = server.log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "QUIT"), 0);
  EXPECT_EQ(std::count(log.begin(), log.end(), "EHLO test.local"), 1);
}

TEST(SmtpBatch, AKeptSessionTheServerClosedIsReplacedWithoutLoss) {
  FakeSmtp server(2);  // the second MAIL (the kept session's first use) gets 421
  SmtpBatch batch(pooled(server.port()));
  ASSERT_TRUE(batch.submit({msg({"a@x.example"})}).at(0).accepted);
  auto again = batch.submit({msg({"b@x.example"})});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].accepted) << again[0].reply;
  EXPECT_EQ(server.sessions, 2);
  EXPECT_EQ(batch.idle_sessions(), 1u);
}

TEST(SmtpBatch, AnIdleSessionOlderThanTheTimeoutIsClosedNotReused) {
  FakeSmtp server;
  SmtpBatch batch(pooled(server.port(), 1));
  ASSERT_TRUE(batch.submit({msg({"a@x.example"})}).at(0).accepted);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto next = batch.submit({msg({"b@x.example"})});
  ASSERT_EQ(next.size(), 1u);
  EXPECT_TRUE(next[0].accepted);
  EXPECT_EQ(next[0].queue_id, "Q2x1") << "a new session";
  EXPECT_EQ(server.sessions, 2);
  auto log = server.log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "QUIT"), 1) << "the stale one was ended";
}

TEST(SmtpBatch, ASessionThatMetATransientRefusalIsNotKept) {
  FakeSmtp server;
  SmtpBatch batch(pooled(server.port()));
  auto out = batch.submit({msg({"later@x.example"})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].accepted);
  EXPECT_TRUE(out[0].transient);
  EXPECT_EQ(batch.idle_sessions(), 0u);
  EXPECT_TRUE(batch.submit({msg({"a@x.example"})}).at(0).accepted);
  EXPECT_EQ(server.sessions, 2);
}

TEST(SmtpBatch, NoServerIsTransient) {
  int port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = probe.address().port();
  }
  auto out = SmtpBatch(settings(port)).submit({msg({"a@x.example"})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].accepted);
  EXPECT_TRUE(out[0].transient);
}

}  // namespace
}  // namespace ark::admind::send
