#include "common/sql/request_ledger.h"

#include "common/status/status_util.h"

namespace outreach {

absl::StatusOr<std::optional<LedgerEntry>> LookUpRequest(
    SqlConnection& c, absl::string_view request_id,
    absl::string_view request_bytes, absl::Time now) {
  auto seen = c.Prepare(
      "SELECT request_bytes, revision, body FROM request_ids "
      "WHERE request_id = ? AND create_time >= ?");
  if (!seen.ok()) return seen.status();
  auto row = seen->Bind(1, request_id)
                 .Bind(2, absl::ToUnixMicros(now - kRequestIdRetention))
                 .Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<LedgerEntry>();
  if (seen->ColumnBlob(0) != request_bytes) {
    return InvalidField("request_id",
                        "was already used for a different request");
  }
  LedgerEntry entry;
  entry.revision = seen->ColumnInt64(1);
  entry.body = std::string(seen->ColumnBlob(2));
  return std::optional<LedgerEntry>(std::move(entry));
}

absl::Status RecordRequest(SqlConnection& c, absl::string_view request_id,
                           absl::string_view request_bytes, int64_t revision,
                           absl::string_view body, absl::Time now) {
  auto purge = c.Prepare("DELETE FROM request_ids WHERE create_time < ?");
  if (!purge.ok()) return purge.status();
  if (absl::Status s =
          purge->Bind(1, absl::ToUnixMicros(now - kRequestIdRetention)).Run();
      !s.ok()) {
    return s;
  }
  // An upsert: an expired entry of the same id may still be there.
  auto rec = c.Prepare(
      "INSERT INTO request_ids (request_id, request_bytes, revision, body, "
      "create_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO UPDATE "
      "SET request_bytes = excluded.request_bytes, "
      "revision = excluded.revision, body = excluded.body, "
      "create_time = excluded.create_time");
  if (!rec.ok()) return rec.status();
  return rec->Bind(1, request_id)
      .BindBlob(2, request_bytes)
      .Bind(3, revision)
      .BindBlob(4, body)
      .Bind(5, absl::ToUnixMicros(now))
      .Run();
}

absl::Status DropRequest(SqlConnection& c, absl::string_view request_id) {
  auto del = c.Prepare("DELETE FROM request_ids WHERE request_id = ?");
  if (!del.ok()) return del.status();
  return del->Bind(1, request_id).Run();
}

}  // namespace outreach
