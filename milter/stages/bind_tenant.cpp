#include "milter/stages/bind_tenant.h"

#include <strings.h>

#include "core/mail/binding.h"

namespace ark::milter {

bool BindTenant::is_binding_header(std::string_view name) {
  return name.size() == mail::kBindingHeader.size() &&
         strncasecmp(name.data(), mail::kBindingHeader.data(), name.size()) == 0;
}

Decision BindTenant::check(MessageState& state) const {
  if (state.binding_values.empty()) {
    return Decision::reject("message is not bound to a tenant", "missing_binding");
  }
  if (state.binding_values.size() > 1) {
    return Decision::reject("invalid binding", "multiple_bindings");
  }
  auto verified =
      mail::verify_binding(state.binding_values.front(), secret_, clock_.now_s(), max_age_s_);
  if (!verified) {
    if (verified.error().kind == base::ErrorKind::Permanent) {
      return Decision::reject("binding expired", "expired_binding");
    }
    return Decision::reject("invalid binding", "bad_binding");
  }
  state.bound = true;
  state.binding = std::move(verified).value();
  return Decision::proceed();
}

}  // namespace ark::milter
