// The logs role's composition; see logs_role.h.
#include "admind/logs/logs_role.h"

#include "policy/engine/policy_config.h"

namespace ark::admind::logs {

base::Result<std::unique_ptr<LogsRole>> LogsRole::create(const config::Config& cfg,
                                                         storage::DbPool& db,
                                                         const base::Clock& clock,
                                                         const std::string& binding_secret,
                                                         delivery::SubmitFn submit) {
  if (binding_secret.empty()) {
    return base::Error::invalid("binding.secret_file: the logs role needs the secret");
  }
  std::unique_ptr<LogsRole> r(new LogsRole);
  FollowerSettings fs = follower_settings(cfg);
  r->follower_ = std::make_unique<Follower>(fs, db, clock);
  std::string socket = cfg.get_string("bounces.lmtp_socket");
  if (!socket.empty()) {
    r->intake_ = std::make_unique<delivery::BounceIntake>(
        delivery::BounceSettings{binding_secret, fs.node, cfg.get_bool("bounces.suppress_on_ndr")},
        db, clock);
    delivery::LmtpSettings ls;
    ls.socket_path = socket;
    ls.socket_group = cfg.get_string("bounces.lmtp_socket_group");
    ls.hostname = cfg.get_string("api.message_id_domain");
    r->lmtp_ = std::make_unique<delivery::LmtpServer>(ls, *r->intake_);
  }
  delivery::RedeliverySettings rs;
  rs.node = fs.node;
  rs.postfix_config_dir = cfg.get_string("postfix.config_directory");
  rs.binding_secret = binding_secret;
  // VERP return paths only when their reports have somewhere to go (as in main.cpp).
  rs.return_path_host = socket.empty() ? "" : cfg.get_string("dns.return_path_host");
  r->redelivery_ = std::make_unique<delivery::RedeliveryWorker>(rs, db, clock, std::move(submit));
  if (int64_t every = cfg.get_duration_ms("logs.release_interval"); every > 0) {
    auto policy = policy::send_policy_settings(cfg);
    if (!policy) {
      return policy.error();
    }
    delivery::LimitReleaseSettings ls;
    ls.node = fs.node;
    ls.postfix_config_dir = rs.postfix_config_dir;
    ls.defaults = policy->default_limits;
    ls.poll_ms = every;
    r->limit_release_ = std::make_unique<delivery::LimitRelease>(ls, db, clock);
  }
  return r;
}

LogsRole::~LogsRole() {
  stop();
}

base::Status LogsRole::start() {
  if (lmtp_) {
    base::Status st = lmtp_->start();
    if (!st) {
      return st;
    }
  }
  follower_->start();
  redelivery_->start();
  if (limit_release_) {
    limit_release_->start();
  }
  return {};
}

void LogsRole::stop() {
  if (lmtp_) {
    lmtp_->stop();
  }
  if (follower_) {
    follower_->stop();
  }
  if (redelivery_) {
    redelivery_->stop();
  }
  if (limit_release_) {
    limit_release_->stop();
  }
}

}  // namespace ark::admind::logs
