// The verification half of records.h: one function per record, each a pure function of
// the Resolver's answers.
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/dns/records.h"

namespace ark::dns {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

bool equal_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

// "v=spf1" or "v=DMARC1" as the record's first term (followed by WSP, ';' or the end).
bool has_version(std::string_view v, std::string_view tag) {
  return starts_with_ci(v, tag) &&
         (v.size() == tag.size() || v[tag.size()] == ' ' || v[tag.size()] == ';');
}

// Starts a check from an answer: fills lookup/found, and settles Missing / LookupFailed.
// Returns true when the answer has records to judge.
bool begin(RecordCheck& c, const Answer<std::string>& a, std::string_view what,
           std::string_view name) {
  c.lookup = a.status;
  c.found = a.values;
  if (a.status == LookupStatus::Ok) {
    return true;
  }
  if (is_absent(a.status)) {
    c.status = RecordStatus::Missing;
    c.error = "no " + std::string(what) + " record at " + std::string(name);
  } else {
    c.status = RecordStatus::LookupFailed;
    c.error = std::string(to_string(a.status)) + " looking up " + std::string(name) +
              (a.detail.empty() ? "" : ": " + a.detail);
  }
  return false;
}

RecordCheck judged(RecordCheck c, RecordStatus s, std::string error = {}) {
  c.status = s;
  c.error = std::move(error);
  return c;
}

bool spf_has_include(std::string_view record, const std::string& host) {
  std::string want = "include:" + normalize_name(host);
  size_t pos = 0;
  while (pos < record.size()) {
    size_t end = record.find(' ', pos);
    std::string_view term = record.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (!term.empty() && term[0] == '+') {
      term.remove_prefix(1);
    }
    if (equal_ci(normalize_name(term), want)) {
      return true;
    }
    pos = end == std::string_view::npos ? record.size() : end + 1;
  }
  return false;
}

// DKIM key record tags (RFC 6376 §3.6.1): names lower-cased, p= without whitespace.
std::map<std::string, std::string> dkim_tags(std::string_view record) {
  std::map<std::string, std::string> tags;
  size_t pos = 0;
  while (pos <= record.size()) {
    size_t end = std::min(record.find(';', pos), record.size());
    std::string spec = trim(record.substr(pos, end - pos));
    size_t eq = spec.find('=');
    if (eq != std::string::npos) {
      std::string key = trim(spec.substr(0, eq));
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      std::string value = trim(spec.substr(eq + 1));
      value.erase(std::remove_if(value.begin(), value.end(),
                                 [](unsigned char ch) { return std::isspace(ch) != 0; }),
                  value.end());
      tags.emplace(key, value);
    }
    pos = end + 1;
  }
  return tags;
}

bool same_dkim_key(std::string_view found, std::string_view expected) {
  auto f = dkim_tags(found);
  auto e = dkim_tags(expected);
  auto k = [](auto& t) { return t.count("k") ? t["k"] : std::string("rsa"); };
  bool version_ok = !f.count("v") || f["v"] == "DKIM1";
  return version_ok && equal_ci(k(f), k(e)) && f.count("p") && !f["p"].empty() && f["p"] == e["p"];
}

}  // namespace

RecordCheck check_spf(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming) {
  RecordCheck c;
  if (!begin(c, r.txt(rec.spf.full_name), "TXT", rec.spf.full_name)) {
    return c;
  }
  std::vector<std::string> spf;
  std::copy_if(c.found.begin(), c.found.end(), std::back_inserter(spf),
               [](const std::string& v) { return has_version(v, "v=spf1"); });
  if (spf.empty()) {
    return judged(c, RecordStatus::Missing, "no SPF (v=spf1) record at " + rec.spf.full_name);
  }
  if (spf.size() > 1) {
    return judged(c, RecordStatus::Invalid,
                  std::to_string(spf.size()) + " SPF records; only one is allowed (RFC 7208)");
  }
  if (!spf_has_include(spf[0], naming.spf_include)) {
    return judged(c, RecordStatus::Invalid,
                  "SPF record lacks include:" + normalize_name(naming.spf_include));
  }
  return judged(c, RecordStatus::Ok);
}

RecordCheck check_dkim(const Resolver& r, const DomainRecords& rec) {
  RecordCheck c;
  if (!begin(c, r.txt(rec.dkim.full_name), "TXT", rec.dkim.full_name)) {
    return c;
  }
  if (c.found.size() != 1) {
    return judged(c, RecordStatus::Invalid,
                  std::to_string(c.found.size()) + " TXT records at the selector; want one");
  }
  if (!same_dkim_key(c.found[0], rec.dkim.value)) {
    return judged(c, RecordStatus::Invalid, "the DKIM record does not carry the expected key");
  }
  return judged(c, RecordStatus::Ok);
}

RecordCheck check_return_path(const Resolver& r, const DomainRecords& rec,
                              const RecordNaming& naming) {
  RecordCheck c;
  if (!begin(c, r.cname(rec.return_path.full_name), "CNAME", rec.return_path.full_name)) {
    return c;
  }
  std::string want = normalize_name(naming.return_path_host);
  if (c.found.size() != 1 || normalize_name(c.found[0]) != want) {
    return judged(c, RecordStatus::Invalid, "CNAME does not point to " + want);
  }
  return judged(c, RecordStatus::Ok);
}

RecordCheck check_dmarc(const Resolver& r, const DomainRecords& rec) {
  std::vector<std::string> names = {"_dmarc." + rec.domain};
  if (rec.domain != rec.zone) {
    names.push_back("_dmarc." + rec.zone);  // the organisational domain's policy applies
  }
  RecordCheck c;
  for (const std::string& name : names) {
    c = RecordCheck{};
    if (!begin(c, r.txt(name), "DMARC", name)) {
      if (c.status == RecordStatus::LookupFailed) {
        return c;
      }
      continue;
    }
    auto n = std::count_if(c.found.begin(), c.found.end(),
                           [](const std::string& v) { return has_version(v, "v=DMARC1"); });
    if (n == 1) {
      return judged(c, RecordStatus::Ok);
    }
    if (n > 1) {
      return judged(c, RecordStatus::Invalid, "several DMARC records at " + name);
    }
    c = judged(c, RecordStatus::Missing, "no v=DMARC1 record at " + name);
  }
  return c;
}

RecordCheck check_mx(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming) {
  MxAnswer a = r.mx(rec.domain);
  Answer<std::string> as_text{a.status, {}, a.detail};
  for (const MxHost& h : a.values) {
    as_text.values.push_back(std::to_string(h.preference) + " " + h.exchange);
  }
  RecordCheck c;
  if (!begin(c, as_text, "MX", rec.domain)) {
    return c;
  }
  if (naming.mx_hosts.empty()) {
    return judged(c, RecordStatus::Ok);
  }
  bool listed = std::any_of(a.values.begin(), a.values.end(), [&](const MxHost& h) {
    return std::any_of(naming.mx_hosts.begin(), naming.mx_hosts.end(),
                       [&](const std::string& m) { return normalize_name(m) == h.exchange; });
  });
  return listed ? judged(c, RecordStatus::Ok)
                : judged(c, RecordStatus::Invalid, "no MX points to a configured mail host");
}

DomainCheck check_domain(const Resolver& r, const DomainRecords& rec, const RecordNaming& naming) {
  DomainCheck d;
  d.spf = check_spf(r, rec, naming);
  d.dkim = check_dkim(r, rec);
  d.return_path = check_return_path(r, rec, naming);
  d.dmarc = check_dmarc(r, rec);
  d.mx = check_mx(r, rec, naming);
  return d;
}

}  // namespace ark::dns
