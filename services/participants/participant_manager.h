#ifndef OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_MANAGER_H_
#define OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_MANAGER_H_

// The participants domain: the entity registry (reads from memory, writes
// through the store), name resolution, membership checks, and
// participations, whose events are confirmed with the events service.
// Proto requests in, absl::StatusOr out. Thread-safe.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/client/call_policy.h"
#include "common/client/event_checker.h"
#include "common/geo/iso3166.h"
#include "common/time/clock.h"
#include "common/sql/audit_log.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "services/participants/participant_store.h"
#include "services/participants/registry.h"

namespace outreach::participants {

class ParticipantManager {
 public:
  // None owned.
  ParticipantManager(ParticipantStore* store, EventChecker* events,
                     Clock* clock);

  // Seeds the reference entities when the store's are older, then loads
  // the registry. Call once before serving.
  absl::Status Load(const std::vector<v1::Entity>& reference,
                    std::vector<AmbiguousName> ambiguous = {});

  absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest& req);
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(
      const v1::ListEntitiesRequest& req);
  absl::StatusOr<v1::Entity> CreateEntity(const CallScope& scope,
                                          const v1::CreateEntityRequest& req);
  absl::StatusOr<v1::Entity> UpdateEntity(const CallScope& scope,
                                          const v1::UpdateEntityRequest& req);
  absl::Status DeleteEntity(const CallScope& scope,
                            const v1::DeleteEntityRequest& req);
  absl::StatusOr<v1::BatchGetEntitiesResponse> BatchGetEntities(
      const v1::BatchGetEntitiesRequest& req);

  absl::StatusOr<v1::ResolveEntitiesResponse> ResolveEntities(
      const v1::ResolveEntitiesRequest& req);
  absl::StatusOr<v1::CheckMembershipsResponse> CheckMemberships(
      const v1::CheckMembershipsRequest& req);
  // Every check against one registry snapshot, in request order; a bad
  // request anywhere fails the whole batch.
  absl::StatusOr<v1::BatchCheckMembershipsResponse> BatchCheckMemberships(
      const v1::BatchCheckMembershipsRequest& req);

  absl::StatusOr<v1::Participation> GetParticipation(
      const v1::GetParticipationRequest& req);
  absl::StatusOr<v1::Participation> CreateParticipation(
      const CallScope& scope, const v1::CreateParticipationRequest& req);
  absl::StatusOr<v1::BatchCreateParticipationsResponse>
  BatchCreateParticipations(const CallScope& scope,
                            const v1::BatchCreateParticipationsRequest& req);
  absl::StatusOr<v1::ListParticipationsResponse> ListParticipations(
      const v1::ListParticipationsRequest& req);
  // From the store's kept counts: no participation is read.
  absl::StatusOr<v1::SummarizeParticipationsResponse> SummarizeParticipations(
      const v1::SummarizeParticipationsRequest& req);
  absl::Status DeleteParticipation(const CallScope& scope,
                                   const v1::DeleteParticipationRequest& req);

  // The audit trail of every write above (admin only, by policy).
  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& req);

 private:
  static AuditEntry AuditOf(const CallScope& scope, absl::string_view method,
                            const std::string& request_id = "") {
    return AuditEntryFor(scope.CallerName(),
                         v1::ParticipantsService::service_full_name(), method,
                         request_id, scope.request_id);
  }
  absl::StatusOr<v1::BatchCreateParticipationsResponse> CreateMany(
      const CallScope& scope, absl::string_view method,
      const std::string& parent,
      const std::vector<const v1::CreateParticipationRequest*>& requests,
      const std::vector<std::string>& prefixes, const std::string& request_id,
      const std::string& request_bytes);

  // Reloads the registry when the store's entities changed since it was
  // loaded (through another replica, or this one): every call that reads
  // the registry first calls this, so it reads what is stored.
  absl::Status RefreshRegistry();

  ParticipantStore* const store_;
  EventChecker* const events_;
  Clock* const clock_;
  Registry registry_;
  absl::Mutex refresh_mu_;
  // The EntitiesVersion the registry was loaded at; -1 before the first.
  int64_t loaded_version_ ABSL_GUARDED_BY(refresh_mu_) = -1;
};

inline constexpr int kMaxBatch = 1000;

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_MANAGER_H_
