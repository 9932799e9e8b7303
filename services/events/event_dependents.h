#ifndef OUTREACH_SERVICES_EVENTS_EVENT_DEPENDENTS_H_
#define OUTREACH_SERVICES_EVENTS_EVENT_DEPENDENTS_H_

// What other services keep under an event: its participations (the
// participants service) and its outcomes (the recommendations service).
// DeleteEvent asks before deleting, and with `force` deletes them first.
// Behind an interface so that the manager's tests hand in a fake.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/client/call_policy.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"

namespace outreach::events {

class EventDependents {
 public:
  virtual ~EventDependents() = default;
  // Up to `limit` names of records that refer to `event`
  // ("events/x/participations/p0", "recommendations/x-o1"); empty when
  // there are none.
  virtual absl::StatusOr<std::vector<std::string>> Find(
      const CallScope& scope, const std::string& event, int limit) = 0;
  // Deletes every record that refers to `event`. A record already gone
  // counts as deleted, so a call that failed part-way can be made again.
  virtual absl::Status DeleteAll(const CallScope& scope,
                                 const std::string& event) = 0;
};

// Over gRPC: lists by event, deletes one by one. Lists and deletes are
// not retried by the policy (a delete's retry after a lost reply would be
// NOT_FOUND, which counts as done anyway).
class GrpcEventDependents final : public EventDependents {
 public:
  // None owned.
  GrpcEventDependents(
      outreach::participants::v1::ParticipantsService::StubInterface*
          participants,
      outreach::recommendations::v1::RecommendationsService::StubInterface*
          recommendations,
      const CallPolicy* policy)
      : participants_(participants),
        recommendations_(recommendations),
        policy_(policy) {}

  absl::StatusOr<std::vector<std::string>> Find(const CallScope& scope,
                                                const std::string& event,
                                                int limit) override;
  absl::Status DeleteAll(const CallScope& scope,
                         const std::string& event) override;

 private:
  outreach::participants::v1::ParticipantsService::StubInterface* const
      participants_;
  outreach::recommendations::v1::RecommendationsService::StubInterface* const
      recommendations_;
  const CallPolicy* const policy_;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_EVENT_DEPENDENTS_H_
