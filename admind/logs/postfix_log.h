// Postfix log-line parser: one maillog line in, one typed record out (style.md §7, admind).
//
// Input format (Postfix 3.7 `maillog_file`, and syslog files written by rsyslog/syslog-ng):
//   Mon DD HH:MM:SS[.ffffff] <host> <syslog_name>/<service>[<pid>]: <QUEUEID>: <payload>
//   YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM) <host> ...            (RFC 3339 stamp, rsyslog)
// <syslog_name> starts with "postfix" ("postfix", "postfix-out"); <service> may hold a
// master.cf prefix ("submission/smtpd"). <QUEUEID> is a short id (upper-case hex,
// "3AB6FA7202A"), a long id (enable_long_queue_ids=yes: digits and letters without vowels,
// "4jcVVD6MzGz1bY9D") or "NOQUEUE". The payloads understood are listed at LogRecord; their
// shapes follow Postfix's own log statements (smtp/lmtp/local/virtual/error/discard delivery
// lines, qmgr, cleanup, bounce, smtpd, pickup, postsuper). Lines that carry no queue id
// (connect/disconnect, warnings, statistics) and payloads not listed give std::nullopt.
//
// Tolerance (Postfix adds fields between releases): unknown `key=value` fields of a delivery
// line are skipped, every known field but `to` and `status` is optional, fields may come in
// any order, and a reply text with unbalanced parentheses is still taken whole. Text written
// by a remote peer (reply texts, HELO names, header values) can contain anything; it is
// stored verbatim and can never make the parser read outside the line.
//
// Contract: every function here is pure and total. Any input (garbage, truncated lines,
// embedded NULs, megabyte-long lines) gives a value or std::nullopt; nothing throws (except
// std::bad_alloc), nothing reads past the view, the work is linear in the line length.
// Allocation happens only for the strings of the returned record.
//
// Ownership: records own their strings; nothing refers back to the input line.
// Thread-safety: no shared state; call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ark::admind::logs {

// The line's time stamp as written. Classic stamps carry no year and no zone: the caller
// (the follower) supplies both. Fields are not range-checked beyond their digit counts
// except month (1..12), day (1..31), hour (0..23), minute and second (0..60).
struct LogTime {
  int year = 0;  // 0: not in the line
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;                         // 0 when the stamp has no fraction
  std::optional<int> utc_offset_minutes;  // RFC 3339 stamps only ("Z" gives 0)

  bool operator==(const LogTime&) const = default;
};

struct LineHeader {
  LogTime time;
  std::string host;         // "mx" (first label of myhostname)
  std::string syslog_name;  // "postfix", "postfix-out"
  std::string service;      // program after syslog_name: "smtp", "qmgr", "submission/smtpd"
  int pid = 0;
  std::string queue_id;  // "" for NOQUEUE

  // The Postfix program that wrote the line: the last part of service ("smtpd").
  std::string_view daemon() const;
};

enum class DeliveryStatus { Sent, Deferred, Bounced, Expired, Other };

// delays=a/b/c/d: before the queue manager / in the queue manager / connection setup /
// transmission, in seconds.
struct Delays {
  double before_qmgr = 0;
  double in_qmgr = 0;
  double conn_setup = 0;
  double transmission = 0;
};

// "<QID>: to=<rcpt>, [orig_to=<rcpt>,] relay=..., [conn_use=N,] delay=..., delays=a/b/c/d,
//  dsn=X.Y.Z, status=<word> (<reply text>)" from smtp, lmtp, local, virtual, pipe, error,
// retry, discard and qmgr.
struct Delivery {
  std::string to;                      // without the angle brackets; "" for to=<>
  std::optional<std::string> orig_to;  // present when Postfix logged orig_to=
  std::string relay;                   // whole: "127.0.0.1[127.0.0.1]:10026", "none", "local"
  std::string relay_host;              // "127.0.0.1"; "local"; "" for relay=none
  std::string relay_addr;              // the part in [ ], "" when absent
  std::optional<int> relay_port;       // the ":port" after ], when present
  std::optional<int> conn_use;         // conn_use=N (connection reuse count)
  std::optional<double> delay;         // seconds
  std::optional<Delays> delays;        // only when all four parts parse
  std::string dsn;                     // "2.0.0", "" when absent
  DeliveryStatus status = DeliveryStatus::Other;
  std::string status_word;  // as logged: "sent", "deferred", "SOFTBOUNCE", "undeliverable"
  std::string reply;        // text inside the parentheses after the status word, nesting-aware
};

// cleanup: "message-id=<...>" (also "resent-message-id=..."). The value is kept as logged,
// brackets included; it may be empty or lack brackets when the header was odd.
struct MessageId {
  std::string message_id;
  bool resent = false;
};

// qmgr: "from=<sender>, size=N, nrcpt=N (queue active)". from is "" for bounces (from=<>).
struct QmgrFrom {
  std::string from;
  std::optional<int64_t> size;
  std::optional<int> nrcpt;
};

// qmgr "removed" (the message left the queue: every recipient is final), or postsuper
// "removed" (an operator deleted it with postsuper -d: undelivered recipients never will be).
struct Removed {
  bool by_operator = false;
};

// qmgr: "from=<sender>, status=expired, returned to sender" (maximal_queue_lifetime reached)
// or "status=force-expired" (after postsuper -e). The undelivered recipients are final.
struct Expired {
  std::string from;
  bool forced = false;
};

