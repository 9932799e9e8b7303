#include "services/recommendations/recommendations_service.h"

#include "common/server/call_gate.h"
#include "common/status/status_util.h"

namespace outreach::recommendations {
grpc::Status RecommendationsServiceImpl::GetRecommendation(
    grpc::ServerContext* ctx, const v1::GetRecommendationRequest* req,
    v1::Recommendation* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->Get(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::ListRecommendations(
    grpc::ServerContext* ctx, const v1::ListRecommendationsRequest* req,
    v1::ListRecommendationsResponse* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->List(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::SummarizeRecommendations(
    grpc::ServerContext* ctx, const v1::SummarizeRecommendationsRequest* req,
    v1::SummarizeRecommendationsResponse* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->Summarize(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::CreateRecommendation(
    grpc::ServerContext* ctx, const v1::CreateRecommendationRequest* req,
    v1::Recommendation* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->Create(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::UpdateRecommendation(
    grpc::ServerContext* ctx, const v1::UpdateRecommendationRequest* req,
    v1::Recommendation* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->Update(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::DeleteRecommendation(
    grpc::ServerContext* ctx, const v1::DeleteRecommendationRequest* req,
    google::protobuf::Empty*) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ToGrpcStatus(manager_->Delete(ScopeOf(*ctx), *req));
}

grpc::Status RecommendationsServiceImpl::TransitionRecommendation(
    grpc::ServerContext* ctx, const v1::TransitionRecommendationRequest* req,
    v1::Recommendation* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*ctx, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->Transition(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::ListAuditRecords(
    grpc::ServerContext* context, const v1::ListAuditRecordsRequest* req,
    v1::ListAuditRecordsResponse* resp) {
  if (auto denied = GateCall<v1::RecommendationsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListAuditRecords(*req), resp);
}

}  // namespace outreach::recommendations
