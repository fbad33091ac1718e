// One log line -> transitions; see record_applier.h.
#include "admind/logs/record_applier.h"

#include "admind/delivery/transitions.h"
#include "admind/logs/delivery.h"
#include "admind/logs/follower.h"

namespace ark::admind::logs {
namespace {

using delivery::Trigger;

Trigger trigger_of(delivery::Outcome o) {
  switch (o) {
    case delivery::Outcome::Sent:
      return Trigger::Sent;
    case delivery::Outcome::Deferred:
      return Trigger::Deferred;
    case delivery::Outcome::Bounced:
      return Trigger::Bounced;
    case delivery::Outcome::Expired:
      break;
  }
  return Trigger::ExpiredRecipient;
}

delivery::AttemptRow attempt_row(const AttemptFacts& f) {
  delivery::AttemptRow a;
  a.status = f.email_status;
  a.code = f.code;
  a.output = f.output;
  a.details = f.details;
  a.enhanced = f.enhanced;
  a.remote_host = f.remote_host;
  a.sent_with_ssl = f.sent_with_ssl;
  a.classification = f.classification;
  a.attempted_us = f.time_us;
  a.queue_id = f.queue_id;
  a.time_s = f.time_s;
  return a;
}

std::string expiry_details(Trigger t, const std::string& rcpt) {
  switch (t) {
    case Trigger::QueueExpired:
      return "Too many soft fails: Delivery to " + rcpt +
             " was given up when the message reached its maximum queue lifetime";
    case Trigger::ForceExpired:
      return "Delivery to " + rcpt + " was stopped: the message was expired by the operator";
    case Trigger::OperatorDeleted:
      return "Delivery to " + rcpt + " was stopped: the message was deleted by the operator";
    default:
      return "";
  }
}

}  // namespace

std::string hold_details(const Hold& h) {
  if (h.by_operator || !h.context) {
    return "Message held by the operator";
  }
  const ActionContext& c = *h.context;
  std::string what = !c.text.empty() ? c.text : "held by a content rule";
  if (!c.content.empty()) {
    return "Message held: " + what + " (" + c.stage + " " + c.content + ")";
  }
  if (!c.reply.empty()) {
    return "Message held: " + what + " (" + c.reply + ")";
  }
  return "Message held: " + what;
}

std::string RecordApplier::source_key(const std::string& file_id, int64_t offset,
                                      const std::string& email_id) const {
  return "log:" + node_ + ":" + file_id + ":" + std::to_string(offset) + ":" + email_id;
}

void RecordApplier::apply(delivery::EmailRecorder& w, const LogLine& line,
                          const std::string& file_id, int64_t now_us, PollStats* stats) {
  auto rec = parse_postfix_line(line.text);
  if (!rec) {
    if (auto tls = parse_tls_line(line.text)) {
      tls_.on_tls(*tls);
    }
    ++stats->skipped;
    return;
  }
  const RecordBody& b = rec->body;
  if (const auto* d = std::get_if<Delivery>(&b)) {
    on_delivery(w, *rec, *d, line, file_id, now_us, stats);
  } else if (const auto* e = std::get_if<Expired>(&b)) {
    on_queue_event(w, *rec, e->forced ? Trigger::ForceExpired : Trigger::QueueExpired, "", line,
                   file_id, now_us, stats);
  } else if (const auto* r = std::get_if<Removed>(&b); r != nullptr && r->by_operator) {
    on_queue_event(w, *rec, Trigger::OperatorDeleted, "", line, file_id, now_us, stats);
  } else if (const auto* h = std::get_if<Hold>(&b)) {
    on_queue_event(w, *rec, Trigger::Held, hold_details(*h), line, file_id, now_us, stats);
  } else if (std::holds_alternative<Release>(b)) {
    if (!rec->header.queue_id.empty()) {
      w.message_released(node_, rec->header.queue_id);
    }
    on_queue_event(w, *rec, Trigger::Released, "", line, file_id, now_us, stats);
  } else {
    ++stats->skipped;
  }
}

void RecordApplier::on_delivery(delivery::EmailRecorder& w, const LogRecord& rec, const Delivery& d,
                                const LogLine& line, const std::string& file_id, int64_t now_us,
                                PollStats* stats) {
  bool tls = tls_.used_tls(rec.header.service, rec.header.pid, d);
  auto facts = attempt_from_record(rec, now_us, tls);
  if (!facts) {
    ++stats->skipped;
    return;
  }
  auto emails = w.by_queue(node_, facts->queue_id, &facts->recipient);
  if (emails.empty()) {
    ++stats->unmatched;
    return;
  }
  delivery::AttemptRow a = attempt_row(*facts);
  a.node = node_;
  a.log_file_id = file_id;
  a.log_offset = line.offset;
  for (auto& e : emails) {
    auto t = delivery::transition(e.status, trigger_of(facts->outcome));
    if (t) {
      w.apply(e, *t, a, source_key(file_id, line.offset, e.id));
    }
  }
}

void RecordApplier::on_queue_event(delivery::EmailRecorder& w, const LogRecord& rec,
                                   delivery::Trigger trig, const std::string& details,
                                   const LogLine& line, const std::string& file_id, int64_t now_us,
                                   PollStats* stats) {
  if (rec.header.queue_id.empty()) {
    ++stats->skipped;
    return;
  }
  auto emails = w.by_queue(node_, rec.header.queue_id, nullptr);
  if (emails.empty()) {
    ++stats->unmatched;
    return;
  }
  int64_t at_us = stamp_to_us(rec.header.time, now_us);
  for (auto& e : emails) {
    auto t = delivery::transition(e.status, trig);
    if (!t) {
      continue;
    }
    delivery::AttemptRow a;
    if (trig == Trigger::QueueExpired || trig == Trigger::ForceExpired) {
      a = w.last_softfail(e.id).value_or(delivery::AttemptRow{});
    }
    a.status = t->to_status;
    a.details = details.empty() ? expiry_details(trig, e.rcpt) : details;
    if (trig == Trigger::Held && !e.held_detail.empty()) {
      a.details = "Message held: " + e.held_detail;  // ark-milter's reason for this email
    }
    a.sent_with_ssl = false;
    a.node = node_;
    a.log_file_id = file_id;
    a.log_offset = line.offset;
    a.attempted_us = at_us;
    a.queue_id = rec.header.queue_id;
    a.time_s = 0;
    w.apply(e, *t, a, source_key(file_id, line.offset, e.id));
  }
}

}  // namespace ark::admind::logs
