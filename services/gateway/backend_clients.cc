#include "services/gateway/backend_clients.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"

namespace outreach::gateway {
namespace {

// One unary call under the policy: `Method` is a stub's method.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(const CallPolicy* policy, const CallScope& scope,
                              Idempotent idempotent, Stub* stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                           const Request&,
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
                req.event().etag().empty() ? Idempotent::kYes : Idempotent::kNo,
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
  absl::StatusOr<pv::BatchCheckMembershipsResponse> BatchCheckMemberships(
      const CallScope& scope,
      const pv::BatchCheckMembershipsRequest& req) override {
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &pv::ParticipantsService::StubInterface::BatchCheckMemberships,
                req);
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
    return Call(policy_, scope, Idempotent::kRead, stub_,
                &rv::RecommendationsService::StubInterface::ListRecommendations,
                req);
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
    rv::RecommendationsService::StubInterface* stub, const CallPolicy* policy) {
  return std::make_unique<GrpcRecommendations>(stub, policy);
}

absl::StatusOr<std::vector<pv::CheckMembershipsResponse>> CheckGroupMemberships(
    ParticipantsClient& participants, const CallScope& scope,
    const ::outreach::type::v1::Date& as_of,
    const std::vector<PrintedGroup>& groups) {
  // The participants service's limits on one batch.
  constexpr int kMaxRequests = 100;
  constexpr int kMaxNames = 1000;
  std::vector<pv::CheckMembershipsResponse> out(groups.size());
  pv::BatchCheckMembershipsRequest batch;
  std::vector<size_t> group_of;  // batch.requests(i) checks groups[group_of[i]]
  int names_in_batch = 0;
  auto send = [&]() -> absl::Status {
    if (batch.requests_size() == 0) return absl::OkStatus();
    auto resp = participants.BatchCheckMemberships(scope, batch);
    if (!resp.ok()) return resp.status();
    if (resp->responses_size() != batch.requests_size()) {
      return absl::InternalError(absl::StrCat(
          "BatchCheckMemberships answered ", resp->responses_size(), " of ",
          batch.requests_size(), " checks"));
    }
    for (int i = 0; i < resp->responses_size(); ++i) {
      auto& one = *resp->mutable_responses(i);
      auto& merged = out[group_of[static_cast<size_t>(i)]];
      merged.set_group(one.group());
      for (auto& m : *one.mutable_mismatches()) {
        *merged.add_mismatches() = std::move(m);
      }
      for (auto& n : *one.mutable_unchecked_names()) {
        merged.add_unchecked_names(std::move(n));
      }
    }
    batch.Clear();
    group_of.clear();
    names_in_batch = 0;
    return absl::OkStatus();
  };
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& names = groups[g].names;
    size_t next = 0;
    do {
      if (batch.requests_size() == kMaxRequests ||
          names_in_batch == kMaxNames) {
        if (absl::Status s = send(); !s.ok()) return s;
      }
      pv::CheckMembershipsRequest* r = batch.add_requests();
      r->set_printed_group(groups[g].label);
      *r->mutable_as_of() = as_of;
      group_of.push_back(g);
      for (; next < names.size() && names_in_batch < kMaxNames; ++next) {
        r->add_printed_names(names[next]);
        ++names_in_batch;
      }
    } while (next < names.size());
  }
  if (absl::Status s = send(); !s.ok()) return s;
  return out;
}

}  // namespace outreach::gateway
