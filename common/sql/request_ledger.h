#ifndef OUTREACH_COMMON_SQLITE_REQUEST_LEDGER_H_
#define OUTREACH_COMMON_SQLITE_REQUEST_LEDGER_H_

// The request-id ledger every store keeps, one contract for all: a write
// that carries a request id records it with the request's bytes and the
// reply, in the same transaction as the write; a retry with the same id and
// the same bytes gets that reply again; the same id with other bytes is
// INVALID_ARGUMENT. Entries expire after kRequestIdRetention in every
// service alike. A store must not replay an entry whose resource has since
// been deleted (it calls Drop and carries on as with a new request), so a
// retry can never bring back the reply of something that is gone.
//
// Table (each store's migrations create it):
//   request_ids (request_id TEXT PRIMARY KEY, request_bytes BLOB NOT NULL,
//                revision INTEGER NOT NULL, body BLOB NOT NULL,
//                create_time INTEGER NOT NULL)  -- micros since the epoch

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sql/sql_db.h"

namespace outreach {

inline constexpr absl::Duration kRequestIdRetention = absl::Hours(7 * 24);

// The DDL of the table, for migrations.
inline constexpr char kRequestLedgerSchema[] = R"sql(
CREATE TABLE request_ids (
  request_id TEXT PRIMARY KEY,
  request_bytes BLOB NOT NULL,
  revision INTEGER NOT NULL,
  body BLOB NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX request_ids_by_time ON request_ids (create_time);
)sql";

// The same table on PostgreSQL.
inline constexpr char kPgRequestLedgerSchema[] = R"sql(
CREATE TABLE request_ids (
  request_id TEXT COLLATE "C" PRIMARY KEY,
  request_bytes BYTEA NOT NULL,
  revision BIGINT NOT NULL,
  body BYTEA NOT NULL,
  create_time BIGINT NOT NULL
);
CREATE INDEX request_ids_by_time ON request_ids (create_time);
)sql";

struct LedgerEntry {
  int64_t revision = 0;
  std::string body;  // the reply, serialized
};

// Inside a write transaction. The unexpired entry for `request_id`, if
// any. INVALID_ARGUMENT on "request_id" when it was used for other bytes.
absl::StatusOr<std::optional<LedgerEntry>> LookUpRequest(
    SqlConnection& c, absl::string_view request_id,
    absl::string_view request_bytes, absl::Time now);

// Records a reply, and purges expired entries.
absl::Status RecordRequest(SqlConnection& c, absl::string_view request_id,
                           absl::string_view request_bytes, int64_t revision,
                           absl::string_view body, absl::Time now);

// Forgets one entry (its resource is gone).
absl::Status DropRequest(SqlConnection& c, absl::string_view request_id);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQLITE_REQUEST_LEDGER_H_
