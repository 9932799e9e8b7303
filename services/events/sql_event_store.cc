#include "services/events/sql_event_store.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/postgres/pg_db.h"
#include "common/resource/resource_ids.h"
#include "common/sql/request_ledger.h"
#include "common/sql/stored_counts.h"
#include "common/sql/table_copy.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/events/event_validation.h"

namespace outreach::events {
namespace {

using google::protobuf::util::TimeUtil;
using outreach::events::v1::Event;

// The counts kept of the events (common/sql/stored_counts.h), by
// dimension: "year" (the first four characters of start_date), "kind" (the
// enum's number) and "country" (events that name one). CountEvent keeps
// them as the migrations below first fill them.
constexpr char kFillCounts[] = R"sql(
INSERT INTO counts (dimension, key, n)
  SELECT 'year', substr(start_date, 1, 4), COUNT(*) FROM events GROUP BY 2;
INSERT INTO counts (dimension, key, n)
  SELECT 'kind', CAST(kind AS TEXT), COUNT(*) FROM events GROUP BY 2;
INSERT INTO counts (dimension, key, n)
  SELECT 'country', country_code, COUNT(*) FROM events
  WHERE country_code != '' GROUP BY 2;
)sql";

// Append-only: never edit a migration that has shipped.
const std::vector<std::string>& SqliteMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kRevisionCounterSchema) +
          // 1: events, topics, the revision counter and request ids.
          R"sql(

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  country_code TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  title_key TEXT NOT NULL,
  series TEXT NOT NULL,
  parent_event TEXT NOT NULL,
  search_text TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX events_by_start_date ON events (start_date, id);
CREATE INDEX events_by_end_date ON events (end_date, id);
CREATE INDEX events_by_title ON events (title_key, id);
CREATE INDEX events_by_create_time ON events (create_time, id);
CREATE INDEX events_by_update_time ON events (update_time, id);
CREATE INDEX events_by_country ON events (country_code);
CREATE INDEX events_by_kind ON events (kind);
CREATE INDEX events_by_parent ON events (parent_event);

CREATE TABLE event_topics (
  event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  topic_key TEXT NOT NULL,
  PRIMARY KEY (event_id, topic_key)
);
CREATE INDEX event_topics_by_topic ON event_topics (topic_key, event_id);

CREATE TABLE request_ids (
  request_id TEXT PRIMARY KEY,
  request_bytes BLOB NOT NULL,
  revision INTEGER NOT NULL,
  body BLOB NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX request_ids_by_time ON request_ids (create_time);
)sql",
      // 2: the import state of imported events, and tombstones: the id of
      // a deleted event is never given to another.
      R"sql(
ALTER TABLE events ADD COLUMN import_state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_by_import_state ON events (import_state);
CREATE TABLE deleted_events (
  id TEXT PRIMARY KEY,
  delete_time INTEGER NOT NULL
);
)sql",
      // 3: the audit trail (common/sql/audit_log.h).
      kAuditSchema,
      // 4: the dashboard's counts (common/sql/stored_counts.h), filled
      // from the events already stored.
      std::string(kStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}

// The same schema as SQLite's version 3. Text columns compare as bytes
// ("C"), as SQLite's do, so that orders and keyset pages agree on both.
const std::vector<std::string>& PostgresMigrations() {
  static const auto* const kMigrations = new std::vector<std::string>{
      std::string(kPgRevisionSchema) + kPgRequestLedgerSchema + kPgAuditSchema +
          R"sql(
CREATE TABLE events (
  id TEXT COLLATE "C" PRIMARY KEY,
  revision BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  country_code TEXT COLLATE "C" NOT NULL,
  start_date TEXT COLLATE "C" NOT NULL,
  end_date TEXT COLLATE "C" NOT NULL,
  title_key TEXT COLLATE "C" NOT NULL,
  series TEXT COLLATE "C" NOT NULL,
  parent_event TEXT COLLATE "C" NOT NULL,
  search_text TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  body BYTEA NOT NULL,
  import_state INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_start_date ON events (start_date, id);
CREATE INDEX events_by_end_date ON events (end_date, id);
CREATE INDEX events_by_title ON events (title_key, id);
CREATE INDEX events_by_create_time ON events (create_time, id);
CREATE INDEX events_by_update_time ON events (update_time, id);
CREATE INDEX events_by_country ON events (country_code);
CREATE INDEX events_by_kind ON events (kind);
CREATE INDEX events_by_parent ON events (parent_event);
CREATE INDEX events_by_import_state ON events (import_state);

CREATE TABLE event_topics (
  event_id TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  topic_key TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (event_id, topic_key)
);
CREATE INDEX event_topics_by_topic ON event_topics (topic_key, event_id);

CREATE TABLE deleted_events (
  id TEXT COLLATE "C" PRIMARY KEY,
  delete_time BIGINT NOT NULL
);
)sql",
      // 2: SQLite's version 4.
      std::string(kPgStoredCountsSchema) + kFillCounts,
  };
  return *kMigrations;
}


