// DNS lookups as the domain checks need them: TXT, CNAME and MX answers with a
// per-lookup status, so that callers can tell "the record is not there" (NxDomain,
// NoData) from "we could not find out" (Timeout, ServFail, Refused, Error). The second
// group must never be reported to users as a missing record (spec/behaviour.md §9.2).
//
// Names are passed without a trailing dot (one is accepted and ignored). Returned names
// (CNAME targets, MX exchanges) are lower case without the trailing dot. A TXT record
// made of several character-strings comes back as one value, the strings concatenated
// (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
//
// Ownership: answers are plain values. Thread-safety: implementations must allow
// concurrent lookups on one instance (admind's re-check runs several at once).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ark::dns {

enum class LookupStatus {
  Ok,        // NOERROR with at least one record of the asked type
  NxDomain,  // the name does not exist
  NoData,    // the name exists but has no record of this type
  Timeout,   // no answer from the nameserver within the configured time and retries
  ServFail,  // the nameserver answered SERVFAIL
  Refused,   // the nameserver refused the query (not authoritative, not allowed)
  Error,     // anything else: bad name, FORMERR, NOTIMP, a malformed answer
};

const char* to_string(LookupStatus status);

// True for NxDomain and NoData: the DNS said there is nothing.
inline bool is_absent(LookupStatus s) {
  return s == LookupStatus::NxDomain || s == LookupStatus::NoData;
}

struct MxHost {
  int preference = 0;
  std::string exchange;
  bool operator==(const MxHost&) const = default;
};

template <typename T>
struct Answer {
  LookupStatus status = LookupStatus::Error;
  std::vector<T> values;  // non-empty exactly when status == Ok
  std::string detail;     // why, when status is not Ok/NxDomain/NoData
};

using TxtAnswer = Answer<std::string>;
using CnameAnswer = Answer<std::string>;
using MxAnswer = Answer<MxHost>;

class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual TxtAnswer txt(std::string_view name) const = 0;
  virtual CnameAnswer cname(std::string_view name) const = 0;
  virtual MxAnswer mx(std::string_view name) const = 0;
};

// Lower case, without a trailing dot: how names are compared throughout.
std::string normalize_name(std::string_view name);

}  // namespace ark::dns
