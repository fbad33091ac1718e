// The tenant and sending-domain facts the send policy reads (sql/001 tenants, sql/002
// domains), for both senders: admind's API send path and ark-milter's SMTP path read them
// through here, so both decide on the same rows the same way.
//
// Thread-safety: as DbPool (each call takes a connection of its own).
#pragma once

#include <string>

#include "core/base/result.h"
#include "core/storage/db.h"
#include "policy/engine/rules.h"

namespace ark::policy {

// The tenant's status; not_found when there is no such tenant.
base::Result<TenantStatus> read_tenant_status(storage::DbPool& db, const std::string& tenant_id);

// Whether the tenant added `domain` and whether it is verified ({false, false}: not added).
base::Result<DomainFacts> read_domain_facts(storage::DbPool& db, const std::string& tenant_id,
                                            const std::string& domain);

}  // namespace ark::policy
