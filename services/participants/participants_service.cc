#include "services/participants/participants_service.h"

#include "common/server/call_gate.h"
#include "common/status/status_util.h"

namespace outreach::participants {
grpc::Status ParticipantsServiceImpl::GetEntity(grpc::ServerContext* context,
                                                const v1::GetEntityRequest* req,
                                                v1::Entity* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->GetEntity(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ListEntities(
    grpc::ServerContext* context, const v1::ListEntitiesRequest* req,
    v1::ListEntitiesResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateEntity(
    grpc::ServerContext* ctx, const v1::CreateEntityRequest* req,
    v1::Entity* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->CreateEntity(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::UpdateEntity(
    grpc::ServerContext* ctx, const v1::UpdateEntityRequest* req,
    v1::Entity* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->UpdateEntity(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteEntity(
    grpc::ServerContext* ctx, const v1::DeleteEntityRequest* req,
    google::protobuf::Empty*) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ToGrpcStatus(manager_->DeleteEntity(ScopeOf(*ctx), *req));
}

grpc::Status ParticipantsServiceImpl::BatchGetEntities(
    grpc::ServerContext* context, const v1::BatchGetEntitiesRequest* req,
    v1::BatchGetEntitiesResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->BatchGetEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ResolveEntities(
    grpc::ServerContext* context, const v1::ResolveEntitiesRequest* req,
    v1::ResolveEntitiesResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ResolveEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CheckMemberships(
    grpc::ServerContext* context, const v1::CheckMembershipsRequest* req,
    v1::CheckMembershipsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->CheckMemberships(*req), resp);
}

grpc::Status ParticipantsServiceImpl::BatchCheckMemberships(
    grpc::ServerContext* context, const v1::BatchCheckMembershipsRequest* req,
    v1::BatchCheckMembershipsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->BatchCheckMemberships(*req), resp);
}

grpc::Status ParticipantsServiceImpl::GetParticipation(
    grpc::ServerContext* context, const v1::GetParticipationRequest* req,
    v1::Participation* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->GetParticipation(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateParticipation(
    grpc::ServerContext* ctx, const v1::CreateParticipationRequest* req,
    v1::Participation* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->CreateParticipation(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::BatchCreateParticipations(
    grpc::ServerContext* ctx, const v1::BatchCreateParticipationsRequest* req,
    v1::BatchCreateParticipationsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->BatchCreateParticipations(ScopeOf(*ctx), *req),
                   resp);
}

grpc::Status ParticipantsServiceImpl::ListParticipations(
    grpc::ServerContext* context, const v1::ListParticipationsRequest* req,
    v1::ListParticipationsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListParticipations(*req), resp);
}

grpc::Status ParticipantsServiceImpl::SummarizeParticipations(
    grpc::ServerContext* context, const v1::SummarizeParticipationsRequest* req,
    v1::SummarizeParticipationsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->SummarizeParticipations(*req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteParticipation(
    grpc::ServerContext* ctx, const v1::DeleteParticipationRequest* req,
    google::protobuf::Empty*) {
  if (auto denied = GateCall<v1::ParticipantsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ToGrpcStatus(manager_->DeleteParticipation(ScopeOf(*ctx), *req));
}

grpc::Status ParticipantsServiceImpl::ListAuditRecords(
    grpc::ServerContext* context, const v1::ListAuditRecordsRequest* req,
    v1::ListAuditRecordsResponse* resp) {
  if (auto denied = GateCall<v1::ParticipantsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListAuditRecords(*req), resp);
}

}  // namespace outreach::participants
