#include "admind/send/smtp_batch.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>
#include <optional>

namespace ark::admind::send {
namespace {

struct Reply {
  int code = 0;  // 0: no reply (connection lost)
  std::string text;
  bool ok() const { return code >= 200 && code < 400; }
};

// One SMTP connection. Every I/O failure marks it broken and reads as code 0.
class Connection {
 public:
  explicit Connection(const submit::SubmitSettings& s) : s_(s) {}

  bool open() {
    try {
      socket_.connect(Poco::Net::SocketAddress(s_.host, static_cast<Poco::UInt16>(s_.port)),
                      Poco::Timespan(s_.timeout_s, 0));
      socket_.setReceiveTimeout(Poco::Timespan(s_.timeout_s, 0));
      socket_.setSendTimeout(Poco::Timespan(s_.timeout_s, 0));
    } catch (const Poco::Exception& e) {
      last_ = {0, "cannot connect to Postfix: " + e.displayText()};
      return false;
    }
    if (read().code != 220) {
      return false;
    }
    Reply ehlo = command("EHLO " + s_.helo);
    pipelining_ = ehlo.text.find("PIPELINING") != std::string::npos;
    return ehlo.code == 250;
  }

  bool broken() const { return broken_; }
  bool pipelining() const { return pipelining_; }
  const Reply& last() const { return last_; }

  void write(const std::string& data) {
    try {
      size_t off = 0;
      while (off < data.size()) {
        int n = socket_.sendBytes(data.data() + off, static_cast<int>(data.size() - off));
        if (n <= 0) {
          throw Poco::IOException("send failed");
        }
        off += static_cast<size_t>(n);
      }
    } catch (const Poco::Exception& e) {
      fail("write: " + e.displayText());
    }
  }

  Reply read() {
    Reply r;
    while (!broken_) {
      std::string line = read_line();
      if (broken_ || line.size() < 3) {
        return fail(line.empty() ? "connection closed" : "malformed reply '" + line + "'");
      }
      r.code = std::atoi(line.substr(0, 3).c_str());
      r.text += (r.text.empty() ? "" : "\n") + line;
      if (line.size() == 3 || line[3] != '-') {
        break;
      }
    }
    if (r.code == 421) {
      broken_ = true;  // the server ends the session after this reply
    }
    last_ = r;
    return r;
  }

  Reply command(const std::string& line) {
    write(line + "\r\n");
    return broken_ ? last_ : read();
  }

  void quit() {
    if (!broken_) {
      command("QUIT");
    }
  }

 private:
  std::string read_line() {
    for (;;) {
      size_t nl = buf_.find("\r\n");
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 2);
        return line;
      }
      char chunk[4096];
      int n = 0;
      try {
        n = socket_.receiveBytes(chunk, sizeof chunk);
      } catch (const Poco::Exception&) {
        n = 0;
      }
      if (n <= 0) {
        broken_ = true;
        return "";
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  Reply fail(const std::string& why) {
    broken_ = true;
    last_ = {0, why};
    return last_;
  }

  const submit::SubmitSettings& s_;
  Poco::Net::StreamSocket socket_;
  std::string buf_;
  bool pipelining_ = false;
  bool broken_ = false;
  Reply last_;
};

SubmitOutcome refused(const Reply& r) {
  SubmitOutcome o;
  o.code = r.code;
  o.reply = r.text;
  o.transient = r.code == 0 || r.code < 500;
  return o;
}

std::string queue_id_of(const std::string& reply) {
  const std::string marker = "queued as ";
  size_t at = reply.find(marker);
  if (at == std::string::npos) {
    return "";
  }
  size_t end = reply.find_first_of(" \r\n", at + marker.size());
  return reply.substr(at + marker.size(),
                      end == std::string::npos ? end : end - at - marker.size());
}

// MAIL and every RCPT: pipelined in one write when offered. The first refusal, if any.
std::optional<Reply> envelope(Connection& c, const Envelope& m) {
  std::vector<std::string> lines = {"MAIL FROM:<" + m.from + ">"};
  for (const auto& r : m.rcpts) {
    lines.push_back("RCPT TO:<" + r + ">");
  }
  std::optional<Reply> first_bad;
  if (c.pipelining()) {
    std::string all;
    for (const auto& l : lines) {
      all += l + "\r\n";
    }
    c.write(all);
  }
  for (const auto& l : lines) {
    Reply r = c.pipelining() ? c.read() : c.command(l);
    if (!r.ok() && !first_bad) {
      first_bad = r;
    }
    if (c.broken()) {
      return c.last();
    }
  }
  return first_bad;
}

SubmitOutcome one(Connection& c, const Envelope& m) {
  if (auto bad = envelope(c, m)) {
    if (!c.broken()) {
      c.command("RSET");
    }
    SubmitOutcome o = refused(*bad);
    o.before_data = true;
    return o;
  }
  Reply data = c.command("DATA");
  if (data.code != 354) {
    SubmitOutcome o = refused(data);
    o.before_data = true;
    return o;
  }
  c.write(data_payload(m.text));
  Reply done = c.broken() ? c.last() : c.read();
  if (done.code != 250) {
    return refused(done);
  }
  SubmitOutcome o;
  o.accepted = true;
  o.code = 250;
  o.reply = done.text;
  o.queue_id = queue_id_of(done.text);
  return o;
}

}  // namespace

std::string data_payload(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 64);
  bool line_start = true;
  for (char ch : text) {
    if (line_start && ch == '.') {
      out += '.';
    }
    out += ch;
    line_start = ch == '\n';
  }
  if (!out.empty() && out.back() != '\n') {
    out += "\r\n";
  }
  return out + ".\r\n";
}

std::vector<SubmitOutcome> SmtpBatch::submit(const std::vector<Envelope>& messages) const {
  std::vector<SubmitOutcome> out;
  std::unique_ptr<Connection> c;
  for (const Envelope& m : messages) {
    SubmitOutcome o;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!c || c->broken()) {
        c = std::make_unique<Connection>(s_);
        if (!c->open()) {
          o = refused(c->last());
          break;
        }
      }
      o = one(*c, m);
      if (!(o.code == 0 || o.code == 421) || !o.before_data || attempt == 1) {
        break;  // a real answer; only a session lost before the data is worth one more try
      }
    }
    out.push_back(std::move(o));
  }
  if (c) {
    c->quit();
  }
  return out;
}

}  // namespace ark::admind::send
