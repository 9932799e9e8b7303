#include "services/recommendations/sql_recommendation_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/postgres/pg_db.h"
#include "common/resource/resource_ids.h"
#include "common/sql/request_ledger.h"
#include "common/sql/stored_counts.h"
#include "common/sql/table_copy.h"
#include "common/status/status_util.h"
#include "common/time/calendar_date.h"
#include "google/protobuf/util/time_util.h"
#include "services/recommendations/lifecycle.h"

namespace outreach::recommendations {
namespace {

using google::protobuf::util::TimeUtil;

// The counts kept of the outcomes (common/sql/stored_counts.h). Each
// dimension ends in the confidential flag (".0", ".1"), so that a caller
// who may not read confidential outcomes is not told how many there are:
// - "status.C": keyed by the status's number;
// - "area.C": keyed by "{status}:{area}", once per area the outcome names,
//   or "{status}:" when it names none.
// Rows from before migration 3 count as not confidential until
// BackfillConfidential moves them. CountOutcome keeps the counts.
constexpr char kFillCounts[] = R"sql(
INSERT INTO counts (dimension, key, n)
  SELECT 'status.' || CAST(COALESCE(confidential, 0) AS TEXT),
         CAST(status AS TEXT), COUNT(*)
  FROM recommendations GROUP BY 1, 2;
INSERT INTO counts (dimension, key, n)
  SELECT 'area.' || CAST(COALESCE(r.confidential, 0) AS TEXT),
         CAST(r.status AS TEXT) || ':' || a.area, COUNT(*)
  FROM recommendation_areas a JOIN recommendations r
    ON r.id = a.recommendation_id
  GROUP BY 1, 2;
INSERT INTO counts (dimension, key, n)
  SELECT 'area.' || CAST(COALESCE(confidential, 0) AS TEXT),
         CAST(status AS TEXT) || ':', COUNT(*)
  FROM recommendations r
  WHERE NOT EXISTS (SELECT 1 FROM recommendation_areas a
                    WHERE a.recommendation_id = r.id)
  GROUP BY 1, 2
  ON CONFLICT (dimension, key) DO UPDATE SET n = counts.n + excluded.n;
)sql";

// Append-only: never edit a migration that has shipped.
const std::vector<std::string>& SqliteMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kRevisionCounterSchema) +
          R"sql(

CREATE TABLE recommendations (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  event TEXT NOT NULL,
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  final INTEGER NOT NULL,
  due_date TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX recommendations_by_time ON recommendations (create_time, id);
CREATE INDEX recommendations_by_event ON recommendations (event);
CREATE INDEX recommendations_by_due ON recommendations (final, due_date);

CREATE TABLE recommendation_addressees (
  recommendation_id TEXT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  PRIMARY KEY (recommendation_id, entity)
);
CREATE INDEX addressees_by_entity ON recommendation_addressees (entity);

CREATE TABLE recommendation_areas (
  recommendation_id TEXT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
  area TEXT NOT NULL,
  PRIMARY KEY (recommendation_id, area)
);
CREATE INDEX areas_by_area ON recommendation_areas (area);

CREATE TABLE request_ids (
  request_id TEXT PRIMARY KEY,
  request_bytes BLOB NOT NULL,
  revision INTEGER NOT NULL,
  body BLOB NOT NULL
);
)sql",
      // 2: request ids expire as in every store (common/sqlite/
      // request_ledger.h); entries from before have no time and expire now.
      R"sql(
ALTER TABLE request_ids ADD COLUMN create_time INTEGER NOT NULL DEFAULT 0;
CREATE INDEX request_ids_by_time ON request_ids (create_time);
)sql",
      // 3: confidential records are filtered in SQL, so that a page holds
      // page_size visible records. NULL until Open() has read the body of
      // each row written before (BackfillConfidential).
      R"sql(
ALTER TABLE recommendations ADD COLUMN confidential INTEGER;
CREATE INDEX recommendations_confidential ON recommendations (confidential);
)sql",
      // 4: the audit trail (common/sql/audit_log.h).
      kAuditSchema,
      // 5: the dashboard's counts (common/sql/stored_counts.h), filled
      // from the outcomes already stored.
      std::string(kStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}

