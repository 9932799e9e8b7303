#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATIONS_SERVICE_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATIONS_SERVICE_H_

// The gRPC face of the recommendations service: a thin adapter on the
// synchronous API that passes the incoming deadline and request id on to
// the manager's calls to other services and converts statuses with
// ToGrpcStatus.

#include "outreach/recommendations/v1/recommendations.grpc.pb.h"
#include "services/recommendations/recommendation_manager.h"

namespace outreach::recommendations {

class RecommendationsServiceImpl final
    : public v1::RecommendationsService::Service {
 public:
  // Not owned.
  explicit RecommendationsServiceImpl(RecommendationManager* manager)
      : manager_(manager) {}

  grpc::Status GetRecommendation(grpc::ServerContext*,
                                 const v1::GetRecommendationRequest*,
                                 v1::Recommendation*) override;
  grpc::Status ListRecommendations(grpc::ServerContext*,
                                   const v1::ListRecommendationsRequest*,
                                   v1::ListRecommendationsResponse*) override;
  grpc::Status SummarizeRecommendations(
      grpc::ServerContext*, const v1::SummarizeRecommendationsRequest*,
      v1::SummarizeRecommendationsResponse*) override;
  grpc::Status CreateRecommendation(grpc::ServerContext*,
                                    const v1::CreateRecommendationRequest*,
                                    v1::Recommendation*) override;
  grpc::Status UpdateRecommendation(grpc::ServerContext*,
                                    const v1::UpdateRecommendationRequest*,
                                    v1::Recommendation*) override;
  grpc::Status DeleteRecommendation(grpc::ServerContext*,
                                    const v1::DeleteRecommendationRequest*,
                                    google::protobuf::Empty*) override;
  grpc::Status TransitionRecommendation(
      grpc::ServerContext*, const v1::TransitionRecommendationRequest*,
      v1::Recommendation*) override;
  grpc::Status ListAuditRecords(grpc::ServerContext*,
                                const v1::ListAuditRecordsRequest*,
                                v1::ListAuditRecordsResponse*) override;

 private:
  RecommendationManager* const manager_;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATIONS_SERVICE_H_
