#include "services/gateway/gateway_service.h"

#include <utility>

#include "grpcpp/support/proto_buffer_writer.h"
#include "services/gateway/import_request.h"

namespace outreach::gateway {

grpc::ServerUnaryReactor* GatewayServiceImpl::ImportInformationNote(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto req = DecodeImportRequest(*request);
  if (!req.ok()) {
    reactor->Finish(ToGrpcStatus(req.status()));
    return reactor;
  }
  if (in_flight_.fetch_add(1) >= max_in_flight_) {
    in_flight_.fetch_sub(1);
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        "too many imports in progress; retry with backoff")));
    return reactor;
  }
  // The context, request and response stay valid until Finish.
  imports_->Submit([this, ctx, response, reactor, req = std::move(*req)] {
    auto report = importer_->Import(ScopeOf(*ctx), req);
    grpc::Status status = ToGrpcStatus(report.status());
    if (report.ok()) {
      bool own_buffer = false;
      status = grpc::SerializationTraits<v1::ImportReport>::Serialize(
          *report, response, &own_buffer);
    }
    in_flight_.fetch_sub(1);
    reactor->Finish(status);
  });
  return reactor;
}

}  // namespace outreach::gateway
