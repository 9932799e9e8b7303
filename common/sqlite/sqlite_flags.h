#ifndef OUTREACH_COMMON_SQLITE_SQLITE_FLAGS_H_
#define OUTREACH_COMMON_SQLITE_SQLITE_FLAGS_H_

// The store flags the three SQLite services share, defined once:
//
//   --db_busy_timeout, --db_synchronous, --db_read_connections,
//   --db_max_queued_writes, --db_max_queued_reads, --db_min_free_bytes.
//
// --db_path stays in each main.cc: its default names the service's file.

#include <string>

#include "common/metrics/metrics.h"
#include "common/sqlite/sqlite_db.h"

namespace outreach {

// SqliteOptions for the file at `path` from the shared flags; the caller
// adds its migrations. `metrics` is not owned and may be null.
SqliteOptions SqliteOptionsFromFlags(std::string path, Metrics* metrics);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQLITE_SQLITE_FLAGS_H_
