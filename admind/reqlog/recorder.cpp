#include "admind/reqlog/recorder.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "admind/reqlog/redact.h"
#include "core/base/log.h"

namespace ark::admind::reqlog {
namespace {

std::optional<std::string> header_cut(const http::Request& req, const char* name, size_t max) {
  auto v = req.header(name);
  if (!v || v->empty()) {
    return std::nullopt;
  }
  return v->substr(0, max);
}

std::optional<std::string> query_json(const http::Request& req) {
  if (req.query.empty()) {
    return std::nullopt;
  }
  auto o = http::new_object();
  for (const auto& [k, v] : req.query) {
    o->set(k, v);
  }
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

size_t array_size(const Poco::JSON::Object::Ptr& o, const char* name) {
  if (o.isNull() || !o->has(name) || o->get(name).type() != typeid(Poco::JSON::Array::Ptr)) {
    return 0;
  }
  return o->getArray(name)->size();
}

// How many recipients a send request names (to + cc + bcc; every item of a batch).
std::optional<int> recipients_of(const http::Request& req) {
  if (req.body.isNull()) {
    return std::nullopt;
  }
  size_t n = 0;
  if (req.endpoint == "emails.send_batch") {
    if (array_size(req.body, "emails") == 0) {
      return std::nullopt;
    }
    auto items = req.body->getArray("emails");
    for (size_t i = 0; i < items->size(); ++i) {
      n += array_size(items->getObject(static_cast<unsigned>(i)), "to");
    }
  } else {
    n = array_size(req.body, "to") + array_size(req.body, "cc") + array_size(req.body, "bcc");
  }
  return static_cast<int>(n);
}

// The `data` object of a successful reply; a raw reply (an idempotent first response or a
// replay) is the rendered envelope, parsed back.
Poco::JSON::Object::Ptr reply_data(const http::Exchange& ex) {
  const auto* reply = std::get_if<http::Reply>(&ex.outcome);
  if (reply == nullptr) {
    return nullptr;
  }
  Poco::Dynamic::Var data = reply->data;
  if (reply->raw) {
    try {
      auto v = Poco::JSON::Parser().parse(ex.response_body);
      if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
        return nullptr;
      }
      data = v.extract<Poco::JSON::Object::Ptr>()->get("data");
    } catch (const Poco::Exception&) {
      return nullptr;
    }
  }
  if (data.type() != typeid(Poco::JSON::Object::Ptr)) {
    return nullptr;
  }
  return data.extract<Poco::JSON::Object::Ptr>();
}

// api.md §3.15 `email`: only for the email endpoints (not the list).
void email_context(const http::Exchange& ex, store::RequestLogRow* row) {
  const http::Request& req = ex.request;
  if (req.endpoint.rfind("emails.", 0) != 0 || req.endpoint == "emails.list") {
    return;
  }
  if (auto it = req.params.find("emailId"); it != req.params.end()) {
    row->email_id = it->second.substr(0, 32);
    return;
  }
  row->recipient_count = recipients_of(req);
  auto data = reply_data(ex);
  if (!data.isNull() && data->has("id") && data->get("id").isString()) {
    row->email_id = data->getValue<std::string>("id").substr(0, 32);
  }
}

void error_context(const http::Exchange& ex, store::RequestLogRow* row) {
  if (const auto* e = std::get_if<http::ApiError>(&ex.outcome)) {
    row->error_code = e->code;
    row->error_message = e->message.substr(0, 1000);
  }
}

std::optional<std::string> seal_body(std::optional<std::string> text, const seal::SealKey* key,
                                     const std::string& context) {
  if (!text || key == nullptr) {
    return text;
  }
  return seal::seal(*key, *text, context);
}

}  // namespace

std::string body_seal_context(const std::string& request_id, bool response) {
  return std::string(response ? "api_log.response:" : "api_log.request:") + request_id;
}

store::RequestLogRow build_log_row(const http::Exchange& ex, const seal::SealKey* key) {
  const http::Request& req = ex.request;
  store::RequestLogRow row;
  row.request_id = req.request_id;
  if (req.principal.key_id != 0) {
    row.key_id = req.principal.key_id;
    if (!req.principal.org_level()) {
      row.tenant_id = req.principal.tenant_id;
    }
  }
  if (!req.key_prefix.empty()) {
    row.key_prefix = req.key_prefix;
  }
  row.method = req.method.substr(0, 8);
  row.path = req.path.substr(0, 2048);
  row.endpoint = req.endpoint.empty() ? "unknown" : req.endpoint;
  row.status_code = ex.status;
  row.duration_ms = static_cast<int>((ex.duration_us + 500) / 1000);
  if (!req.client_ip.empty()) {
    row.ip_address = req.client_ip;
  }
  row.user_agent = header_cut(req, "user-agent", 512);
  row.idempotency_key = header_cut(req, "idempotency-key", 255);
  row.query_json = query_json(req);
  if (req.rate) {
    row.rate_limit = req.rate->limit;
    row.rate_remaining = req.rate->remaining;
    row.rate_reset = req.rate->reset_s;
    row.rate_limited = req.rate->limited;
  }
  email_context(ex, &row);
  error_context(ex, &row);
  row.sdk_name = header_cut(req, "x-stainless-lang", 64);
  if (row.sdk_name) {
    row.sdk_version = header_cut(req, "x-stainless-package-version", 64);
  }
  StoredBody in = prepare_body(req.raw_body);
  StoredBody out = prepare_body(ex.response_body);
  row.body_sealed = key != nullptr;
  row.request_body = seal_body(in.text, key, body_seal_context(req.request_id, false));
  row.request_body_size = in.size;
  row.response_body = seal_body(out.text, key, body_seal_context(req.request_id, true));
  row.response_body_size = out.size;
  row.received_us = req.received_us;
  return row;
}

RequestLogWriter::RequestLogWriter(store::RequestLogStore& store, const seal::SealKey* key,
                                   RecorderSettings s)
    : store_(store), key_(key), s_(s) {}

RequestLogWriter::~RequestLogWriter() {
  stop();
}

void RequestLogWriter::start() {
  thread_ = std::thread([this] { run(); });
}

void RequestLogWriter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void RequestLogWriter::record(const http::Exchange& ex) {
  store::RequestLogRow row = build_log_row(ex, key_);
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= s_.queue_capacity) {
    if (dropped_++ % 1000 == 0) {
      base::log_error("request_log_dropped", {{"dropped", dropped_}});
    }
    return;
  }
  queue_.push_back(std::move(row));
  if (queue_.size() >= s_.batch_rows) {
    cv_.notify_one();
  }
}

void RequestLogWriter::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(s_.flush_ms),
                 [this] { return stopping_ || queue_.size() >= s_.batch_rows; });
    if (queue_.empty()) {
      if (stopping_) {
        return;
      }
      continue;
    }
    std::vector<store::RequestLogRow> batch;
    while (!queue_.empty() && batch.size() < s_.batch_rows) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    write(std::move(batch));
    lock.lock();
  }
}

void RequestLogWriter::write(std::vector<store::RequestLogRow>&& batch) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    base::Status st = store_.insert_batch(batch);
    if (st) {
      return;
    }
    base::log_warn("request_log_write_failed",
                   {{"rows", batch.size()}, {"attempt", attempt}, {"reason", st.error().message}});
    std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt));
  }
  base::log_error("request_log_batch_dropped", {{"rows", batch.size()}});
}

}  // namespace ark::admind::reqlog
