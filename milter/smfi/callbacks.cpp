#include "milter/smfi/callbacks.h"

#include <libmilter/mfapi.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#include "core/base/log.h"
#include "milter/connection.h"

namespace ark::milter::smfi {
namespace {

// The actions and the steps we ask for; everything else stays off (see the header).
// The body is asked for only while DKIM signing is active (the signer hashes it).
// QUARANTINE puts held mail into Postfix's hold queue (send policy).
constexpr unsigned long kActions = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_CHGFROM;
constexpr unsigned long kSkippedSteps =
    SMFIP_NOHELO | SMFIP_NORCPT | SMFIP_NODATA | SMFIP_NOUNKNOWN | SMFIP_NOBODY;

std::mutex g_filter_mu;
std::shared_ptr<const MessageFilter> g_filter;  // guarded by g_filter_mu
// Copy of g_filter->on_internal_error(), readable without locking or allocating, for the
// last-resort path.
std::atomic<Verdict> g_fail_action{Verdict::Tempfail};

std::shared_ptr<const MessageFilter> current_filter() {
  std::lock_guard lock(g_filter_mu);
  return g_filter;
}

Connection* connection_of(SMFICTX* ctx) {
  return static_cast<Connection*>(smfi_getpriv(ctx));
}

std::string symbol(SMFICTX* ctx, const char* name) {
  const char* v = smfi_getsymval(ctx, const_cast<char*>(name));
  return v != nullptr ? v : "";
}

sfsistat reply(SMFICTX* ctx, const char* code, const char* xcode, const char* text,
               sfsistat status) {
  if (smfi_setreply(ctx, const_cast<char*>(code), const_cast<char*>(xcode),
                    const_cast<char*>(text)) != MI_SUCCESS) {
    base::log_warn("setreply_failed", {{"code", code}});
  }
  return status;
}

// The one place a Decision becomes a libmilter answer.
sfsistat answer(SMFICTX* ctx, const Decision& d) {
  switch (d.verdict) {
    case Verdict::Continue:
      return SMFIS_CONTINUE;
    case Verdict::Accept:
      return SMFIS_ACCEPT;
    case Verdict::Reject:
      return reply(ctx, d.reply_code.c_str(), d.extended_code.c_str(), d.text.c_str(),
                   SMFIS_REJECT);
    case Verdict::Tempfail:
      return reply(ctx, d.reply_code.c_str(), d.extended_code.c_str(), d.text.c_str(),
                   SMFIS_TEMPFAIL);
  }
  return SMFIS_TEMPFAIL;
}

// When even Connection's own guard failed, or there is no connection context: the
// configured action with fixed texts, nothing that can throw on the way out.
sfsistat last_resort(SMFICTX* ctx, const char* stage, const char* what) noexcept {
  try {
    base::log_error("internal_error", {{"stage", stage}, {"what", what}});
  } catch (...) {
    // Logging failed too (out of memory); the answer below still goes out.
  }
  switch (g_fail_action.load()) {
    case Verdict::Accept:
      return SMFIS_ACCEPT;
    case Verdict::Reject:
      return reply(ctx, "550", "5.3.0", "internal error", SMFIS_REJECT);
    case Verdict::Continue:
    case Verdict::Tempfail:
      break;
  }
  return reply(ctx, "451", "4.3.0", "internal error, try again later", SMFIS_TEMPFAIL);
}

template <typename F>
sfsistat dispatch(SMFICTX* ctx, const char* stage, F&& fn) noexcept {
  try {
    Connection* conn = connection_of(ctx);
    if (conn == nullptr) {
      return last_resort(ctx, stage, "no connection context");
    }
    return answer(ctx, fn(*conn));
  } catch (const std::exception& e) {
    return last_resort(ctx, stage, e.what());
  } catch (...) {
    return last_resort(ctx, stage, "unknown exception");
  }
}

base::Status apply_edit(SMFICTX* ctx, const HeaderEdit& edit) {
  std::string name = edit.name;  // libmilter takes char*, though it does not write
  std::string value = edit.value;
  int rc = MI_FAILURE;
  const char* call = "smfi_addheader";
  switch (edit.kind) {
    case HeaderEdit::Kind::Delete:
      call = "smfi_chgheader";
      rc = smfi_chgheader(ctx, name.data(), edit.index, nullptr);
      break;
    case HeaderEdit::Kind::Add:
      rc = smfi_addheader(ctx, name.data(), value.data());
      break;
    case HeaderEdit::Kind::Insert:
      call = "smfi_insheader";
      rc = smfi_insheader(ctx, edit.index, name.data(), value.data());
      break;
    case HeaderEdit::Kind::Quarantine:
      call = "smfi_quarantine";
      rc = smfi_quarantine(ctx, value.data());
      break;
    case HeaderEdit::Kind::ChangeFrom:
      call = "smfi_chgfrom";
      value = "<" + value + ">";
      rc = smfi_chgfrom(ctx, value.data(), nullptr);
      break;
  }
  if (rc != MI_SUCCESS) {
    return base::Error::internal(std::string(call) + " failed for " + edit.name);
  }
  return {};
}

sfsistat on_negotiate(SMFICTX*, unsigned long actions, unsigned long steps, unsigned long,
                      unsigned long, unsigned long* out_actions, unsigned long* out_steps,
                      unsigned long* out_f2, unsigned long* out_f3) {
  if ((actions & kActions) != kActions) {
    // Without header edits we could neither strip the binding nor stamp the message.
    base::log_error("negotiate_failed", {{"offered_actions", actions}});
    return SMFIS_REJECT;
  }
  *out_actions = kActions;
  unsigned long skipped = kSkippedSteps;
  if (auto filter = current_filter(); filter && filter->wants_rcpt()) {
    skipped &= ~static_cast<unsigned long>(SMFIP_NORCPT);
  }
  if (auto filter = current_filter(); filter && filter->wants_body()) {
    skipped &= ~static_cast<unsigned long>(SMFIP_NOBODY);
  }
  *out_steps = steps & skipped;
  *out_f2 = 0;
  *out_f3 = 0;
  base::log_debug(
      "negotiated",
      {{"offered_actions", actions}, {"offered_steps", steps}, {"skipped_steps", *out_steps}});
  return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX* ctx, char*, _SOCK_ADDR*) {
  try {
    // A session reset (XCLIENT) brings a new connect; libmilter calls close before it,
    // but never leak a context that is still parked here.
    std::unique_ptr<Connection> previous(connection_of(ctx));
    smfi_setpriv(ctx, nullptr);
    auto filter = current_filter();
    if (!filter) {
      throw std::logic_error("no filter installed");
    }
    auto conn = std::make_unique<Connection>(std::move(filter));
    if (smfi_setpriv(ctx, conn.get()) != MI_SUCCESS) {
      return last_resort(ctx, "connect", "smfi_setpriv failed");
    }
    conn.release();  // owned by the private slot until on_close
    return SMFIS_CONTINUE;
  } catch (const std::exception& e) {
    return last_resort(ctx, "connect", e.what());
  } catch (...) {
    return last_resort(ctx, "connect", "unknown exception");
  }
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
  return dispatch(ctx, "mail", [&](Connection& c) {
    MailInfo mail;
    if (argv != nullptr && argv[0] != nullptr) {
      mail.sender = bare_address(argv[0]);
      for (char** a = argv + 1; *a != nullptr; ++a) {
        mail.esmtp_args.emplace_back(*a);
      }
    }
    mail.auth_login = symbol(ctx, "{auth_authen}");
    mail.daemon_name = symbol(ctx, "{daemon_name}");
    return c.on_mail(mail);
  });
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
  return dispatch(ctx, "rcpt", [&](Connection& c) {
    return c.on_rcpt(argv != nullptr && argv[0] != nullptr ? argv[0] : "");
  });
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
  return dispatch(ctx, "header", [&](Connection& c) {
    return c.on_header(name != nullptr ? name : "", value != nullptr ? value : "");
  });
}

sfsistat on_eoh(SMFICTX* ctx) {
  return dispatch(ctx, "eoh", [&](Connection& c) { return c.on_end_of_headers(symbol(ctx, "i")); });
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t len) {
  return dispatch(ctx, "body", [&](Connection& c) {
    return c.on_body(std::string_view(reinterpret_cast<const char*>(chunk), len));
  });
}

sfsistat on_eom(SMFICTX* ctx) {
  return dispatch(ctx, "eom", [&](Connection& c) {
    return c.on_end_of_message(symbol(ctx, "i"),
                               [ctx](const HeaderEdit& e) { return apply_edit(ctx, e); });
  });
}

sfsistat on_abort(SMFICTX* ctx) {
  if (Connection* conn = connection_of(ctx)) {
    conn->on_abort();  // does not throw
  }
  return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) {
  std::unique_ptr<Connection> conn(connection_of(ctx));  // destroyed here, exactly once
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

}  // namespace

void install_filter(std::shared_ptr<const MessageFilter> filter) {
  Verdict action = filter ? filter->on_internal_error() : Verdict::Tempfail;
  std::lock_guard lock(g_filter_mu);
  g_filter = std::move(filter);
  g_fail_action = action;
}

base::Status register_filter() {
  smfiDesc desc{};
  desc.xxfi_name = const_cast<char*>("ark-milter");
  desc.xxfi_version = SMFI_VERSION;
  desc.xxfi_flags = kActions;
  desc.xxfi_connect = on_connect;
  desc.xxfi_envfrom = on_envfrom;
  desc.xxfi_envrcpt = on_envrcpt;
  desc.xxfi_header = on_header;
  desc.xxfi_eoh = on_eoh;
  desc.xxfi_body = on_body;
  desc.xxfi_eom = on_eom;
  desc.xxfi_abort = on_abort;
  desc.xxfi_close = on_close;
  desc.xxfi_negotiate = on_negotiate;
  if (smfi_register(desc) == MI_FAILURE) {
    return base::Error::internal("smfi_register failed");
  }
  return {};
}

}  // namespace ark::milter::smfi
