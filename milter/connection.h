// Connection: the milter's connection context, one per SMTP connection from Postfix.
//
// Lifetime (style.md §5): the libmilter adapter makes it at connect, parks it as a raw
// pointer in the libmilter private slot, re-adopts it with a unique_ptr and destroys it
// exactly once at close. It holds the filter snapshot it started with and the current
// message's state, which is reset at MAIL, at abort and once a message is decided.
//
// Error policy: every entry point is guarded. An exception escaping the filter (or an
// edit the MTA refused) is logged and answered with the configured on_internal_error
// action; nothing propagates to the caller, so nothing can cross the C boundary.
// Each decided message gets one summary line:
//   event=message qid=… tenant=… message=… verdict=… reason=… elapsed_ms=…
//
// Thread-safety: libmilter calls one connection from one thread at a time; the object is
// not shared. The filter it points to is immutable and shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "core/base/result.h"
#include "milter/decision.h"
#include "milter/message_filter.h"
#include "milter/message_state.h"

namespace ark::milter {

class Connection {
 public:
  // Applies one header edit through the MTA; an error means the MTA refused it.
  using EditSink = std::function<base::Status(const HeaderEdit&)>;

  explicit Connection(std::shared_ptr<const MessageFilter> filter);

  Decision on_mail() { return on_mail(MailInfo{}); }
  // MAIL FROM: a final decision ends the transaction (logged); Continue goes on.
  Decision on_mail(const MailInfo& mail);
  // RCPT TO: a final decision refuses this recipient only (logged), the transaction goes on.
  Decision on_rcpt(std::string_view rcpt);
  Decision on_header(std::string_view name, std::string_view value);
  Decision on_end_of_headers(std::string_view queue_id);
  Decision on_body(std::string_view chunk);
  // Runs the end-of-message stages and, when the message passes, hands each header edit
  // to `apply` in order before returning the verdict.
  Decision on_end_of_message(std::string_view queue_id, const EditSink& apply);
  void on_abort();

  // For the adapter's own catch-all: logs, ends the message, returns the configured action.
  Decision fail(std::string_view stage, std::string_view what);
  Verdict on_internal_error() const { return filter_->on_internal_error(); }

  const MessageState& message_for_test() const { return message_; }

 private:
  template <typename F>
  Decision guarded(std::string_view stage, F&& fn);
  Decision finish_eom(std::string_view queue_id, const EditSink& apply);
  void finish(const Decision& decision);
  int64_t now_for_log() const noexcept;

  std::shared_ptr<const MessageFilter> filter_;
  MessageState message_;
};

}  // namespace ark::milter
