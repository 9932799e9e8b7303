#ifndef OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_STORE_H_
#define OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_STORE_H_

// Where entities and participations are kept, behind a small interface
// (SQLite now; PostgreSQL later). Every write takes a revision from one
// counter that only grows; revisions are the etags.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sql/audit_log.h"
#include "common/sql/stored_counts.h"
#include "outreach/participants/v1/participants.pb.h"
#include "services/participants/registry.h"

namespace outreach::participants {

struct StoredParticipation {
  v1::Participation participation;  // etag empty
  int64_t revision = 0;
};

// Where a page of participations ended.
struct ParticipationCursor {
  std::string event_id;
  int64_t position = 0;
  std::string id;
};

struct ParticipationQuery {
  // Empty: every event.
  std::string event_id;
  // Empty: any entity. Else "entities/{id}".
  std::string entity;
  v1::ParticipationRole role = v1::PARTICIPATION_ROLE_UNSPECIFIED;
  int page_size = 50;
  // Resume after this participation (keyset on event, position, id).
  std::optional<ParticipationCursor> after;
};

struct ParticipationPage {
  std::vector<StoredParticipation> participations;
  bool more = false;
};

// Implementations are thread-safe.
class ParticipantStore {
 public:
  virtual ~ParticipantStore() = default;

  // Entities.
  virtual absl::StatusOr<std::vector<StoredEntity>> ListEntities() = 0;
  // A number that changes with every write of an entity (create, update,
  // delete, reference seed), in that write's transaction: a replica whose
  // in-memory registry was loaded at another number reloads it, so that an
  // entity written through one replica is known at once to every other.
  virtual absl::StatusOr<int64_t> EntitiesVersion() = 0;
  // Writes the reference entities (replacing those with the same ids) when
  // the stored reference version is older than `version`. Returns whether
  // it wrote.
  virtual absl::StatusOr<bool> SeedReference(
      const std::vector<v1::Entity>& entities, int version) = 0;
  // Every write below appends its audit record, for `audit`'s caller, in
  // its own transaction (common/sql/audit_log.h); a replay appends none.

  // ALREADY_EXISTS when the id is taken.
  // With a `request_id`, as CreateParticipations (the ledger of
  // common/sql/request_ledger.h).
  virtual absl::StatusOr<StoredEntity> CreateEntity(
      const v1::Entity& e, const AuditEntry& audit,
      const std::string& request_id = "",
      const std::string& request_bytes = "") = 0;
  // NOT_FOUND, or ABORTED when the revision moved (0: any).
  virtual absl::StatusOr<StoredEntity> UpdateEntity(
      const v1::Entity& e, int64_t expected, const AuditEntry& audit) = 0;
  // Also FAILED_PRECONDITION while participations refer to it.
  virtual absl::Status DeleteEntity(const std::string& id, int64_t expected,
                                    const AuditEntry& audit) = 0;

  // Participations.
  virtual absl::StatusOr<StoredParticipation> GetParticipation(
      const std::string& event_id, const std::string& id) = 0;
  // All or none. ALREADY_EXISTS when a name is taken; with `generated`,
  // names that are taken get "-2", "-3"... instead. With a `request_id`
  // (common/sql/request_ledger.h): the same id and `request_bytes` again
  // return what the first call created, while all of it still exists; the
  // same id with other bytes is INVALID_ARGUMENT.
  virtual absl::StatusOr<std::vector<StoredParticipation>> CreateParticipations(
      std::vector<v1::Participation> participations,
      const std::vector<bool>& generated, const AuditEntry& audit,
      const std::string& request_id = "",
      const std::string& request_bytes = "") = 0;
  virtual absl::StatusOr<ParticipationPage> ListParticipations(
      const ParticipationQuery& query) = 0;
  virtual absl::Status DeleteParticipation(const std::string& event_id,
                                           const std::string& id,
                                           const AuditEntry& audit) = 0;

  // Every positive stored count (common/sql/stored_counts.h): dimension
  // "entity", keyed by entity name ("" for none).
  virtual absl::StatusOr<std::vector<StoredCount>> Counts() = 0;

  // One page of the audit trail, oldest first.
  virtual absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) = 0;

  virtual absl::Status Ping() = 0;
};

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_PARTICIPANT_STORE_H_
