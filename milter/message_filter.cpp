#include "milter/message_filter.h"

namespace ark::milter {

MessageFilter::MessageFilter(FilterSettings settings, MessageStore& store, const base::Clock& clock)
    : on_internal_error_(settings.on_internal_error),
      clock_(clock),
      bind_(std::move(settings.binding_secret), settings.binding_max_age_s, clock),
      record_(store, std::move(settings.node), settings.on_internal_error) {}

void MessageFilter::on_header(MessageState& state, std::string_view name,
                              std::string_view value) const {
  if (BindTenant::is_binding_header(name)) {
    state.binding_values.emplace_back(value);
  }
}

Decision MessageFilter::end_of_headers(MessageState& state) const {
  return bind_.check(state);
}

EomResult MessageFilter::end_of_message(MessageState& state, std::string_view queue_id) const {
  return record_.run(state, queue_id);
}

}  // namespace ark::milter
