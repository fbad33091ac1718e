// LMTP sessions for the bounce intake; see lmtp_server.h.
#include "admind/delivery/lmtp_server.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <vector>

#include "core/base/log.h"

namespace ark::admind::delivery {
namespace {

std::string upper_word(const std::string& line) {
  std::string w;
  for (char c : line) {
    if (c == ' ' || c == ':') {
      break;
    }
    w += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return w;
}

// "RCPT TO:<a@b> ORCPT=..." -> "a@b"; "" when there are no angle brackets.
std::string path_arg(const std::string& line) {
  size_t lt = line.find('<');
  size_t gt = line.find('>', lt == std::string::npos ? 0 : lt);
  if (lt == std::string::npos || gt == std::string::npos) {
    return "";
  }
  return line.substr(lt + 1, gt - lt - 1);
}

class Session final : public Poco::Net::TCPServerConnection {
 public:
  Session(const Poco::Net::StreamSocket& s, const LmtpSettings& settings, BounceIntake& intake)
      : TCPServerConnection(s), s_(settings), intake_(intake) {}

  void run() override {
    try {
      socket().setReceiveTimeout(Poco::Timespan(s_.timeout_s, 0));
      Poco::Net::SocketStream io(socket());
      dialogue(io);
    } catch (const std::exception& e) {
      base::log_warn("lmtp_session_error", {{"what", e.what()}});
    }
  }

 private:
  void reply(std::ostream& out, const std::string& text) { out << text << "\r\n"; }

  static bool read_line(std::istream& in, std::string* line) {
    if (!std::getline(in, *line)) {
      return false;
    }
    if (!line->empty() && line->back() == '\r') {
      line->pop_back();
    }
    return true;
  }

  void dialogue(Poco::Net::SocketStream& io) {
    reply(io, "220 " + s_.hostname + " LMTP ark-admind bounce intake");
    io.flush();
    std::string line;
    while (read_line(io, &line)) {
      std::string cmd = upper_word(line);
      if (cmd == "QUIT") {
        reply(io, "221 2.0.0 Bye");
        io.flush();
        return;
      }
      command(io, cmd, line);
      if (io.rdbuf()->in_avail() == 0) {
        io.flush();  // answer a pipelined group once its commands are read
      }
    }
  }

  void command(Poco::Net::SocketStream& io, const std::string& cmd, const std::string& line) {
    if (cmd == "LHLO") {
      reply(io, "250-" + s_.hostname);
      reply(io, "250-PIPELINING");
      reply(io, "250-ENHANCEDSTATUSCODES");
      reply(io, "250-8BITMIME");
      reply(io, "250 SIZE " + std::to_string(s_.max_message_bytes));
    } else if (cmd == "MAIL") {
      if (in_mail_) {
        reply(io, "503 5.5.1 nested MAIL command");
        return;
      }
      in_mail_ = true;
      rcpts_.clear();
      reply(io, "250 2.1.0 Ok");
    } else if (cmd == "RCPT") {
      rcpt(io, line);
    } else if (cmd == "DATA") {
      data(io);
    } else if (cmd == "RSET") {
      in_mail_ = false;
      rcpts_.clear();
      reply(io, "250 2.0.0 Ok");
    } else if (cmd == "NOOP") {
      reply(io, "250 2.0.0 Ok");
    } else if (cmd == "HELO" || cmd == "EHLO") {
      reply(io, "500 5.5.1 this is an LMTP server: use LHLO");
    } else {
      reply(io, "502 5.5.2 command not recognized");
    }
  }

  void rcpt(std::ostream& out, const std::string& line) {
    if (!in_mail_) {
      reply(out, "503 5.5.1 need MAIL first");
      return;
    }
    std::string addr = path_arg(line);
    if (!intake_.accepts(addr)) {
      reply(out, "550 5.1.1 <" + addr + ">: not a return path of this server");
      return;
    }
    rcpts_.push_back(addr);
    reply(out, "250 2.1.5 Ok");
  }

  void data(Poco::Net::SocketStream& io) {
    if (!in_mail_ || rcpts_.empty()) {
      reply(io, "503 5.5.1 need RCPT first");
      return;
    }
    reply(io, "354 End data with <CR><LF>.<CR><LF>");
    io.flush();
    std::string msg;
    bool too_big = false;
    std::string line;
    bool ended = false;
    while (read_line(io, &line)) {
      if (line == ".") {
        ended = true;
        break;
      }
      if (!line.empty() && line[0] == '.') {
        line.erase(0, 1);
      }
      if (msg.size() + line.size() + 2 > s_.max_message_bytes) {
        too_big = true;
        continue;
      }
      msg += line;
      msg += "\r\n";
    }
    if (!ended) {
      throw std::runtime_error("connection lost during DATA");
    }
    for (const auto& r : rcpts_) {
      if (too_big) {
        reply(io, "552 5.3.4 message too big");
        continue;
      }
      IntakeReply res = intake_.ingest(r, msg);
      reply(io, std::to_string(res.code) + " " + res.text);
    }
    in_mail_ = false;
    rcpts_.clear();
  }

  const LmtpSettings& s_;
  BounceIntake& intake_;
  bool in_mail_ = false;
  std::vector<std::string> rcpts_;
};

class Factory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  Factory(const LmtpSettings& s, BounceIntake& intake) : s_(s), intake_(intake) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& s) override {
    return new Session(s, s_, intake_);
  }

 private:
  const LmtpSettings& s_;
  BounceIntake& intake_;
};

}  // namespace

LmtpServer::LmtpServer(LmtpSettings s, BounceIntake& intake) : s_(std::move(s)), intake_(intake) {}

LmtpServer::~LmtpServer() {
  stop();
}

base::Status LmtpServer::start() {
  gid_t gid = static_cast<gid_t>(-1);
  if (!s_.socket_group.empty()) {
    struct group* g = getgrnam(s_.socket_group.c_str());
    if (g == nullptr) {
      return base::Error::invalid("bounces.lmtp_socket_group: no group " + s_.socket_group);
    }
    gid = g->gr_gid;
  }
  try {
    ::unlink(s_.socket_path.c_str());
    Poco::Net::ServerSocket sock(
        Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, s_.socket_path), 64);
    if (::chmod(s_.socket_path.c_str(), static_cast<mode_t>(s_.socket_mode)) != 0 ||
        (gid != static_cast<gid_t>(-1) &&
         ::chown(s_.socket_path.c_str(), static_cast<uid_t>(-1), gid) != 0)) {
      return base::Error::internal("cannot set the permissions of " + s_.socket_path);
    }
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(s_.threads);
    params->setMaxQueued(64);
    server_ = std::make_unique<Poco::Net::TCPServer>(new Factory(s_, intake_), sock, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    return base::Error::internal("cannot listen on " + s_.socket_path + ": " + e.displayText());
  }
  base::log_info("lmtp_listening", {{"socket", s_.socket_path}});
  return {};
}

void LmtpServer::stop() {
  if (server_) {
    server_->stop();
    server_.reset();
    ::unlink(s_.socket_path.c_str());
  }
}

}  // namespace ark::admind::delivery
