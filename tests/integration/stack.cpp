#include "tests/integration/stack.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ark::itest {

const std::map<std::string, std::string>& env() {
  static const std::map<std::string, std::string> vars = [] {
    const char* path = std::getenv("ARK_DEV_ENV");
    if (path == nullptr) {
      throw std::runtime_error(
          "ARK_DEV_ENV is not set: run integration tests via scripts/integration");
    }
    std::ifstream in(path);
    if (!in) {
      throw std::runtime_error(std::string("cannot read ") + path);
    }
    std::map<std::string, std::string> m;
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("export ", 0) == 0) {
        line = line.substr(7);
      }
      size_t eq = line.find('=');
      if (eq == std::string::npos || line[0] == '#') {
        continue;
      }
      std::string v = line.substr(eq + 1);
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
        v = v.substr(1, v.size() - 2);
      }
      m[line.substr(0, eq)] = v;
    }
    return m;
  }();
  return vars;
}

std::string env_get(const std::string& key) {
  auto it = env().find(key);
  if (it == env().end()) {
    throw std::runtime_error("dev env lacks " + key);
  }
  return it->second;
}

HttpResult http_exchange(const std::string& method, const std::string& path, const std::string& key,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         const std::string& base_url, int timeout_s) {
  Poco::URI base(base_url.empty() ? env_get("ARK_API_URL") : base_url);
  Poco::Net::HTTPClientSession session(base.getHost(), base.getPort());
  session.setTimeout(Poco::Timespan(timeout_s, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!key.empty()) {
    req.set("Authorization", "Bearer " + key);
  }
  req.set("Accept", "application/json");
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  if (!body.empty() || method == "POST" || method == "PATCH") {
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  HttpResult r;
  r.status = resp.getStatus();
  Poco::StreamCopier::copyToString(in, r.body);
  for (const auto& [k, v] : resp) {
    r.headers[k] = v;
  }
  try {
    auto v = Poco::JSON::Parser().parse(r.body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
      r.json = v.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception&) {
  }
  return r;
}

HttpResult http(const std::string& method, const std::string& path, const std::string& key,
                const std::string& body) {
  return http_exchange(method, path, key, body, {}, "", 30);
}

int smtp_send(const std::string& from, const std::vector<std::string>& rcpts,
              const std::string& data, std::string* reply) {
  try {
    Poco::Net::SMTPClientSession s("127.0.0.1",
                                   static_cast<Poco::UInt16>(std::stoi(env_get("ARK_SMTP_PORT"))));
    s.setTimeout(Poco::Timespan(30, 0));
    s.login("itest.local");
    s.sendAddresses(from, rcpts);
    s.sendData();
    std::istringstream in(data);
    s.sendMessage(in);
    s.close();
    *reply = "250";
    return 250;
  } catch (const Poco::Net::SMTPException& e) {
    *reply = e.message();
    return e.code();
  }
}

bool eventually(const std::function<bool()>& fn, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (fn()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fn();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sink_copy(const std::string& needle, std::chrono::milliseconds deadline) {
  std::string found;
  eventually(
      [&] {
        for (const auto& f : std::filesystem::directory_iterator(env_get("ARK_SINK_DIR"))) {
          std::string text = read_file(f.path().string());
          if (text.find(needle) != std::string::npos) {
            found = text;
            return true;
          }
        }
        return false;
      },
      deadline);
  return found;
}

int run(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string create_tenant(const std::string& name) {
  auto r = http("POST", "/v1/tenants", env_get("ARK_ORG_API_KEY"), "{\"name\":\"" + name + "\"}");
  if (r.status != 201 || r.json.isNull()) {
    throw std::runtime_error("tenant create failed: " + std::to_string(r.status) + " " + r.body);
  }
  return r.json->getObject("data")->getValue<std::string>("id");
}

}  // namespace ark::itest
