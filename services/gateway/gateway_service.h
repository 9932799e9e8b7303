#ifndef OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

// The gRPC face of the gateway: a thin adapter that passes the caller's
// deadline, request id and cancellation to the manager and converts
// statuses.
//
// Every method is served on gRPC's synchronous API, imports included: an
// import runs on the thread that took its call. At most `import_threads`
// imports run at once and `max_queued_imports` more wait for a turn
// (common/concurrency/admission.h); the next is refused with
// RESOURCE_EXHAUSTED rather than queued without bound.

#include "common/concurrency/admission.h"
#include "common/server/call_gate.h"
#include "common/status/status_util.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/note_composer.h"
#include "services/gateway/note_importer.h"

namespace outreach::gateway {

// Why a grpc::Service of its own, not the generated
// v1::GatewayService::Service: two methods are served from raw bytes.
// - GetInformationNote answers with the note's serialized bytes. A warm
//   note is already serialized where it is kept (Redis and the near
//   cache); answered as a message, each call copied it (about 60
//   sub-messages), serialized the copy and freed both, 74 µs of the warm
//   note's 174 in the profile (tools/bench/findings.md).
// - ImportInformationNote reads its request's bytes itself
//   (import_request.h says why).
// The generated class serves a raw method only on gRPC's callback or
// asynchronous API, or as a "generic" method beside a generic service.
// The callback API and a generic service start gRPC's callback threads;
// the asynchronous API needs a thread of ours waiting on a completion
// queue. Either way threads wait in gRPC's poller all the time, read the
// backends' answers and hand each one to the handler waiting for it,
// which cost a cold note about 0.3 ms of its 1.2 (tools/bench/findings.md,
// "The gateway without callback threads"). So the method table is built
// here, as the generated code builds it, with the raw types where needed.
// SecurityTest.EveryMethodChecksItsCallerFirst calls every method of the
// contract's descriptor: one missing here answers UNIMPLEMENTED and fails
// it.
class GatewayServiceImpl final : public grpc::Service {
 public:
  // Not owned; both must outlive the server.
  GatewayServiceImpl(NoteComposer* composer, NoteImporter* importer,
                     int import_threads, int max_queued_imports);

  // The note's bytes as the composer keeps or computes them.
  grpc::Status GetInformationNote(grpc::ServerContext* ctx,
                                  const v1::GetInformationNoteRequest* req,
                                  grpc::ByteBuffer* resp);
  grpc::Status RenderInformationNote(
      grpc::ServerContext* ctx, const v1::RenderInformationNoteRequest* req,
      v1::RenderedNote* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->RenderInformationNote(ScopeOf(*ctx), *req),
                     resp);
  }
  // An ImportInformationNoteRequest in, an ImportReport out.
  grpc::Status ImportInformationNote(grpc::ServerContext* ctx,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response);
  grpc::Status GetStateProfile(grpc::ServerContext* ctx,
                               const v1::GetStateProfileRequest* req,
                               v1::StateProfile* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->GetStateProfile(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status GetDashboard(grpc::ServerContext* ctx,
                            const v1::GetDashboardRequest* req,
                            v1::Dashboard* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->GetDashboard(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status ListEvents(grpc::ServerContext* ctx,
                          const outreach::events::v1::ListEventsRequest* req,
                          outreach::events::v1::ListEventsResponse* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->ListEvents(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status DeleteEvent(grpc::ServerContext* ctx,
                           const outreach::events::v1::DeleteEventRequest* req,
                           google::protobuf::Empty*) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ToGrpcStatus(composer_->DeleteEvent(ScopeOf(*ctx), *req));
  }
  grpc::Status ListRecommendations(
      grpc::ServerContext* ctx,
      const outreach::recommendations::v1::ListRecommendationsRequest* req,
      outreach::recommendations::v1::ListRecommendationsResponse* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->ListRecommendations(ScopeOf(*ctx), *req), resp);
  }
  grpc::Status TransitionRecommendation(
      grpc::ServerContext* ctx,
      const outreach::recommendations::v1::TransitionRecommendationRequest* req,
      outreach::recommendations::v1::Recommendation* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->TransitionRecommendation(ScopeOf(*ctx), *req),
                     resp);
  }
  grpc::Status CheckIntegrity(grpc::ServerContext* ctx,
                              const v1::CheckIntegrityRequest*,
                              v1::IntegrityReport* resp) {
    if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
        !denied.ok()) {
      return denied;
    }
    return ReplyWith(composer_->CheckIntegrity(ScopeOf(*ctx)), resp);
  }

 private:
  NoteComposer* const composer_;
  NoteImporter* const importer_;
  Admission imports_;

  // Adds `handler` as the unary method `path` ("/package.Service/Method").
  template <typename Request, typename Response>
  void Serve(const char* path,
             grpc::Status (GatewayServiceImpl::*handler)(grpc::ServerContext*,
                                                         const Request*,
                                                         Response*));
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