// SQLite's version 4 in one; text compares as bytes, as in SQLite.
const std::vector<std::string>& PostgresMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kPgRevisionSchema) + kPgRequestLedgerSchema + kPgAuditSchema +
          R"sql(
CREATE TABLE recommendations (
  id TEXT COLLATE "C" PRIMARY KEY,
  revision BIGINT NOT NULL,
  event TEXT COLLATE "C" NOT NULL,
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  final INTEGER NOT NULL,
  due_date TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  body BYTEA NOT NULL,
  confidential INTEGER
);
CREATE INDEX recommendations_by_time ON recommendations (create_time, id);
CREATE INDEX recommendations_by_event ON recommendations (event);
CREATE INDEX recommendations_by_due ON recommendations (final, due_date);
CREATE INDEX recommendations_confidential ON recommendations (confidential);

CREATE TABLE recommendation_addressees (
  recommendation_id TEXT COLLATE "C" NOT NULL
      REFERENCES recommendations (id) ON DELETE CASCADE,
  entity TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (recommendation_id, entity)
);
CREATE INDEX addressees_by_entity ON recommendation_addressees (entity);

CREATE TABLE recommendation_areas (
  recommendation_id TEXT COLLATE "C" NOT NULL
      REFERENCES recommendations (id) ON DELETE CASCADE,
  area TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (recommendation_id, area)
);
CREATE INDEX areas_by_area ON recommendation_areas (area);
)sql",
      // 2: SQLite's version 5.
      std::string(kPgStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}

std::string IdOf(const v1::Recommendation& r) {
  return IdFromName(r.name(), "recommendations/");
}

absl::StatusOr<int64_t> CurrentRevision(SqlConnection& c,
                                        const std::string& id) {
  auto stmt = c.Prepare("SELECT revision FROM recommendations WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, id).Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(
        absl::StrCat("recommendations/", id, " not found"));
  }
  return stmt->ColumnInt64(0);
}

absl::Status CheckExpected(int64_t current, int64_t expected,
                           const std::string& id) {
  if (expected != 0 && current != expected) {
    return absl::AbortedError(absl::StrCat(
        "recommendations/", id,
        " was changed by someone else; read it again and retry with its new "
        "etag"));
  }
  return absl::OkStatus();
}

