// Synthetic Postfix 3.7 maillog_file lines for bench/logs: the seven lines one message
// leaves (connect, client, message-id, qmgr from, one delivery, removed, disconnect), in the
// exact formats of the real captures in tests/fixtures/maillog. Outcomes cycle through sent
// (85 %), deferred (10 %) and bounced (5 %) so the parser meets every reply shape.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ark::bench {

// A short Postfix queue id for message i (upper-case hex, 11 digits).
inline std::string queue_id(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%011llX", static_cast<unsigned long long>(0x100000000LL + i));
  return buf;
}

inline std::string rcpt(int64_t i) {
  return "r" + std::to_string(i) + "@ok.test";
}

// stamp: "Nov 29 12:00:00".
inline std::string message_lines(int64_t i, const std::string& stamp) {
  std::string q = queue_id(i);
  std::string pid = std::to_string(1000 + i % 50);
  std::string h = stamp + " mx postfix/";
  std::string delivery;
  int kind = static_cast<int>(i % 20);
  if (kind < 17) {
    delivery = "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4X" + q.substr(4) + ")";
  } else if (kind < 19) {
    delivery =
        "dsn=4.2.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox "
        "temporarily busy (in reply to RCPT TO command))";
  } else {
    delivery =
        "dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 No such user "
        "(in reply to RCPT TO command))";
  }
  return h + "smtpd[" + pid + "]: connect from unknown[127.0.0.1]\n" + h + "smtpd[" + pid +
         "]: " + q + ": client=unknown[127.0.0.1]\n" + h + "cleanup[2001]: " + q +
         ": message-id=<bench-" + std::to_string(i) + "@bench.test>\n" + h + "qmgr[2002]: " + q +
         ": from=<sender@bench.test>, size=1873, nrcpt=1 (queue active)\n" + h + "smtpd[" + pid +
         "]: disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 "
         "quit=1 commands=5\n" +
         h + "smtp[" + std::to_string(3000 + i % 20) + "]: " + q + ": to=<" + rcpt(i) +
         ">, relay=127.0.0.1[127.0.0.1]:10026, delay=0.12, delays=0.05/0.01/0.03/0.03, " +
         delivery + "\n" + h + "qmgr[2002]: " + q + ": removed\n";
}

}  // namespace ark::bench
