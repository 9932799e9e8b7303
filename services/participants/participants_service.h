#ifndef OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANTS_SERVICE_H_
#define OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANTS_SERVICE_H_

// The gRPC face of the participants service: a thin adapter on the
// synchronous API. It hands requests to ParticipantManager, passes the
// incoming deadline and request id on where the manager calls other
// services, and converts statuses with ToGrpcStatus.

#include "outreach/participants/v1/participants.grpc.pb.h"
#include "services/participants/participant_manager.h"

namespace outreach::participants {

class ParticipantsServiceImpl final : public v1::ParticipantsService::Service {
 public:
  // Not owned.
  explicit ParticipantsServiceImpl(ParticipantManager* manager)
      : manager_(manager) {}

  grpc::Status GetEntity(grpc::ServerContext*, const v1::GetEntityRequest*,
                         v1::Entity*) override;
  grpc::Status ListEntities(grpc::ServerContext*,
                            const v1::ListEntitiesRequest*,
                            v1::ListEntitiesResponse*) override;
  grpc::Status CreateEntity(grpc::ServerContext*,
                            const v1::CreateEntityRequest*,
                            v1::Entity*) override;
  grpc::Status UpdateEntity(grpc::ServerContext*,
                            const v1::UpdateEntityRequest*,
                            v1::Entity*) override;
  grpc::Status DeleteEntity(grpc::ServerContext*,
                            const v1::DeleteEntityRequest*,
                            google::protobuf::Empty*) override;
  grpc::Status BatchGetEntities(grpc::ServerContext*,
                                const v1::BatchGetEntitiesRequest*,
                                v1::BatchGetEntitiesResponse*) override;
  grpc::Status ResolveEntities(grpc::ServerContext*,
                               const v1::ResolveEntitiesRequest*,
                               v1::ResolveEntitiesResponse*) override;
  grpc::Status CheckMemberships(grpc::ServerContext*,
                                const v1::CheckMembershipsRequest*,
                                v1::CheckMembershipsResponse*) override;
  grpc::Status BatchCheckMemberships(
      grpc::ServerContext*, const v1::BatchCheckMembershipsRequest*,
      v1::BatchCheckMembershipsResponse*) override;
  grpc::Status GetParticipation(grpc::ServerContext*,
                                const v1::GetParticipationRequest*,
                                v1::Participation*) override;
  grpc::Status CreateParticipation(grpc::ServerContext*,
                                   const v1::CreateParticipationRequest*,
                                   v1::Participation*) override;
  grpc::Status BatchCreateParticipations(
      grpc::ServerContext*, const v1::BatchCreateParticipationsRequest*,
      v1::BatchCreateParticipationsResponse*) override;
  grpc::Status ListParticipations(grpc::ServerContext*,
                                  const v1::ListParticipationsRequest*,
                                  v1::ListParticipationsResponse*) override;
  grpc::Status SummarizeParticipations(
      grpc::ServerContext*, const v1::SummarizeParticipationsRequest*,
      v1::SummarizeParticipationsResponse*) override;
  grpc::Status DeleteParticipation(grpc::ServerContext*,
                                   const v1::DeleteParticipationRequest*,
                                   google::protobuf::Empty*) override;
  grpc::Status ListAuditRecords(grpc::ServerContext*,
                                const v1::ListAuditRecordsRequest*,
                                v1::ListAuditRecordsResponse*) override;

 private:
  ParticipantManager* const manager_;
};

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANTS_SERVICE_H_
