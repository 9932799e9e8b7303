#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_MANAGER_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_MANAGER_H_

// The recommendations domain: validation, the lifecycle with its history,
// overdue queries, and the checks of events and addressees against the
// other services. Reads are cache-aside and writes invalidate, as in the
// events service. Proto requests in, absl::StatusOr out. Thread-safe.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/cache/cache_aside.h"
#include "common/client/call_policy.h"
#include "common/client/event_checker.h"
#include "common/security/visibility.h"
#include "common/time/clock.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"
#include "services/recommendations/entity_checker.h"
#include "services/recommendations/recommendation_store.h"

namespace outreach::recommendations {

class RecommendationManager {
 public:
  // None owned. `readers` decides who sees confidential records
  // (IsConfidential); null shows them to everyone (tests).
  RecommendationManager(RecommendationStore* store, CacheAside* cache,
                        EventChecker* events, EntityChecker* entities,
                        Clock* clock,
                        const ConfidentialReaders* readers = nullptr);

  // A confidential record is, to a caller who may not see it, NOT_FOUND
  // in Get, Update, Transition and Delete (exactly as a missing one), and
  // absent from List.
  absl::StatusOr<v1::Recommendation> Get(
      const CallScope& scope, const v1::GetRecommendationRequest& req);
  absl::StatusOr<v1::ListRecommendationsResponse> List(
      const CallScope& scope, const v1::ListRecommendationsRequest& req);
  // From the store's kept counts: no outcome is read. Confidential
  // outcomes are counted only for callers who see them in List.
  absl::StatusOr<v1::SummarizeRecommendationsResponse> Summarize(
      const CallScope& scope, const v1::SummarizeRecommendationsRequest& req);
  absl::StatusOr<v1::Recommendation> Create(
      const CallScope& scope, const v1::CreateRecommendationRequest& req);
  absl::StatusOr<v1::Recommendation> Update(
      const CallScope& scope, const v1::UpdateRecommendationRequest& req);
  absl::Status Delete(const CallScope& scope,
                      const v1::DeleteRecommendationRequest& req);
  absl::StatusOr<v1::Recommendation> Transition(
      const CallScope& scope, const v1::TransitionRecommendationRequest& req);

  // The audit trail of every write above (admin only, by policy).
  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& req);

 private:
  static AuditEntry AuditOf(const CallScope& scope, absl::string_view method,
                            const std::string& request_id = "") {
    return AuditEntryFor(scope.CallerName(),
                         v1::RecommendationsService::service_full_name(),
                         method, request_id, scope.request_id);
  }
  // Confirms the events and addressees `r` refers to with their services.
  absl::Status CheckReferences(const CallScope& scope,
                               const v1::Recommendation& r, bool check_event,
                               bool check_addressees, bool check_fulfilled_by);
  // Whether `scope`'s caller sees confidential records.
  bool SeesConfidential(const CallScope& scope) const;
  // NOT_FOUND, worded as the store's, when `r` is hidden from the caller.
  absl::Status CheckVisible(const CallScope& scope,
                            const v1::Recommendation& r) const;

  RecommendationStore* const store_;
  CacheAside* const cache_;
  EventChecker* const events_;
  EntityChecker* const entities_;
  Clock* const clock_;
  const ConfidentialReaders* const readers_;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_MANAGER_H_
