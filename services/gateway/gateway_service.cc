#include "services/gateway/gateway_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/server/call_gate.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "services/gateway/import_request.h"

namespace outreach::gateway {
namespace {

const char* GetInformationNoteMethod() {
  static const std::string* const name = new std::string(absl::StrCat(
      "/", v1::GatewayService::service_full_name(), "/GetInformationNote"));
  return name->c_str();
}

}  // namespace

GatewayServiceImpl::GatewayServiceImpl(NoteComposer* composer,
                                       NoteImporter* importer,
                                       ThreadPool* imports,
                                       int max_queued_imports)
    : composer_(composer),
      importer_(importer),
      imports_(imports),
      max_in_flight_(imports->size() + max_queued_imports) {
  // The generated GetInformationNote is marked generic (not registered);
  // this is the same method with a raw response. One service object, so
  // reflection lists the service once.
  AddMethod(new grpc::internal::RpcServiceMethod(
      GetInformationNoteMethod(), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<
          GatewayServiceImpl, v1::GetInformationNoteRequest, grpc::ByteBuffer,
          grpc::protobuf::MessageLite, grpc::ByteBuffer>(
          [](GatewayServiceImpl* service, grpc::ServerContext* ctx,
             const v1::GetInformationNoteRequest* req, grpc::ByteBuffer* resp) {
            return service->GetInformationNoteBytes(ctx, req, resp);
          },
          this)));
}

grpc::Status GatewayServiceImpl::GetInformationNoteBytes(
    grpc::ServerContext* ctx, const v1::GetInformationNoteRequest* req,
    grpc::ByteBuffer* resp) {
  if (auto denied = GateCall<v1::GatewayService>(*ctx, "GetInformationNote");
      !denied.ok()) {
    return denied;
  }
  auto bytes = composer_->GetInformationNoteBytes(ScopeOf(*ctx), *req);
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  grpc::Slice slice((*bytes)->data(), (*bytes)->size());
  *resp = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::ImportInformationNote(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (auto denied = GateCall<v1::GatewayService>(*ctx, __func__);
      !denied.ok()) {
    reactor->Finish(denied);
    return reactor;
  }
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
  // The context, request and response stay valid until Finish. The note
  // is read on the import pool, off gRPC's own threads; a dry run then
  // makes its calls without holding a pool thread (or any) while it waits,
  // and finishes on the thread that completed its last call. An import
  // that writes blocks its pool thread: its retries wait between attempts.
  imports_->Submit([this, ctx, response, reactor, req = std::move(*req)] {
    auto finish = [this, response,
                   reactor](absl::StatusOr<v1::ImportReport> report) {
      grpc::Status status = ToGrpcStatus(report.status());
      if (report.ok()) {
        bool own_buffer = false;
        status = grpc::SerializationTraits<v1::ImportReport>::Serialize(
            *report, response, &own_buffer);
      }
      in_flight_.fetch_sub(1);
      reactor->Finish(status);
    };
    if (req.dry_run()) {
      importer_->DryRunAsync(ScopeOf(*ctx), req, std::move(finish));
      return;
    }
    finish(importer_->Import(ScopeOf(*ctx), req));
  });
  return reactor;
}

}  // namespace outreach::gateway
