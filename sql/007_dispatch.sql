-- 007: event dispatch (issue 7): the webhook signing keys and the per-target delivery jobs
-- the `events` role of admind works through. Writers: admind (events role: fan-out and
-- delivery workers; api role: the first signing key; arkctl rotate-webhook-key).
--
-- Path of an event: the outbox row (events, sql/004) is claimed with FOR UPDATE SKIP
-- LOCKED; in that transaction one dispatch_jobs row per subscribed target is inserted (the
-- envelope body and its signature included) and the event is marked dispatched. Workers then
-- claim due jobs, send them, and record every attempt in webhook_deliveries /
-- platform_webhook_deliveries (sql/002) in the transaction that reschedules or retires the
-- job. See admind/events/dispatch_store.h.

-- RSA keys that sign webhook bodies (X-Ark-Signature). kid = hex SHA-256 of the DER public
-- key. Exactly one key is active (the generated active_flag is unique; NULL never clashes);
-- retired keys stay published in /.well-known/jwks.json so receivers can verify what they
-- signed, but lose their private half (private_sealed NULL): nothing signs with them again.
-- private_sealed: core/seal with context "webhook-signing-key:<kid>".
CREATE TABLE webhook_signing_keys (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kid             CHAR(64)     NOT NULL,
  state           ENUM('active','retired') NOT NULL,
  public_pem      TEXT         NOT NULL,
  private_sealed  TEXT         NULL,
  created_at      DATETIME(6)  NOT NULL,
  retired_at      DATETIME(6)  NULL,
  active_flag     TINYINT      AS (IF(state = 'active', 1, NULL)) STORED,
  UNIQUE KEY webhook_signing_keys_kid (kid),
  UNIQUE KEY webhook_signing_keys_active (active_flag)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per (event, target) still to be delivered, or given up on.
--   target      "tenant:<webhooks.id>", "platform:<platform_webhooks.id>" or
--               "sink:<plugin instance name>"; (event_uuid, target) is unique, so a fan-out
--               repeated after a crash cannot double a job
--   body        the exact bytes to send (the envelope of behaviour.md §3.2)
--   signature   X-Ark-Signature of body, made once at fan-out (NULL for sinks); kid names
--               the key (X-Ark-Signature-KID)
--   attempt     number of the next attempt (1 = first)
--   due_at      when the next attempt may start; while a worker holds the job it is the
--               end of the lease (lease_until), so a crashed worker's job comes back by itself
--   lease_until set while claimed (with claimed_by, the claiming admind's node name): a
--               restarted admind takes its own leased jobs back at once
--   state       pending, or failed (retries exhausted or refused for good; kept with
--               last_error for operators). A delivered job is deleted: its history is the
--               attempt records.
CREATE TABLE dispatch_jobs (
  id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id     BIGINT        NOT NULL,
  event_uuid   CHAR(36)      NOT NULL,
  event        VARCHAR(40)   NOT NULL,
  tenant_id    VARCHAR(32)   NOT NULL,
  target       VARCHAR(100)  NOT NULL,
  body         LONGTEXT      NOT NULL,
  signature    TEXT          NULL,
  kid          CHAR(64)      NULL,
  occurred_at  DATETIME(6)   NOT NULL,
  attempt      INT           NOT NULL DEFAULT 1,
  state        ENUM('pending','failed') NOT NULL DEFAULT 'pending',
  due_at       DATETIME(6)   NOT NULL,
  lease_until  DATETIME(6)   NULL,
  claimed_by   VARCHAR(64)   NULL,
  last_error   VARCHAR(1000) NULL,
  created_at   DATETIME(6)   NOT NULL,
  updated_at   DATETIME(6)   NOT NULL,
  UNIQUE KEY dispatch_jobs_once (event_uuid, target),
  KEY dispatch_jobs_due (state, due_at),
  KEY dispatch_jobs_lease (claimed_by, lease_until),
  KEY dispatch_jobs_tenant (tenant_id),
  CONSTRAINT dispatch_jobs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Attempt records of event deliveries are looked up by event (tests, operators).
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_uuid);
CREATE INDEX platform_deliveries_event ON platform_webhook_deliveries (event_uuid);
