// In-memory Resolver for tests (style.md §9: fakes over mocks). A name that was never set
// answers NXDOMAIN; a name that exists but lacks the asked type answers NODATA; fail()
// makes every lookup of a name return a chosen failure (Timeout, ServFail, …).
//
// Ownership: owns its table. Thread-safety: all methods lock; safe to share.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dns/resolver.h"

namespace ark::dns {

class FakeResolver final : public Resolver {
 public:
  void set_txt(std::string_view name, std::vector<std::string> values);
  void set_cname(std::string_view name, std::string target);
  void set_mx(std::string_view name, std::vector<MxHost> hosts);
  void fail(std::string_view name, LookupStatus status);
  void remove(std::string_view name);  // back to NXDOMAIN
  int lookups() const;

  TxtAnswer txt(std::string_view name) const override;
  CnameAnswer cname(std::string_view name) const override;
  MxAnswer mx(std::string_view name) const override;

 private:
  struct Entry {
    std::vector<std::string> txt;
    std::vector<std::string> cname;
    std::vector<MxHost> mx;
    std::optional<LookupStatus> failure;
  };
  template <typename T>
  Answer<T> answer(std::string_view name, std::vector<T> Entry::*field) const;

  mutable std::mutex mu_;
  std::map<std::string, Entry> names_;
  mutable int lookups_ = 0;
};

}  // namespace ark::dns
