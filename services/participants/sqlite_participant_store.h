#ifndef OUTREACH_SERVICES_PARTICIPANTS_SQLITE_PARTICIPANT_STORE_H_
#define OUTREACH_SERVICES_PARTICIPANTS_SQLITE_PARTICIPANT_STORE_H_

// ParticipantStore on one SQLite file. Entities and participations are kept
// whole as serialized protos beside the columns queries use.

#include <memory>

#include "common/sqlite/sqlite_db.h"
#include "services/participants/participant_store.h"

namespace outreach::participants {

class SqliteParticipantStore final : public ParticipantStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteParticipantStore>> Open(
      SqliteOptions options);

  absl::StatusOr<std::vector<StoredEntity>> ListEntities() override;
  absl::StatusOr<bool> SeedReference(const std::vector<v1::Entity>& entities,
                                     int version) override;
  absl::StatusOr<StoredEntity> CreateEntity(
      const v1::Entity& e, const AuditEntry& audit,
      const std::string& request_id,
      const std::string& request_bytes) override;
  absl::StatusOr<StoredEntity> UpdateEntity(const v1::Entity& e,
                                            int64_t expected,
                                            const AuditEntry& audit) override;
  absl::Status DeleteEntity(const std::string& id, int64_t expected,
                            const AuditEntry& audit) override;
  absl::StatusOr<StoredParticipation> GetParticipation(
      const std::string& event_id, const std::string& id) override;
  absl::StatusOr<std::vector<StoredParticipation>> CreateParticipations(
      std::vector<v1::Participation> participations,
      const std::vector<bool>& generated, const AuditEntry& audit,
      const std::string& request_id,
      const std::string& request_bytes) override;
  absl::StatusOr<ParticipationPage> ListParticipations(
      const ParticipationQuery& query) override;
  absl::Status DeleteParticipation(const std::string& event_id,
                                   const std::string& id,
                                   const AuditEntry& audit) override;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override;
  absl::Status Ping() override;
  // The store's incarnation (common/sqlite/sqlite_db.h), for cache keys.
  const std::string& incarnation() const { return db_->incarnation(); }

 private:
  explicit SqliteParticipantStore(std::unique_ptr<SqliteDb> db)
      : db_(std::move(db)) {}
  std::unique_ptr<SqliteDb> db_;
};

// Splits "events/{event}/participations/{id}"; false when malformed.
bool SplitParticipationName(absl::string_view name, std::string* event_id,
                            std::string* id);

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_SQLITE_PARTICIPANT_STORE_H_
