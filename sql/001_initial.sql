-- 001: tenants, org API keys, messages and their per-recipient emails, delivery attempts,
-- and the log follower's checkpoint. All times are UTC DATETIME(6).

CREATE TABLE tenants (
  id          VARCHAR(32)  NOT NULL PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  metadata    LONGTEXT     NOT NULL CHECK (JSON_VALID(metadata)),
  status      ENUM('active','suspended','archived') NOT NULL DEFAULT 'active',
  created_at  DATETIME(6)  NOT NULL,
  updated_at  DATETIME(6)  NOT NULL,
  KEY tenants_created (created_at, id),
  KEY tenants_status (status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Bearer keys. Only a SHA-256 of the key is stored (keys carry 192 random bits, so a fast
-- hash is enough); the prefix is kept to recognise a key in listings.
CREATE TABLE api_keys (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  key_hash    CHAR(64)     NOT NULL,
  prefix      VARCHAR(16)  NOT NULL,
  name        VARCHAR(100) NOT NULL,
  tenant_id   VARCHAR(32)  NULL,  -- NULL: organisation-level key
  created_at  DATETIME(6)  NOT NULL,
  revoked_at  DATETIME(6)  NULL,
  UNIQUE KEY api_keys_hash (key_hash),
  CONSTRAINT api_keys_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per submitted MIME message (API call or SMTP transaction).
CREATE TABLE messages (
  id             VARCHAR(32)   NOT NULL PRIMARY KEY,
  tenant_id      VARCHAR(32)   NOT NULL,
  source         ENUM('api','smtp') NOT NULL,
  envelope_from  VARCHAR(320)  NOT NULL,
  from_header    VARCHAR(1000) NOT NULL,
  subject        VARCHAR(1000) NOT NULL,
  message_id_hdr VARCHAR(255)  NULL,
  tag            VARCHAR(1000) NULL,
  metadata       LONGTEXT      NULL CHECK (metadata IS NULL OR JSON_VALID(metadata)),
  node           VARCHAR(64)   NULL,  -- Postfix node that queued it
  queue_id       VARCHAR(32)   NULL,  -- Postfix queue id, recorded by ark-milter
  size_bytes     BIGINT        NULL,
  created_at     DATETIME(6)   NOT NULL,
  queued_at      DATETIME(6)   NULL,
  KEY messages_queue (queue_id),
  KEY messages_tenant (tenant_id, created_at),
  CONSTRAINT messages_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per recipient: what the API calls an email (single `to`).
CREATE TABLE emails (
  id          VARCHAR(32)  NOT NULL PRIMARY KEY,
  message_id  VARCHAR(32)  NOT NULL,
  tenant_id   VARCHAR(32)  NOT NULL,
  rcpt        VARCHAR(320) NOT NULL,
  status      ENUM('pending','sent','softfail','hardfail','held','bounced') NOT NULL
              DEFAULT 'pending',
  created_at  DATETIME(6)  NOT NULL,
  updated_at  DATETIME(6)  NOT NULL,
  KEY emails_message (message_id, rcpt),
  KEY emails_tenant (tenant_id, created_at),
  KEY emails_status (tenant_id, status, created_at),
  CONSTRAINT emails_message FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE,
  CONSTRAINT emails_tenant FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per delivery attempt derived from the Postfix log. (node, log_file_id,
-- log_offset) identifies the log line, so a line can never be counted twice.
CREATE TABLE delivery_attempts (
  id                  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email_id            VARCHAR(32)  NOT NULL,
  tenant_id           VARCHAR(32)  NOT NULL,
  status              ENUM('sent','softfail','hardfail','bounced','held') NOT NULL,
  code                INT          NULL,
  output              TEXT         NULL,
  details             TEXT         NULL,
  smtp_enhanced_code  VARCHAR(16)  NULL,
  remote_host         VARCHAR(255) NULL,
  sent_with_ssl       TINYINT(1)   NOT NULL DEFAULT 0,
  classification      VARCHAR(32)  NULL,
  classification_code INT          NULL,
  node                VARCHAR(64)  NOT NULL,
  log_file_id         VARCHAR(64)  NOT NULL,
  log_offset          BIGINT       NOT NULL,
  attempted_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY attempts_line (node, log_file_id, log_offset, email_id),
  KEY attempts_email (email_id, id),
  KEY attempts_tenant (tenant_id, attempted_at),
  CONSTRAINT attempts_email FOREIGN KEY (email_id) REFERENCES emails(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where each node's log follower stands: file identity (device:inode) and byte offset of
-- the first line not yet applied.
CREATE TABLE log_checkpoints (
  node        VARCHAR(64)  NOT NULL PRIMARY KEY,
  file_id     VARCHAR(64)  NOT NULL,
  file_offset BIGINT       NOT NULL,
  updated_at  DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
