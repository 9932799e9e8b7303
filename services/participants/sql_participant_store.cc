#include "services/participants/sql_participant_store.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/postgres/pg_db.h"
#include "common/resource/resource_ids.h"
#include "common/sql/request_ledger.h"
#include "common/sql/stored_counts.h"
#include "common/sql/table_copy.h"

namespace outreach::participants {
namespace {

// The counts kept of the participations (common/sql/stored_counts.h):
// dimension "entity", keyed by the entity's name ("" for participants that
// name none). Every insert and delete of a participation moves its count in
// the same transaction, as this first fills it.
constexpr char kFillCounts[] = R"sql(
INSERT INTO counts (dimension, key, n)
  SELECT 'entity', entity, COUNT(*) FROM participations GROUP BY 2;
)sql";

// Append-only: never edit a migration that has shipped.
const std::vector<std::string>& SqliteMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kRevisionCounterSchema) +
          R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);

CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  body BLOB NOT NULL
);

CREATE TABLE participations (
  event_id TEXT NOT NULL,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  entity TEXT NOT NULL,
  role INTEGER NOT NULL,
  position INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (event_id, id)
);
CREATE INDEX participations_by_order ON participations (event_id, position, id);
CREATE INDEX participations_by_entity ON participations (entity, event_id, position, id);
)sql",
      // 2: request ids, as every store keeps them.
      kRequestLedgerSchema,
      // 3: the audit trail (common/sql/audit_log.h).
      kAuditSchema,
      // 4: the dashboard's counts (common/sql/stored_counts.h), filled
      // from the participations already stored.
      std::string(kStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}

// SQLite's version 3 in one; text compares as bytes, as in SQLite.
const std::vector<std::string>& PostgresMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kPgRevisionSchema) + kPgRequestLedgerSchema + kPgAuditSchema +
          R"sql(
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value BIGINT NOT NULL);

CREATE TABLE entities (
  id TEXT COLLATE "C" PRIMARY KEY,
  revision BIGINT NOT NULL,
  body BYTEA NOT NULL
);

CREATE TABLE participations (
  event_id TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  revision BIGINT NOT NULL,
  entity TEXT COLLATE "C" NOT NULL,
  role INTEGER NOT NULL,
  position BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (event_id, id)
);
CREATE INDEX participations_by_order ON participations (event_id, position, id);
CREATE INDEX participations_by_entity ON participations (entity, event_id, position, id);
)sql",
      // 2: SQLite's version 4.
      std::string(kPgStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}

absl::StatusOr<int64_t> EntityRevision(SqlConnection& c,
                                       const std::string& id) {
  auto stmt = c.Prepare("SELECT revision FROM entities WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, id).Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return absl::NotFoundError(absl::StrCat("entities/", id, " not found"));
  return stmt->ColumnInt64(0);
}

absl::Status CheckExpected(int64_t current, int64_t expected,
                           absl::string_view name) {
  if (expected != 0 && current != expected) {
    return absl::AbortedError(absl::StrCat(
        name,
        " was changed by someone else; read it again and retry with "
        "its new etag"));
  }
  return absl::OkStatus();
}

// Moves the entities' version on (EntitiesVersion), in the write's
// transaction.
absl::Status BumpEntitiesVersion(SqlConnection& c) {
  auto stmt = c.Prepare(
      "INSERT INTO meta (key, value) VALUES ('entities_version', 1) "
      "ON CONFLICT (key) DO UPDATE SET value = meta.value + 1");
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

// Writes an entity, and moves the entities' version on.
absl::Status PutEntity(SqlConnection& c, const v1::Entity& e,
                       int64_t revision) {
  if (auto s = BumpEntitiesVersion(c); !s.ok()) return s;
  auto stmt = c.Prepare(
      "INSERT INTO entities (id, revision, body) VALUES (?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
      "body = excluded.body");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, EntityId(e.name()))
      .Bind(2, revision)
      .BindBlob(3, e.SerializeAsString())
      .Run();
}

}  // namespace

