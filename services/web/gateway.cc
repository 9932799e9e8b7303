#include "services/web/gateway.h"

#include <utility>

#include "absl/time/clock.h"
#include "common/status/status_util.h"
#include "grpcpp/client_context.h"

namespace outreach::web {
namespace {

class GrpcGateway final : public Gateway {
 public:
  GrpcGateway(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
      : stub_(gv::GatewayService::NewStub(channel)), timeout_(timeout) {}

  absl::StatusOr<ev::ListEventsResponse> ListEvents(
      const ForPerson& who, const ev::ListEventsRequest& req) override {
    return Call(who, timeout_, &gv::GatewayService::Stub::ListEvents, req);
  }
  absl::StatusOr<gv::InformationNote> GetNote(
      const ForPerson& who, const std::string& event) override {
    gv::GetInformationNoteRequest req;
    req.set_event(event);
    return Call(who, timeout_, &gv::GatewayService::Stub::GetInformationNote,
                req);
  }
  absl::StatusOr<gv::StateProfile> GetProfile(
      const ForPerson& who, const std::string& entity) override {
    gv::GetStateProfileRequest req;
    req.set_entity(entity);
    return Call(who, timeout_, &gv::GatewayService::Stub::GetStateProfile,
                req);
  }
  absl::StatusOr<gv::Dashboard> GetDashboard(
      const ForPerson& who, const std::string& filter) override {
    gv::GetDashboardRequest req;
    req.set_filter(filter);
    return Call(who, timeout_, &gv::GatewayService::Stub::GetDashboard, req);
  }
  absl::StatusOr<gv::ImportReport> Import(
      const ForPerson& who,
      const gv::ImportInformationNoteRequest& req) override {
    // An import creates dozens of records; it gets twice a read's time.
    return Call(who, timeout_ * 2,
                &gv::GatewayService::Stub::ImportInformationNote, req);
  }
  absl::StatusOr<rv::ListRecommendationsResponse> ListOutcomes(
      const ForPerson& who,
      const rv::ListRecommendationsRequest& req) override {
    return Call(who, timeout_, &gv::GatewayService::Stub::ListRecommendations,
                req);
  }
  absl::StatusOr<rv::Recommendation> Transition(
      const ForPerson& who,
      const rv::TransitionRecommendationRequest& req) override {
    return Call(who, timeout_,
                &gv::GatewayService::Stub::TransitionRecommendation, req);
  }

 private:
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      const ForPerson& who, absl::Duration timeout,
      grpc::Status (gv::GatewayService::Stub::*method)(grpc::ClientContext*,
                                                       const Request&,
                                                       Response*),
      const Request& req) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    if (!who.token.empty()) {
      context.AddMetadata("authorization", "Bearer " + who.token);
    }
    if (!who.request_id.empty()) {
      context.AddMetadata("x-request-id", who.request_id);
    }
    Response out;
    grpc::Status status = (stub_.get()->*method)(&context, req, &out);
    if (!status.ok()) return FromGrpcStatus(status);
    return out;
  }

  const std::unique_ptr<gv::GatewayService::Stub> stub_;
  const absl::Duration timeout_;
};

}  // namespace

std::unique_ptr<Gateway> MakeGrpcGateway(std::shared_ptr<grpc::Channel> channel,
                                         absl::Duration timeout) {
  return std::make_unique<GrpcGateway>(std::move(channel), timeout);
}

}  // namespace outreach::web
