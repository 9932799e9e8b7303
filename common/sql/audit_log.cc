#include "common/sql/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/resource/filter.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/time_util.h"

namespace outreach {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 100;

std::string EtagOrEmpty(int64_t revision) {
  return revision == 0 ? "" : EtagForRevision(revision);
}

type::v1::AuditRecord FromRow(const Statement& row) {
  type::v1::AuditRecord r;
  r.set_name(absl::StrCat("auditRecords/", row.ColumnInt64(0)));
  *r.mutable_time() = TimeUtil::MicrosecondsToTimestamp(row.ColumnInt64(1));
  r.set_actor(row.ColumnText(2));
  r.set_method(row.ColumnText(3));
  r.set_resource(row.ColumnText(4));
  r.set_etag_before(row.ColumnText(5));
  r.set_etag_after(row.ColumnText(6));
  r.set_request_id(row.ColumnText(7));
  return r;
}

}  // namespace

absl::StatusOr<type::v1::AuditRecord> AppendAudit(SqlConnection& c,
                                                  const AuditEntry& entry,
                                                  absl::string_view resource,
                                                  int64_t before,
                                                  int64_t after) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  auto insert = c.Prepare(
      "INSERT INTO audit_records (time, actor, method, resource, etag_before, "
      "etag_after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq");
  if (!insert.ok()) return insert.status();
  type::v1::AuditRecord r;
  *r.mutable_time() = TimeUtil::MicrosecondsToTimestamp(now);
  r.set_actor(entry.actor);
  r.set_method(entry.method);
  r.set_resource(std::string(resource));
  r.set_etag_before(EtagOrEmpty(before));
  r.set_etag_after(EtagOrEmpty(after));
  r.set_request_id(entry.request_id);
  auto row = insert->Bind(1, now)
                 .Bind(2, r.actor())
                 .Bind(3, r.method())
                 .Bind(4, r.resource())
                 .Bind(5, r.etag_before())
                 .Bind(6, r.etag_after())
                 .Bind(7, r.request_id())
                 .Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("the audit insert returned no seq");
  r.set_name(absl::StrCat("auditRecords/", insert->ColumnInt64(0)));
  // Run the statement to its end, as RETURNING asks.
  if (auto done = insert->Step(); !done.ok()) return done.status();
  return r;
}

void LogAudit(const type::v1::AuditRecord& r) {
  LogInfo("audit", {{"audit_record", r.name()},
                    {"actor", r.actor()},
                    {"method", r.method()},
                    {"resource", r.resource()},
                    {"etag_before", r.etag_before()},
                    {"etag_after", r.etag_after()},
                    {"request_id", r.request_id()},
                    {"time", TimeUtil::ToString(r.time())}});
}

absl::StatusOr<AuditQuery> ParseAuditQuery(int page_size,
                                           const std::string& page_token,
                                           const std::string& filter) {
  AuditQuery q;
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  q.page_size = page_size == 0 ? kDefaultPageSize
                               : std::min(page_size, kMaxPageSize);
  auto restrictions = ParseFilterRestrictions(filter);
  if (!restrictions.ok()) return restrictions.status();
  for (const Restriction& r : *restrictions) {
    if (auto s = RequireFilterOps(r, {FilterOp::kEq}); !s.ok()) return s;
    if (r.field == "resource") {
      q.resource = r.value;
    } else if (r.field == "actor") {
      q.actor = r.value;
    } else {
      return InvalidField("filter", "fields: resource, actor");
    }
  }
  q.fingerprint = Fingerprint({q.resource, q.actor});
  if (!page_token.empty()) {
    auto parts = DecodePageToken(page_token, q.fingerprint, 1);
    if (!parts.ok()) return parts.status();
    if (!absl::SimpleAtoi((*parts)[0], &q.after_seq)) {
      return InvalidField("page_token", "is not a token this service issued");
    }
  }
  return q;
}

absl::StatusOr<AuditPage> ListAudit(SqlDb& db, const AuditQuery& q) {
  AuditPage page;
  absl::Status s = db.Read([&](SqlConnection& c) -> absl::Status {
    page.records.clear();
    auto stmt = c.Prepare(
        "SELECT seq, time, actor, method, resource, etag_before, etag_after, "
        "request_id FROM audit_records WHERE seq > ?1 "
        "AND (?2 = '' OR resource = ?2) AND (?3 = '' OR actor = ?3) "
        "ORDER BY seq LIMIT ?4");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, q.after_seq)
        .Bind(2, q.resource)
        .Bind(3, q.actor)
        .Bind(4, int64_t{q.page_size} + 1);
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
      page.records.push_back(FromRow(*stmt));
    }
  });
  if (!s.ok()) return s;
  if (static_cast<int>(page.records.size()) > q.page_size) {
    page.records.pop_back();
    page.more = true;
  }
  return page;
}

std::string NextAuditPageToken(const AuditQuery& query, const AuditPage& page) {
  if (!page.more || page.records.empty()) return "";
  absl::string_view seq = page.records.back().name();
  absl::ConsumePrefix(&seq, "auditRecords/");
  return EncodePageToken(query.fingerprint, {std::string(seq)});
}

}  // namespace outreach