std::string IdOf(const Event& e) { return IdFromName(e.name(), "events/"); }

// Adds `sign` (+1 or -1) to the counts of event `id` as its row now stands;
// nothing when there is no such row. The stored_counts.h contract: -1
// before a write changes the row, +1 after.
absl::Status CountEvent(SqlConnection& c, const std::string& id, int sign) {
  auto stmt = c.Prepare(
      "SELECT substr(start_date, 1, 4), CAST(kind AS TEXT), country_code "
      "FROM events WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::OkStatus();
  const std::string year = stmt->ColumnText(0);
  const std::string kind = stmt->ColumnText(1);
  const std::string country = stmt->ColumnText(2);
  if (auto s = AddToCount(c, "year", year, sign); !s.ok()) return s;
  if (auto s = AddToCount(c, "kind", kind, sign); !s.ok()) return s;
  if (country.empty()) return absl::OkStatus();
  return AddToCount(c, "country", country, sign);
}

std::string SearchText(const Event& e) {
  std::vector<absl::string_view> parts = {e.title(), e.venue().city(),
                                          e.venue().country_code(), e.series()};
  for (const auto& o : e.organizers()) parts.push_back(o.display_name());
  for (const auto& t : e.topics()) parts.push_back(t);
  for (const auto* list : {&e.background(), &e.objectives(), &e.highlights(),
                           &e.additional_comments()}) {
    for (const auto& p : *list) parts.push_back(p);
  }
  return absl::AsciiStrToLower(absl::StrJoin(parts, "\n"));
}

std::string EndDateKey(const Event& e) {
  return DateKey(e.has_end_date() ? e.end_date() : e.start_date());
}

absl::Status WriteTopics(SqlConnection& c, const std::string& id,
                         const Event& e) {
  auto del = c.Prepare("DELETE FROM event_topics WHERE event_id = ?");
  if (!del.ok()) return del.status();
  if (auto s = del->Bind(1, id).Run(); !s.ok()) return s;
  for (const auto& topic : e.topics()) {
    auto ins = c.Prepare(
        "INSERT INTO event_topics (event_id, topic_key) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    if (auto s = ins->Bind(1, id).Bind(2, absl::AsciiStrToLower(topic)).Run();
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Binds the indexed columns shared by INSERT and UPDATE, from index 1:
// revision, kind, status, country_code, start_date, end_date, title_key,
// series, parent_event, search_text, create_time, update_time, body.
void BindColumns(Statement& stmt, const Event& e, int64_t revision,
                 const std::string& body) {
  stmt.Bind(1, revision)
      .Bind(2, int64_t{e.kind()})
      .Bind(3, int64_t{e.status()})
      .Bind(4, e.venue().country_code())
      .Bind(5, DateKey(e.start_date()))
      .Bind(6, EndDateKey(e))
      .Bind(7, absl::AsciiStrToLower(e.title()))
      .Bind(8, e.series())
      .Bind(9, e.parent_event())
      .Bind(10, SearchText(e))
      .Bind(11, TimeUtil::TimestampToMicroseconds(e.create_time()))
      .Bind(12, TimeUtil::TimestampToMicroseconds(e.update_time()))
      .BindBlob(13, body)
      .Bind(15, int64_t{e.note_import().state()});
}

absl::StatusOr<StoredEvent> ParseRow(int64_t revision, absl::string_view body) {
  StoredEvent out;
  out.revision = revision;
  if (!out.event.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError("stored event does not parse");
  }
  return out;
}

// The row's current revision, or NOT_FOUND.
absl::StatusOr<int64_t> CurrentRevision(SqlConnection& c,
                                        const std::string& id) {
  auto stmt = c.Prepare("SELECT revision FROM events WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, id).Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return absl::NotFoundError(absl::StrCat("events/", id, " not found"));
  return stmt->ColumnInt64(0);
}

absl::Status CheckRevision(int64_t current, int64_t expected,
                           const std::string& id) {
  if (expected != 0 && current != expected) {
    return absl::AbortedError(absl::StrCat(
        "events/", id,
        " was changed by someone else; read it again and retry with its "
        "new etag"));
  }
  return absl::OkStatus();
}

const char* OrderColumn(OrderField f) {
  switch (f) {
    case OrderField::kStartDate:
      return "start_date";
    case OrderField::kEndDate:
      return "end_date";
    case OrderField::kTitle:
      return "title_key";
    case OrderField::kCreateTime:
      return "create_time";
    case OrderField::kUpdateTime:
      return "update_time";
  }
  return "start_date";
}

// The column a simple comparison filter reads.
const char* ComparedColumn(FilterField f) {
  switch (f) {
    case FilterField::kKind:
      return "kind";
    case FilterField::kStatus:
      return "status";
    case FilterField::kCountry:
      return "country_code";
    case FilterField::kStartDate:
      return "start_date";
    case FilterField::kEndDate:
      return "end_date";
    case FilterField::kSeries:
      return "series";
    case FilterField::kParentEvent:
      return "parent_event";
    case FilterField::kImportState:
      return "import_state";
    case FilterField::kTopic:
    case FilterField::kText:
      break;
  }
  return "";
}

bool IsIntegerOrder(OrderField f) {
  return f == OrderField::kCreateTime || f == OrderField::kUpdateTime;
}

const char* SqlOp(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "=";
    case FilterOp::kNe:
      return "!=";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
    case FilterOp::kHas:
      return "LIKE";
  }
  return "=";
}

std::string LikePattern(absl::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

std::string SortValue(const StoredEvent& s, OrderField f) {
  const Event& e = s.event;
  switch (f) {
    case OrderField::kStartDate:
      return DateKey(e.start_date());
    case OrderField::kEndDate:
      return EndDateKey(e);
    case OrderField::kTitle:
      return absl::AsciiStrToLower(e.title());
    case OrderField::kCreateTime:
      return absl::StrCat(TimeUtil::TimestampToMicroseconds(e.create_time()));
    case OrderField::kUpdateTime:
      return absl::StrCat(TimeUtil::TimestampToMicroseconds(e.update_time()));
  }
  return "";
}

}  // namespace

const StoreSpec& SqlEventStore::Tables() {
  static const auto* const kSpec = new StoreSpec{
      "events",
      {{"events",
        {{"id", ColumnType::kText},
         {"revision", ColumnType::kInteger},
         {"kind", ColumnType::kInteger},
         {"status", ColumnType::kInteger},
         {"country_code", ColumnType::kText},
         {"start_date", ColumnType::kText},
         {"end_date", ColumnType::kText},
         {"title_key", ColumnType::kText},
         {"series", ColumnType::kText},
         {"parent_event", ColumnType::kText},
         {"search_text", ColumnType::kText},
         {"create_time", ColumnType::kInteger},
         {"update_time", ColumnType::kInteger},
         {"body", ColumnType::kBytes},
         {"import_state", ColumnType::kInteger}},
        "id"},
       {"event_topics",
        {{"event_id", ColumnType::kText}, {"topic_key", ColumnType::kText}},
        "event_id, topic_key"},
       {"deleted_events",
        {{"id", ColumnType::kText}, {"delete_time", ColumnType::kInteger}},
        "id"},
       RequestLedgerTable(),
       AuditTable(),
       StoredCountsTable(),
       CountDeltasTable()}};
  return *kSpec;
}

const StoreMigrations& SqlEventStore::Migrations() {
  static const auto* const kMigrations =
      new StoreMigrations{SqliteMigrations(), PostgresMigrations()};
  return *kMigrations;
}

absl::StatusOr<std::unique_ptr<SqlEventStore>> SqlEventStore::Open(
    SqliteOptions options) {
  options.migrations = Migrations().sqlite;
  auto db = SqliteDb::Open(std::move(options));
  if (!db.ok()) return db.status();
  return std::make_unique<SqlEventStore>(std::move(*db));
}

absl::StatusOr<StoredEvent> SqlEventStore::Get(const std::string& id) {
  absl::StatusOr<StoredEvent> result;
  absl::Status s = db_->Read([&](SqlConnection& c) {
    auto stmt = c.Prepare("SELECT revision, body FROM events WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Bind(1, id).Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::NotFoundError(absl::StrCat("events/", id, " not found"));
    }
    result = ParseRow(stmt->ColumnInt64(0), stmt->ColumnBlob(1));
    return result.status();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<CreateResult> SqlEventStore::Create(
    const Event& event, const std::string& request_id,
    const std::string& request_bytes, const AuditEntry& audit) {
  CreateResult result;
  std::optional<type::v1::AuditRecord> record;
  const std::string id = IdOf(event);
  const absl::Time now = absl::FromUnixMicros(
      TimeUtil::TimestampToMicroseconds(event.create_time()));
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    // Afresh on every run: a write that lost a race runs again.
    result = CreateResult();
    record.reset();
    if (!request_id.empty()) {
      auto seen = LookUpRequest(c, request_id, request_bytes, now);
      if (!seen.ok()) return seen.status();
      if (seen->has_value()) {
        auto stored = ParseRow((*seen)->revision, (*seen)->body);
        if (!stored.ok()) return stored.status();
        // A reply is replayed only while its event exists: a retry must
        // not bring back an event that was deleted since.
        auto exists = CurrentRevision(c, IdOf(stored->event));
        if (exists.ok()) {
          result.stored = std::move(*stored);
          result.replayed = true;
          return absl::OkStatus();
        }
        if (exists.status().code() != absl::StatusCode::kNotFound) {
          return exists.status();
        }
        if (auto e = DropRequest(c, request_id); !e.ok()) return e;
      }
    }
    // Read before the insert, not only left to the key: under PostgreSQL's
    // SERIALIZABLE, a concurrent create of the same id by another replica
    // then fails as a serialization conflict, and its rerun finds this
    // request's ledger entry (a replay) instead of ALREADY_EXISTS.
    if (auto taken = CurrentRevision(c, id); taken.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat("events/", id, " already exists"));
    } else if (taken.status().code() != absl::StatusCode::kNotFound) {
      return taken.status();
    }
    auto tomb = c.Prepare("SELECT delete_time FROM deleted_events WHERE id = ?");
    if (!tomb.ok()) return tomb.status();
    auto buried = tomb->Bind(1, id).Step();
    if (!buried.ok()) return buried.status();
    if (*buried) {
      return absl::AlreadyExistsError(absl::StrCat(
          "events/", id,
          " was the id of an event that was deleted; an id is never given "
          "to another event"));
    }
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    const std::string body = event.SerializeAsString();
    auto ins = c.Prepare(
        "INSERT INTO events (revision, kind, status, country_code, "
        "start_date, end_date, title_key, series, parent_event, search_text, "
        "create_time, update_time, body, id, import_state) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15)");
    if (!ins.ok()) return ins.status();
    BindColumns(*ins, event, *revision, body);
    ins->Bind(14, id);
    if (absl::Status e = ins->Run(); !e.ok()) {
      if (e.code() == absl::StatusCode::kAlreadyExists) {
        // Reworded for the caller; the engine's marks (a unique violation
        // that PgDb runs again) are kept.
        return Reworded(e, absl::StrCat("events/", id, " already exists"));
      }
      return e;
    }
    if (auto e = WriteTopics(c, id, event); !e.ok()) return e;
    if (auto e = CountEvent(c, id, +1); !e.ok()) return e;
    if (!request_id.empty()) {
      if (auto e = RecordRequest(c, request_id, request_bytes, *revision, body,
                                 now);
          !e.ok()) {
        return e;
      }
    }
    auto appended = AppendAudit(c, audit, event.name(), 0, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    result.stored.event = event;
    result.stored.revision = *revision;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (record.has_value()) LogAudit(*record);
  return result;
}

absl::StatusOr<StoredEvent> SqlEventStore::Update(
    const Event& event, int64_t expected_revision, const AuditEntry& audit) {
  StoredEvent result;
  type::v1::AuditRecord record;
  const std::string id = IdOf(event);
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = CurrentRevision(c, id);
    if (!current.ok()) return current.status();
    if (auto e = CheckRevision(*current, expected_revision, id); !e.ok()) {
      return e;
    }
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    if (auto e = CountEvent(c, id, -1); !e.ok()) return e;
    auto upd = c.Prepare(
        "UPDATE events SET revision = ?1, kind = ?2, status = ?3, "
        "country_code = ?4, start_date = ?5, end_date = ?6, title_key = ?7, "
        "series = ?8, parent_event = ?9, search_text = ?10, create_time = ?11, "
        "update_time = ?12, body = ?13, import_state = ?15 WHERE id = ?14");
    if (!upd.ok()) return upd.status();
    BindColumns(*upd, event, *revision, event.SerializeAsString());
    upd->Bind(14, id);
    if (auto e = upd->Run(); !e.ok()) return e;
    if (auto e = CountEvent(c, id, +1); !e.ok()) return e;
    if (auto e = WriteTopics(c, id, event); !e.ok()) return e;
    auto appended = AppendAudit(c, audit, event.name(), *current, *revision);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    result.event = event;
    result.revision = *revision;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  LogAudit(record);
  return result;
}

absl::StatusOr<int64_t> SqlEventStore::Delete(const std::string& id,
                                                 int64_t expected_revision,
                                                 const AuditEntry& audit) {
  int64_t deleted_at = 0;
  type::v1::AuditRecord record;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto current = CurrentRevision(c, id);
    if (!current.ok()) return current.status();
    if (auto e = CheckRevision(*current, expected_revision, id); !e.ok()) {
      return e;
    }
    auto revision = NextRevision(c);
    if (!revision.ok()) return revision.status();
    if (auto e = CountEvent(c, id, -1); !e.ok()) return e;
    auto del = c.Prepare("DELETE FROM events WHERE id = ?");
    if (!del.ok()) return del.status();
    if (auto e = del->Bind(1, id).Run(); !e.ok()) return e;
    auto tomb = c.Prepare(
        "INSERT INTO deleted_events (id, delete_time) VALUES (?, ?) "
        "ON CONFLICT (id) DO UPDATE SET delete_time = excluded.delete_time");
    if (!tomb.ok()) return tomb.status();
    if (auto e = tomb->Bind(1, id).Bind(2, absl::ToUnixMicros(absl::Now())).Run();
        !e.ok()) {
      return e;
    }
    auto appended =
        AppendAudit(c, audit, absl::StrCat("events/", id), *current, 0);
    if (!appended.ok()) return appended.status();
    record = std::move(*appended);
    deleted_at = *revision;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  LogAudit(record);
  return deleted_at;
}

absl::StatusOr<AuditPage> SqlEventStore::ListAudit(const AuditQuery& query) {
  return outreach::ListAudit(*db_, query);
}

absl::StatusOr<ListPage> SqlEventStore::List(const ListQuery& query) {
  std::vector<std::string> where;
  std::vector<SqlParam> params;
  for (const FilterTerm& t : query.terms) {
    switch (t.field) {
      case FilterField::kKind:
      case FilterField::kStatus:
      case FilterField::kCountry:
      case FilterField::kStartDate:
      case FilterField::kEndDate:
      case FilterField::kSeries:
      case FilterField::kParentEvent:
      case FilterField::kImportState: {
        const bool is_int = t.field == FilterField::kKind ||
                            t.field == FilterField::kStatus ||
                            t.field == FilterField::kImportState;
        where.push_back(
            absl::StrCat(ComparedColumn(t.field), " ", SqlOp(t.op), " ?"));
        params.push_back({is_int, t.number, t.value});
        break;
      }
      case FilterField::kTopic:
        where.push_back(
            "id IN (SELECT event_id FROM event_topics WHERE topic_key = ?)");
        params.push_back({false, 0, t.value});
        break;
      case FilterField::kText:
        where.push_back("search_text LIKE ? ESCAPE '\\'");
        params.push_back({false, 0, LikePattern(t.value)});
        break;
    }
  }
  const std::string col = OrderColumn(query.order.field);
  const bool int_order = IsIntegerOrder(query.order.field);
  if (query.after.has_value()) {
    SqlParam value;
    if (int_order) {
      value.is_int = true;
      if (!absl::SimpleAtoi(query.after->sort_value, &value.number)) {
        return InvalidField("page_token", "is not a token this service issued");
      }
    } else {
      value.text = query.after->sort_value;
    }
    // The id breaks ties in the same direction as the sort column, so that
    // (col, id) matches an index read forwards or backwards and a page
    // costs the same whatever the number of events (no sort of them all).
    // A row value, which both engines seek the index to; the form
    // "col > ? OR (col = ? AND id > ?)" made them read every earlier row
    // of the index, so that a deep page cost as much as all before it.
    const char* cmp = query.order.descending ? " < " : " > ";
    where.push_back(absl::StrCat("(", col, ", id)", cmp, "(?, ?)"));
    params.push_back(value);
    params.push_back({false, 0, query.after->id});
  }
  std::string sql = "SELECT revision, body FROM events";
  if (!where.empty())
    absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  const char* dir = query.order.descending ? " DESC" : " ASC";
  absl::StrAppend(&sql, " ORDER BY ", col, dir, ", id", dir, " LIMIT ?");
  params.push_back({true, query.page_size + 1, ""});

  auto rows = SelectRecords<Event>(*db_, sql, params);
  if (!rows.ok()) return rows.status();
  ListPage page;
  for (auto& [revision, event] : *rows) {
    page.events.push_back({std::move(event), revision});
  }
  if (static_cast<int>(page.events.size()) > query.page_size) {
    page.events.pop_back();
    const StoredEvent& last = page.events.back();
    page.next = Cursor{SortValue(last, query.order.field), IdOf(last.event)};
  }
  return page;
}

absl::Status SqlEventStore::Ping() { return db_->Ping(); }

}  // namespace outreach::events
