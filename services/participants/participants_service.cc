#include "services/participants/participants_service.h"

#include "common/status/status_util.h"

namespace outreach::participants {
grpc::Status ParticipantsServiceImpl::GetEntity(grpc::ServerContext*,
                                                const v1::GetEntityRequest* req,
                                                v1::Entity* resp) {
  return ReplyWith(manager_->GetEntity(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ListEntities(
    grpc::ServerContext*, const v1::ListEntitiesRequest* req,
    v1::ListEntitiesResponse* resp) {
  return ReplyWith(manager_->ListEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateEntity(
    grpc::ServerContext* ctx, const v1::CreateEntityRequest* req,
    v1::Entity* resp) {
  return ReplyWith(manager_->CreateEntity(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::UpdateEntity(
    grpc::ServerContext* ctx, const v1::UpdateEntityRequest* req,
    v1::Entity* resp) {
  return ReplyWith(manager_->UpdateEntity(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteEntity(
    grpc::ServerContext* ctx, const v1::DeleteEntityRequest* req,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->DeleteEntity(ScopeOf(*ctx), *req));
}

grpc::Status ParticipantsServiceImpl::BatchGetEntities(
    grpc::ServerContext*, const v1::BatchGetEntitiesRequest* req,
    v1::BatchGetEntitiesResponse* resp) {
  return ReplyWith(manager_->BatchGetEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ResolveEntities(
    grpc::ServerContext*, const v1::ResolveEntitiesRequest* req,
    v1::ResolveEntitiesResponse* resp) {
  return ReplyWith(manager_->ResolveEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CheckMemberships(
    grpc::ServerContext*, const v1::CheckMembershipsRequest* req,
    v1::CheckMembershipsResponse* resp) {
  return ReplyWith(manager_->CheckMemberships(*req), resp);
}

grpc::Status ParticipantsServiceImpl::BatchCheckMemberships(
    grpc::ServerContext*, const v1::BatchCheckMembershipsRequest* req,
    v1::BatchCheckMembershipsResponse* resp) {
  return ReplyWith(manager_->BatchCheckMemberships(*req), resp);
}

grpc::Status ParticipantsServiceImpl::GetParticipation(
    grpc::ServerContext*, const v1::GetParticipationRequest* req,
    v1::Participation* resp) {
  return ReplyWith(manager_->GetParticipation(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateParticipation(
    grpc::ServerContext* ctx, const v1::CreateParticipationRequest* req,
    v1::Participation* resp) {
  return ReplyWith(manager_->CreateParticipation(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::BatchCreateParticipations(
    grpc::ServerContext* ctx, const v1::BatchCreateParticipationsRequest* req,
    v1::BatchCreateParticipationsResponse* resp) {
  return ReplyWith(manager_->BatchCreateParticipations(ScopeOf(*ctx), *req),
                   resp);
}

grpc::Status ParticipantsServiceImpl::ListParticipations(
    grpc::ServerContext*, const v1::ListParticipationsRequest* req,
    v1::ListParticipationsResponse* resp) {
  return ReplyWith(manager_->ListParticipations(*req), resp);
}

grpc::Status ParticipantsServiceImpl::SummarizeParticipations(
    grpc::ServerContext*, const v1::SummarizeParticipationsRequest* req,
    v1::SummarizeParticipationsResponse* resp) {
  return ReplyWith(manager_->SummarizeParticipations(*req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteParticipation(
    grpc::ServerContext* ctx, const v1::DeleteParticipationRequest* req,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->DeleteParticipation(ScopeOf(*ctx), *req));
}

grpc::Status ParticipantsServiceImpl::ListAuditRecords(
    grpc::ServerContext*, const v1::ListAuditRecordsRequest* req,
    v1::ListAuditRecordsResponse* resp) {
  return ReplyWith(manager_->ListAuditRecords(*req), resp);
}

}  // namespace outreach::participants
