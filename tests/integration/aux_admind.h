// A second ark-admind (api role only) next to the dev stack's, on its own port, with the
// stack's config plus overrides (e.g. api.rate_limit: 3, retention.purge_interval: 1s).
// Used where a test needs a setting the stack's admind does not have. It shares the
// stack's database, so what it writes is visible through the stack's API too.
//
// Ownership: the object owns the child process; the destructor stops it (SIGTERM) and
// reaps it. Thread-safety: test code, one thread.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace ark::itest {

class AuxAdmind {
 public:
  // overrides: dotted key -> YAML scalar text. Throws when it does not become healthy.
  explicit AuxAdmind(const std::map<std::string, std::string>& overrides);
  ~AuxAdmind();
  AuxAdmind(const AuxAdmind&) = delete;
  AuxAdmind& operator=(const AuxAdmind&) = delete;

  const std::string& url() const { return url_; }
  const std::string& log_file() const { return log_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
  std::string config_;
  std::string log_;
};

// The dev stack's admind.yaml with `overrides` applied (exposed for the port choice).
std::string admind_yaml_with(const std::string& yaml,
                             const std::map<std::string, std::string>& overrides);

}  // namespace ark::itest
