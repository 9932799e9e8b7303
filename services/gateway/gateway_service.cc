#include "services/gateway/gateway_service.h"

#include <string>
#include <type_traits>
#include <utility>

#include "common/server/call_gate.h"
#include "grpcpp/impl/codegen/method_handler.h"
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "services/gateway/import_request.h"

namespace outreach::gateway {
namespace {

// What gRPC (de)serializes a handler's message through: protobuf messages
// through their common base, as generated code does; raw bytes as bytes.
template <typename T>
using WireType =
    std::conditional_t<std::is_same_v<T, grpc::ByteBuffer>, grpc::ByteBuffer,
                       grpc::protobuf::MessageLite>;

}  // namespace

template <typename Request, typename Response>
void GatewayServiceImpl::Serve(
    const char* path,
    grpc::Status (GatewayServiceImpl::*handler)(grpc::ServerContext*,
                                                const Request*, Response*)) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      path, grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<GatewayServiceImpl, Request,
                                           Response, WireType<Request>,
                                           WireType<Response>>(
          [handler](GatewayServiceImpl* service, grpc::ServerContext* ctx,
                    const Request* req, Response* resp) {
            return (service->*handler)(ctx, req, resp);
          },
          this)));
}

GatewayServiceImpl::GatewayServiceImpl(NoteComposer* composer,
                                       NoteImporter* importer,
                                       int import_threads,
                                       int max_queued_imports)
    : composer_(composer),
      importer_(importer),
      imports_(import_threads, max_queued_imports) {
  // In the contract's order. The paths are literals: gRPC keeps the
  // pointer for the server's life.
  Serve("/outreach.gateway.v1.GatewayService/GetInformationNote",
        &GatewayServiceImpl::GetInformationNote);
  Serve("/outreach.gateway.v1.GatewayService/RenderInformationNote",
        &GatewayServiceImpl::RenderInformationNote);
  Serve("/outreach.gateway.v1.GatewayService/ImportInformationNote",
        &GatewayServiceImpl::ImportInformationNote);
  Serve("/outreach.gateway.v1.GatewayService/GetStateProfile",
        &GatewayServiceImpl::GetStateProfile);
  Serve("/outreach.gateway.v1.GatewayService/GetDashboard",
        &GatewayServiceImpl::GetDashboard);
  Serve("/outreach.gateway.v1.GatewayService/ListEvents",
        &GatewayServiceImpl::ListEvents);
  Serve("/outreach.gateway.v1.GatewayService/DeleteEvent",
        &GatewayServiceImpl::DeleteEvent);
  Serve("/outreach.gateway.v1.GatewayService/ListRecommendations",
        &GatewayServiceImpl::ListRecommendations);
  Serve("/outreach.gateway.v1.GatewayService/TransitionRecommendation",
        &GatewayServiceImpl::TransitionRecommendation);
  Serve("/outreach.gateway.v1.GatewayService/CheckIntegrity",
        &GatewayServiceImpl::CheckIntegrity);
}

grpc::Status GatewayServiceImpl::GetInformationNote(
    grpc::ServerContext* ctx, const v1::GetInformationNoteRequest* req,
    grpc::ByteBuffer* resp) {
  if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  auto bytes = composer_->GetInformationNoteBytes(ScopeOf(*ctx), *req);
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  grpc::Slice slice((*bytes)->data(), (*bytes)->size());
  *resp = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

grpc::Status GatewayServiceImpl::ImportInformationNote(
    grpc::ServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  auto req = DecodeImportRequest(*request);
  if (!req.ok()) return ToGrpcStatus(req.status());
  const CallScope scope = ScopeOf(*ctx);
  // The turn is held for the whole import, its calls included: a writing
  // import's retries wait between attempts, and a dry run's three calls
  // are short next to its reading of the note.
  Admission::Turn turn;
  if (absl::Status s =
          imports_.Enter(scope.deadline, scope.cancelled, "imports", turn);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto report = importer_->Import(scope, *req);
  if (!report.ok()) return ToGrpcStatus(report.status());
  bool own_buffer = false;
  return grpc::SerializationTraits<v1::ImportReport>::Serialize(
      *report, response, &own_buffer);
}

}  // namespace outreach::gateway
