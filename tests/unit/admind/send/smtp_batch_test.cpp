// SmtpBatch against a scripted SMTP server on loopback: pipelining, per-message refusals,
// RSET, and a server that ends the session mid-batch.
#include "admind/send/smtp_batch.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace ark::admind::send {
namespace {

// A tiny SMTP server: offers PIPELINING, refuses RCPT to "refuse@...", drops the session
// (421) at the MAIL command number drop_at_mail (1-based over all sessions; 0: never).
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
          send(s, line.find("refuse@") != std::string::npos ? "550 5.1.1 no such user"
                                                            : "250 2.1.5 Ok");
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
