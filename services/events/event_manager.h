#ifndef OUTREACH_SERVICES_EVENTS_EVENT_MANAGER_H_
#define OUTREACH_SERVICES_EVENTS_EVENT_MANAGER_H_

// The events domain: validation, ids, etags, field masks, and cache-aside
// reads over the store. Proto requests in, absl::StatusOr out; the gRPC
// adapter (events_service.h) only converts statuses.
//
// Coherence: every write invalidates the event's cache entries, in the
// shared cache and in the near cache, after the store has committed and
// before the call returns, so a read after an acknowledged write never
// sees the old value (common/cache/cache_aside.h, near_cache.h).
//
// Thread-safe: all state lives in the store and the cache.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/cache/cache_aside.h"
#include "common/cache/near_cache.h"
#include "common/geo/iso3166.h"
#include "common/resource/resource_ids.h"
#include "common/time/clock.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "services/events/event_dependents.h"
#include "services/events/event_store.h"

namespace outreach::events {

class EventManager {
 public:
  // None owned; all must outlive the manager. `cache` may wrap no cache.
  // `dependents` may be null: DeleteEvent then checks no other service.
  // `near` may be null (no near cache); give one only when this process
  // is the store's only writer (near_cache.h, rule 2).
  EventManager(EventStore* store, CacheAside* cache,
               const CountryRegistry* countries, Clock* clock,
               EventDependents* dependents = nullptr,
               NearCache<v1::Event>* near = nullptr);

  absl::StatusOr<v1::Event> GetEvent(const v1::GetEventRequest& request);
  // Up to kMaxBatchGet events, each read as GetEvent reads it, in the
  // request's order; the first failure fails the call (AIP-231).
  absl::StatusOr<v1::BatchGetEventsResponse> BatchGetEvents(
      const v1::BatchGetEventsRequest& request);
  static constexpr int kMaxBatchGet = 1000;
  // From the store's kept counts: no event is read.
  absl::StatusOr<v1::SummarizeEventsResponse> SummarizeEvents(
      const v1::SummarizeEventsRequest& request);
  absl::StatusOr<v1::ListEventsResponse> ListEvents(
      const v1::ListEventsRequest& request);
  absl::StatusOr<v1::Event> CreateEvent(const CallScope& scope,
                                        const v1::CreateEventRequest& request);
  absl::StatusOr<v1::Event> UpdateEvent(const CallScope& scope,
                                        const v1::UpdateEventRequest& request);
  // The audit trail of every write above (admin only, by policy).
  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& request);
  absl::Status DeleteEvent(const CallScope& scope,
                           const v1::DeleteEventRequest& request);

 private:
  // Who writes, through which of this service's methods, with which
  // request id (common/sql/audit_log.h).
  static AuditEntry AuditOf(const CallScope& scope, absl::string_view method,
                            const std::string& request_id = "") {
    return AuditEntryFor(scope.CallerName(),
                         v1::EventsService::service_full_name(), method,
                         request_id, scope.request_id);
  }
  // One event by id: the near cache, then Redis, then the store.
  absl::StatusOr<v1::Event> Read(const std::string& id);
  absl::StatusOr<StoredEvent> Load(const std::string& id);
  absl::Status CheckParent(const std::string& id, const v1::Event& event);
  // After a write of event `id` was attempted, whatever its outcome (a
  // failed commit costs only a reload): drops it from the near cache.
  void Forget(const std::string& id);

  EventStore* const store_;
  CacheAside* const cache_;
  const CountryRegistry* const countries_;
  Clock* const clock_;
  EventDependents* const dependents_;
  NearCache<v1::Event>* const near_;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_EVENT_MANAGER_H_
