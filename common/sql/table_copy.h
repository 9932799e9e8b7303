#ifndef OUTREACH_COMMON_SQL_TABLE_COPY_H_
#define OUTREACH_COMMON_SQL_TABLE_COPY_H_

// Moving a store between engines (SQLite to PostgreSQL): every table of a
// store written out in a portable form, read into an empty store on the
// other engine, and checked against it. tools/store_move drives it; the
// procedure is in docs/operations.md ("From SQLite to PostgreSQL").
//
// The portable form is JSON Lines, one object per line:
//   {"outreach_export":1,"store":"events","revision":812}
//   {"table":"events","row":["kiev-2013",17,3,...]}      (one per row)
//   {"end":true,"counts":{"events":40,"event_topics":95,...}}
// Integers are JSON numbers, text is a JSON string, bytes are base64 in a
// JSON string, and NULL is null. Columns are in the order of the store's
// TableSpec. "revision" is the store's revision counter, which only grows:
// the importer moves the new store's counter to it, so that no revision
// (no etag) is ever given twice. The last line makes a cut-off file
// detectable.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sql/sql_db.h"

namespace outreach {

enum class ColumnType { kInteger, kText, kBytes };

struct ColumnSpec {
  std::string name;
  ColumnType type;
};

// One table of a store, and the columns that order its rows (its key).
struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::string order_by;
};

// A store's tables, in an order that satisfies its foreign keys.
struct StoreSpec {
  std::string store;
  std::vector<TableSpec> tables;
};

// The tables every store has (common/sql/request_ledger.h, audit_log.h,
// stored_counts.h).
TableSpec RequestLedgerTable();
TableSpec AuditTable();
TableSpec StoredCountsTable();
TableSpec CountDeltasTable();

// Writes every row of every table of `db`, in one read snapshot.
absl::Status ExportStore(SqlDb& db, const StoreSpec& spec, std::ostream& out);

struct TableCheck {
  int64_t expected = 0;  // rows in the export
  int64_t found = 0;     // rows in the store
  // Rows of the export the store holds exactly (every column equal; for
  // records, the revision is the etag).
  int64_t equal = 0;
};

struct StoreCheck {
  std::map<std::string, TableCheck> tables;
  int64_t exported_revision = 0;
  int64_t store_revision = 0;
  // Every table holds exactly the export's rows, and the store's revision
  // counter is at least the export's.
  bool ok() const;
};

// Reads an export into `db`, which must hold no rows yet
// (FAILED_PRECONDITION otherwise), in one transaction, then moves its
// revision counter and audit sequence on past the export's. INVALID_ARGUMENT
// for an export of another store, a malformed line, or a file cut short.
absl::Status ImportStore(SqlDb& db, const StoreSpec& spec, std::istream& in);

// Compares `db` with an export, table by table and row by row.
absl::StatusOr<StoreCheck> VerifyStore(SqlDb& db, const StoreSpec& spec,
                                       std::istream& in);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQL_TABLE_COPY_H_