// Adds `sign` (+1 or -1) to the counts of outcome `id` as its rows now
// stand (kFillCounts); nothing when there is no such outcome. The
// stored_counts.h contract: -1 before a write changes the rows, +1 after.
absl::Status CountOutcome(SqlConnection& c, const std::string& id, int sign) {
  auto row = c.Prepare(
      "SELECT CAST(status AS TEXT), COALESCE(confidential, 0) "
      "FROM recommendations WHERE id = ?");
  if (!row.ok()) return row.status();
  auto found = row->Bind(1, id).Step();
  if (!found.ok()) return found.status();
  if (!*found) return absl::OkStatus();
  const std::string status = row->ColumnText(0);
  const std::string flag = row->ColumnInt64(1) != 0 ? "1" : "0";
  auto areas = c.Prepare(
      "SELECT area FROM recommendation_areas WHERE recommendation_id = ?");
  if (!areas.ok()) return areas.status();
  areas->Bind(1, id);
  std::vector<std::string> keys;
  while (true) {
    auto next = areas->Step();
    if (!next.ok()) return next.status();
    if (!*next) break;
    keys.push_back(absl::StrCat(status, ":", areas->ColumnText(0)));
  }
  if (keys.empty()) keys.push_back(absl::StrCat(status, ":"));
  if (auto s = AddToCount(c, absl::StrCat("status.", flag), status, sign);
      !s.ok()) {
    return s;
  }
  for (const auto& key : keys) {
    if (auto s = AddToCount(c, absl::StrCat("area.", flag), key, sign);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Writes the row and its addressee and area rows, and moves the counts.
absl::Status Put(SqlConnection& c, const v1::Recommendation& r,
                 int64_t revision) {
  const std::string id = IdOf(r);
  if (auto s = CountOutcome(c, id, -1); !s.ok()) return s;
  auto stmt = c.Prepare(
      "INSERT INTO recommendations (id, revision, event, kind, status, final, "
      "due_date, create_time, body, confidential) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
      "event = excluded.event, kind = excluded.kind, status = excluded.status, "
      "final = excluded.final, due_date = excluded.due_date, "
      "body = excluded.body, confidential = excluded.confidential");
  if (!stmt.ok()) return stmt.status();
  if (auto s = stmt->Bind(1, id)
                   .Bind(2, revision)
                   .Bind(3, r.event())
                   .Bind(4, int64_t{r.kind()})
                   .Bind(5, int64_t{r.status()})
                   .Bind(6, int64_t{IsFinal(r.status()) ? 1 : 0})
                   .Bind(7, r.has_due_date() ? DateKey(r.due_date()) : "")
                   .Bind(8, TimeUtil::TimestampToMicroseconds(r.create_time()))
                   .BindBlob(9, r.SerializeAsString())
                   .Bind(10, int64_t{IsConfidential(r) ? 1 : 0})
                   .Run();
      !s.ok()) {
    return s;
  }
  for (const char* table :
       {"recommendation_addressees", "recommendation_areas"}) {
    auto del = c.Prepare(
        absl::StrCat("DELETE FROM ", table, " WHERE recommendation_id = ?"));
    if (!del.ok()) return del.status();
    if (auto s = del->Bind(1, id).Run(); !s.ok()) return s;
  }
  for (const auto& a : r.addressees()) {
    auto ins = c.Prepare(
        "INSERT INTO recommendation_addressees VALUES (?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    if (auto s = ins->Bind(1, id).Bind(2, a).Run(); !s.ok()) return s;
  }
  for (const auto& a : r.areas()) {
    auto ins =
        c.Prepare("INSERT INTO recommendation_areas VALUES (?, ?) "
                  "ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    if (auto s = ins->Bind(1, id).Bind(2, a).Run(); !s.ok()) return s;
  }
  return CountOutcome(c, id, +1);
}

absl::StatusOr<StoredRecommendation> Parse(int64_t revision,
                                           absl::string_view body) {
  StoredRecommendation out;
  out.revision = revision;
  if (!out.recommendation.ParseFromArray(body.data(),
                                         static_cast<int>(body.size()))) {
    return absl::DataLossError("stored recommendation does not parse");
  }
  return out;
}

// Sets `confidential` on rows written before migration 3, from their
// bodies, in one transaction: a store that opens has it set on every row.
absl::Status BackfillConfidential(SqlDb& db) {
  return db.Write([](SqlConnection& c) -> absl::Status {
    auto rows =
        c.Prepare("SELECT id, body FROM recommendations WHERE confidential IS NULL");
    if (!rows.ok()) return rows.status();
    std::vector<std::pair<std::string, bool>> found;
    while (true) {
      auto row = rows->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      v1::Recommendation r;
      const absl::string_view body = rows->ColumnBlob(1);
      if (!r.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return absl::DataLossError("stored recommendation does not parse");
      }
      found.emplace_back(rows->ColumnText(0), IsConfidential(r));
    }
    for (const auto& [id, confidential] : found) {
      auto set = c.Prepare(
          "UPDATE recommendations SET confidential = ? WHERE id = ?");
      if (!set.ok()) return set.status();
      if (auto s = CountOutcome(c, id, -1); !s.ok()) return s;
      if (auto s = set->Bind(1, int64_t{confidential ? 1 : 0}).Bind(2, id).Run();
          !s.ok()) {
        return s;
      }
      if (auto s = CountOutcome(c, id, +1); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

}  // namespace

const StoreSpec& SqlRecommendationStore::Tables() {
  static const auto* const kSpec = new StoreSpec{
      "recommendations",
      {{"recommendations",
        {{"id", ColumnType::kText},
         {"revision", ColumnType::kInteger},
         {"event", ColumnType::kText},
         {"kind", ColumnType::kInteger},
         {"status", ColumnType::kInteger},
         {"final", ColumnType::kInteger},
         {"due_date", ColumnType::kText},
         {"create_time", ColumnType::kInteger},
         {"body", ColumnType::kBytes},
         {"confidential", ColumnType::kInteger}},
        "id"},
       {"recommendation_addressees",
        {{"recommendation_id", ColumnType::kText},
         {"entity", ColumnType::kText}},
        "recommendation_id, entity"},
       {"recommendation_areas",
        {{"recommendation_id", ColumnType::kText}, {"area", ColumnType::kText}},
        "recommendation_id, area"},
       RequestLedgerTable(),
       AuditTable(),
       StoredCountsTable(),
       CountDeltasTable()}};
  return *kSpec;
}

const StoreMigrations& SqlRecommendationStore::Migrations() {
  static const auto* const kMigrations =
      new StoreMigrations{SqliteMigrations(), PostgresMigrations()};
  return *kMigrations;
}

absl::StatusOr<std::unique_ptr<SqlRecommendationStore>>
SqlRecommendationStore::Open(SqliteOptions options) {
  options.migrations = Migrations().sqlite;
  auto db = SqliteDb::Open(std::move(options));
  if (!db.ok()) return db.status();
  return Open(std::unique_ptr<SqlDb>(std::move(*db)));
}

absl::StatusOr<std::unique_ptr<SqlRecommendationStore>>
SqlRecommendationStore::Open(std::unique_ptr<SqlDb> db) {
  if (auto s = BackfillConfidential(*db); !s.ok()) return s;
  return std::unique_ptr<SqlRecommendationStore>(
      new SqlRecommendationStore(std::move(db)));
}

absl::StatusOr<StoredRecommendation> SqlRecommendationStore::Get(
    const std::string& id) {
  absl::StatusOr<StoredRecommendation> out;
  absl::Status s = db_->Read([&](SqlConnection& c) -> absl::Status {
    auto stmt =
        c.Prepare("SELECT revision, body FROM recommendations WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Bind(1, id).Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::NotFoundError(
          absl::StrCat("recommendations/", id, " not found"));
    }
    out = Parse(stmt->ColumnInt64(0), stmt->ColumnBlob(1));
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<CreateOutcome> SqlRecommendationStore::Create(
    const v1::Recommendation& r, const std::string& request_id,
    const std::string& request_bytes, const AuditEntry& audit) {
  CreateOutcome out;
  std::optional<type::v1::AuditRecord> record;
  const absl::Time now = absl::Now();
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    record.reset();  // afresh on every run: a write that lost a race reruns
    if (!request_id.empty()) {
      auto replay = ReplayIn(c, request_id, request_bytes, now);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) {
        out = {std::move(**replay), true};
        return absl::OkStatus();
      }
    }
    auto existing = CurrentRevision(c, IdOf(r));
    if (existing.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(r.name(), " already exists"));
    }
    if (existing.status().code() != absl::StatusCode::kNotFound) {
      return existing.status();
    }
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    if (auto st = Put(c, r, *revision); !st.ok()) return st;
    if (!request_id.empty()) {
      if (auto st = RecordRequest(c, request_id, request_bytes, *revision,
                                  r.SerializeAsString(), now);
          !st.ok()) {
        return st;
      }
    }
    auto appended = AppendAudit(c, audit, r.name(), 0, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    out = {{r, *revision}, false};
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (record.has_value()) LogAudit(*record);
  return out;
}

absl::StatusOr<StoredRecommendation> SqlRecommendationStore::Update(
    const v1::Recommendation& r, int64_t expected, const AuditEntry& audit,
    const std::string& request_id, const std::string& request_bytes) {
  StoredRecommendation out;
  type::v1::AuditRecord record;
  const absl::Time now = absl::Now();
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = CurrentRevision(c, IdOf(r));
    if (!current.ok()) return current.status();
    if (auto st = CheckExpected(*current, expected, IdOf(r)); !st.ok())
      return st;
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    out = {r, *revision};
    if (auto st = Put(c, r, *revision); !st.ok()) return st;
    auto appended = AppendAudit(c, audit, r.name(), *current, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    if (request_id.empty()) return absl::OkStatus();
    return RecordRequest(c, request_id, request_bytes, *revision,
                         r.SerializeAsString(), now);
  });
  if (!s.ok()) return s;
  LogAudit(record);
  return out;
}

absl::StatusOr<std::optional<StoredRecommendation>>
SqlRecommendationStore::ReplayIn(SqlConnection& c,
                                    const std::string& request_id,
                                    const std::string& request_bytes,
                                    absl::Time now) {
  auto seen = LookUpRequest(c, request_id, request_bytes, now);
  if (!seen.ok()) return seen.status();
  if (!seen->has_value()) return std::optional<StoredRecommendation>();
  auto stored = Parse((*seen)->revision, (*seen)->body);
  if (!stored.ok()) return stored.status();
  // Replayed only while the outcome exists: a retry must not bring back
  // one deleted since.
  auto exists = CurrentRevision(c, IdOf(stored->recommendation));
  if (exists.ok()) return std::optional<StoredRecommendation>(*stored);
  if (exists.status().code() != absl::StatusCode::kNotFound) {
    return exists.status();
  }
  if (auto st = DropRequest(c, request_id); !st.ok()) return st;
  return std::optional<StoredRecommendation>();
}

absl::StatusOr<std::optional<StoredRecommendation>>
SqlRecommendationStore::Replay(const std::string& request_id,
                                  const std::string& request_bytes) {
  std::optional<StoredRecommendation> out;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto replay = ReplayIn(c, request_id, request_bytes, absl::Now());
    if (!replay.ok()) return replay.status();
    out = std::move(*replay);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int64_t> SqlRecommendationStore::Delete(
    const std::string& id, int64_t expected, const AuditEntry& audit) {
  type::v1::AuditRecord record;
  int64_t deleted_at = 0;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = CurrentRevision(c, id);
    if (!current.ok()) return current.status();
    if (auto st = CheckExpected(*current, expected, id); !st.ok()) return st;
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    deleted_at = *revision;
    if (auto st = CountOutcome(c, id, -1); !st.ok()) return st;
    auto del = c.Prepare("DELETE FROM recommendations WHERE id = ?");
    if (!del.ok()) return del.status();
    if (auto st = del->Bind(1, id).Run(); !st.ok()) return st;
    auto appended = AppendAudit(c, audit, absl::StrCat("recommendations/", id),
                                *current, 0);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  LogAudit(record);
  return deleted_at;
}

absl::StatusOr<AuditPage> SqlRecommendationStore::ListAudit(
    const AuditQuery& query) {
  return outreach::ListAudit(*db_, query);
}

absl::StatusOr<RecommendationPage> SqlRecommendationStore::List(
    const RecommendationQuery& q) {
  std::vector<std::string> where;
  std::vector<SqlParam> params;
  if (!q.event.empty()) {
    where.push_back("event = ?");
    params.push_back({false, 0, q.event});
  }
  if (q.kind != v1::RECOMMENDATION_KIND_UNSPECIFIED) {
    where.push_back("kind = ?");
    params.push_back({true, q.kind, ""});
  }
  if (q.status != v1::RECOMMENDATION_STATUS_UNSPECIFIED) {
    where.push_back("status = ?");
    params.push_back({true, q.status, ""});
  }
  if (!q.addressee.empty()) {
    where.push_back(
        "id IN (SELECT recommendation_id FROM recommendation_addressees "
        "WHERE entity = ?)");
    params.push_back({false, 0, q.addressee});
  }
  if (!q.area.empty()) {
    where.push_back(
        "id IN (SELECT recommendation_id FROM recommendation_areas WHERE "
        "area = ?)");
    params.push_back({false, 0, q.area});
  }
  if (!q.overdue_as_of.empty()) {
    where.push_back("final = 0 AND due_date != '' AND due_date < ?");
    params.push_back({false, 0, q.overdue_as_of});
  }
  if (!q.include_confidential) where.push_back("confidential = 0");
  if (q.after.has_value()) {
    // A row value, which both engines seek an index to (see the
    // participants store's ListParticipations).
    where.push_back("(create_time, id) > (?, ?)");
    params.push_back({true, q.after->create_micros, ""});
    params.push_back({false, 0, q.after->id});
  }
  std::string sql = "SELECT revision, body FROM recommendations";
  if (!where.empty())
    absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  absl::StrAppend(&sql, " ORDER BY create_time, id LIMIT ?");
  params.push_back({true, q.page_size + 1, ""});
  auto rows = SelectRecords<v1::Recommendation>(*db_, sql, params);
  if (!rows.ok()) return rows.status();
  RecommendationPage page;
  for (auto& [revision, recommendation] : *rows) {
    page.recommendations.push_back({std::move(recommendation), revision});
  }
  if (static_cast<int>(page.recommendations.size()) > q.page_size) {
    page.recommendations.pop_back();
    page.more = true;
  }
  return page;
}

absl::Status SqlRecommendationStore::Ping() { return db_->Ping(); }

}  // namespace outreach::recommendations
