#include "milter/stages/send_policy.h"

#include "core/base/log.h"

namespace ark::milter {

Decision from_policy(const policy::Decision& d) {
  if (!d.rejected()) {
    return Decision::proceed();
  }
  Verdict v = d.smtp.code >= 500 ? Verdict::Reject : Verdict::Tempfail;
  return {v, std::to_string(d.smtp.code), d.smtp.enhanced, d.smtp.text, std::string(d.reason())};
}

Decision store_failure(const base::Error& error, Verdict on_internal_error,
                       std::string_view stage) {
  if (error.kind == base::ErrorKind::Transient) {
    base::log_warn("store_unavailable", {{"stage", stage}, {"what", error.message}});
    return Decision::tempfail("temporary storage failure, try again later", "db_unavailable");
  }
  base::log_error(
      "internal_error",
      {{"stage", stage}, {"kind", base::to_string(error.kind)}, {"what", error.message}});
  return Decision::internal_error(on_internal_error);
}

}  // namespace ark::milter