bool SplitParticipationName(absl::string_view name, std::string* event_id,
                            std::string* id) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "events" ||
      parts[2] != "participations" || parts[1].empty() || parts[3].empty()) {
    return false;
  }
  *event_id = parts[1];
  *id = parts[3];
  return true;
}

absl::StatusOr<std::unique_ptr<SqlParticipantStore>>
SqlParticipantStore::Open(SqliteOptions options) {
  options.migrations = Migrations().sqlite;
  auto db = SqliteDb::Open(std::move(options));
  if (!db.ok()) return db.status();
  return std::make_unique<SqlParticipantStore>(std::move(*db));
}

const StoreSpec& SqlParticipantStore::Tables() {
  static const auto* const kSpec = new StoreSpec{
      "participants",
      {{"meta",
        {{"key", ColumnType::kText}, {"value", ColumnType::kInteger}},
        "key"},
       {"entities",
        {{"id", ColumnType::kText},
         {"revision", ColumnType::kInteger},
         {"body", ColumnType::kBytes}},
        "id"},
       {"participations",
        {{"event_id", ColumnType::kText},
         {"id", ColumnType::kText},
         {"revision", ColumnType::kInteger},
         {"entity", ColumnType::kText},
         {"role", ColumnType::kInteger},
         {"position", ColumnType::kInteger},
         {"body", ColumnType::kBytes}},
        "event_id, id"},
       RequestLedgerTable(),
       AuditTable(),
       StoredCountsTable(),
       CountDeltasTable()}};
  return *kSpec;
}

const StoreMigrations& SqlParticipantStore::Migrations() {
  static const auto* const kMigrations =
      new StoreMigrations{SqliteMigrations(), PostgresMigrations()};
  return *kMigrations;
}

absl::StatusOr<std::vector<StoredEntity>>
SqlParticipantStore::ListEntities() {
  auto rows = SelectRecords<v1::Entity>(
      *db_, "SELECT revision, body FROM entities ORDER BY id", {});
  if (!rows.ok()) return rows.status();
  std::vector<StoredEntity> out;
  for (auto& [revision, entity] : *rows) {
    out.push_back({std::move(entity), revision});
  }
  return out;
}

absl::StatusOr<int64_t> SqlParticipantStore::EntitiesVersion() {
  int64_t version = 0;
  absl::Status s = db_->Read([&](SqlConnection& c) -> absl::Status {
    auto stmt =
        c.Prepare("SELECT value FROM meta WHERE key = 'entities_version'");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    version = *row ? stmt->ColumnInt64(0) : 0;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return version;
}

absl::StatusOr<bool> SqlParticipantStore::SeedReference(
    const std::vector<v1::Entity>& entities, int version) {
  bool wrote = false;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    wrote = false;
    auto get =
        c.Prepare("SELECT value FROM meta WHERE key = 'reference_version'");
    if (!get.ok()) return get.status();
    auto row = get->Step();
    if (!row.ok()) return row.status();
    if (*row && get->ColumnInt64(0) >= version) return absl::OkStatus();
    for (const auto& e : entities) {
      auto revision = NextRevision(c);
      if (!revision.ok()) return revision.status();
      if (auto st = PutEntity(c, e, *revision); !st.ok()) return st;
    }
    auto put = c.Prepare(
        "INSERT INTO meta (key, value) VALUES ('reference_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!put.ok()) return put.status();
    wrote = true;
    return put->Bind(1, int64_t{version}).Run();
  });
  if (!s.ok()) return s;
  return wrote;
}

absl::StatusOr<StoredEntity> SqlParticipantStore::CreateEntity(
    const v1::Entity& e, const AuditEntry& audit, const std::string& request_id,
    const std::string& request_bytes) {
  StoredEntity out;
  std::optional<type::v1::AuditRecord> record;
  const absl::Time now = absl::Now();
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    record.reset();  // afresh on every run: a write that lost a race reruns
    if (!request_id.empty()) {
      auto seen = LookUpRequest(c, request_id, request_bytes, now);
      if (!seen.ok()) return seen.status();
      if (seen->has_value()) {
        v1::Entity first;
        if (!first.ParseFromString((*seen)->body)) {
          return absl::DataLossError("a recorded reply does not parse");
        }
        // Replayed only while the entity exists.
        auto exists = EntityRevision(c, EntityId(first.name()));
        if (exists.ok()) {
          out = {std::move(first), *exists};
          return absl::OkStatus();
        }
        if (exists.status().code() != absl::StatusCode::kNotFound) {
          return exists.status();
        }
        if (auto st = DropRequest(c, request_id); !st.ok()) return st;
      }
    }
    auto existing = EntityRevision(c, EntityId(e.name()));
    if (existing.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(e.name(), " already exists"));
    }
    if (existing.status().code() != absl::StatusCode::kNotFound) {
      return existing.status();
    }
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    out = {e, *revision};
    if (auto st = PutEntity(c, e, *revision); !st.ok()) return st;
    auto appended = AppendAudit(c, audit, e.name(), 0, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    if (request_id.empty()) return absl::OkStatus();
    return RecordRequest(c, request_id, request_bytes, *revision,
                         e.SerializeAsString(), now);
  });
  if (!s.ok()) return s;
  if (record.has_value()) LogAudit(*record);
  return out;
}

