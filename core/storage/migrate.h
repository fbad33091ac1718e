// Forward-only schema migrations: files "NNN_name.sql" in one directory, applied in
// number order, each recorded in schema_version once it has run completely.
//
// MySQL commits DDL implicitly, so a migration that fails halfway is not rolled back:
// the runner stops, reports the failing statement, and the file is not recorded.
// Write migrations so that each statement stands alone.
//
// Thread-safety: run from one process at a time (arkctl migrate); GET_LOCK guards
// against two concurrent runners.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::storage {

struct Migration {
  int version = 0;
  std::string name;  // file name
  std::string path;
};

// Lists NNN_*.sql files; duplicate numbers are an error.
base::Result<std::vector<Migration>> list_migrations(const std::string& dir);
// Splits a migration file into statements (';' at end of line, outside quotes;
// "--" comment lines dropped).
std::vector<std::string> split_sql(const std::string& text);

// Applies every migration newer than the recorded version; returns how many ran.
base::Result<int> migrate(DbPool& db, const std::string& dir);
// The highest applied version, 0 for an empty database.
base::Result<int> schema_version(DbPool& db);

}  // namespace ark::storage
