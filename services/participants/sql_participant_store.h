#ifndef OUTREACH_SERVICES_PARTICIPANTS_SQL_PARTICIPANT_STORE_H_
#define OUTREACH_SERVICES_PARTICIPANTS_SQL_PARTICIPANT_STORE_H_

// ParticipantStore on SQL, written once for both engines (common/sql/
// sql_db.h). Entities and participations are kept whole as serialized
// protos beside the columns queries use.

#include <memory>

#include "common/sql/sql_db.h"
#include "common/sql/table_copy.h"
#include "common/sqlite/sqlite_db.h"
#include "services/participants/participant_store.h"

namespace outreach::participants {

class SqlParticipantStore final : public ParticipantStore {
 public:
  // The schema, per engine; the database is opened with them.
  static const StoreMigrations& Migrations();
  // Every table, for moving the store between engines
  // (common/sql/table_copy.h).
  static const StoreSpec& Tables();
  // Opens or creates the SQLite database at options.path and migrates it.
  static absl::StatusOr<std::unique_ptr<SqlParticipantStore>> Open(
      SqliteOptions options);
  // `db` was opened with Migrations().
  explicit SqlParticipantStore(std::unique_ptr<SqlDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::vector<StoredEntity>> ListEntities() override;
  absl::StatusOr<int64_t> EntitiesVersion() override;
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
  absl::StatusOr<std::vector<StoredCount>> Counts() override {
    return ReadCounts(*db_);
  }
  absl::Status Ping() override;
  // The store's incarnation (common/sql/sql_db.h), for cache keys.
  const std::string& incarnation() const { return db_->incarnation(); }

 private:
  std::unique_ptr<SqlDb> db_;
};

// Splits "events/{event}/participations/{id}"; false when malformed.
bool SplitParticipationName(absl::string_view name, std::string* event_id,
                            std::string* id);

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_SQL_PARTICIPANT_STORE_H_
