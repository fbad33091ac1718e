// The limit release: mail held because its tenant was over a send limit goes out by itself
// once the windows have room again (behaviour.md Appendix C.6: "released when the window
// allows (or by retry)"); sql/008.
//
// Each pass, per node (the hold queue is the node's own): the node's held messages whose
// every email is held for `send_limit_exceeded`, oldest hold first. For each, one
// transaction locks the tenant's counters (policy/store/send_counters.h, as ark-milter's
// admission does), and if the whole message fits every window it is counted there and
// marked release_requested_at; after the commit `postsuper -H <queue id>` releases it, and
// the log follower takes it from there (held_at cleared, then the delivery lines). A message
// that does not fit stops its tenant's pass, so held mail leaves in the order it came.
// A message whose release was requested but is still held (a crash before postsuper, or a
// failed postsuper) is released again after a minute and never counted twice.
//
// Manual retries (POST /v1/emails/{id}/retry) do not go through here and are not counted.
//
// Ownership: borrows the pool and clock; owns its thread.
// Thread-safety: start/stop from one thread; run_once() is for tests (not concurrently).
#pragma once

#include <cstdint>
#include <string>

#include "admind/delivery/redelivery.h"
#include "core/base/clock.h"
#include "core/base/periodic.h"
#include "core/base/result.h"
#include "core/storage/db.h"
#include "policy/engine/limits.h"

namespace ark::admind::delivery {

struct LimitReleaseSettings {
  std::string node;
  std::string postfix_config_dir;  // passed as -c; "" -> Postfix's default
  std::string postsuper = "postsuper";
  policy::Limits defaults;  // limits.* (a tenant's tenant_send_limits row wins)
  int64_t poll_ms = 10000;
  int batch = 200;
};

struct LimitReleaseStats {
  int released = 0;  // counted now and handed to postsuper -H
  int again = 0;     // released again (requested earlier, still held)
  int waiting = 0;   // still over a limit
  int failed = 0;    // postsuper failed (tried again next pass)
};

class LimitRelease {
 public:
  LimitRelease(LimitReleaseSettings s, storage::DbPool& db, const base::Clock& clock,
               RunFn run = run_program);
  void start();
  void stop();
  base::Result<LimitReleaseStats> run_once();

 private:
  struct Held;
  base::Result<bool> count_in(const Held& h);  // true: counted; false: does not fit
  bool release(const Held& h);

  LimitReleaseSettings s_;
  storage::DbPool& db_;
  const base::Clock& clock_;
  RunFn run_;
  base::Periodic periodic_;
};

}  // namespace ark::admind::delivery
