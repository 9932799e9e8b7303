#include "services/gateway/backend_clients.h"

#include <functional>
#include <memory>
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

// One read in `group` (call_group.h) under the policy: `start` begins the
// call on the group's queue (a stub's PrepareAsync method, started here).
// Reads are retried by the channel's service config, so one attempt is
// what the policy makes of them too (CallPolicy::PrepareAttempt).
template <typename Response, typename Start>
void CallInGroup(const CallPolicy* policy, const CallScope& scope,
                 CallGroup& group, Start start, Done<Response> done) {
  struct Attempt {
    grpc::ClientContext context;
    Response out;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReaderInterface<Response>> rpc;
  };
  auto attempt = std::make_shared<Attempt>();
  if (absl::Status ready = policy->PrepareAttempt(scope, attempt->context);
      !ready.ok()) {
    done(std::move(ready));
    return;
  }
  attempt->rpc = start(&attempt->context, group.cq());
  attempt->rpc->StartCall();
  attempt->rpc->Finish(
      &attempt->out, &attempt->status,
      group.Add([policy, attempt, done = std::move(done)](bool) {
        // Finish's tag always completes with ok; the status says the rest.
        absl::Status s = policy->FinishAttempt(FromGrpcStatus(attempt->status));
        if (!s.ok()) {
          done(std::move(s));
        } else {
          done(std::move(attempt->out));
        }
      }));
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
  void GetInGroup(const CallScope& scope, const std::string& name,
                  CallGroup& group, Done<ev::Event> done) override {
    // Serialized when the call is prepared, so it need not outlive this.
    ev::GetEventRequest req;
    req.set_name(name);
    CallInGroup<ev::Event>(
        policy_, scope, group,
        [this, &req](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          return stub_->PrepareAsyncGetEvent(context, req, cq);
        },
        std::move(done));
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
  void BatchCheckMembershipsInGroup(
      const CallScope& scope, const pv::BatchCheckMembershipsRequest& req,
      CallGroup& group, Done<pv::BatchCheckMembershipsResponse> done) override {
    CallInGroup<pv::BatchCheckMembershipsResponse>(
        policy_, scope, group,
        [this, &req](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          return stub_->PrepareAsyncBatchCheckMemberships(context, req, cq);
        },
        std::move(done));
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
  void ListParticipationsInGroup(
      const CallScope& scope, const pv::ListParticipationsRequest& req,
      CallGroup& group, Done<pv::ListParticipationsResponse> done) override {
    CallInGroup<pv::ListParticipationsResponse>(
        policy_, scope, group,
        [this, &req](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          return stub_->PrepareAsyncListParticipations(context, req, cq);
        },
        std::move(done));
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
  void ListInGroup(const CallScope& scope,
                   const rv::ListRecommendationsRequest& req, CallGroup& group,
                   Done<rv::ListRecommendationsResponse> done) override {
    CallInGroup<rv::ListRecommendationsResponse>(
        policy_, scope, group,
        [this, &req](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          return stub_->PrepareAsyncListRecommendations(context, req, cq);
        },
        std::move(done));
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

namespace {

// One BatchCheckMemberships call of a note's groups: its request, and the
// group each of its checks belongs to.
struct MembershipBatch {
  pv::BatchCheckMembershipsRequest request;
  std::vector<size_t>
      group_of;  // request.requests(i) checks groups[group_of[i]]
};

// The groups in as few batches as the participants service's limits allow.
std::vector<MembershipBatch> PlanMembershipBatches(
    const ::outreach::type::v1::Date& as_of,
    const std::vector<PrintedGroup>& groups) {
  // The participants service's limits on one batch.
  constexpr int kMaxRequests = 100;
  constexpr int kMaxNames = 1000;
  std::vector<MembershipBatch> batches(1);
  int names_in_batch = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& names = groups[g].names;
    size_t next = 0;
    do {
      if (batches.back().request.requests_size() == kMaxRequests ||
          names_in_batch == kMaxNames) {
        batches.emplace_back();
        names_in_batch = 0;
      }
      MembershipBatch& batch = batches.back();
      pv::CheckMembershipsRequest* r = batch.request.add_requests();
      r->set_printed_group(groups[g].label);
      *r->mutable_as_of() = as_of;
      batch.group_of.push_back(g);
      for (; next < names.size() && names_in_batch < kMaxNames; ++next) {
        r->add_printed_names(names[next]);
        ++names_in_batch;
      }
    } while (next < names.size());
  }
  if (batches.back().request.requests_size() == 0) batches.pop_back();
  return batches;
}

// Adds one batch's answers to the groups' merged responses.
absl::Status MergeMembershipBatch(
    const MembershipBatch& batch, pv::BatchCheckMembershipsResponse resp,
    std::vector<pv::CheckMembershipsResponse>& out) {
  if (resp.responses_size() != batch.request.requests_size()) {
    return absl::InternalError(
        absl::StrCat("BatchCheckMemberships answered ", resp.responses_size(),
                     " of ", batch.request.requests_size(), " checks"));
  }
  for (int i = 0; i < resp.responses_size(); ++i) {
    auto& one = *resp.mutable_responses(i);
    auto& merged = out[batch.group_of[static_cast<size_t>(i)]];
    merged.set_group(one.group());
    for (auto& m : *one.mutable_mismatches()) {
      *merged.add_mismatches() = std::move(m);
    }
    for (auto& n : *one.mutable_unchecked_names()) {
      merged.add_unchecked_names(std::move(n));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<pv::CheckMembershipsResponse>> CheckGroupMemberships(
    ParticipantsClient& participants, const CallScope& scope,
    const ::outreach::type::v1::Date& as_of,
    const std::vector<PrintedGroup>& groups) {
  std::vector<pv::CheckMembershipsResponse> out(groups.size());
  const std::vector<MembershipBatch> batches =
      PlanMembershipBatches(as_of, groups);
  absl::Status failed;
  {
    // The batches go out together, and this thread takes their answers
    // (call_group.h).
    CallGroup group;
    for (const MembershipBatch& batch : batches) {
      participants.BatchCheckMembershipsInGroup(
          scope, batch.request, group,
          [&out, &failed,
           &batch](absl::StatusOr<pv::BatchCheckMembershipsResponse> resp) {
            if (!failed.ok()) return;
            absl::Status s = resp.status();
            if (s.ok()) s = MergeMembershipBatch(batch, std::move(*resp), out);
            if (!s.ok()) failed = std::move(s);
          });
    }
    group.Wait();
  }
  if (!failed.ok()) return failed;
  return out;
}

}  // namespace outreach::gateway
