#include "common/sqlite/sqlite_flags.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(absl::Duration, db_busy_timeout, absl::Seconds(5),
          "Longest wait of a write for a database locked by another process; "
          "a call's own deadline shortens it.");
ABSL_FLAG(std::string, db_synchronous, "NORMAL",
          "SQLite synchronous level: NORMAL (a commit survives a process "
          "crash; a power loss may lose the last ones) or FULL (survives a "
          "power loss too, at an fsync per commit).");
ABSL_FLAG(int, db_read_connections, 4, "SQLite reader connections.");
ABSL_FLAG(int, db_max_queued_writes, 16,
          "Writes that may wait for the single writer at once; the next is "
          "refused with RESOURCE_EXHAUSTED, so waiting writes never take the "
          "threads reads need.");
ABSL_FLAG(int, db_max_queued_reads, 16,
          "Reads that may wait for a reader connection at once; the next is "
          "refused with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int64_t, db_min_free_bytes, int64_t{16} << 20,
          "Readiness fails while the disk holding the database has less free "
          "space than this, before writes start to fail; 0 checks nothing.");

namespace outreach {

SqliteOptions SqliteOptionsFromFlags(std::string path, Metrics* metrics) {
  SqliteOptions options;
  options.path = std::move(path);
  options.busy_timeout = absl::GetFlag(FLAGS_db_busy_timeout);
  options.synchronous = absl::GetFlag(FLAGS_db_synchronous);
  options.read_connections = absl::GetFlag(FLAGS_db_read_connections);
  options.max_queued_writes = absl::GetFlag(FLAGS_db_max_queued_writes);
  options.max_queued_reads = absl::GetFlag(FLAGS_db_max_queued_reads);
  options.min_free_bytes = absl::GetFlag(FLAGS_db_min_free_bytes);
  options.metrics = metrics;
  return options;
}

}  // namespace outreach
