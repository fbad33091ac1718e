#include "core/dns/ldns_resolver.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>

namespace ark::dns {
namespace {

struct Free {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
  void operator()(char* s) const { std::free(s); }
};
using ResolverPtr = std::unique_ptr<ldns_resolver, Free>;
using RdfPtr = std::unique_ptr<ldns_rdf, Free>;
using PktPtr = std::unique_ptr<ldns_pkt, Free>;
using RrListPtr = std::unique_ptr<ldns_rr_list, Free>;

constexpr uint16_t kEdnsBuffer = 1232;

bool is_ipv6(const std::string& ip) {
  return ip.find(':') != std::string::npos;
}

ResolverPtr make_resolver(const LdnsOptions& o) {
  ResolverPtr res(ldns_resolver_new());
  RdfPtr ns(ldns_rdf_new_frm_str(is_ipv6(o.nameserver) ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A,
                                 o.nameserver.c_str()));
  if (!res || !ns || ldns_resolver_push_nameserver(res.get(), ns.get()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  ldns_resolver_set_port(res.get(), o.port);
  ldns_resolver_set_recursive(res.get(), true);
  ldns_resolver_set_retry(res.get(), static_cast<uint8_t>(1 + o.retries));  // = attempts
  ldns_resolver_set_edns_udp_size(res.get(), kEdnsBuffer);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(o.timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((o.timeout.count() % 1000) * 1000);
  ldns_resolver_set_timeout(res.get(), tv);
  return res;
}

// A query name as an absolute dname, or null for text that is no domain name.
RdfPtr query_name(std::string_view name) {
  std::string n = normalize_name(name);
  if (n.empty() || n.size() > 253) {
    return nullptr;
  }
  for (char c : n) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\\' || c == '"' || c == 0x7f) {
      return nullptr;
    }
  }
  return RdfPtr(ldns_dname_new_frm_str((n + ".").c_str()));
}

struct RawAnswer {
  LookupStatus status = LookupStatus::Error;
  RrListPtr rrs;  // the answer records of the asked type, when status == Ok
  std::string detail;
};

RawAnswer classify(ldns_pkt* pkt, ldns_rr_type type) {
  RawAnswer out;
  switch (ldns_pkt_get_rcode(pkt)) {
    case LDNS_RCODE_NOERROR:
      out.rrs.reset(ldns_pkt_rr_list_by_type(pkt, type, LDNS_SECTION_ANSWER));
      out.status = (out.rrs && ldns_rr_list_rr_count(out.rrs.get()) > 0) ? LookupStatus::Ok
                                                                         : LookupStatus::NoData;
      return out;
    case LDNS_RCODE_NXDOMAIN:
      out.status = LookupStatus::NxDomain;
      return out;
    case LDNS_RCODE_SERVFAIL:
      out.status = LookupStatus::ServFail;
      out.detail = "nameserver answered SERVFAIL";
      return out;
    case LDNS_RCODE_REFUSED:
      out.status = LookupStatus::Refused;
      out.detail = "nameserver answered REFUSED";
      return out;
    default:
      out.detail = "nameserver answered rcode " + std::to_string(ldns_pkt_get_rcode(pkt));
      return out;
  }
}

RawAnswer run(const LdnsOptions& o, std::string_view name, ldns_rr_type type) {
  RawAnswer out;
  RdfPtr qname = query_name(name);
  if (!qname) {
    out.detail = "not a valid domain name";
    return out;
  }
  ResolverPtr res = make_resolver(o);
  if (!res) {
    out.detail = "cannot set up the resolver";
    return out;
  }
  ldns_pkt* raw = nullptr;
  ldns_status st =
      ldns_resolver_query_status(&raw, res.get(), qname.get(), type, LDNS_RR_CLASS_IN, LDNS_RD);
  PktPtr pkt(raw);
  if (st == LDNS_STATUS_NETWORK_ERR) {
    out.status = LookupStatus::Timeout;
    out.detail = "no answer from " + o.nameserver + ":" + std::to_string(o.port) + " after " +
                 std::to_string(1 + o.retries) + " attempt(s)";
    return out;
  }
  if (st != LDNS_STATUS_OK || !pkt) {
    out.detail = ldns_get_errorstr_by_id(st) ? ldns_get_errorstr_by_id(st) : "ldns error";
    return out;
  }
  return classify(pkt.get(), type);
}

std::string dname_text(const ldns_rdf* rdf) {
  std::unique_ptr<char, Free> s(ldns_rdf2str(rdf));
  return s ? normalize_name(s.get()) : std::string();
}

// The character-strings of one TXT RR, concatenated.
std::string txt_text(const ldns_rr* rr) {
  std::string s;
  for (size_t j = 0; j < ldns_rr_rd_count(rr); ++j) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, j);
    const uint8_t* d = ldns_rdf_data(rdf);
    size_t size = ldns_rdf_size(rdf);
    if (size > 0 && static_cast<size_t>(d[0]) + 1 <= size) {
      s.append(reinterpret_cast<const char*>(d) + 1, d[0]);
    }
  }
  return s;
}

template <typename T, typename F>
Answer<T> convert(RawAnswer raw, F each) {
  Answer<T> out{raw.status, {}, std::move(raw.detail)};
  for (size_t i = 0; raw.rrs && i < ldns_rr_list_rr_count(raw.rrs.get()); ++i) {
    out.values.push_back(each(ldns_rr_list_rr(raw.rrs.get(), i)));
  }
  return out;
}

}  // namespace

base::Result<LdnsResolver> LdnsResolver::create(LdnsOptions options) {
  unsigned char buf[16];
  int family = is_ipv6(options.nameserver) ? AF_INET6 : AF_INET;
  if (inet_pton(family, options.nameserver.c_str(), buf) != 1) {
    return base::Error::invalid("dns: nameserver must be an IP address", "nameserver");
  }
  if (options.port == 0) {
    return base::Error::invalid("dns: port must not be 0", "port");
  }
  if (options.timeout.count() < 1 || options.timeout.count() > 60000) {
    return base::Error::invalid("dns: timeout must be within 1 ms and 60 s", "timeout");
  }
  if (options.retries < 0 || options.retries > 10) {
    return base::Error::invalid("dns: retries must be within 0 and 10", "retries");
  }
  return LdnsResolver(std::move(options));
}

TxtAnswer LdnsResolver::txt(std::string_view name) const {
  return convert<std::string>(run(options_, name, LDNS_RR_TYPE_TXT), txt_text);
}

CnameAnswer LdnsResolver::cname(std::string_view name) const {
  return convert<std::string>(run(options_, name, LDNS_RR_TYPE_CNAME),
                              [](const ldns_rr* rr) { return dname_text(ldns_rr_rdf(rr, 0)); });
}

MxAnswer LdnsResolver::mx(std::string_view name) const {
  return convert<MxHost>(run(options_, name, LDNS_RR_TYPE_MX), [](const ldns_rr* rr) {
    return MxHost{ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)), dname_text(ldns_rr_rdf(rr, 1))};
  });
}

}  // namespace ark::dns
