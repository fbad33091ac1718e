-- 002: the tenant-owned resources of the REST API (api.md §4.6-4.10, §4.12): credentials,
-- sending domains, suppressions, tenant webhooks and their delivery records, track domains,
-- platform webhooks and their delivery records. Every tenant-owned table has tenant_id with
-- ON DELETE CASCADE, so deleting a tenant removes everything it owns in one statement.
-- Secrets (credential keys, DKIM private keys) are stored sealed (core/seal, AES-256-GCM).

-- SMTP and API credentials. The key is looked up by SHA-256 (keys carry ~190 random bits)
-- and also kept sealed, because GET ...?reveal=true must show it again (design.md §3).
-- An `api` credential is also a tenant-scoped Bearer key: its hash is in api_keys too
-- (api_key_id), revoked there while the credential is held or after it is deleted.
CREATE TABLE credentials (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id     VARCHAR(32)  NOT NULL,
  name          VARCHAR(50)  NOT NULL,
  type          ENUM('smtp','api') NOT NULL,
  key_hash      CHAR(64)     NOT NULL,
  key_sealed    TEXT         NOT NULL,
  hold          TINYINT(1)   NOT NULL DEFAULT 0,
  api_key_id    BIGINT       NULL,
  last_used_at  DATETIME(6)  NULL,
  created_at    DATETIME(6)  NOT NULL,
  updated_at    DATETIME(6)  NOT NULL,
  UNIQUE KEY credentials_hash (key_hash),
  UNIQUE KEY credentials_name (tenant_id, name),
  KEY credentials_list (tenant_id, created_at, id),
  CONSTRAINT credentials_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE,
  CONSTRAINT credentials_api_key FOREIGN KEY (api_key_id) REFERENCES api_keys(id)
    ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sending domains. Names are unique per tenant; a name may be added by several tenants but
-- verified by only one (verified_name is the name once verified_at is set, and unique).
-- Per-record DNS status: NULL = never checked (api.md §3.3).
CREATE TABLE domains (
  id                  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid                CHAR(36)     NOT NULL,
  tenant_id           VARCHAR(32)  NOT NULL,
  name                VARCHAR(253) NOT NULL,
  zone                VARCHAR(253) NOT NULL,
  dkim_selector       VARCHAR(63)  NOT NULL,
  dkim_key_type       ENUM('rsa','ed25519') NOT NULL DEFAULT 'rsa',
  dkim_private_sealed TEXT         NOT NULL,
  dkim_public_txt     TEXT         NOT NULL,
  spf_status          ENUM('OK','Missing','Invalid') NULL,
  dkim_status         ENUM('OK','Missing','Invalid') NULL,
  return_path_status  ENUM('OK','Missing','Invalid') NULL,
  dns_checked_at      DATETIME(6)  NULL,
  verified_at         DATETIME(6)  NULL,
  verified_name       VARCHAR(253) AS (IF(verified_at IS NULL, NULL, name)) STORED,
  created_at          DATETIME(6)  NOT NULL,
  updated_at          DATETIME(6)  NOT NULL,
  UNIQUE KEY domains_uuid (uuid),
  UNIQUE KEY domains_name (tenant_id, name),
  UNIQUE KEY domains_verified_name (verified_name),
  KEY domains_by_name (name),
  CONSTRAINT domains_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Suppressed recipients per tenant. The log follower writes here too (INSERT ... ON
-- DUPLICATE KEY with reasons `hard fail` / `too many soft fails`, DELETE on a successful
-- delivery): keep these column names. The _ci collation makes address matching
-- case-insensitive.
CREATE TABLE suppressions (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id   VARCHAR(32)  NOT NULL,
  address     VARCHAR(320) NOT NULL,
  reason      VARCHAR(255) NULL,
  created_at  DATETIME(6)  NOT NULL,
  UNIQUE KEY suppressions_address (tenant_id, address),
  KEY suppressions_list (tenant_id, created_at, id),
  CONSTRAINT suppressions_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Tenant webhooks. events: JSON array of event type names.
CREATE TABLE webhooks (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid        CHAR(36)      NOT NULL,
  tenant_id   VARCHAR(32)   NOT NULL,
  name        VARCHAR(255)  NOT NULL,
  url         VARCHAR(2048) NOT NULL,
  events      TEXT          NOT NULL CHECK (JSON_VALID(events)),
  all_events  TINYINT(1)    NOT NULL DEFAULT 0,
  enabled     TINYINT(1)    NOT NULL DEFAULT 1,
  created_at  DATETIME(6)   NOT NULL,
  updated_at  DATETIME(6)   NOT NULL,
  UNIQUE KEY webhooks_uuid (uuid),
  KEY webhooks_tenant (tenant_id, created_at),
  CONSTRAINT webhooks_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per delivery attempt to a tenant webhook (api.md §3.13). The dispatcher (issue 7)
-- claims rows whose attempted_at is NULL (pending: recorded by test/replay or by the outbox)
-- and fills in the outcome. payload is the exact body POSTed; request_headers a JSON object.
CREATE TABLE webhook_deliveries (
  id              VARCHAR(32)   NOT NULL PRIMARY KEY,
  webhook_id      BIGINT        NOT NULL,
  tenant_id       VARCHAR(32)   NOT NULL,
  kind            ENUM('event','test','replay') NOT NULL DEFAULT 'event',
  replay_of       VARCHAR(32)   NULL,
  event           VARCHAR(40)   NOT NULL,
  event_uuid      CHAR(36)      NOT NULL,
  url             VARCHAR(2048) NOT NULL,
  attempt         INT           NOT NULL DEFAULT 1,
  status_code     INT           NULL,
  success         TINYINT(1)    NOT NULL DEFAULT 0,
  will_retry      TINYINT(1)    NOT NULL DEFAULT 0,
  request_headers TEXT          NOT NULL CHECK (JSON_VALID(request_headers)),
  payload         LONGTEXT      NOT NULL CHECK (JSON_VALID(payload)),
  response_body   TEXT          NULL,
  error           VARCHAR(1000) NULL,
  duration_ms     INT           NULL,
  created_at      DATETIME(6)   NOT NULL,
  attempted_at    DATETIME(6)   NULL,
  KEY webhook_deliveries_list (webhook_id, created_at, id),
  KEY webhook_deliveries_tenant (tenant_id, created_at),
  KEY webhook_deliveries_pending (attempted_at, created_at),
  CONSTRAINT webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks(id)
    ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Track domains (CNAME <name>.<sending domain> -> the platform's tracking host).
CREATE TABLE track_domains (
  id                     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id              VARCHAR(32)  NOT NULL,
  domain_id              BIGINT       NOT NULL,
  name                   VARCHAR(63)  NOT NULL,
  full_name              VARCHAR(253) NOT NULL,
  ssl_enabled            TINYINT(1)   NOT NULL DEFAULT 1,
  track_clicks           TINYINT(1)   NOT NULL DEFAULT 1,
  track_opens            TINYINT(1)   NOT NULL DEFAULT 1,
  excluded_click_domains TEXT         NULL,
  dns_status             ENUM('ok','missing','invalid') NULL,
  dns_error              VARCHAR(1000) NULL,
  dns_checked_at         DATETIME(6)  NULL,
  created_at             DATETIME(6)  NOT NULL,
  updated_at             DATETIME(6)  NOT NULL,
  UNIQUE KEY track_domains_name (domain_id, name),
  KEY track_domains_tenant (tenant_id, created_at),
  KEY track_domains_host (full_name),
  CONSTRAINT track_domains_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE,
  CONSTRAINT track_domains_domain FOREIGN KEY (domain_id) REFERENCES domains(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Organisation-wide webhooks; events: JSON array, empty = every event.
CREATE TABLE platform_webhooks (
  id          VARCHAR(32)   NOT NULL PRIMARY KEY,
  name        VARCHAR(255)  NOT NULL,
  url         VARCHAR(2048) NOT NULL,
  events      TEXT          NOT NULL CHECK (JSON_VALID(events)),
  enabled     TINYINT(1)    NOT NULL DEFAULT 1,
  created_at  DATETIME(6)   NOT NULL,
  updated_at  DATETIME(6)   NOT NULL,
  KEY platform_webhooks_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Delivery attempts to platform webhooks; same life cycle as webhook_deliveries. tenant_id
-- is NULL for test sends, which belong to no tenant.
CREATE TABLE platform_webhook_deliveries (
  id              VARCHAR(32)   NOT NULL PRIMARY KEY,
  webhook_id      VARCHAR(32)   NOT NULL,
  tenant_id       VARCHAR(32)   NULL,
  kind            ENUM('event','test','replay') NOT NULL DEFAULT 'event',
  replay_of       VARCHAR(32)   NULL,
  event           VARCHAR(40)   NOT NULL,
  event_uuid      CHAR(36)      NOT NULL,
  url             VARCHAR(2048) NOT NULL,
  attempt         INT           NOT NULL DEFAULT 1,
  status_code     INT           NULL,
  success         TINYINT(1)    NOT NULL DEFAULT 0,
  will_retry      TINYINT(1)    NOT NULL DEFAULT 0,
  request_headers TEXT          NOT NULL CHECK (JSON_VALID(request_headers)),
  payload         LONGTEXT      NOT NULL CHECK (JSON_VALID(payload)),
  response_body   TEXT          NULL,
  error           VARCHAR(1000) NULL,
  duration_ms     INT           NULL,
  created_at      DATETIME(6)   NOT NULL,
  attempted_at    DATETIME(6)   NULL,
  KEY platform_deliveries_list (created_at, id),
  KEY platform_deliveries_webhook (webhook_id, created_at),
  KEY platform_deliveries_tenant (tenant_id, created_at),
  KEY platform_deliveries_pending (attempted_at, created_at),
  CONSTRAINT platform_deliveries_webhook FOREIGN KEY (webhook_id)
    REFERENCES platform_webhooks(id) ON DELETE CASCADE,
  CONSTRAINT platform_deliveries_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
