#include "admind/dns_monitor/dkim_admin.h"

#include "core/crypto/crypto.h"
#include "core/dkim_keys/dkim_keys.h"

namespace ark::admind::dns_monitor {
namespace {

base::Result<NewKey> make_key(const seal::SealKey& key, dkim_keys::KeyType type,
                              const std::string& selector, const std::string& context) {
  auto pem = dkim_keys::generate_private_key_pem(type);
  if (!pem) {
    return pem.error();
  }
  auto pub = dkim_keys::public_key_from_private_pem(*pem);
  if (!pub) {
    return pub.error();
  }
  return NewKey{selector, seal::seal(key, *pem, context), dkim_keys::dns_txt_value(*pub)};
}

using Store = base::Status (MonitorStore::*)(int64_t, const NewKey&);

base::Result<RecordToPublish> new_key(MonitorStore& store, const seal::SealKey& key,
                                      const dns::RecordNaming& naming, const std::string& uuid,
                                      dkim_keys::KeyType type, const std::string& context_prefix,
                                      Store save) {
  auto d = store.by_uuid(uuid);
  if (!d) {
    return d.error();
  }
  std::string selector = dns::dkim_selector(naming, crypto::random_alnum(8, true));
  auto k = make_key(key, type, selector, context_prefix + d->uuid);
  if (!k) {
    return k.error();
  }
  if (base::Status st = (store.*save)(d->id, *k); !st) {
    return st.error();
  }
  return RecordToPublish{selector, selector + "._domainkey." + d->name, k->public_txt};
}

}  // namespace

base::Result<RecordToPublish> start_rotation(MonitorStore& store, const seal::SealKey& key,
                                             const dns::RecordNaming& naming,
                                             const std::string& uuid) {
  return new_key(store, key, naming, uuid, dkim_keys::KeyType::Rsa,
                 "dkim:", &MonitorStore::set_next_key);
}

base::Result<RecordToPublish> add_ed25519_key(MonitorStore& store, const seal::SealKey& key,
                                              const dns::RecordNaming& naming,
                                              const std::string& uuid) {
  return new_key(store, key, naming, uuid, dkim_keys::KeyType::Ed25519,
                 "dkim-ed25519:", &MonitorStore::set_ed25519_key);
}

}  // namespace ark::admind::dns_monitor
