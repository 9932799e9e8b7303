#include "services/recommendations/recommendations_service.h"

#include <utility>

#include "common/status/status_util.h"

namespace outreach::recommendations {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status RecommendationsServiceImpl::GetRecommendation(
    grpc::ServerContext*, const v1::GetRecommendationRequest* req,
    v1::Recommendation* resp) {
  return Reply(manager_->Get(*req), resp);
}

grpc::Status RecommendationsServiceImpl::ListRecommendations(
    grpc::ServerContext*, const v1::ListRecommendationsRequest* req,
    v1::ListRecommendationsResponse* resp) {
  return Reply(manager_->List(*req), resp);
}

grpc::Status RecommendationsServiceImpl::CreateRecommendation(
    grpc::ServerContext* ctx, const v1::CreateRecommendationRequest* req,
    v1::Recommendation* resp) {
  return Reply(manager_->Create(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::UpdateRecommendation(
    grpc::ServerContext* ctx, const v1::UpdateRecommendationRequest* req,
    v1::Recommendation* resp) {
  return Reply(manager_->Update(ScopeOf(*ctx), *req), resp);
}

grpc::Status RecommendationsServiceImpl::DeleteRecommendation(
    grpc::ServerContext*, const v1::DeleteRecommendationRequest* req,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->Delete(*req));
}

grpc::Status RecommendationsServiceImpl::TransitionRecommendation(
    grpc::ServerContext* ctx, const v1::TransitionRecommendationRequest* req,
    v1::Recommendation* resp) {
  return Reply(manager_->Transition(ScopeOf(*ctx), *req), resp);
}

}  // namespace outreach::recommendations
