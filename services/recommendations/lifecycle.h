#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_LIFECYCLE_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_LIFECYCLE_H_

// The lifecycle of each kind of outcome, as a table (lifecycle.cc), so the
// rules live in one place and the tests can walk all of it.
//
//   recommendation:  PROPOSED -> ADOPTED -> IN_PROGRESS -> IMPLEMENTED;
//                    PROPOSED, ADOPTED or IN_PROGRESS -> DROPPED.
//   assistance need: IDENTIFIED -> REQUESTED -> ACKNOWLEDGED -> MATCHED ->
//                    DELIVERED; any of the first four -> CLOSED.
//   follow-up:       PROPOSED -> SCHEDULED -> DONE;
//                    PROPOSED or SCHEDULED -> DROPPED.

#include <vector>

#include "outreach/recommendations/v1/recommendations.pb.h"

namespace outreach::recommendations {

namespace v1 = ::outreach::recommendations::v1;

// The status a new outcome of `kind` starts in.
v1::RecommendationStatus InitialStatus(v1::RecommendationKind kind);
// Whether `kind` may move from `from` to `to`.
bool IsAllowed(v1::RecommendationKind kind, v1::RecommendationStatus from,
               v1::RecommendationStatus to);
// The statuses `kind` may move to from `from`.
std::vector<v1::RecommendationStatus> NextStatuses(
    v1::RecommendationKind kind, v1::RecommendationStatus from);
// Whether `status` ends the lifecycle (nothing can follow it).
bool IsFinal(v1::RecommendationStatus status);
// Whether `status` belongs to `kind`'s lifecycle at all.
bool BelongsTo(v1::RecommendationKind kind, v1::RecommendationStatus status);

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_LIFECYCLE_H_
