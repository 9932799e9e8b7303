#ifndef OUTREACH_SERVICES_EVENTS_SQLITE_EVENT_STORE_H_
#define OUTREACH_SERVICES_EVENTS_SQLITE_EVENT_STORE_H_

// EventStore on one SQLite file (the embedded default). Each event is kept
// whole as a serialized proto, beside the columns that filters and orders
// use; topics sit in a table of their own for exact matches.

#include <memory>
#include <string>

#include "common/sqlite/sqlite_db.h"
#include "services/events/event_store.h"

namespace outreach::events {

class SqliteEventStore final : public EventStore {
 public:
  // Opens or creates the database at options.path and migrates it.
  // `options.migrations` is filled in here.
  static absl::StatusOr<std::unique_ptr<SqliteEventStore>> Open(
      SqliteOptions options);

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
  absl::StatusOr<int64_t> LatestRevision() override {
    return outreach::LatestRevision(*db_);
  }
  absl::Status Ping() override;
  // The store's incarnation (common/sqlite/sqlite_db.h), for cache keys.
  const std::string& incarnation() const { return db_->incarnation(); }

 private:
  explicit SqliteEventStore(std::unique_ptr<SqliteDb> db)
      : db_(std::move(db)) {}

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_SQLITE_EVENT_STORE_H_
