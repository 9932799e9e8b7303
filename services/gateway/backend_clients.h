#ifndef OUTREACH_SERVICES_GATEWAY_BACKEND_CLIENTS_H_
#define OUTREACH_SERVICES_GATEWAY_BACKEND_CLIENTS_H_

// The gateway's view of the three backends: small typed interfaces, one
// per service, with gRPC implementations under the shared CallPolicy and
// fakes in the tests (fake_backends.h). Each method says whether it is
// idempotent, and only those are retried: reads; creates that carry a
// request id; updates without an etag (they set fields outright).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/client/call_group.h"
#include "common/client/call_policy.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"

namespace outreach::gateway {

namespace ev = ::outreach::events::v1;
namespace pv = ::outreach::participants::v1;
namespace rv = ::outreach::recommendations::v1;

// An asynchronous call's completion: runs once, with the answer or the
// status, on whichever thread completed the call (possibly the caller's,
// before the method returned).
template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

// The *InGroup methods start a read in `group` (call_group.h) and return:
// `done` runs on the group's thread inside CallGroup::Wait, or here,
// before the method returns, when the call cannot start. `scope` and the
// request must stay valid until `done` runs. The defaults, which fakes
// keep, make the blocking call here.

class EventsClient {
 public:
  virtual ~EventsClient() = default;
  virtual absl::StatusOr<ev::Event> Get(const CallScope& scope,
                                        const std::string& name) = 0;
  virtual absl::StatusOr<ev::ListEventsResponse> List(
      const CallScope& scope, const ev::ListEventsRequest& req) = 0;
  // Up to 1000 events in one call, in the order of `names`.
  virtual absl::StatusOr<ev::BatchGetEventsResponse> BatchGet(
      const CallScope& scope, const std::vector<std::string>& names) = 0;
  // Counts kept by the store; reads no event.
  virtual absl::StatusOr<ev::SummarizeEventsResponse> Summarize(
      const CallScope& scope) = 0;
  virtual absl::StatusOr<ev::Event> Create(
      const CallScope& scope, const ev::CreateEventRequest& req) = 0;
  virtual absl::StatusOr<ev::Event> Update(
      const CallScope& scope, const ev::UpdateEventRequest& req) = 0;
  virtual absl::Status Delete(const CallScope& scope,
                              const ev::DeleteEventRequest& req) = 0;

  virtual void GetInGroup(const CallScope& scope, const std::string& name,
                          CallGroup& group, Done<ev::Event> done) {
    (void)group;
    done(Get(scope, name));
  }
};

class ParticipantsClient {
 public:
  virtual ~ParticipantsClient() = default;
  virtual absl::StatusOr<pv::ResolveEntitiesResponse> Resolve(
      const CallScope& scope, const pv::ResolveEntitiesRequest& req) = 0;
  // Several membership checks in one call, answered in request order.
  virtual absl::StatusOr<pv::BatchCheckMembershipsResponse>
  BatchCheckMemberships(const CallScope& scope,
                        const pv::BatchCheckMembershipsRequest& req) = 0;
  virtual absl::StatusOr<pv::Entity> GetEntity(const CallScope& scope,
                                               const std::string& name) = 0;
  virtual absl::StatusOr<pv::ListParticipationsResponse> ListParticipations(
      const CallScope& scope, const pv::ListParticipationsRequest& req) = 0;
  // Counts kept by the store; reads no participation.
  virtual absl::StatusOr<pv::SummarizeParticipationsResponse> Summarize(
      const CallScope& scope) = 0;
  virtual absl::StatusOr<pv::BatchCreateParticipationsResponse>
  BatchCreateParticipations(
      const CallScope& scope,
      const pv::BatchCreateParticipationsRequest& req) = 0;

  virtual void BatchCheckMembershipsInGroup(
      const CallScope& scope, const pv::BatchCheckMembershipsRequest& req,
      CallGroup& group, Done<pv::BatchCheckMembershipsResponse> done) {
    (void)group;
    done(BatchCheckMemberships(scope, req));
  }
  virtual void ListParticipationsInGroup(
      const CallScope& scope, const pv::ListParticipationsRequest& req,
      CallGroup& group, Done<pv::ListParticipationsResponse> done) {
    (void)group;
    done(ListParticipations(scope, req));
  }
};

class RecommendationsClient {
 public:
  virtual ~RecommendationsClient() = default;
  virtual absl::StatusOr<rv::Recommendation> Get(const CallScope& scope,
                                                 const std::string& name) = 0;
  virtual absl::StatusOr<rv::ListRecommendationsResponse> List(
      const CallScope& scope, const rv::ListRecommendationsRequest& req) = 0;
  virtual void ListInGroup(const CallScope& scope,
                           const rv::ListRecommendationsRequest& req,
                           CallGroup& group,
                           Done<rv::ListRecommendationsResponse> done) {
    (void)group;
    done(List(scope, req));
  }
  // Counts kept by the store, as the caller may see them; reads no outcome.
  virtual absl::StatusOr<rv::SummarizeRecommendationsResponse> Summarize(
      const CallScope& scope) = 0;
  virtual absl::StatusOr<rv::Recommendation> Create(
      const CallScope& scope, const rv::CreateRecommendationRequest& req) = 0;
  virtual absl::StatusOr<rv::Recommendation> Transition(
      const CallScope& scope,
      const rv::TransitionRecommendationRequest& req) = 0;
};

// The three, not owned.
struct BackendClients {
  EventsClient* events;
  ParticipantsClient* participants;
  RecommendationsClient* recommendations;
};

// gRPC implementations over generated stubs (not owned).
std::unique_ptr<EventsClient> MakeGrpcEventsClient(
    ev::EventsService::StubInterface* stub, const CallPolicy* policy);
std::unique_ptr<ParticipantsClient> MakeGrpcParticipantsClient(
    pv::ParticipantsService::StubInterface* stub, const CallPolicy* policy);
std::unique_ptr<RecommendationsClient> MakeGrpcRecommendationsClient(
    rv::RecommendationsService::StubInterface* stub, const CallPolicy* policy);

// One printed group of a note and the names listed under it, in order.
struct PrintedGroup {
  std::string label;
  std::vector<std::string> names;
};

// Checks the memberships of every group on `as_of` in as few
// BatchCheckMemberships calls as the participants service's limits allow:
// one for any note of up to 1000 names in up to 100 groups. A longer group
// is split across requests, which changes nothing, since a mismatch
// concerns one name; the calls go out together. Returns one response per
// group, in the groups' order, or the first failed call's status.
absl::StatusOr<std::vector<pv::CheckMembershipsResponse>> CheckGroupMemberships(
    ParticipantsClient& participants, const CallScope& scope,
    const ::outreach::type::v1::Date& as_of,
    const std::vector<PrintedGroup>& groups);

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_BACKEND_CLIENTS_H_
