#ifndef OUTREACH_SERVICES_PARTICIPANTS_REGISTRY_H_
#define OUTREACH_SERVICES_PARTICIPANTS_REGISTRY_H_

// The registry of entities in memory, with the name index that resolution
// and membership checks read. A few hundred entities fit easily, and
// resolving a batch of names then costs no I/O.
//
// Readers take an immutable snapshot; a write builds a new snapshot and
// swaps it in, so reads never wait on writes and always see one consistent
// registry. The store stays the source of truth: the manager updates the
// registry after each committed write.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "services/participants/name_normalizer.h"
#include "outreach/participants/v1/participants.pb.h"

namespace outreach::participants {

namespace v1 = ::outreach::participants::v1;

struct StoredEntity {
  v1::Entity entity;  // etag empty
  int64_t revision = 0;
};

// The groups `entity` belonged to on `date`.
std::vector<v1::MembershipGroup> GroupsOn(const v1::Entity& entity,
                                          const outreach::type::v1::Date& date);

// The groups a printed label stands for: "States-Members of the OSCE" ->
// {OSCE_PARTICIPATING_STATE}; "OSCE Partners for Co-operation" -> both
// partner groups; empty when the label names no known group.
std::vector<v1::MembershipGroup> GroupsForLabel(absl::string_view label);

// A short name that stands for several entities ("Korea", "Congo"):
// resolving it is AMBIGUOUS with `candidates` (entity names, most likely
// first), for events between `from` and `to` (unset: any date).
struct AmbiguousName {
  std::string printed;
  std::vector<std::string> candidates;
  outreach::type::v1::Date from;
  outreach::type::v1::Date to;
  std::string why;
};

class RegistrySnapshot {
 public:
  explicit RegistrySnapshot(
      std::vector<StoredEntity> entities,
      std::shared_ptr<const std::vector<AmbiguousName>> ambiguous = nullptr);

  const StoredEntity* Find(absl::string_view id) const;
  // All entities, ordered by id.
  const std::vector<StoredEntity>& entities() const { return entities_; }

  // Resolves one printed name; `default_group` applies when the query
  // gives no group; `as_of` (may be null) is the event's date, for names
  // ambiguous only at some dates.
  v1::Resolution Resolve(const v1::NameQuery& query,
                         absl::string_view default_group,
                         const outreach::type::v1::Date* as_of = nullptr) const;

  // A membership check without its date (UndatedMembershipCheck):
  // `printed_names` listed under `printed_group`, resolved.
  v1::UndatedMembershipCheck PrepareCheck(
      absl::string_view printed_group,
      absl::Span<const std::string* const> printed_names) const;

  // PrepareCheck, then judged on `request.as_of` (membership::Judge).
  v1::CheckMembershipsResponse CheckMemberships(
      const v1::CheckMembershipsRequest& request) const;

 private:
  struct IndexEntry {
    size_t entity;      // index into entities_
    std::string shown;  // the known name as written
  };
  void IndexName(size_t entity, const std::string& name);

  // What a parsed name matches under a printed group: an ambiguity entry
  // that applies (then never guessed), else the exact matches, narrowed
  // to the group's kind of party when several match. Resolve and
  // PrepareCheck both start here, so they resolve alike.
  struct Match {
    const AmbiguousName* ambiguous = nullptr;
    std::vector<const IndexEntry*> exact;
  };
  Match MatchName(const ParsedName& parsed, absl::string_view group,
                  const outreach::type::v1::Date* as_of) const;

  std::vector<StoredEntity> entities_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  // Normalized name -> entities known by it.
  absl::flat_hash_map<std::string, std::vector<IndexEntry>> by_name_;
  // Normalized short name -> its ambiguity entries.
  absl::flat_hash_map<std::string, std::vector<const AmbiguousName*>>
      ambiguous_;
  std::shared_ptr<const std::vector<AmbiguousName>> ambiguous_names_;
};

// Thread-safe.
class Registry {
 public:
  Registry()
      : snapshot_(
            std::make_shared<RegistrySnapshot>(std::vector<StoredEntity>())) {}

  std::shared_ptr<const RegistrySnapshot> snapshot() const;
  // The ambiguous short names, for every snapshot from now on.
  void SetAmbiguousNames(std::vector<AmbiguousName> names);
  void Reset(std::vector<StoredEntity> entities);
  void Upsert(StoredEntity entity);
  void Remove(absl::string_view id);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegistrySnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const std::vector<AmbiguousName>> ambiguous_
      ABSL_GUARDED_BY(mu_);
};

// "entities/ua" -> "ua".
std::string EntityId(absl::string_view name);

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_REGISTRY_H_
