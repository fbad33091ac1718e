#include "milter/message_filter.h"

namespace ark::milter {

MessageFilter::MessageFilter(FilterSettings settings, MessageStore& store, const base::Clock& clock,
                             const SigningKeys* keys, DkimSettings dkim)
    : on_internal_error_(settings.on_internal_error),
      clock_(clock),
      bind_(std::move(settings.binding_secret), settings.binding_max_age_s, clock),
      sign_(keys, std::move(dkim), clock),
      record_(store, std::move(settings.node), settings.on_internal_error) {}

void MessageFilter::on_header(MessageState& state, std::string_view name,
                              std::string_view value) const {
  if (BindTenant::is_binding_header(name)) {
    state.binding_values.emplace_back(value);
  }
  if (sign_.active()) {
    state.dkim.headers.push_back({std::string(name), std::string(value)});
  }
}

void MessageFilter::on_body(MessageState& state, std::string_view chunk) const {
  if (sign_.active()) {
    state.dkim.body.update(chunk);
    state.dkim.body_bytes += chunk.size();
  }
}

Decision MessageFilter::end_of_headers(MessageState& state) const {
  return bind_.check(state);
}

EomResult MessageFilter::end_of_message(MessageState& state, std::string_view queue_id) const {
  if (!state.bound) {
    return record_.run(state, queue_id);  // answers the impossible state itself
  }
  // Rewrite slot: a link-rewriting stage goes here and hands its new body to sign_.run.
  // Signing comes before recording so that a signing tempfail leaves the binding unused.
  DkimOutcome signed_ = sign_.run(state);
  if (signed_.failure) {
    return {*signed_.failure, {}};
  }
  EomResult result = record_.run(state, queue_id);
  for (HeaderEdit& edit : signed_.edits) {
    result.edits.push_back(std::move(edit));
  }
  return result;
}

}  // namespace ark::milter