absl::StatusOr<StoredEntity> SqlParticipantStore::UpdateEntity(
    const v1::Entity& e, int64_t expected, const AuditEntry& audit) {
  StoredEntity out;
  type::v1::AuditRecord record;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = EntityRevision(c, EntityId(e.name()));
    if (!current.ok()) return current.status();
    if (auto st = CheckExpected(*current, expected, e.name()); !st.ok())
      return st;
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    out = {e, *revision};
    if (auto st = PutEntity(c, e, *revision); !st.ok()) return st;
    auto appended = AppendAudit(c, audit, e.name(), *current, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  LogAudit(record);
  return out;
}

absl::Status SqlParticipantStore::DeleteEntity(const std::string& id,
                                                  int64_t expected,
                                                  const AuditEntry& audit) {
  type::v1::AuditRecord record;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = EntityRevision(c, id);
    if (!current.ok()) return current.status();
    const std::string name = absl::StrCat("entities/", id);
    if (auto st = CheckExpected(*current, expected, name); !st.ok()) return st;
    auto used = c.Prepare(
        "SELECT event_id, id FROM participations WHERE entity = ? LIMIT 1");
    if (!used.ok()) return used.status();
    auto row = used->Bind(1, name).Step();
    if (!row.ok()) return row.status();
    if (*row) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, " is used by events/", used->ColumnText(0), "/participations/",
          used->ColumnText(1), "; delete its participations first"));
    }
    if (auto st = NextRevision(c); !st.ok()) return st.status();
    auto del = c.Prepare("DELETE FROM entities WHERE id = ?");
    if (!del.ok()) return del.status();
    if (auto st = del->Bind(1, id).Run(); !st.ok()) return st;
    if (auto st = BumpEntitiesVersion(c); !st.ok()) return st;
    auto appended = AppendAudit(c, audit, name, *current, 0);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    return absl::OkStatus();
  });
  if (s.ok()) LogAudit(record);
  return s;
}

