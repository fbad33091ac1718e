#include "milter/stages/record_queue_id.h"

#include "core/base/log.h"
#include "core/mail/binding.h"

namespace ark::milter {

EomResult RecordQueueId::run(const MessageState& state, std::string_view queue_id) const {
  if (!state.bound) {
    base::log_error("internal_error", {{"stage", "record"}, {"what", "message is not bound"}});
    return {Decision::internal_error(on_internal_error_), {}};
  }
  if (queue_id.empty()) {
    // Postfix sends {i} at end of data by default (milter_end_of_data_macros).
    base::log_error("internal_error", {{"stage", "record"}, {"what", "no queue id macro {i}"}});
    return {Decision::internal_error(on_internal_error_), {}};
  }
  QueueRecord record{state.binding.message_id, state.binding.tenant_id, std::string(queue_id),
                     node_};
  auto recorded = store_.record_queue_id(record);
  if (!recorded) {
    if (recorded.error().kind == base::ErrorKind::Transient) {
      base::log_warn("store_unavailable", {{"what", recorded.error().message}});
      return {Decision::tempfail("temporary storage failure, try again later", "db_unavailable"),
              {}};
    }
    base::log_error("internal_error", {{"stage", "record"},
                                       {"kind", base::to_string(recorded.error().kind)},
                                       {"what", recorded.error().message}});
    return {Decision::internal_error(on_internal_error_), {}};
  }
  if (!*recorded) {
    return {Decision::reject("unknown or already used binding", "unknown_binding"), {}};
  }
  return {Decision::accept("recorded"), edits_for(state)};
}

std::vector<HeaderEdit> RecordQueueId::edits_for(const MessageState& state) {
  std::vector<HeaderEdit> edits;
  for (size_t i = state.binding_values.size(); i > 0; --i) {
    edits.push_back(
        {HeaderEdit::Kind::Delete, std::string(mail::kBindingHeader), static_cast<int>(i), {}});
  }
  edits.push_back({HeaderEdit::Kind::Add, std::string(kStampHeader), 0, state.binding.message_id});
  return edits;
}

}  // namespace ark::milter
