// Name resolution with a deadline, and the address policy for webhook targets.
//
// Why the transport checks addresses itself: a webhook URL is tenant input. Checking the
// name when the webhook is saved is not enough, because DNS can answer differently at send
// time (DNS rebinding). So every delivery resolves, classifies each address, and connects
// only to an allowed one.
//
// Classes:
//   Loopback: 127.0.0.0/8, ::1.
//   Private (everything not routable on the public Internet): 0.0.0.0/8, 10/8, 100.64/10,
//     169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4 and above, ::,
//     fc00::/7, fe80::/10, ff00::/8; IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96)
//     addresses are classified by the IPv4 address inside.
//   Public: the rest.
//
// Resolution uses getaddrinfo_a() and waits at most the given time; a lookup still running
// when the time is up is abandoned (its memory is freed when the resolver thread finishes),
// so a slow DNS server never holds a delivery past its deadline.
//
// Ownership: values only. Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ark::plugins::webhook {

enum class AddressClass { Public, Loopback, Private };

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // numeric form, for errors and logs
  AddressClass cls = AddressClass::Public;
};

struct AddressPolicy {
  bool allow_loopback = false;
  bool allow_private = false;
  bool allows(AddressClass cls) const {
    return cls == AddressClass::Public || (cls == AddressClass::Loopback && allow_loopback) ||
           (cls == AddressClass::Private && allow_private);
  }
};

AddressClass classify(const sockaddr* addr);

enum class ResolveStatus { Ok, Failed, TimedOut };

struct Resolved {
  ResolveStatus status = ResolveStatus::Failed;
  std::vector<Address> addresses;  // in resolver order, each classified
  std::string error;               // for Failed / TimedOut
};

// Resolves host (a name or an IP literal; literals never touch DNS) for TCP port `port`.
Resolved resolve(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

}  // namespace ark::plugins::webhook
