#include "address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>

#include <atomic>
#include <cstring>
#include <ctime>

namespace ark::plugins::webhook {
namespace {

AddressClass classify_v4(uint32_t a) {  // a in host byte order
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  if (in(0x7f000000, 8)) {
    return AddressClass::Loopback;
  }
  bool priv = in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0xa9fe0000, 16) ||
              in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0a80000, 16) ||
              in(0xc6120000, 15) || a >= 0xe0000000;
  return priv ? AddressClass::Private : AddressClass::Public;
}

AddressClass classify_v6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    uint32_t v4 =
        (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return classify_v4(v4);
  }
  if (IN6_IS_ADDR_LOOPBACK(&a)) {
    return AddressClass::Loopback;
  }
  bool priv = IN6_IS_ADDR_UNSPECIFIED(&a) || (b[0] & 0xfe) == 0xfc ||
              (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff;
  return priv ? AddressClass::Private : AddressClass::Public;
}

std::string numeric(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST] = {0};
  if (getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) {
    return "?";
  }
  return host;
}

std::vector<Address> collect(const addrinfo* list) {
  std::vector<Address> out;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) {
      continue;
    }
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    a.text = numeric(ai->ai_addr, ai->ai_addrlen);
    a.cls = classify(ai->ai_addr);
    out.push_back(std::move(a));
  }
  return out;
}

// One asynchronous lookup, shared by the caller and glibc's notification thread; whoever
// lets go last frees it. This is what allows the caller to give up at its deadline.
struct Lookup {
  std::string host;
  std::string service;
  addrinfo hints{};
  gaicb cb{};
  std::atomic<int> refs{2};

  void release() {
    if (refs.fetch_sub(1) == 1) {
      if (cb.ar_result != nullptr) {
        freeaddrinfo(cb.ar_result);
      }
      delete this;
    }
  }
  static void on_done(sigval value) { static_cast<Lookup*>(value.sival_ptr)->release(); }
};

Resolved finish(Lookup* lookup, int rc) {
  Resolved r;
  if (rc == 0) {
    r.status = ResolveStatus::Ok;
    r.addresses = collect(lookup->cb.ar_result);
  } else {
    r.error = std::string("cannot resolve ") + lookup->host + ": " + gai_strerror(rc);
  }
  lookup->release();
  return r;
}

// Waits for the lookup until deadline; EAI_INTR (a signal) waits again for the time left.
Resolved wait_for(Lookup* lookup, std::chrono::steady_clock::time_point deadline) {
  const gaicb* const waiting[1] = {&lookup->cb};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    long ms = left.count() > 0 ? static_cast<long>(left.count()) : 0;
    timespec wait{static_cast<time_t>(ms / 1000), (ms % 1000) * 1000000};
    int rc = gai_suspend(waiting, 1, &wait);
    if (rc == 0 || rc == EAI_ALLDONE) {
      return finish(lookup, gai_error(&lookup->cb));
    }
    if (rc == EAI_AGAIN || ms == 0) {  // timed out; the notification thread frees the lookup
      Resolved r{ResolveStatus::TimedOut, {}, "resolving " + lookup->host + " timed out"};
      lookup->release();
      return r;
    }
  }
}

// IP literals: answered without any lookup or thread.
bool resolve_numeric(const std::string& host, const std::string& service, Resolved* out) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &list) != 0) {
    return false;
  }
  out->status = ResolveStatus::Ok;
  out->addresses = collect(list);
  freeaddrinfo(list);
  return true;
}

}  // namespace

AddressClass classify(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    return classify_v4(ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    return classify_v6(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
  }
  return AddressClass::Private;
}

Resolved resolve(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Resolved numeric_result;
  if (resolve_numeric(host, std::to_string(port), &numeric_result)) {
    return numeric_result;
  }
  auto* lookup = new Lookup;
  lookup->host = host;
  lookup->service = std::to_string(port);
  lookup->hints.ai_socktype = SOCK_STREAM;
  lookup->hints.ai_flags = AI_NUMERICSERV;
  lookup->cb.ar_name = lookup->host.c_str();
  lookup->cb.ar_service = lookup->service.c_str();
  lookup->cb.ar_request = &lookup->hints;
  gaicb* list[1] = {&lookup->cb};
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = &Lookup::on_done;
  ev.sigev_value.sival_ptr = lookup;
  if (int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &ev); rc != 0) {
    lookup->refs = 1;  // no notification will come
    return finish(lookup, rc);
  }
  return wait_for(lookup, deadline);
}

}  // namespace ark::plugins::webhook
