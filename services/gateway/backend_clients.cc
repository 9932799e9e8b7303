#include "services/gateway/backend_clients.h"

#include <utility>

#include "common/status/status_util.h"

namespace outreach::gateway {
namespace {

// One unary call under the policy: `Method` is a stub's method.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(
    const CallPolicy* policy, const CallScope& scope, Idempotent idempotent,
    Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& req) {
  Response out;
  absl::Status s =
      policy->Run(scope, idempotent, [&](grpc::ClientContext& context) {
        out.Clear();
        return FromGrpcStatus((stub->*method)(&context, req, &out));
      });
  if (!s.ok()) return s;
  return out;
}

Idempotent IfSet(const std::string& request_id) {
  return request_id.empty() ? Idempotent::kNo : Idempotent::kYes;
}

class GrpcEvents final : public EventsClient {
 public:
  GrpcEvents(ev::EventsService::StubInterface* stub, const CallPolicy* policy)
      : stub_(stub), policy_(policy) {}
  absl::StatusOr<ev::Event> Get(const CallScope& scope,
                                const std::string& name) override {
    ev::GetEventRequest req;
    req.set_name(name);
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &ev::EventsService::StubInterface::GetEvent, req);
  }
  absl::StatusOr<ev::ListEventsResponse> List(
      const CallScope& scope, const ev::ListEventsRequest& req) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &ev::EventsService::StubInterface::ListEvents, req);
  }
  absl::StatusOr<ev::BatchGetEventsResponse> BatchGet(
      const CallScope& scope, const std::vector<std::string>& names) override {
    ev::BatchGetEventsRequest req;
    for (const auto& n : names) req.add_names(n);
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &ev::EventsService::StubInterface::BatchGetEvents, req);
  }
  absl::StatusOr<ev::SummarizeEventsResponse> Summarize(
      const CallScope& scope) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &ev::EventsService::StubInterface::SummarizeEvents,
                ev::SummarizeEventsRequest());
  }
  absl::StatusOr<ev::Event> Create(const CallScope& scope,
                                   const ev::CreateEventRequest& req) override {
    return Call(policy_, scope, IfSet(req.request_id()), stub_,
                &ev::EventsService::StubInterface::CreateEvent, req);
  }
  absl::StatusOr<ev::Event> Update(const CallScope& scope,
                                   const ev::UpdateEventRequest& req) override {
    return Call(policy_, scope,
                req.event().etag().empty() ? Idempotent::kYes
                                           : Idempotent::kNo,
                stub_, &ev::EventsService::StubInterface::UpdateEvent, req);
  }
  absl::Status Delete(const CallScope& scope,
                      const ev::DeleteEventRequest& req) override {
    return Call(policy_, scope, Idempotent::kNo, stub_,
                &ev::EventsService::StubInterface::DeleteEvent, req)
        .status();
  }

 private:
  ev::EventsService::StubInterface* const stub_;
  const CallPolicy* const policy_;
};

class GrpcParticipants final : public ParticipantsClient {
 public:
  GrpcParticipants(pv::ParticipantsService::StubInterface* stub,
                   const CallPolicy* policy)
      : stub_(stub), policy_(policy) {}
  absl::StatusOr<pv::ResolveEntitiesResponse> Resolve(
      const CallScope& scope, const pv::ResolveEntitiesRequest& req) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &pv::ParticipantsService::StubInterface::ResolveEntities, req);
  }
  absl::StatusOr<pv::CheckMembershipsResponse> CheckMemberships(
      const CallScope& scope, const pv::CheckMembershipsRequest& req) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &pv::ParticipantsService::StubInterface::CheckMemberships, req);
  }
  absl::StatusOr<pv::Entity> GetEntity(const CallScope& scope,
                                       const std::string& name) override {
    pv::GetEntityRequest req;
    req.set_name(name);
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &pv::ParticipantsService::StubInterface::GetEntity, req);
  }
  absl::StatusOr<pv::ListParticipationsResponse> ListParticipations(
      const CallScope& scope,
      const pv::ListParticipationsRequest& req) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &pv::ParticipantsService::StubInterface::ListParticipations,
                req);
  }
  absl::StatusOr<pv::SummarizeParticipationsResponse> Summarize(
      const CallScope& scope) override {
    return Call(
        policy_, scope, Idempotent::kRead, stub_,
        &pv::ParticipantsService::StubInterface::SummarizeParticipations,
        pv::SummarizeParticipationsRequest());
  }
  absl::StatusOr<pv::BatchCreateParticipationsResponse>
  BatchCreateParticipations(
      const CallScope& scope,
      const pv::BatchCreateParticipationsRequest& req) override {
    return Call(
        policy_, scope, IfSet(req.request_id()), stub_,
        &pv::ParticipantsService::StubInterface::BatchCreateParticipations,
        req);
  }

 private:
  pv::ParticipantsService::StubInterface* const stub_;
  const CallPolicy* const policy_;
};

class GrpcRecommendations final : public RecommendationsClient {
 public:
  GrpcRecommendations(rv::RecommendationsService::StubInterface* stub,
                      const CallPolicy* policy)
      : stub_(stub), policy_(policy) {}
  absl::StatusOr<rv::Recommendation> Get(const CallScope& scope,
                                         const std::string& name) override {
    rv::GetRecommendationRequest req;
    req.set_name(name);
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &rv::RecommendationsService::StubInterface::GetRecommendation,
                req);
  }
  absl::StatusOr<rv::ListRecommendationsResponse> List(
      const CallScope& scope,
      const rv::ListRecommendationsRequest& req) override {
    return Call(
        policy_, scope, Idempotent::kRead, stub_,
        &rv::RecommendationsService::StubInterface::ListRecommendations, req);
  }
  absl::StatusOr<rv::SummarizeRecommendationsResponse> Summarize(
      const CallScope& scope) override {
    return Call(
        policy_, scope, Idempotent::kRead, stub_,
        &rv::RecommendationsService::StubInterface::SummarizeRecommendations,
        rv::SummarizeRecommendationsRequest());
  }
  absl::StatusOr<rv::Recommendation> Create(
      const CallScope& scope,
      const rv::CreateRecommendationRequest& req) override {
    return Call(
        policy_, scope, IfSet(req.request_id()), stub_,
        &rv::RecommendationsService::StubInterface::CreateRecommendation, req);
  }
  // Never retried: each transition appends a history entry.
  absl::StatusOr<rv::Recommendation> Transition(
      const CallScope& scope,
      const rv::TransitionRecommendationRequest& req) override {
    return Call(
        policy_, scope, Idempotent::kNo, stub_,
        &rv::RecommendationsService::StubInterface::TransitionRecommendation,
        req);
  }

 private:
  rv::RecommendationsService::StubInterface* const stub_;
  const CallPolicy* const policy_;
};

}  // namespace

std::unique_ptr<EventsClient> MakeGrpcEventsClient(
    ev::EventsService::StubInterface* stub, const CallPolicy* policy) {
  return std::make_unique<GrpcEvents>(stub, policy);
}
std::unique_ptr<ParticipantsClient> MakeGrpcParticipantsClient(
    pv::ParticipantsService::StubInterface* stub, const CallPolicy* policy) {
  return std::make_unique<GrpcParticipants>(stub, policy);
}
std::unique_ptr<RecommendationsClient> MakeGrpcRecommendationsClient(
    rv::RecommendationsService::StubInterface* stub,
    const CallPolicy* policy) {
  return std::make_unique<GrpcRecommendations>(stub, policy);
}

}  // namespace outreach::gateway
