#ifndef OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

// The gRPC face of the gateway: a thin adapter that passes the caller's
// deadline and request id to the manager and converts statuses.

#include "common/status/status_util.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/gateway_manager.h"

namespace outreach::gateway {

class GatewayServiceImpl final : public v1::GatewayService::Service {
 public:
  // Not owned.
  explicit GatewayServiceImpl(GatewayManager* manager) : manager_(manager) {}

  grpc::Status GetInformationNote(grpc::ServerContext* ctx,
                                  const v1::GetInformationNoteRequest* req,
                                  v1::InformationNote* resp) override {
    return ReplyWith(manager_->GetInformationNote(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status RenderInformationNote(
      grpc::ServerContext* ctx, const v1::RenderInformationNoteRequest* req,
      v1::RenderedNote* resp) override {
    return ReplyWith(manager_->RenderInformationNote(ScopeOf(*ctx), *req),
                     resp);
  }
  grpc::Status ImportInformationNote(
      grpc::ServerContext* ctx, const v1::ImportInformationNoteRequest* req,
      v1::ImportReport* resp) override {
    return ReplyWith(manager_->ImportInformationNote(ScopeOf(*ctx), *req),
                     resp);
  }
  grpc::Status GetStateProfile(grpc::ServerContext* ctx,
                               const v1::GetStateProfileRequest* req,
                               v1::StateProfile* resp) override {
    return ReplyWith(manager_->GetStateProfile(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status GetDashboard(grpc::ServerContext* ctx,
                            const v1::GetDashboardRequest* req,
                            v1::Dashboard* resp) override {
    return ReplyWith(manager_->GetDashboard(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status ListEvents(
      grpc::ServerContext* ctx,
      const outreach::events::v1::ListEventsRequest* req,
      outreach::events::v1::ListEventsResponse* resp) override {
    return ReplyWith(manager_->ListEvents(ScopeOf(*ctx), *req), resp);
  }

 private:
  GatewayManager* const manager_;
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
