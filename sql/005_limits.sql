-- 005: tenant sending inside Postfix (issue 4): per-tenant send limits and their shared
-- counters, and what the milter records about held mail.
-- Writers: ark-milter (counters, held state, SMTP-submitted messages), ark-policyd
-- (credentials.last_used_at only), admind (tenant_send_limits, releases).

-- A tenant's own send limits (emails = recipients per window). NULL: the configured default
-- (limits.hourly/daily/monthly in milter.yaml and admind.yaml); 0: unlimited.
CREATE TABLE tenant_send_limits (
  tenant_id   VARCHAR(32)  NOT NULL PRIMARY KEY,
  hourly      INT          NULL,
  daily       INT          NULL,
  monthly     INT          NULL,
  updated_at  DATETIME(6)  NOT NULL,
  CONSTRAINT tenant_send_limits_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Emails counted per tenant and calendar window (UTC; policy/engine/limits.h). The milter
-- reserves all windows of a message in one transaction (SELECT ... FOR UPDATE, in the
-- fixed order hour, day, month), so any number of Postfix nodes share a limit exactly.
-- sandbox_day counts mail from the sandbox sender. SendLimitApproaching / SendLimitExceeded
-- go to the outbox (events, sql/004) with source_key "limit:<tenant>:<period>:<window start
-- unix>:approaching|exceeded", so each is recorded once per window, whichever node sees it.
CREATE TABLE send_counters (
  tenant_id      VARCHAR(32)  NOT NULL,
  period         ENUM('hour','day','month','sandbox_day') NOT NULL,
  window_start   DATETIME     NOT NULL,
  used           INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, period, window_start),
  KEY send_counters_start (window_start),
  CONSTRAINT send_counters_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Held mail (kept, not lost). held_at: the milter put the message into Postfix's hold
-- queue on node messages.node under messages.queue_id (the re-delivery worker releases it
-- with postsuper -H). held_reason: why this email is kept (the engine's token:
-- recipient_suppressed, send_limit_exceeded, credential_held), held_detail the human text.
-- The milter and admind's send path write these with status `pending`; the log follower
-- turns the email `held` (MessageHeld, a held attempt) when Postfix logs the hold, as it is
-- the one writer of delivery statuses.
ALTER TABLE messages ADD COLUMN held_at DATETIME(6) NULL;
ALTER TABLE emails
  ADD COLUMN held_reason VARCHAR(64)  NULL,
  ADD COLUMN held_detail VARCHAR(500) NULL;

-- ark-milter binds SMTP AUTH mail by credential name ({tenantId}/{name}, policyd's login).
-- credentials_name (tenant_id, name) of 002 already serves that lookup.
