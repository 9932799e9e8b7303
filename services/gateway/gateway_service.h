#ifndef OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

// The gRPC face of the gateway: a thin adapter that passes the caller's
// deadline, request id and cancellation to the manager and converts
// statuses.
//
// ImportInformationNote alone is served from raw bytes (import_request.h
// says why) on the callback API; its work runs on `imports`, never on a
// gRPC callback thread. At most `max_queued_imports` wait for a thread;
// more are refused with RESOURCE_EXHAUSTED rather than queued without
// bound.

#include <atomic>

#include "common/concurrency/thread_pool.h"
#include "common/server/call_gate.h"
#include "common/status/status_util.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/note_composer.h"
#include "services/gateway/note_importer.h"

namespace outreach::gateway {

// GetInformationNote is answered with the note's serialized bytes: a warm
// note is already serialized where it is kept (Redis and the near cache),
// and answered as a message, each call copied it (about 60 sub-messages),
// serialized the copy and freed both, 74 µs of the warm note's 174 in the
// profile (tools/bench/findings.md). gRPC generates no synchronous method
// with a raw response, so the generated method is marked generic and this
// class registers its own handler for the same name, request and response
// on the wire. (gRPC starts a server with a generic method only beside a
// generic service: see ServerOptions::generic_service.)
class GatewayServiceImpl final
    : public v1::GatewayService::WithGenericMethod_GetInformationNote<
          v1::GatewayService::WithRawCallbackMethod_ImportInformationNote<
              v1::GatewayService::Service>> {
 public:
  // Not owned; `imports` must outlive the server.
  GatewayServiceImpl(NoteComposer* composer, NoteImporter* importer,
                     ThreadPool* imports, int max_queued_imports);

  // The note's bytes as the composer keeps or computes them.
  grpc::Status GetInformationNoteBytes(grpc::ServerContext* ctx,
                                       const v1::GetInformationNoteRequest* req,
                                       grpc::ByteBuffer* resp);
  grpc::Status RenderInformationNote(
      grpc::ServerContext* ctx, const v1::RenderInformationNoteRequest* req,
      v1::RenderedNote* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->RenderInformationNote(ScopeOf(*ctx), *req),
                     resp);
  }
  grpc::ServerUnaryReactor* ImportInformationNote(
      grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::Status GetStateProfile(grpc::ServerContext* ctx,
                               const v1::GetStateProfileRequest* req,
                               v1::StateProfile* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->GetStateProfile(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status GetDashboard(grpc::ServerContext* ctx,
                            const v1::GetDashboardRequest* req,
                            v1::Dashboard* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->GetDashboard(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status ListEvents(
      grpc::ServerContext* ctx,
      const outreach::events::v1::ListEventsRequest* req,
      outreach::events::v1::ListEventsResponse* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->ListEvents(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status DeleteEvent(grpc::ServerContext* ctx,
                           const outreach::events::v1::DeleteEventRequest* req,
                           google::protobuf::Empty*) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ToGrpcStatus(composer_->DeleteEvent(ScopeOf(*ctx), *req));
  }
  grpc::Status ListRecommendations(
      grpc::ServerContext* ctx,
      const outreach::recommendations::v1::ListRecommendationsRequest* req,
      outreach::recommendations::v1::ListRecommendationsResponse* resp)
      override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->ListRecommendations(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status TransitionRecommendation(
      grpc::ServerContext* ctx,
      const outreach::recommendations::v1::TransitionRecommendationRequest* req,
      outreach::recommendations::v1::Recommendation* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->TransitionRecommendation(ScopeOf(*ctx), *req),
                     resp);
  }
  grpc::Status CheckIntegrity(grpc::ServerContext* ctx,
                              const v1::CheckIntegrityRequest*,
                              v1::IntegrityReport* resp) override {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->CheckIntegrity(ScopeOf(*ctx)), resp);
  }

 private:
  NoteComposer* const composer_;
  NoteImporter* const importer_;
  ThreadPool* const imports_;
  const int max_in_flight_;
  std::atomic<int> in_flight_{0};
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
