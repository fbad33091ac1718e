// admind's `logs` role (design.md §2), one per Postfix node: the log follower, the bounce
// intake with its LMTP server (when bounces.lmtp_socket is set), and the re-delivery worker
// behind manual retries. Built from the config by create(); main() starts and stops it.
//
// Config keys read: logs.* (follower.h), bounces.lmtp_socket, bounces.lmtp_socket_group,
// bounces.suppress_on_ndr, postfix.config_directory, api.message_id_domain (LMTP greeting).
//
// Ownership: owns its parts; borrows the pool and clock, which must outlive it.
// Thread-safety: start/stop from one thread.
#pragma once

#include <memory>
#include <string>

#include "admind/delivery/bounce_intake.h"
#include "admind/delivery/limit_release.h"
#include "admind/delivery/lmtp_server.h"
#include "admind/delivery/redelivery.h"
#include "admind/logs/follower.h"
#include "core/base/result.h"

namespace ark::admind::logs {

class LogsRole {
 public:
  // binding_secret: also the secret of return paths. submit: how re-sent mail reaches the
  // local Postfix. Errors: Invalid for bad settings.
  static base::Result<std::unique_ptr<LogsRole>> create(const config::Config& cfg,
                                                        storage::DbPool& db,
                                                        const base::Clock& clock,
                                                        const std::string& binding_secret,
                                                        delivery::SubmitFn submit);
  ~LogsRole();
  // Errors: the LMTP socket cannot be created (Internal/Invalid).
  base::Status start();
  void stop();

 private:
  LogsRole() = default;
  std::unique_ptr<Follower> follower_;
  std::unique_ptr<delivery::BounceIntake> intake_;
  std::unique_ptr<delivery::LmtpServer> lmtp_;
  std::unique_ptr<delivery::RedeliveryWorker> redelivery_;
  std::unique_ptr<delivery::LimitRelease> limit_release_;  // null: logs.release_interval 0
};

}  // namespace ark::admind::logs
