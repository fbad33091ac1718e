-- 006: DKIM beyond the one RSA key of 002 (issue 5): an optional Ed25519 key signed as a
-- second signature (RFC 8463), key rotation to a new selector without a signing gap, and
-- the state the DNS re-check keeps so that DomainDNSError is recorded once per change.
--
-- Ed25519: its own selector (the RSA selector + "e"), sealed with context
-- "dkim-ed25519:<uuid>". ark-milter adds the Ed25519 signature only once the re-check or
-- verify has seen its TXT record (dkim_ed25519_verified_at), so a key nobody published
-- never produces a signature that fails.
--
-- Rotation: `arkctl dkim rotate` stores the next key in dkim_next_* (sealed with the same
-- context "dkim:<uuid>" as the current key). Signing goes on with the current key until a
-- DNS check finds the next selector's TXT record; then, in one UPDATE, the next key becomes
-- the current one and the old selector moves to dkim_previous_selector (its record can be
-- removed by the tenant after the receivers' caches expired). So there is never a moment
-- when mail is signed with a key whose record is not published.
ALTER TABLE domains
  ADD COLUMN dkim_ed25519_selector       VARCHAR(63) NULL,
  ADD COLUMN dkim_ed25519_private_sealed TEXT        NULL,
  ADD COLUMN dkim_ed25519_public_txt     TEXT        NULL,
  ADD COLUMN dkim_ed25519_verified_at    DATETIME(6) NULL,
  ADD COLUMN dkim_next_selector          VARCHAR(63) NULL,
  ADD COLUMN dkim_next_private_sealed    TEXT        NULL,
  ADD COLUMN dkim_next_public_txt        TEXT        NULL,
  ADD COLUMN dkim_next_created_at        DATETIME(6) NULL,
  ADD COLUMN dkim_previous_selector      VARCHAR(63) NULL,
  ADD COLUMN dkim_rotated_at             DATETIME(6) NULL;

-- The DNS re-check's memory (admind/dns_monitor): NULL while every required record was OK
-- at the last conclusive check, otherwise a short fingerprint of the failing statuses
-- ("dkim=Missing"). DomainDNSError is recorded when the fingerprint changes to a new
-- non-NULL value; dns_alert_at is when that happened.
ALTER TABLE domains
  ADD COLUMN dns_alert_state VARCHAR(255) NULL,
  ADD COLUMN dns_alert_at    DATETIME(6)  NULL;

-- ark-milter looks keys up by tenant and verified name on every signed message (cached).
CREATE INDEX domains_signing ON domains (tenant_id, verified_name);
