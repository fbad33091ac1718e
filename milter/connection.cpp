#include "milter/connection.h"

#include <exception>

#include "core/base/log.h"

namespace ark::milter {

Connection::Connection(std::shared_ptr<const MessageFilter> filter) : filter_(std::move(filter)) {
  message_.reset(filter_->clock().now_us());
}

template <typename F>
Decision Connection::guarded(std::string_view stage, F&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(stage, e.what());
  } catch (...) {
    return fail(stage, "unknown exception");
  }
}

Decision Connection::on_mail(const MailInfo& mail) {
  return guarded("mail", [&] {
    message_.reset(filter_->clock().now_us());
    Decision d = filter_->on_mail(message_, mail);
    if (d.is_final()) {
      finish(d);
    }
    return d;
  });
}

Decision Connection::on_rcpt(std::string_view rcpt) {
  try {
    Decision d = filter_->on_rcpt(message_, rcpt);
    if (d.is_final()) {
      base::log_info("rcpt", {{"tenant", message_.send.tenant_id},
                              {"message", message_.binding.message_id},
                              {"verdict", to_string(d.verdict)},
                              {"reason", d.reason}});
    }
    return d;
  } catch (const std::exception& e) {
    // A failed recipient check refuses that recipient; the transaction stays usable.
    base::log_error("internal_error", {{"stage", "rcpt"}, {"what", e.what()}});
  } catch (...) {
    base::log_error("internal_error", {{"stage", "rcpt"}, {"what", "unknown exception"}});
  }
  return Decision::internal_error(filter_->on_internal_error());
}

Decision Connection::on_header(std::string_view name, std::string_view value) {
  return guarded("header", [&] {
    filter_->on_header(message_, name, value);
    return Decision::proceed();
  });
}

Decision Connection::on_end_of_headers(std::string_view queue_id) {
  return guarded("eoh", [&] {
    message_.queue_id = std::string(queue_id);
    Decision d = filter_->end_of_headers(message_);
    if (d.is_final()) {
      finish(d);
    }
    return d;
  });
}

Decision Connection::on_body(std::string_view chunk) {
  return guarded("body", [&] {
    filter_->on_body(message_, chunk);
    return Decision::proceed();
  });
}

Decision Connection::on_end_of_message(std::string_view queue_id, const EditSink& apply) {
  return guarded("eom", [&] { return finish_eom(queue_id, apply); });
}

Decision Connection::finish_eom(std::string_view queue_id, const EditSink& apply) {
  if (!queue_id.empty()) {
    message_.queue_id = std::string(queue_id);
  }
  EomResult result = filter_->end_of_message(message_, queue_id);
  Decision d = std::move(result.decision);
  if (d.verdict == Verdict::Continue || d.verdict == Verdict::Accept) {
    for (const HeaderEdit& edit : result.edits) {
      base::Status st = apply(edit);
      if (!st) {
        return fail("eom", "header edit refused: " + st.error().message);
      }
    }
  }
  finish(d);
  return d;
}

void Connection::on_abort() {
  try {
    message_.reset(filter_->clock().now_us());
  } catch (...) {
    // Abort has no answer to give; a failing clock only costs the next elapsed_ms base.
    message_ = MessageState{};
  }
}

Decision Connection::fail(std::string_view stage, std::string_view what) {
  base::log_error("internal_error", {{"stage", stage}, {"qid", message_.queue_id}, {"what", what}});
  Decision d = Decision::internal_error(filter_->on_internal_error());
  finish(d);
  return d;
}

int64_t Connection::now_for_log() const noexcept {
  try {
    return filter_->clock().now_us();
  } catch (...) {
    return message_.started_us;  // finish() also runs after failures, the clock's included
  }
}

void Connection::finish(const Decision& decision) {
  int64_t now = now_for_log();
  int64_t elapsed_ms = message_.started_us > 0 ? (now - message_.started_us) / 1000 : 0;
  base::log_info("message", {{"qid", message_.queue_id},
                             {"tenant", message_.binding.tenant_id},
                             {"message", message_.binding.message_id},
                             {"verdict", to_string(decision.verdict)},
                             {"reason", decision.reason},
                             {"elapsed_ms", elapsed_ms}});
  message_.reset(now);
}

}  // namespace ark::milter
