// Resolver over ldns that asks one explicitly configured nameserver (ip + port).
//
// It never reads /etc/resolv.conf (stack.md §9: ldns_resolver_new_frm_file would, and on
// this kind of machine that points off-box). Each lookup builds its own ldns_resolver,
// so lookups on one LdnsResolver may run concurrently. Queries go out with RD set (so a
// recursive resolver works) and EDNS0 with a 1232-byte buffer; a truncated answer is
// retried over TCP by ldns.
//
// Timing: `timeout` is per attempt; a lookup makes 1 + `retries` attempts, so it gives up
// after about timeout * (1 + retries). A nameserver that does not answer (nothing
// listening, packets dropped) yields LookupStatus::Timeout.
//
// Ownership: holds only the options. Thread-safety: see above.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/base/result.h"
#include "core/dns/resolver.h"

namespace ark::dns {

struct LdnsOptions {
  std::string nameserver;  // an IPv4 or IPv6 literal, e.g. "127.0.0.53"
  uint16_t port = 53;
  std::chrono::milliseconds timeout{2000};  // per attempt
  int retries = 1;                          // extra attempts after the first
};

class LdnsResolver final : public Resolver {
 public:
  // Errors: Invalid for a nameserver that is not an IP literal, a zero port, a timeout
  // outside 1 ms..60 s or retries outside 0..10.
  static base::Result<LdnsResolver> create(LdnsOptions options);

  TxtAnswer txt(std::string_view name) const override;
  CnameAnswer cname(std::string_view name) const override;
  MxAnswer mx(std::string_view name) const override;

 private:
  explicit LdnsResolver(LdnsOptions options) : options_(std::move(options)) {}
  LdnsOptions options_;
};

}  // namespace ark::dns
