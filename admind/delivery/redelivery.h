// The re-delivery worker: carries out manual retries (POST /v1/emails/{id}/retry records a
// row in `email_retries`; behaviour.md §1.4) against the real Postfix.
//
//   email status   where the message is                 action
//   softfail       queued on this node                  postqueue -c <dir> -i <queue id>:
//                                                        Postfix tries it now (flush)
//   held           in this node's hold queue             postsuper -c <dir> -H <queue id>
//                  (the log showed the hold)             (release; needs root)
//   held/hardfail  not in a queue (held before Postfix,  re-submit the stored MIME text
//                  or finished)                          (messages.raw_message) for this
//                                                        recipient only
//   anything else  -                                     nothing (outcome says why)
// A re-submission gives the email a new messages row (a copy of the original, raw text
// included) and a fresh X-Ark-Binding, so ark-milter binds it and records the new queue id
// exactly as for a first send; the email moves to that row and back to `pending`. Its
// attempts stay with the email, so the history shows every try. Other recipients of the
// original submission are untouched.
//
// Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED and marked handled (handled_at,
// outcome) before the action runs, so a crash never repeats a re-submission (at most it
// loses one retry, which the caller can request again). A failed submission (Postfix down)
// is undone and the request left pending for the next pass. Each node handles the requests
// of messages queued on it; requests for messages never queued go to any node.
//
// Ownership: borrows the pool and clock; owns its thread.
// Thread-safety: start/stop from one thread; run_once() is for tests (not concurrently).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/periodic.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::delivery {

struct RedeliverySettings {
  std::string node;
  std::string postfix_config_dir;  // passed as -c; "" -> Postfix's default
  std::string postqueue = "postqueue";
  std::string postsuper = "postsuper";
  std::string binding_secret;
  std::string return_path_host;  // VERP envelope sender of resubmissions; empty: envelope_from
  int poll_ms = 1000;
};

// Hands a complete message (headers and body, CRLF) to the local Postfix; returns its final
// reply ("250 2.0.0 Ok: queued as ..."). Errors: Transient (retry later) or Permanent.
using SubmitFn = std::function<base::Result<std::string>(const std::string& envelope_from,
                                                         const std::vector<std::string>& rcpts,
                                                         const std::string& text)>;

// Runs argv (no shell); returns the exit status, stderr+stdout (first 4 KiB) in *output.
using RunFn = std::function<int(const std::vector<std::string>& argv, std::string* output)>;
int run_program(const std::vector<std::string>& argv, std::string* output);

struct RedeliveryStats {
  int handled = 0;
  int flushed = 0;
  int released = 0;
  int resubmitted = 0;
  int deferred = 0;  // left for the next pass
};

class RedeliveryWorker {
 public:
  RedeliveryWorker(RedeliverySettings s, storage::DbPool& db, const base::Clock& clock,
                   SubmitFn submit, RunFn run = run_program);
  ~RedeliveryWorker();
  void start();
  void stop();
  base::Result<RedeliveryStats> run_once();

 private:
  struct Request;
  base::Result<std::vector<Request>> claim(int limit);
  void handle(const Request& r, RedeliveryStats* stats);
  void resubmit(const Request& r, RedeliveryStats* stats);
  void postfix_action(const Request& r, const std::string& tool, const char* flag, const char* done,
                      RedeliveryStats* stats);
  void finish(int64_t request_id, const std::string& outcome);

  RedeliverySettings s_;
  storage::DbPool& db_;
  const base::Clock& clock_;
  SubmitFn submit_;
  RunFn run_;
  base::Periodic periodic_;
};

}  // namespace ark::admind::delivery
