-- 004: delivery truth (issue 6): the event outbox written in the same transaction as every
-- email state change, the NDRs received on the return-path host, and the few columns the
-- log follower adds to attempts and emails. Writers: admind's `logs` role (follower, bounce
-- intake, re-delivery worker). Readers: the API (deliveries) and the events dispatcher.

-- A small numeric id per email: webhook payloads carry `message.id` as an integer next to
-- the string `token` (behaviour.md §3.3); the token stays emails.id.
ALTER TABLE emails ADD COLUMN seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE;

-- The Postfix queue entry an attempt belongs to (a manual re-send gets a new one).
ALTER TABLE delivery_attempts ADD COLUMN queue_id VARCHAR(32) NULL;

-- The transactional outbox. One row per event, written in the transaction that changed the
-- email it reports on, so an event exists exactly when its state change does.
--   uuid        stable across dispatch retries (receivers dedupe on it)
--   source_key  what caused it: "log:<node>:<file id>:<offset>:<email>" for a log line,
--               "ndr:<bounce id>" for an NDR; unique, so a cause never records two events
--   payload     the event object of behaviour.md §3.3 (without the envelope)
--   occurred_at the event's `timestamp`
-- The dispatcher (issue 7) claims rows in dispatch_state 'pending' (FOR UPDATE SKIP LOCKED)
-- and moves them on; it may add the columns it needs.
CREATE TABLE events (
  id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid           CHAR(36)     NOT NULL,
  tenant_id      VARCHAR(32)  NOT NULL,
  type           VARCHAR(40)  NOT NULL,
  email_id       VARCHAR(32)  NULL,
  source_key     VARCHAR(190) NOT NULL,
  payload        LONGTEXT     NOT NULL CHECK (JSON_VALID(payload)),
  occurred_at    DATETIME(6)  NOT NULL,
  created_at     DATETIME(6)  NOT NULL,
  dispatch_state ENUM('pending','dispatched','failed') NOT NULL DEFAULT 'pending',
  dispatched_at  DATETIME(6)  NULL,
  UNIQUE KEY events_uuid (uuid),
  UNIQUE KEY events_source (source_key),
  KEY events_dispatch (dispatch_state, id),
  KEY events_tenant (tenant_id, created_at),
  KEY events_email (email_id, id),
  CONSTRAINT events_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Non-delivery reports received for sent mail (the `bounce` message of MessageBounced).
-- ndr_key = SHA-256 of the NDR's Message-ID (or of its text when it has none): the same
-- report delivered twice (LMTP retry after a crash) is recorded once per email.
CREATE TABLE bounces (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token           VARCHAR(32)   NOT NULL,
  tenant_id       VARCHAR(32)   NOT NULL,
  email_id        VARCHAR(32)   NOT NULL,
  ndr_key         CHAR(64)      NOT NULL,
  message_id_hdr  VARCHAR(998)  NULL,
  from_header     VARCHAR(1000) NOT NULL,
  rcpt            VARCHAR(320)  NOT NULL,
  subject         VARCHAR(1000) NOT NULL,
  dsn_action      VARCHAR(32)   NULL,
  dsn_status      VARCHAR(16)   NULL,
  remote_mta      VARCHAR(255)  NULL,
  diagnostic      TEXT          NULL,
  received_at     DATETIME(6)   NOT NULL,
  UNIQUE KEY bounces_token (token),
  UNIQUE KEY bounces_ndr (email_id, ndr_key),
  KEY bounces_tenant (tenant_id, received_at),
  CONSTRAINT bounces_email FOREIGN KEY (email_id) REFERENCES emails(id) ON DELETE CASCADE,
  CONSTRAINT bounces_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lets the follower find the emails of a queue id on a node without scanning.
CREATE INDEX messages_node_queue ON messages (node, queue_id);
