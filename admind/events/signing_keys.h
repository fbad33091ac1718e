// The webhook signing keys (table webhook_signing_keys, sql/007) and the in-memory key ring
// the signer is read from.
//
// Storage: one active RSA-2048 key, private half sealed (core/seal, context
// "webhook-signing-key:<kid>", key from seal.key_file); retired keys keep only their public
// half and stay in the JWKS, so receivers can still verify what was signed before a
// rotation. Every admind of a fleet reads the same rows, so they all sign with the same key
// and publish the same JWKS.
//   load_or_create  at startup: the first admind to find no key generates one; a
//                   concurrent one loses the race on the unique active flag and loads the
//                   winner's key instead.
//   rotate          (arkctl rotate-webhook-key) a new active key in one transaction; the old
//                   one is retired. Running admind processes pick it up at their next
//                   refresh (events.key_refresh); until then they sign with the old key,
//                   which is still published.
//   drop            (arkctl drop-webhook-key) removes a retired key from the JWKS, for after
//                   receivers no longer need it.
// Errors: NotFound (no active key / no such key), Invalid (a key that does not unseal or
// parse: wrong seal key), Conflict (drop of the active key), Transient/Internal (database).
//
// Thread-safety: SigningKeyStore is stateless over the pool; KeyRing is internally locked
// and hands out immutable signers (shared_ptr<const>), so readers never block a swap.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admind/events/signer.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/seal/seal.h"
#include "core/storage/db.h"

namespace ark::events {

struct SigningKeyInfo {
  std::string kid;
  std::string state;  // active | retired
  int64_t created_us = 0;
  std::optional<int64_t> retired_us;
};

class KeyRing {
 public:
  explicit KeyRing(std::shared_ptr<const WebhookSigner> signer) : signer_(std::move(signer)) {}
  std::shared_ptr<const WebhookSigner> current() const;
  void set(std::shared_ptr<const WebhookSigner> signer);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const WebhookSigner> signer_;
};

class SigningKeyStore {
 public:
  SigningKeyStore(storage::DbPool& db, const seal::SealKey& seal, const base::Clock& clock)
      : db_(db), seal_(seal), clock_(clock) {}

  base::Result<WebhookSigner> load();
  base::Result<WebhookSigner> load_or_create();
  // Returns the new key's kid.
  base::Result<std::string> rotate();
  base::Status drop(const std::string& kid);
  // Newest first.
  base::Result<std::vector<SigningKeyInfo>> list();

 private:
  base::Status insert_active(const std::string& private_pem, bool retire_current);

  storage::DbPool& db_;
  const seal::SealKey& seal_;
  const base::Clock& clock_;
};

}  // namespace ark::events
