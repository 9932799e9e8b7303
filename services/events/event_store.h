#ifndef OUTREACH_SERVICES_EVENTS_EVENT_STORE_H_
#define OUTREACH_SERVICES_EVENTS_EVENT_STORE_H_

// Where events are kept, behind a small interface: SQLite now
// (sql_event_store.h), PostgreSQL for deployments with several replicas
// later; the same conformance tests (event_store_conformance.h) run against
// each.
//
// Every write gets a revision from one counter that only grows, across
// creates, updates and deletes. Revisions are the etags (via the manager)
// and the versions of cache entries, so they must never repeat, not even
// after a delete.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sql/audit_log.h"
#include "common/sql/stored_counts.h"
#include "outreach/events/v1/events.pb.h"
#include "services/events/list_query.h"

namespace outreach::events {

struct StoredEvent {
  // As stored: name and timestamps set, etag empty.
  outreach::events::v1::Event event;
  int64_t revision = 0;
};

struct CreateResult {
  StoredEvent stored;
  // True when `request_id` had been used by an identical earlier request
  // and `stored` is what that request created.
  bool replayed = false;
};

struct ListPage {
  std::vector<StoredEvent> events;
  // Set when more events follow.
  std::optional<Cursor> next;
};

// Implementations are thread-safe.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // NOT_FOUND when there is no event `id`.
  virtual absl::StatusOr<StoredEvent> Get(const std::string& id) = 0;

  // Every write appends its audit record (common/sql/audit_log.h), for
  // `audit`'s caller, in the write's own transaction; a replay appends
  // none.

  // Stores `event`, whose name ("events/{id}") and timestamps are set.
  // ALREADY_EXISTS when the id is taken. With a non-empty `request_id`
  // that was used before: when `request_bytes` equal the earlier request's,
  // returns what that request created with replayed = true; otherwise
  // INVALID_ARGUMENT on request_id. Creating and recording the request id
  // happen in one transaction.
  virtual absl::StatusOr<CreateResult> Create(
      const outreach::events::v1::Event& event, const std::string& request_id,
      const std::string& request_bytes, const AuditEntry& audit) = 0;

  // Replaces the stored event of the same name if its revision is still
  // `expected_revision`. NOT_FOUND when absent, ABORTED when it changed.
  virtual absl::StatusOr<StoredEvent> Update(
      const outreach::events::v1::Event& event, int64_t expected_revision,
      const AuditEntry& audit) = 0;

  // Deletes event `id`; `expected_revision` 0 deletes whatever is there.
  // Returns the revision of the deletion. NOT_FOUND when absent, ABORTED
  // when the revision changed.
  virtual absl::StatusOr<int64_t> Delete(const std::string& id,
                                         int64_t expected_revision,
                                         const AuditEntry& audit) = 0;

  // One page of events matching `query`.
  virtual absl::StatusOr<ListPage> List(const ListQuery& query) = 0;

  // One page of the audit trail, oldest first.
  virtual absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) = 0;

  // Every positive stored count (common/sql/stored_counts.h): dimensions
  // "year" (keys "2013"), "kind" (the enum's number) and "country".
  virtual absl::StatusOr<std::vector<StoredCount>> Counts() = 0;

  // The latest revision the store has given (cache plausibility).
  virtual absl::StatusOr<int64_t> LatestRevision() = 0;
  // OK while the store can serve; for readiness.
  virtual absl::Status Ping() = 0;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_EVENT_STORE_H_