// postsuper "expired": an operator asked for expiry (postsuper -e); qmgr logs Expired later.
struct ForceExpire {};

enum class NoticeKind {
  NonDelivery,     // "non-delivery notification": an NDR (bounce) was queued
  Delay,           // "delay notification": a delay warning was queued
  DeliveryStatus,  // "delivery status notification": a success/relayed DSN was queued
};

// bounce: "sender non-delivery notification: <NEWQID>" (also postmaster copies, delay and
// delivery status notifications). notice_queue_id is the queue id of the generated notice.
struct BounceNotice {
  NoticeKind kind = NoticeKind::NonDelivery;
  bool to_postmaster = false;  // "postmaster ... notification" instead of "sender ..."
  std::string notice_queue_id;
};

// smtpd: "client=name[addr][:port][, sasl_method=M, sasl_username=U[, sasl_sender=S]]".
struct SmtpdClient {
  std::string client;       // whole: "unknown[127.0.0.1]"
  std::string client_name;  // "unknown"
  std::string client_addr;  // "127.0.0.1"
  std::optional<int> client_port;
  std::string sasl_method;    // "" when not authenticated
  std::string sasl_username;  // "" when not authenticated
  std::string sasl_sender;
};

// The common tail of smtpd/cleanup action lines:
//   "<action>: <STAGE> from <client>: <reply>; from=<f> to=<t> proto=P helo=<h>"   (smtpd,
//    cleanup milter actions)
//   "<action>: <header|body> <content> from <client>; from=<f> to=<t> proto=P helo=<h>[: <text>]"
//    (cleanup header_checks/body_checks)
// Every part is optional; absent parts are "".
struct ActionContext {
  std::string stage;    // "RCPT", "DATA", "END-OF-MESSAGE", "CONNECT", "header", "body"
  std::string content;  // header/body checks: the matched text, e.g. "Subject: hold-me"
  std::string client;   // "unknown[127.0.0.1]"
  std::string reply;    // smtpd: the reply sent, e.g. "554 5.7.1 <b@x>: Recipient address ..."
  std::string from;
  std::string to;
  std::string proto;
  std::string helo;
  std::string text;  // cleanup: the optional action text after the list ("held by rule")
};

// Mail put on hold: by cleanup (header/body checks or a milter; context set) or by an
// operator (postsuper -h "placed on hold"; no context).
struct Hold {
  bool by_operator = false;
  std::optional<ActionContext> context;
};

// postsuper -H: "released from hold".
struct Release {};

// smtpd or cleanup "reject:" / "milter-reject:" (with a queue id when the queue file was
// already open, else NOQUEUE). A cleanup reject means the message was never queued.
struct Reject {
  bool milter = false;
  ActionContext context;
};

// smtpd or cleanup "discard:" / "milter-discard:": accepted and silently dropped.
struct Discard {
  bool milter = false;
  ActionContext context;
};

// pickup: "uid=N from=<sender>" (local submission through sendmail/postdrop).
struct Pickup {
  std::optional<int64_t> uid;
  std::string from;
};

using RecordBody = std::variant<Delivery, MessageId, QmgrFrom, Removed, Expired, ForceExpire,
                                BounceNotice, SmtpdClient, Hold, Release, Reject, Discard, Pickup>;

struct LogRecord {
  LineHeader header;
  RecordBody body;
};

// Parses one log line (without its trailing newline; a trailing "\r" or "\n" is ignored).
// Returns std::nullopt for anything that is not one of the records above.
std::optional<LogRecord> parse_postfix_line(std::string_view line);

// A delivery agent's TLS session, logged without a queue id when smtp_tls_loglevel >= 1:
//   "<trust> TLS connection established to <host>[<addr>]:<port>: TLSv1.3 with cipher ..."
// with <trust> one of Anonymous, Untrusted, Trusted, Verified. The deliveries that follow
// from the same process to the same peer went over it (see tls_tracker.h).
struct TlsConnection {
  std::string service;  // "smtp", "relay/smtp"
  int pid = 0;
  std::string peer;  // "host[addr]:port", as delivery lines write relay=
  std::string trust;
};
std::optional<TlsConnection> parse_tls_line(std::string_view line);

// Only the common prefix: time, host, program, pid and queue id. std::nullopt when the line
// is not a Postfix line with a queue id (or NOQUEUE). `payload` (optional) receives the text
// after "<QUEUEID>: ", a view into `line`.
std::optional<LineHeader> parse_line_header(std::string_view line,
                                            std::string_view* payload = nullptr);

// True for a short (upper-case hex, 6+ chars) or long (10+ chars of digits and letters
// without vowels) Postfix queue id. "NOQUEUE" is not a queue id.
bool is_queue_id(std::string_view id);

// A stable one-line text form of a record, for golden files and debug logs:
//   "11-29T01:50:44 mx postfix/smtp[6399] 4jcVVD6MzGz1bY9D delivery to=<...> ..."
// Free text is double-quoted with \" \\ and \xNN escapes, so the result is one printable
// ASCII line. Changing this format means regenerating the golden files.
std::string describe(const LogRecord& record);

const char* to_string(DeliveryStatus status);
const char* to_string(NoticeKind kind);

}  // namespace ark::admind::logs
