#ifndef OUTREACH_SERVICES_EVENTS_SQL_EVENT_STORE_H_
#define OUTREACH_SERVICES_EVENTS_SQL_EVENT_STORE_H_

// EventStore on SQL, written once for both engines (common/sql/sql_db.h):
// SQLite, the embedded default, and PostgreSQL for several replicas. Each
// event is kept whole as a serialized proto, beside the columns that
// filters and orders use; topics sit in a table of their own for exact
// matches. Only the migrations differ per engine.

#include <memory>
#include <string>

#include "common/sql/sql_db.h"
#include "common/sql/table_copy.h"
#include "common/sqlite/sqlite_db.h"
#include "services/events/event_store.h"

namespace outreach::events {

class SqlEventStore final : public EventStore {
 public:
  // The schema, per engine; the database is opened with them.
  static const StoreMigrations& Migrations();
  // Every table, for moving the store between engines
  // (common/sql/table_copy.h).
  static const StoreSpec& Tables();
  // Opens or creates the SQLite database at options.path and migrates it.
  // `options.migrations` is filled in here.
  static absl::StatusOr<std::unique_ptr<SqlEventStore>> Open(
      SqliteOptions options);

  // `db` was opened with Migrations().
  explicit SqlEventStore(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

  absl::StatusOr<StoredEvent> Get(const std::string& id) override;
  absl::StatusOr<CreateResult> Create(
      const v1::Event& event, const std::string& request_id,
      const std::string& request_bytes, const AuditEntry& audit) override;
  absl::StatusOr<StoredEvent> Update(const v1::Event& event,
                                     int64_t expected_revision,
                                     const AuditEntry& audit) override;
  absl::StatusOr<int64_t> Delete(const std::string& id,
                                 int64_t expected_revision,
                                 const AuditEntry& audit) override;
  absl::StatusOr<ListPage> List(const ListQuery& query) override;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override;
  absl::StatusOr<std::vector<StoredCount>> Counts() override {
    return ReadCounts(*db_);
  }
  absl::StatusOr<int64_t> LatestRevision() override {
    return db_->LatestRevision();
  }
  absl::Status Ping() override;
  // The store's incarnation (common/sql/sql_db.h), for cache keys.
  const std::string& incarnation() const { return db_->incarnation(); }
  SqlDb& db() { return *db_; }

 private:
  std::unique_ptr<SqlDb> db_;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_SQL_EVENT_STORE_H_
