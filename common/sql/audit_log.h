#ifndef OUTREACH_COMMON_SQLITE_AUDIT_LOG_H_
#define OUTREACH_COMMON_SQLITE_AUDIT_LOG_H_

// The audit trail every store keeps: one row per write, appended by the
// store inside the write's own transaction, so that a record exists
// exactly when the write does; and, once the write has committed, one
// JSON log line with the same fields (LogAudit), for log pipelines.
//
// A store puts kAuditSchema in a migration, calls AppendAudit in each
// write transaction, LogAudit after a successful commit, and serves
// ListAuditRecords with ListAudit and the ListAuditRecords template.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/sql/sql_db.h"
#include "outreach/type/v1/audit.pb.h"

namespace outreach {

// Who wrote, and through which method: from the call (CallScope).
struct AuditEntry {
  std::string actor;       // CallScope::CallerName()
  std::string method;      // "/outreach.events.v1.EventsService/UpdateEvent"
  std::string request_id;  // the request's request_id, else x-request-id
};

// The entry of a call of `service`'s `method` (its full name, as
// v1::EventsService::service_full_name() gives it) by `caller`
// (CallScope::CallerName()). The request id recorded is the request's own
// idempotency key when it has one, else the call's x-request-id.
inline AuditEntry AuditEntryFor(std::string caller, absl::string_view service,
                                absl::string_view method,
                                const std::string& request_id,
                                const std::string& call_request_id) {
  return {std::move(caller), absl::StrCat("/", service, "/", method),
          request_id.empty() ? call_request_id : request_id};
}

inline constexpr char kAuditSchema[] = R"sql(
CREATE TABLE audit_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  etag_before TEXT NOT NULL,
  etag_after TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_by_resource ON audit_records (resource, seq);
CREATE INDEX audit_by_actor ON audit_records (actor, seq);
)sql";

// The same table on PostgreSQL.
inline constexpr char kPgAuditSchema[] = R"sql(
CREATE TABLE audit_records (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time BIGINT NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  method TEXT NOT NULL,
  resource TEXT COLLATE "C" NOT NULL,
  etag_before TEXT NOT NULL,
  etag_after TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_by_resource ON audit_records (resource, seq);
CREATE INDEX audit_by_actor ON audit_records (actor, seq);
)sql";

// Appends the record of a write of `resource` from revision `before` to
// `after` (0: none, for a create or a delete), inside the caller's write
// transaction on `c`. Returns it, for LogAudit once committed.
absl::StatusOr<type::v1::AuditRecord> AppendAudit(SqlConnection& c,
                                                  const AuditEntry& entry,
                                                  absl::string_view resource,
                                                  int64_t before,
                                                  int64_t after);

// The JSON log line of a committed record ("message":"audit").
void LogAudit(const type::v1::AuditRecord& record);

struct AuditQuery {
  std::string resource;  // empty: any
  std::string actor;     // empty: any
  int page_size = 100;
  int64_t after_seq = 0;  // from the page token
  uint64_t fingerprint = 0;
};

struct AuditPage {
  std::vector<type::v1::AuditRecord> records;
  bool more = false;
};

// ListAuditRecords' request fields, checked: INVALID_ARGUMENT with the
// field for a bad page size, token or filter.
absl::StatusOr<AuditQuery> ParseAuditQuery(int page_size,
                                           const std::string& page_token,
                                           const std::string& filter);

// One page, oldest first.
absl::StatusOr<AuditPage> ListAudit(SqlDb& db, const AuditQuery& query);

// The next page token of `page` (empty on the last page).
std::string NextAuditPageToken(const AuditQuery& query, const AuditPage& page);

// Any service's ListAuditRecords: checks `request`, reads one page with
// `list` (its store's ListAudit) and fills the response.
template <typename Response, typename Request, typename List>
absl::StatusOr<Response> ListAuditRecords(const Request& request, List list) {
  auto query = ParseAuditQuery(request.page_size(), request.page_token(),
                               request.filter());
  if (!query.ok()) return query.status();
  absl::StatusOr<AuditPage> page = list(*query);
  if (!page.ok()) return page.status();
  Response out;
  out.set_next_page_token(NextAuditPageToken(*query, *page));
  for (auto& r : page->records) *out.add_audit_records() = std::move(r);
  return out;
}

}  // namespace outreach

#endif  // OUTREACH_COMMON_SQLITE_AUDIT_LOG_H_
