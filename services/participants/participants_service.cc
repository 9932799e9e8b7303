#include "services/participants/participants_service.h"

#include <utility>

#include "common/status/status_util.h"

namespace outreach::participants {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ParticipantsServiceImpl::GetEntity(
    grpc::ServerContext*, const v1::GetEntityRequest* req, v1::Entity* resp) {
  return Reply(manager_->GetEntity(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ListEntities(
    grpc::ServerContext*, const v1::ListEntitiesRequest* req,
    v1::ListEntitiesResponse* resp) {
  return Reply(manager_->ListEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateEntity(
    grpc::ServerContext*, const v1::CreateEntityRequest* req,
    v1::Entity* resp) {
  return Reply(manager_->CreateEntity(*req), resp);
}

grpc::Status ParticipantsServiceImpl::UpdateEntity(
    grpc::ServerContext*, const v1::UpdateEntityRequest* req,
    v1::Entity* resp) {
  return Reply(manager_->UpdateEntity(*req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteEntity(
    grpc::ServerContext*, const v1::DeleteEntityRequest* req,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->DeleteEntity(*req));
}

grpc::Status ParticipantsServiceImpl::BatchGetEntities(
    grpc::ServerContext*, const v1::BatchGetEntitiesRequest* req,
    v1::BatchGetEntitiesResponse* resp) {
  return Reply(manager_->BatchGetEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::ResolveEntities(
    grpc::ServerContext*, const v1::ResolveEntitiesRequest* req,
    v1::ResolveEntitiesResponse* resp) {
  return Reply(manager_->ResolveEntities(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CheckMemberships(
    grpc::ServerContext*, const v1::CheckMembershipsRequest* req,
    v1::CheckMembershipsResponse* resp) {
  return Reply(manager_->CheckMemberships(*req), resp);
}

grpc::Status ParticipantsServiceImpl::GetParticipation(
    grpc::ServerContext*, const v1::GetParticipationRequest* req,
    v1::Participation* resp) {
  return Reply(manager_->GetParticipation(*req), resp);
}

grpc::Status ParticipantsServiceImpl::CreateParticipation(
    grpc::ServerContext* ctx, const v1::CreateParticipationRequest* req,
    v1::Participation* resp) {
  return Reply(manager_->CreateParticipation(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::BatchCreateParticipations(
    grpc::ServerContext* ctx, const v1::BatchCreateParticipationsRequest* req,
    v1::BatchCreateParticipationsResponse* resp) {
  return Reply(manager_->BatchCreateParticipations(ScopeOf(*ctx), *req), resp);
}

grpc::Status ParticipantsServiceImpl::ListParticipations(
    grpc::ServerContext*, const v1::ListParticipationsRequest* req,
    v1::ListParticipationsResponse* resp) {
  return Reply(manager_->ListParticipations(*req), resp);
}

grpc::Status ParticipantsServiceImpl::DeleteParticipation(
    grpc::ServerContext*, const v1::DeleteParticipationRequest* req,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->DeleteParticipation(*req));
}

}  // namespace outreach::participants
