-- 003: the API platform's own state (issue 3): the request log behind GET /logs, the
-- Idempotency-Key records, the stored raw MIME of API sends (expand=content/headers/raw/
-- attachments, manual retry) and the manual retry requests. The API rate limit is kept in
-- memory per process (admind/http/rate_limiter.h), not here.

-- One row per API request, written after the response went out (api.md §3.15).
-- tenant_id is the tenant of a tenant-scoped key (NULL: organisation key or no valid key),
-- and decides who may read the row. Bodies are redacted before they are stored (no
-- Authorization header, no credential secrets), cut at 25 KB, and sealed when admind has
-- a seal key (body_sealed = 1). Rows older than retention.api_logs are purged by admind.
CREATE TABLE api_request_logs (
  id                 BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  request_id         VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  tenant_id          VARCHAR(32)   NULL,
  key_id             BIGINT        NULL,
  key_prefix         VARCHAR(16)   NULL,
  method             VARCHAR(8)    NOT NULL,
  path               VARCHAR(2048) NOT NULL,
  endpoint           VARCHAR(64)   NOT NULL,
  status_code        SMALLINT      NOT NULL,
  duration_ms        INT           NOT NULL,
  ip_address         VARCHAR(64)   NULL,
  user_agent         VARCHAR(512)  NULL,
  idempotency_key    VARCHAR(255)  NULL,
  query_params       TEXT          NULL CHECK (query_params IS NULL OR JSON_VALID(query_params)),
  rate_limit         INT           NULL,
  rate_remaining     INT           NULL,
  rate_reset         BIGINT        NULL,
  rate_limited       TINYINT(1)    NOT NULL DEFAULT 0,
  email_id           VARCHAR(32)   NULL,
  recipient_count    INT           NULL,
  error_code         VARCHAR(64)   NULL,
  error_message      VARCHAR(1000) NULL,
  sdk_name           VARCHAR(64)   NULL,
  sdk_version        VARCHAR(64)   NULL,
  body_sealed        TINYINT(1)    NOT NULL DEFAULT 0,
  request_body       MEDIUMTEXT    NULL,
  request_body_size  INT           NULL,
  response_body      MEDIUMTEXT    NULL,
  response_body_size INT           NULL,
  received_at        DATETIME(6)   NOT NULL,
  UNIQUE KEY api_logs_request (request_id),
  KEY api_logs_time (received_at, id),
  KEY api_logs_tenant (tenant_id, received_at, id),
  KEY api_logs_endpoint (endpoint, received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key records (behaviour.md Appendix C.1). The primary key is the lock: the
-- first request inserts (owner, key) in state in_flight; a concurrent duplicate hits the
-- unique key and never runs the handler. owner is 'org' for organisation keys or
-- 't:<tenantId>' for tenant-scoped keys. request_hash = SHA-256 of method, path and the
-- canonical JSON body. Only 2xx/207 responses are kept (state done); any other outcome
-- deletes the row so the caller may try again.
CREATE TABLE idempotency_keys (
  owner          VARCHAR(40)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  idem_key       VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_hash   CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state          ENUM('in_flight','done') NOT NULL,
  status_code    SMALLINT     NULL,
  response_body  MEDIUMTEXT   NULL,
  content_type   VARCHAR(100) NULL,
  created_at     DATETIME(6)  NOT NULL,
  expires_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (owner, idem_key),
  KEY idempotency_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The composed MIME message of an API send, as handed to Postfix minus the internal
-- binding header. Cleared (set NULL) after retention.raw_messages; while it is set the
-- email can be retried manually (canRetryManually).
ALTER TABLE messages ADD COLUMN raw_message LONGBLOB NULL;

-- Manual retries (POST /emails/{id}/retry). A row is the request; the re-delivery worker
-- (issue 6) flushes or re-submits the message and sets handled_at. retryState.manual is
-- true while the email is queued because of such a request.
CREATE TABLE email_retries (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email_id      VARCHAR(32)  NOT NULL,
  tenant_id     VARCHAR(32)  NOT NULL,
  key_id        BIGINT       NULL,
  requested_at  DATETIME(6)  NOT NULL,
  handled_at    DATETIME(6)  NULL,
  outcome       VARCHAR(255) NULL,
  KEY email_retries_email (email_id, requested_at),
  KEY email_retries_pending (handled_at, requested_at),
  CONSTRAINT email_retries_email FOREIGN KEY (email_id) REFERENCES emails(id) ON DELETE CASCADE,
  CONSTRAINT email_retries_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Usage is counted from emails rows by tenant and creation time.
CREATE INDEX emails_created ON emails (created_at, tenant_id, status);
