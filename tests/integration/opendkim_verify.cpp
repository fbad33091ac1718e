// opendkim_verify: checks every DKIM signature of one message file with libopendkim (the
// OpenDKIM project's verifier library, Debian libopendkim11), asking a given DNS server for
// the keys. Test tool for tests/integration/dkim_test.cpp.
//
//   opendkim_verify SERVER_IP PORT MESSAGE_FILE
//
// Prints one line per signature, "d=<domain> s=<selector> result=pass|fail[ error=…]", and
// exits 0 when the message has at least one signature and all of them pass, 1 when one
// fails or none is present, 2 on a usage or library error.
//
// Why not the opendkim binary: Debian 12's opendkim 2.11.0 closes its configured resolver
// right after start-up and re-creates a bare libunbound context on the first query, so
// neither `Nameservers` nor `ResolverConfiguration` reach the lookups (its -t test mode and
// its milter mode both report "key not found in DNS" without sending a packet), and
// opendkim-testmsg fails every input with "dkim_chunk(): Syntax error". The library's own
// DNS hooks (dkim_dns_set_query_*) are the documented way to bring a resolver: this tool
// answers them with ldns against SERVER_IP:PORT, so libopendkim parses the real DNS reply.
//
// The message is fed the way the OpenDKIM milter feeds it: header fields one by one (with
// their folding, CRLF line ends), end of headers, the body with CRLF line ends, end of
// message.
#include <ldns/ldns.h>
#include <opendkim/dkim.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Server {
  std::string ip;
  uint16_t port = 53;
};

struct Query {
  std::vector<unsigned char> reply;
  unsigned char* buf = nullptr;
  size_t buflen = 0;
  bool ok = false;
};

Server g_server;

bool ask(const std::string& name, int type, Query* q) {
  ldns_resolver* res = ldns_resolver_new();
  ldns_rdf* ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, g_server.ip.c_str());
  ldns_resolver_push_nameserver(res, ns);
  ldns_rdf_deep_free(ns);
  ldns_resolver_set_port(res, g_server.port);
  ldns_resolver_set_recursive(res, true);
  ldns_resolver_set_retry(res, 2);
  timeval tv{3, 0};
  ldns_resolver_set_timeout(res, tv);
  ldns_rdf* qname = ldns_dname_new_frm_str(name.c_str());
  ldns_pkt* pkt = nullptr;
  ldns_status st = ldns_resolver_query_status(&pkt, res, qname, static_cast<ldns_rr_type>(type),
                                              LDNS_RR_CLASS_IN, LDNS_RD);
  bool ok = false;
  if (st == LDNS_STATUS_OK && pkt != nullptr) {
    uint8_t* wire = nullptr;
    size_t size = 0;
    if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK) {
      q->reply.assign(wire, wire + size);
      ok = true;
    }
    free(wire);
  }
  ldns_pkt_free(pkt);
  ldns_rdf_deep_free(qname);
  ldns_resolver_deep_free(res);
  return ok;
}

int dns_init(void** srv) {
  *srv = &g_server;
  return DKIM_DNS_SUCCESS;
}

void dns_close(void*) {}

int dns_start(void*, int type, unsigned char* query, unsigned char* buf, size_t buflen, void** qh) {
  auto* q = new Query;
  q->buf = buf;
  q->buflen = buflen;
  q->ok = ask(reinterpret_cast<const char*>(query), type, q);
  *qh = q;
  return DKIM_DNS_SUCCESS;
}

int dns_cancel(void*, void* qh) {
  delete static_cast<Query*>(qh);
  return DKIM_DNS_SUCCESS;
}

int dns_waitreply(void*, void* qh, struct timeval*, size_t* bytes, int* error, int* dnssec) {
  auto* q = static_cast<Query*>(qh);
  if (dnssec != nullptr) {
    *dnssec = DKIM_DNSSEC_UNKNOWN;
  }
  if (!q->ok) {
    if (error != nullptr) {
      *error = 0;
    }
    return DKIM_DNS_ERROR;
  }
  size_t n = std::min(q->reply.size(), q->buflen);
  std::memcpy(q->buf, q->reply.data(), n);
  *bytes = n;
  return DKIM_DNS_SUCCESS;
}

std::string to_crlf(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
      out += '\r';
    }
    out += text[i];
  }
  return out;
}

// Header fields (each with its folded continuation lines, without the final CRLF) and
// the body, from a CRLF message.
void split_message(const std::string& msg, std::vector<std::string>* fields, std::string* body) {
  size_t pos = 0;
  while (pos < msg.size()) {
    size_t eol = msg.find("\r\n", pos);
    if (eol == std::string::npos) {
      eol = msg.size();
    }
    std::string line = msg.substr(pos, eol - pos);
    pos = std::min(eol + 2, msg.size());
    if (line.empty()) {
      *body = msg.substr(pos);
      return;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !fields->empty()) {
      fields->back() += "\r\n" + line;
    } else {
      fields->push_back(line);
    }
  }
}

int verify(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<std::string> fields;
  std::string body;
  split_message(to_crlf(ss.str()), &fields, &body);

  DKIM_LIB* lib = dkim_init(nullptr, nullptr);
  if (lib == nullptr) {
    std::cerr << "dkim_init failed\n";
    return 2;
  }
  dkim_dns_set_init(lib, dns_init);
  dkim_dns_set_close(lib, dns_close);
  dkim_dns_set_query_start(lib, dns_start);
  dkim_dns_set_query_cancel(lib, dns_cancel);
  dkim_dns_set_query_waitreply(lib, dns_waitreply);
  DKIM_STAT st = DKIM_STAT_OK;
  DKIM* dkim = dkim_verify(lib, reinterpret_cast<const unsigned char*>("itest"), nullptr, &st);
  if (dkim == nullptr) {
    std::cerr << "dkim_verify failed: " << dkim_getresultstr(st) << "\n";
    return 2;
  }
  for (const auto& f : fields) {
    std::string copy = f;
    dkim_header(dkim, reinterpret_cast<unsigned char*>(copy.data()), copy.size());
  }
  dkim_eoh(dkim);
  if (!body.empty()) {
    dkim_body(dkim, reinterpret_cast<unsigned char*>(body.data()), body.size());
  }
  st = dkim_eom(dkim, nullptr);
  DKIM_SIGINFO** sigs = nullptr;
  int nsigs = 0;
  int rc = 1;
  if (dkim_getsiglist(dkim, &sigs, &nsigs) == DKIM_STAT_OK && nsigs > 0) {
    rc = 0;
    for (int i = 0; i < nsigs; ++i) {
      bool pass = DKIM_SIG_CHECK(sigs[i]);
      std::cout << "d=" << dkim_sig_getdomain(sigs[i]) << " s=" << dkim_sig_getselector(sigs[i])
                << " result=" << (pass ? "pass" : "fail");
      if (!pass) {
        std::cout << " error=\"" << dkim_sig_geterrorstr(dkim_sig_geterror(sigs[i]))
                  << "\" bh=" << dkim_sig_getbh(sigs[i]);
        rc = 1;
      }
      std::cout << "\n";
    }
  } else {
    std::cout << "no signatures (eom: " << dkim_getresultstr(st) << ")\n";
  }
  dkim_free(dkim);
  dkim_close(lib);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: opendkim_verify SERVER_IP PORT MESSAGE_FILE\n";
    return 2;
  }
  g_server.ip = argv[1];
  g_server.port = static_cast<uint16_t>(std::stoi(argv[2]));
  return verify(argv[3]);
}
