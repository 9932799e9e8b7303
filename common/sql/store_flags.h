#ifndef OUTREACH_COMMON_SQL_STORE_FLAGS_H_
#define OUTREACH_COMMON_SQL_STORE_FLAGS_H_

// Where a service keeps its records, from the flags the three stores share:
//
//   --database_url: a PostgreSQL connection URI. Empty (the default): the
//     SQLite file at the service's own --db_path (common/sqlite/
//     sqlite_flags.h holds SQLite's flags).
//   --db_max_connections, --db_max_queued, --db_connect_timeout,
//     --db_statement_timeout, --db_serialization_retries: PostgreSQL's pool
//     and bounds (common/postgres/pg_db.h).
//
// The password never comes from the command line, where `ps` and the
// process's own start-up log show it: a --database_url that holds one is
// refused unless it came from OUTREACH_DATABASE_URL (a Kubernetes Secret).
// libpq also reads PGPASSWORD and PGPASSFILE.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/metrics/metrics.h"
#include "common/cache/shared_epoch.h"
#include "common/sql/sql_db.h"

namespace outreach {

struct OpenedStore {
  std::unique_ptr<SqlDb> db;
  // On PostgreSQL, the cache epoch the replicas share (for
  // CacheAsideOptions::shared_epoch); null on SQLite. It reads `db`: keep
  // it no longer than the store that takes `db`.
  std::unique_ptr<SharedCacheEpoch> shared_epoch;
};

// Opens and migrates the store named `store_name` ("events"): PostgreSQL
// when --database_url is set, else SQLite at `db_path`. On PostgreSQL the
// shared cache epoch is advanced once at start: a replica that died between
// a commit and its invalidation cannot have left a stale entry that the
// others would go on reading. `metrics` is not owned and may be null.
absl::StatusOr<OpenedStore> OpenStoreFromFlags(
    const std::string& db_path, const std::string& store_name,
    const StoreMigrations& migrations, Metrics* metrics);

// Where the store is, for logs, without a password: the SQLite path, or
// "postgresql://host:port/dbname".
std::string StoreLocationForLog(const std::string& db_path);

// Whether a libpq connection string (URI or key=value) carries a password.
// INVALID_ARGUMENT when it does not parse.
absl::StatusOr<bool> DatabaseUrlHasPassword(const std::string& url);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQL_STORE_FLAGS_H_
