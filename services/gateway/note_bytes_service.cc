#include "services/gateway/note_bytes_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"

namespace outreach::gateway {
namespace {

const char* MethodName() {
  static const std::string* const name = new std::string(absl::StrCat(
      "/", v1::GatewayService::service_full_name(), "/GetInformationNote"));
  return name->c_str();
}

}  // namespace

NoteBytesService::NoteBytesService(NoteComposer* composer)
    : composer_(composer) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      MethodName(), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<
          NoteBytesService, v1::GetInformationNoteRequest, grpc::ByteBuffer,
          grpc::protobuf::MessageLite, grpc::ByteBuffer>(
          [](NoteBytesService* service, grpc::ServerContext* ctx,
             const v1::GetInformationNoteRequest* req, grpc::ByteBuffer* resp) {
            return service->GetInformationNote(ctx, req, resp);
          },
          this)));
}

grpc::Status NoteBytesService::GetInformationNote(
    grpc::ServerContext* ctx, const v1::GetInformationNoteRequest* req,
    grpc::ByteBuffer* resp) {
  auto bytes = composer_->GetInformationNoteBytes(ScopeOf(*ctx), *req);
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  grpc::Slice slice((*bytes)->data(), (*bytes)->size());
  *resp = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

}  // namespace outreach::gateway
