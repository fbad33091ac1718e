// ark-admind's configuration schema (one YAML file, style.md §6) and the typed view the
// composition root reads. etc/admind.yaml is rendered from this schema.
//
// Thread-safety: immutable after load.
#pragma once

#include "core/config/config.h"

namespace ark::admind {

const config::Schema& admind_schema();

}  // namespace ark::admind
