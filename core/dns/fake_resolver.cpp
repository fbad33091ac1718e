#include "core/dns/fake_resolver.h"

namespace ark::dns {

void FakeResolver::set_txt(std::string_view name, std::vector<std::string> values) {
  std::lock_guard lock(mu_);
  names_[normalize_name(name)].txt = std::move(values);
}

void FakeResolver::set_cname(std::string_view name, std::string target) {
  std::lock_guard lock(mu_);
  names_[normalize_name(name)].cname = {normalize_name(target)};
}

void FakeResolver::set_mx(std::string_view name, std::vector<MxHost> hosts) {
  std::lock_guard lock(mu_);
  names_[normalize_name(name)].mx = std::move(hosts);
}

void FakeResolver::fail(std::string_view name, LookupStatus status) {
  std::lock_guard lock(mu_);
  names_[normalize_name(name)].failure = status;
}

void FakeResolver::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  names_.erase(normalize_name(name));
}

int FakeResolver::lookups() const {
  std::lock_guard lock(mu_);
  return lookups_;
}

template <typename T>
Answer<T> FakeResolver::answer(std::string_view name, std::vector<T> Entry::*field) const {
  std::lock_guard lock(mu_);
  ++lookups_;
  auto it = names_.find(normalize_name(name));
  if (it == names_.end()) {
    return {LookupStatus::NxDomain, {}, {}};
  }
  if (it->second.failure) {
    return {*it->second.failure, {}, std::string("fake: ") + to_string(*it->second.failure)};
  }
  const std::vector<T>& values = it->second.*field;
  if (values.empty()) {
    return {LookupStatus::NoData, {}, {}};
  }
  return {LookupStatus::Ok, values, {}};
}

TxtAnswer FakeResolver::txt(std::string_view name) const {
  return answer(name, &Entry::txt);
}

CnameAnswer FakeResolver::cname(std::string_view name) const {
  return answer(name, &Entry::cname);
}

MxAnswer FakeResolver::mx(std::string_view name) const {
  return answer(name, &Entry::mx);
}

}  // namespace ark::dns
