// The DNS records a sending domain needs (spec/behaviour.md §9, spec/api.md §3.3-3.4), built
// from the platform's configured names, and their verification against a Resolver.
//
// Records for domain D in zone Z (names relative to Z, "@" for the apex):
//   spf         TXT    D                                  v=spf1 a mx include:<spf host> ~all
//   dkim        TXT    <prefix>-<selector>._domainkey.D   the key's TXT value (dkim_keys)
//   returnPath  CNAME  <return-path prefix>.D             <return-path host>
//   dmarc       TXT    _dmarc.D                           v=DMARC1; p=none[; rua=<rua>]
// DMARC is a recommendation only: it is not part of `verified` and not among the three
// records the API returns. MX is only checked (the DNS monitor reports it).
//
// Verification rules (§9.2, and the reference algorithm noted there):
//   SPF: exactly one TXT at D starting with "v=spf1" that has the term include:<spf host>
//        (or +include:). None -> Missing; several SPF records (an RFC 7208 §4.5 permerror)
//        or one without the include -> Invalid.
//   DKIM: exactly one TXT at the selector name, and it carries the expected key: same k=
//        (default rsa) and same p= (whitespace ignored), v= absent or DKIM1. Other tags
//        (t=, h=, n=) and their spelling do not matter, so "v=DKIM1; k=rsa; p=…" entered by
//        hand matches "k=rsa;t=s;p=…". None -> Missing; otherwise -> Invalid.
//   Return path: exactly one CNAME equal to the return-path host (case and trailing dot
//        ignored). None -> Missing; another target -> Invalid.
//   DMARC: a TXT starting "v=DMARC1" at _dmarc.D, else at _dmarc.Z (as receivers look it
//        up, RFC 7489 §6.6.3). None -> Missing; several -> Invalid.
//   MX: at D. None -> Missing; when mx_hosts is configured, none of them listed -> Invalid.
// A lookup that fails (timeout, SERVFAIL, REFUSED, other errors) gives LookupFailed with the
// lookup status, never Missing: the caller keeps the last known status and reports the
// failure (a DNS outage must not un-verify domains or raise DomainDNSError).
//
// Thread-safety: pure functions; the Resolver must allow concurrent use if callers share it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/dns/resolver.h"

namespace ark::dns {

// The platform's own names (config; a hosting provider ships under its own brand).
struct RecordNaming {
  std::string spf_include;                   // e.g. "spf.arkhq.io"
  std::string return_path_host;              // CNAME target, e.g. "rp.arkhq.io"
  std::string return_path_prefix = "psrp";   // label in front of the domain
  std::string dkim_selector_prefix = "ark";  // selector = <prefix>-<per-domain id>
  std::string dmarc_rua;                     // e.g. "mailto:dmarc@example.net"; empty: none
  std::vector<std::string> mx_hosts;         // accepted MX exchanges; empty: any MX is fine
};

enum class RecordType { Txt, Cname, Mx };
const char* to_string(RecordType type);  // "TXT", "CNAME", "MX"

struct DnsRecord {
  RecordType type = RecordType::Txt;
  std::string name;       // relative to the zone, "@" for the apex
  std::string full_name;  // FQDN, no trailing dot
  std::string value;      // the value to publish
};

struct DomainRecords {
  std::string domain;  // normalised sending domain
  std::string zone;    // its registrable domain
  DnsRecord spf;
  DnsRecord dkim;
  DnsRecord return_path;
  DnsRecord dmarc;  // recommendation only
};

// "<prefix>-<id>", e.g. "ark-abc123".
std::string dkim_selector(const RecordNaming& naming, std::string_view selector_id);

// Errors: Invalid for a malformed domain or one that is a public suffix, an empty or
// malformed selector id, or empty spf_include/return_path_host.
base::Result<DomainRecords> build_records(std::string_view domain, const RecordNaming& naming,
                                          std::string_view selector_id,
                                          std::string_view dkim_txt_value);

enum class RecordStatus { Ok, Missing, Invalid, LookupFailed };
// "OK", "Missing", "Invalid" (the API's spelling); nullopt for LookupFailed.
std::optional<std::string> api_status(RecordStatus status);

struct RecordCheck {
  RecordStatus status = RecordStatus::LookupFailed;
  LookupStatus lookup = LookupStatus::Error;  // of the (last) lookup made
  std::vector<std::string> found;             // values seen (TXT text, CNAME target, "10 mx")
  std::string error;                          // why, when status is not Ok
};

struct DomainCheck {
  RecordCheck spf;
  RecordCheck dkim;
  RecordCheck return_path;
  RecordCheck dmarc;
  RecordCheck mx;
  // SPF, DKIM and return path all OK.
  bool verified() const;
  // None of SPF, DKIM, return path failed to look up: a not-verified result is final.
  bool conclusive() const;
};

RecordCheck check_spf(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming);
RecordCheck check_dkim(const Resolver& r, const DomainRecords& rec);
RecordCheck check_return_path(const Resolver& r, const DomainRecords& rec,
                              const RecordNaming& naming);
RecordCheck check_dmarc(const Resolver& r, const DomainRecords& rec);
RecordCheck check_mx(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming);
DomainCheck check_domain(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming);

}  // namespace ark::dns
