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
#include "common/time/clock.h"
#include "outreach/recommendations/v1/recommendations.pb.h"
#include "services/recommendations/entity_checker.h"
#include "services/recommendations/recommendation_store.h"

namespace outreach::recommendations {

class RecommendationManager {
 public:
  // None owned.
  RecommendationManager(RecommendationStore* store, CacheAside* cache,
                        EventChecker* events, EntityChecker* entities,
                        Clock* clock);

  absl::StatusOr<v1::Recommendation> Get(
      const v1::GetRecommendationRequest& req);
  absl::StatusOr<v1::ListRecommendationsResponse> List(
      const v1::ListRecommendationsRequest& req);
  absl::StatusOr<v1::Recommendation> Create(
      const CallScope& scope, const v1::CreateRecommendationRequest& req);
  absl::StatusOr<v1::Recommendation> Update(
      const CallScope& scope, const v1::UpdateRecommendationRequest& req);
  absl::Status Delete(const v1::DeleteRecommendationRequest& req);
  absl::StatusOr<v1::Recommendation> Transition(
      const CallScope& scope, const v1::TransitionRecommendationRequest& req);

 private:
  // Confirms the events and addressees `r` refers to with their services.
  absl::Status CheckReferences(const CallScope& scope,
                               const v1::Recommendation& r, bool check_event,
                               bool check_addressees, bool check_fulfilled_by);

  RecommendationStore* const store_;
  CacheAside* const cache_;
  EventChecker* const events_;
  EntityChecker* const entities_;
  Clock* const clock_;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_MANAGER_H_
