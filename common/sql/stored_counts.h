#ifndef OUTREACH_COMMON_SQL_STORED_COUNTS_H_
#define OUTREACH_COMMON_SQL_STORED_COUNTS_H_

// Counts a store keeps of its own rows, so that a summary (the gateway's
// dashboard) reads a few hundred count rows instead of every record: its
// cost grows with the number of distinct keys (years, kinds, countries,
// entities, areas), not with the number of events or participations.
//
// Contract: a store changes a counted row only inside a write transaction
// that also calls AddToCount(-1) for the row as it stood before and
// AddToCount(+1) for it as it stands after. The counts therefore equal a
// recount of the rows on every engine and across replicas (they are rows
// of the same transaction), and a write that rolls back rolls its counts
// back too. Each store's tests compare the counts to a recount after a mix
// of writes, refused ones included.
//
// Why deltas, not one row per count: under PostgreSQL's snapshot isolation
// two concurrent writes that update one row conflict and one reruns
// (docs/architecture.md, "Isolation"), and every event create would update
// the same "kind" and "year" rows. So a write only appends its changes to
// `count_deltas`, which no write updates; every kFoldEvery-th change made
// by a process folds the deltas its snapshot sees into `counts` and
// deletes them, in the same transaction (two concurrent folds conflict and
// one reruns, finding less to fold). A read sums both tables, so it reads
// the keys plus at most about kFoldEvery deltas per writing replica.
//
// Tables (each store's migrations create and fill them):
//   counts (dimension TEXT, key TEXT, n INTEGER, PRIMARY KEY (dimension, key))
//   count_deltas (dimension TEXT, key TEXT, delta INTEGER)

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sql/sql_db.h"

namespace outreach {

// The DDL of the tables, for migrations.
inline constexpr char kStoredCountsSchema[] = R"sql(
CREATE TABLE counts (
  dimension TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (dimension, key)
);
CREATE TABLE count_deltas (
  dimension TEXT NOT NULL,
  key TEXT NOT NULL,
  delta INTEGER NOT NULL
);
)sql";

// The same tables on PostgreSQL.
inline constexpr char kPgStoredCountsSchema[] = R"sql(
CREATE TABLE counts (
  dimension TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (dimension, key)
);
CREATE TABLE count_deltas (
  dimension TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  delta BIGINT NOT NULL
);
)sql";

// How many counted changes a process makes between folds.
inline constexpr int kFoldEvery = 64;

struct StoredCount {
  std::string dimension;
  std::string key;
  int64_t n = 0;
};

// Adds `delta` to the count of (dimension, key), in `c`'s transaction; and
// on every kFoldEvery-th call in this process, folds the deltas.
absl::Status AddToCount(SqlConnection& c, absl::string_view dimension,
                        absl::string_view key, int64_t delta);

// Folds every delta `c`'s snapshot sees into `counts`, and deletes them.
absl::Status FoldCounts(SqlConnection& c);

// Every positive count, ordered by dimension and key, in one snapshot.
absl::StatusOr<std::vector<StoredCount>> ReadCounts(SqlDb& db);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQL_STORED_COUNTS_H_