absl::StatusOr<StoredParticipation> SqlParticipantStore::GetParticipation(
    const std::string& event_id, const std::string& id) {
  StoredParticipation out;
  absl::Status s = db_->Read([&](SqlConnection& c) -> absl::Status {
    auto stmt = c.Prepare(
        "SELECT revision, body FROM participations WHERE event_id = ? AND "
        "id = ?");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Bind(1, event_id).Bind(2, id).Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::NotFoundError(absl::StrCat(
          "events/", event_id, "/participations/", id, " not found"));
    }
    out.revision = stmt->ColumnInt64(0);
    const auto body = stmt->ColumnBlob(1);
    if (!out.participation.ParseFromArray(body.data(),
                                          static_cast<int>(body.size()))) {
      return absl::DataLossError("stored participation does not parse");
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<StoredParticipation>>
SqlParticipantStore::CreateParticipations(
    std::vector<v1::Participation> participations,
    const std::vector<bool>& generated, const AuditEntry& audit,
    const std::string& request_id, const std::string& request_bytes) {
  std::vector<StoredParticipation> out;
  std::vector<type::v1::AuditRecord> records;
  const absl::Time now = absl::Now();
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    out.clear();
    records.clear();
    if (!request_id.empty()) {
      auto seen = LookUpRequest(c, request_id, request_bytes, now);
      if (!seen.ok()) return seen.status();
      if (seen->has_value()) {
        v1::BatchCreateParticipationsResponse reply;
        if (!reply.ParseFromString((*seen)->body)) {
          return absl::DataLossError("a recorded reply does not parse");
        }
        // Replayed only while all it created exists.
        bool all_there = true;
        for (auto& p : *reply.mutable_participations()) {
          std::string event_id, id;
          if (!SplitParticipationName(p.name(), &event_id, &id)) {
            return absl::DataLossError("a recorded reply is malformed");
          }
          auto exists = c.Prepare(
              "SELECT revision FROM participations WHERE event_id = ? AND "
              "id = ?");
          if (!exists.ok()) return exists.status();
          auto row = exists->Bind(1, event_id).Bind(2, id).Step();
          if (!row.ok()) return row.status();
          if (!*row) {
            all_there = false;
            break;
          }
          auto revision = RevisionFromEtag(p.etag(), "etag");
          if (!revision.ok()) return absl::DataLossError("bad recorded etag");
          p.clear_etag();
          out.push_back({std::move(p), *revision});
        }
        if (all_there) return absl::OkStatus();
        out.clear();
        if (auto e = DropRequest(c, request_id); !e.ok()) return e;
      }
    }
    // Each entity a participation names is written to (its row touched,
    // unchanged), so that a concurrent DeleteEntity, which checks that no
    // participation names it, conflicts with this write on PostgreSQL and
    // one of the two runs again and sees the other: no participation ever
    // names a deleted entity. (SQLite's single writer gives this alone.)
    absl::flat_hash_set<std::string> touched;
    for (const auto& p : participations) {
      if (p.entity().empty() || !touched.insert(p.entity()).second) continue;
      auto touch = c.Prepare(
          "UPDATE entities SET revision = revision WHERE id = ? RETURNING id");
      if (!touch.ok()) return touch.status();
      auto row = touch->Bind(1, EntityId(p.entity())).Step();
      if (!row.ok()) return row.status();
      if (!*row) {
        return absl::FailedPreconditionError(absl::StrCat(
            p.entity(), " does not exist (deleted meanwhile?)"));
      }
      if (auto done = touch->Step(); !done.ok()) return done.status();
    }
    for (size_t i = 0; i < participations.size(); ++i) {
      v1::Participation p = participations[i];
      std::string event_id, id;
      if (!SplitParticipationName(p.name(), &event_id, &id)) {
        return absl::InternalError("participation without a valid name");
      }
      const std::string base = id;
      for (int attempt = 1;; ++attempt) {
        auto exists = c.Prepare(
            "SELECT 1 FROM participations WHERE event_id = ? AND id = ?");
        if (!exists.ok()) return exists.status();
        auto row = exists->Bind(1, event_id).Bind(2, id).Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        if (!generated[i] || attempt >= 100) {
          return absl::AlreadyExistsError(absl::StrCat(
              "events/", event_id, "/participations/", id, " already exists"));
        }
        const std::string suffix = absl::StrCat("-", attempt + 1);
        id = absl::StrCat(base.substr(0, 63 - suffix.size()), suffix);
      }
      p.set_name(absl::StrCat("events/", event_id, "/participations/", id));
      auto revision = NextRevision(c);
      if (!revision.ok()) return revision.status();
      auto ins = c.Prepare(
          "INSERT INTO participations (event_id, id, revision, entity, role, "
          "position, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
      if (!ins.ok()) return ins.status();
      if (auto st = ins->Bind(1, event_id)
                        .Bind(2, id)
                        .Bind(3, *revision)
                        .Bind(4, p.entity())
                        .Bind(5, int64_t{p.role()})
                        .Bind(6, int64_t{p.position()})
                        .BindBlob(7, p.SerializeAsString())
                        .Run();
          !st.ok()) {
        return st;
      }
      if (auto st = AddToCount(c, "entity", p.entity(), +1); !st.ok()) {
        return st;
      }
      auto appended = AppendAudit(c, audit, p.name(), 0, *revision);
      if (!appended.ok()) return appended.status();
      records.push_back(std::move(*appended));
      out.push_back({std::move(p), *revision});
    }
    if (!request_id.empty()) {
      v1::BatchCreateParticipationsResponse reply;
      int64_t last = 0;
      for (const auto& stored : out) {
        auto* p = reply.add_participations();
        *p = stored.participation;
        p->set_etag(EtagForRevision(stored.revision));
        last = std::max(last, stored.revision);
      }
      return RecordRequest(c, request_id, request_bytes, last,
                           reply.SerializeAsString(), now);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (const auto& r : records) LogAudit(r);
  return out;
}

absl::StatusOr<ParticipationPage> SqlParticipantStore::ListParticipations(
    const ParticipationQuery& q) {
  std::vector<std::string> where;
  std::vector<SqlParam> params;
  if (!q.event_id.empty()) {
    where.push_back("event_id = ?");
    params.push_back({false, 0, q.event_id});
  }
  if (!q.entity.empty()) {
    where.push_back("entity = ?");
    params.push_back({false, 0, q.entity});
  }
  if (q.role != v1::PARTICIPATION_ROLE_UNSPECIFIED) {
    where.push_back("role = ?");
    params.push_back({true, q.role, ""});
  }
  if (q.after.has_value()) {
    // A row value, not "a > ? OR (a = ? AND ...)": both engines seek an
    // index to a row value, while the OR form made them read every earlier
    // row of the index, so that page k cost k pages and listing a million
    // participations took minutes (docs/performance.md).
    where.push_back("(event_id, position, id) > (?, ?, ?)");
    params.push_back({false, 0, q.after->event_id});
    params.push_back({true, q.after->position, ""});
    params.push_back({false, 0, q.after->id});
  }
  std::string sql = "SELECT revision, body FROM participations";
  if (!where.empty())
    absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  absl::StrAppend(&sql, " ORDER BY event_id, position, id LIMIT ?");
  params.push_back({true, q.page_size + 1, ""});

  auto rows = SelectRecords<v1::Participation>(*db_, sql, params);
  if (!rows.ok()) return rows.status();
  ParticipationPage page;
  for (auto& [revision, participation] : *rows) {
    page.participations.push_back({std::move(participation), revision});
  }
  if (static_cast<int>(page.participations.size()) > q.page_size) {
    page.participations.pop_back();
    page.more = true;
  }
  return page;
}

absl::Status SqlParticipantStore::DeleteParticipation(
    const std::string& event_id, const std::string& id,
    const AuditEntry& audit) {
  type::v1::AuditRecord record;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto del = c.Prepare(
        "DELETE FROM participations WHERE event_id = ? AND id = ? "
        "RETURNING revision, entity");
    if (!del.ok()) return del.status();
    auto row = del->Bind(1, event_id).Bind(2, id).Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::NotFoundError(absl::StrCat(
          "events/", event_id, "/participations/", id, " not found"));
    }
    const int64_t before = del->ColumnInt64(0);
    const std::string entity = del->ColumnText(1);
    // Finish the statement before the transaction commits.
    while (true) {
      auto more = del->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    if (auto st = AddToCount(c, "entity", entity, -1); !st.ok()) return st;
    if (auto st = NextRevision(c); !st.ok()) return st.status();
    auto appended = AppendAudit(
        c, audit, absl::StrCat("events/", event_id, "/participations/", id),
        before, 0);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    return absl::OkStatus();
  });
  if (s.ok()) LogAudit(record);
  return s;
}

absl::StatusOr<AuditPage> SqlParticipantStore::ListAudit(
    const AuditQuery& query) {
  return outreach::ListAudit(*db_, query);
}

absl::Status SqlParticipantStore::Ping() { return db_->Ping(); }

}  // namespace outreach::participants
