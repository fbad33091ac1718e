#include "tests/integration/send_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "tests/integration/stack.h"

namespace ark::itest {

namespace {

std::string data_field(const HttpResult& r, const std::string& name) {
  if (r.json.isNull() || !r.json->has("data")) {
    throw std::runtime_error("unexpected API answer " + std::to_string(r.status) + ": " + r.body);
  }
  return r.json->getObject("data")->get(name).convert<std::string>();
}

}  // namespace

HttpResult api(const std::string& method, const std::string& path, const std::string& body,
               const std::string& key) {
  const std::string& k = key.empty() ? env_get("ARK_ORG_API_KEY") : key;
  for (int attempt = 0;; ++attempt) {
    HttpResult r = http(method, path, k, body);
    if (r.status != 429 || attempt == 50) {
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::string unique_label(const std::string& prefix) {
  static int counter = 0;
  return prefix + std::to_string(::getpid()) + "x" + std::to_string(++counter);
}

SmtpTenant make_smtp_tenant(OutboxDb& db, const std::string& label, bool verified) {
  SmtpTenant t;
  t.id = data_field(api("POST", "/v1/tenants", "{\"name\":\"" + label + "\"}"), "id");
  t.domain = label + ".send.test";
  auto d = api("POST", "/v1/tenants/" + t.id + "/domains", "{\"name\":\"" + t.domain + "\"}");
  if (d.status != 201 && d.status != 200) {
    throw std::runtime_error("domain create failed: " + d.body);
  }
  if (verified) {
    db.exec("UPDATE domains SET verified_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND name = ?",
            {t.id, t.domain});
  }
  auto c = api("POST", "/v1/tenants/" + t.id + "/credentials", R"({"name":"app","type":"smtp"})");
  t.cred_id = data_field(c, "id");
  t.cred_name = "app";
  t.key = data_field(c, "key");
  return t;
}

bool SwaksRun::replied(const std::string& text) const {
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    std::string line = output.substr(start, end == std::string::npos ? end : end - start);
    if (line.rfind("<", 0) == 0 && line.find(text) != std::string::npos) {
      return true;
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return false;
}

std::string SwaksRun::queue_id() const {
  const std::string marker = "queued as ";
  size_t at = output.find(marker);
  if (at == std::string::npos) {
    return "";
  }
  size_t end = output.find_first_of("\r\n ", at + marker.size());
  return output.substr(at + marker.size(), end - at - marker.size());
}

SwaksRun swaks(const std::vector<std::string>& args) {
  std::string cmd = "swaks";
  for (const auto& a : args) {
    if (a.find('\'') != std::string::npos) {
      throw std::invalid_argument("swaks argument with a quote: " + a);
    }
    cmd += " '" + a + "'";
  }
  cmd += " 2>&1";
  SwaksRun run;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    throw std::runtime_error("cannot run swaks");
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    run.output.append(buf, n);
  }
  int rc = pclose(p);
  run.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return run;
}

SwaksRun submit(const std::string& user, const std::string& password, const std::string& from,
                const std::vector<std::string>& to, const std::vector<std::string>& extra,
                const std::string& mech) {
  std::string rcpts;
  for (const auto& r : to) {
    rcpts += (rcpts.empty() ? "" : ",") + r;
  }
  std::vector<std::string> args = {"--server",   "127.0.0.1:" + env_get("ARK_SUBMIT_PORT"),
                                   "--tls",      "--auth",
                                   mech,         "--auth-user",
                                   user,         "--auth-password",
                                   password,     "--from",
                                   from,         "--to",
                                   rcpts,        "--helo",
                                   "itest.local"};
  args.insert(args.end(), extra.begin(), extra.end());
  return swaks(args);
}

std::vector<Row> emails_of_queue_id(OutboxDb& db, const std::string& queue_id) {
  return db.query(
      "SELECT e.id, e.rcpt, e.status, e.held_reason, e.held_detail, e.tenant_id, m.id AS message, "
      "m.source, m.tag, m.metadata, m.held_at FROM emails e JOIN messages m ON m.id = "
      "e.message_id WHERE m.queue_id = ? ORDER BY e.seq",
      {queue_id});
}

}  // namespace ark::itest
