#include "services/participants/participant_manager.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/resource/filter.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "common/time/calendar_date.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/participants/name_normalizer.h"
#include "services/participants/reference_data.h"
#include "services/participants/sql_participant_store.h"

namespace outreach::participants {
namespace {

using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::TimeUtil;
using outreach::type::v1::Date;

constexpr size_t kMaxName = 300;
constexpr size_t kMaxPrinted = 500;
constexpr size_t kMaxNotes = 2000;
constexpr int kMaxList = 50;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

void CheckOptionalDate(const Date& d, const std::string& field,
                       FieldViolations& v) {
  const bool unset = d.year() == 0 && d.month() == 0 && d.day() == 0;
  if (!unset && !IsValidDate(d)) v.Add(field, "is not a valid calendar date");
}

bool AllOf(absl::string_view s, bool (*pred)(unsigned char), size_t n) {
  if (s.size() != n) return false;
  for (unsigned char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool Upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool Digit(unsigned char c) { return c >= '0' && c <= '9'; }

void ValidateEntity(const v1::Entity& e, const RegistrySnapshot& registry,
                    const std::string& p, FieldViolations& v) {
  if (e.kind() != v1::ENTITY_KIND_STATE &&
      e.kind() != v1::ENTITY_KIND_ORGANIZATION) {
    v.Add(p + ".kind", "must be ENTITY_KIND_STATE or ENTITY_KIND_ORGANIZATION");
  }
  if (!v1::OrganizationKind_IsValid(e.organization_kind())) {
    v.Add(p + ".organization_kind", "has no meaning");
  } else if (e.kind() == v1::ENTITY_KIND_ORGANIZATION &&
             e.organization_kind() == v1::ORGANIZATION_KIND_UNSPECIFIED) {
    v.Add(p + ".organization_kind", "is required for an organization");
  } else if (e.kind() == v1::ENTITY_KIND_STATE &&
             e.organization_kind() != v1::ORGANIZATION_KIND_UNSPECIFIED) {
    v.Add(p + ".organization_kind", "applies to organizations only");
  }
  v.CheckText(e.display_name(), kMaxName, true, p + ".display_name");
  v.CheckText(e.official_name(), kMaxPrinted, false, p + ".official_name");
  v.CheckText(e.acronym(), 30, false, p + ".acronym");
  if (!e.iso_alpha2().empty() && !AllOf(e.iso_alpha2(), Upper, 2)) {
    v.Add(p + ".iso_alpha2", "must be two upper-case letters");
  }
  if (!e.iso_alpha3().empty() && !AllOf(e.iso_alpha3(), Upper, 3)) {
    v.Add(p + ".iso_alpha3", "must be three upper-case letters");
  }
  if (!e.iso_numeric().empty() && !AllOf(e.iso_numeric(), Digit, 3)) {
    v.Add(p + ".iso_numeric", "must be three digits");
  }
  if (e.aliases_size() > kMaxList) {
    v.Add(p + ".aliases", absl::StrCat("has more than ", kMaxList, " entries"));
  } else {
    for (int i = 0; i < e.aliases_size(); ++i) {
      v.CheckText(e.aliases(i), kMaxName, true,
                  absl::StrCat(p, ".aliases[", i, "]"));
    }
  }
  if (e.historic_names_size() > kMaxList) {
    v.Add(p + ".historic_names",
          absl::StrCat("has more than ", kMaxList, " entries"));
  } else {
    for (int i = 0; i < e.historic_names_size(); ++i) {
      const std::string f = absl::StrCat(p, ".historic_names[", i, "]");
      v.CheckText(e.historic_names(i).name(), kMaxName, true, f + ".name");
      CheckOptionalDate(e.historic_names(i).valid_from(), f + ".valid_from", v);
      CheckOptionalDate(e.historic_names(i).valid_to(), f + ".valid_to", v);
    }
  }
  if (e.memberships_size() > kMaxList) {
    v.Add(p + ".memberships",
          absl::StrCat("has more than ", kMaxList, " entries"));
  } else {
    for (int i = 0; i < e.memberships_size(); ++i) {
      const std::string f = absl::StrCat(p, ".memberships[", i, "]");
      const auto& m = e.memberships(i);
      if (!v1::MembershipGroup_IsValid(m.group()) ||
          m.group() == v1::MEMBERSHIP_GROUP_UNSPECIFIED) {
        v.Add(f + ".group", "is required");
      }
      CheckOptionalDate(m.valid_from(), f + ".valid_from", v);
      CheckOptionalDate(m.valid_to(), f + ".valid_to", v);
    }
  }
  if (!e.parent_entity().empty() &&
      (!absl::StartsWith(e.parent_entity(), "entities/") ||
       registry.Find(EntityId(e.parent_entity())) == nullptr)) {
    v.Add(p + ".parent_entity", "is not an entity in the registry");
  }
}

absl::StatusOr<std::string> ParseEntityName(absl::string_view name,
                                            absl::string_view field) {
  return ParseResourceName(name, "entities/", field);
}

absl::StatusOr<std::string> ParseEventParent(absl::string_view parent,
                                             absl::string_view field,
                                             bool allow_wildcard) {
  absl::string_view id = parent;
  if (!absl::ConsumePrefix(&id, "events/") ||
      !(IsValidId(id) || (allow_wildcard && id == "-"))) {
    return InvalidField(field, allow_wildcard
                                   ? "is not events/{event_id} or events/-"
                                   : "is not of the form events/{event_id}");
  }
  return std::string(id);
}

v1::Entity WithEtag(const StoredEntity& s) {
  v1::Entity e = s.entity;
  e.set_etag(EtagForRevision(s.revision));
  return e;
}

const absl::flat_hash_set<std::string>& WritableEntityPaths() {
  static const auto* const kPaths = new absl::flat_hash_set<std::string>{
      "kind",    "organization_kind", "display_name", "official_name",
      "acronym", "iso_alpha2",        "iso_alpha3",   "iso_numeric",
      "aliases", "historic_names",    "memberships",  "parent_entity"};
  return *kPaths;
}

// The filter's `field = value` restrictions (common/resource/filter.h), on
// `fields` only; `:` is accepted as `=` (text : "korea").
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseTerms(
    absl::string_view filter, const absl::flat_hash_set<std::string>& fields) {
  auto restrictions = ParseFilterRestrictions(filter);
  if (!restrictions.ok()) return restrictions.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (Restriction& r : *restrictions) {
    if (!fields.contains(r.field)) {
      return InvalidField("filter", absl::StrCat("cannot filter on '",
                                                 r.field.substr(0, 50), "'"));
    }
    if (auto s = RequireFilterOps(r, {FilterOp::kEq, FilterOp::kHas});
        !s.ok()) {
      return s;
    }
    out.emplace_back(std::move(r.field), std::move(r.value));
  }
  return out;
}

}  // namespace

ParticipantManager::ParticipantManager(ParticipantStore* store,
                                       EventChecker* events, Clock* clock)
    : store_(store), events_(events), clock_(clock) {}

absl::Status ParticipantManager::Load(const std::vector<v1::Entity>& reference,
                                      std::vector<AmbiguousName> ambiguous) {
  registry_.SetAmbiguousNames(std::move(ambiguous));
  auto seeded = store_->SeedReference(reference, kReferenceDataVersion);
  if (!seeded.ok()) return seeded.status();
  return RefreshRegistry();
}

absl::Status ParticipantManager::RefreshRegistry() {
  auto version = store_->EntitiesVersion();
  if (!version.ok()) return version.status();
  absl::MutexLock lock(&refresh_mu_);
  if (*version == loaded_version_) return absl::OkStatus();
  // Listed after the version was read: a write in between makes the next
  // call reload again, never keeps an older registry.
  auto all = store_->ListEntities();
  if (!all.ok()) return all.status();
  registry_.Reset(std::move(*all));
  loaded_version_ = *version;
  return absl::OkStatus();
}

absl::StatusOr<v1::Entity> ParticipantManager::GetEntity(
    const v1::GetEntityRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  auto id = ParseEntityName(req.name(), "name");
  if (!id.ok()) return id.status();
  auto snapshot = registry_.snapshot();
  const StoredEntity* e = snapshot->Find(*id);
  if (e == nullptr)
    return absl::NotFoundError(absl::StrCat(req.name(), " not found"));
  return WithEtag(*e);
}

absl::StatusOr<v1::ListEntitiesResponse> ParticipantManager::ListEntities(
    const v1::ListEntitiesRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  if (req.page_size() < 0)
    return InvalidField("page_size", "must not be negative");
  const int page_size = req.page_size() == 0
                            ? kDefaultPageSize
                            : std::min(req.page_size(), kMaxPageSize);
  auto terms = ParseTerms(req.filter(),
                          {"kind", "organization_kind", "member_of", "text"});
  if (!terms.ok()) return terms.status();
  v1::EntityKind kind = v1::ENTITY_KIND_UNSPECIFIED;
  v1::OrganizationKind org = v1::ORGANIZATION_KIND_UNSPECIFIED;
  v1::MembershipGroup group = v1::MEMBERSHIP_GROUP_UNSPECIFIED;
  std::string text;
  for (const auto& [field, value] : *terms) {
    bool ok = true;
    if (field == "kind") {
      ok = ParseEnumName<v1::EntityKind>("ENTITY_KIND_", value,
                                         &v1::EntityKind_Parse, &kind);
    } else if (field == "organization_kind") {
      ok = ParseEnumName<v1::OrganizationKind>(
          "ORGANIZATION_KIND_", value, &v1::OrganizationKind_Parse, &org);
    } else if (field == "member_of") {
      ok = ParseEnumName<v1::MembershipGroup>(
          "MEMBERSHIP_GROUP_", value, &v1::MembershipGroup_Parse, &group);
    } else {
      text = NormalizeName(value);
    }
    if (!ok) {
      return InvalidField("filter", absl::StrCat("'", value.substr(0, 100),
                                                 "' is not a valid ", field));
    }
  }
  const uint64_t fp = Fingerprint({req.filter()});
  std::string after;
  if (!req.page_token().empty()) {
    auto parts = DecodePageToken(req.page_token(), fp, 1);
    if (!parts.ok()) return parts.status();
    after = (*parts)[0];
  }
  Date today;
  {
    const absl::CivilDay day =
        absl::ToCivilDay(clock_->Now(), absl::UTCTimeZone());
    today.set_year(static_cast<int>(day.year()));
    today.set_month(day.month());
    today.set_day(day.day());
  }
  v1::ListEntitiesResponse out;
  auto snapshot = registry_.snapshot();
  for (const auto& stored : snapshot->entities()) {
    const v1::Entity& e = stored.entity;
    const std::string id = EntityId(e.name());
    if (!after.empty() && id <= after) continue;
    if (kind != v1::ENTITY_KIND_UNSPECIFIED && e.kind() != kind) continue;
    if (org != v1::ORGANIZATION_KIND_UNSPECIFIED &&
        e.organization_kind() != org) {
      continue;
    }
    if (group != v1::MEMBERSHIP_GROUP_UNSPECIFIED) {
      const auto groups = GroupsOn(e, today);
      if (std::find(groups.begin(), groups.end(), group) == groups.end())
        continue;
    }
    if (!text.empty()) {
      bool hit = absl::StrContains(NormalizeName(e.display_name()), text) ||
                 absl::StrContains(NormalizeName(e.official_name()), text) ||
                 absl::StrContains(NormalizeName(e.acronym()), text);
      for (const auto& a : e.aliases()) {
        hit = hit || absl::StrContains(NormalizeName(a), text);
      }
      if (!hit) continue;
    }
    if (out.entities_size() == page_size) {
      out.set_next_page_token(
          EncodePageToken(fp, {EntityId(out.entities(page_size - 1).name())}));
      break;
    }
    *out.add_entities() = WithEtag(stored);
  }
  return out;
}

absl::StatusOr<v1::Entity> ParticipantManager::CreateEntity(
    const CallScope& scope, const v1::CreateEntityRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  if (!req.has_entity()) {
    v.Add("entity", "is required");
    return v.ToStatus("invalid entity");
  }
  auto snapshot = registry_.snapshot();
  ValidateEntity(req.entity(), *snapshot, "entity", v);
  std::string id = req.entity_id();
  if (!id.empty() && (!IsValidId(id) || id.size() < 3)) {
    v.Add("entity_id",
          "must be 3-63 characters of a-z, 0-9 and '-', starting with a "
          "letter (two-letter ids are kept for ISO 3166 codes)");
  }
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    v.Add("request_id", "must be a UUID");
  }
  if (auto s = v.ToStatus("invalid entity"); !s.ok()) return s;
  v1::CreateEntityRequest fingerprint = req;
  fingerprint.clear_request_id();
  const std::string request_bytes = DeterministicBytes(fingerprint);
  const bool generated = id.empty();
  if (generated) {
    id = Slugify(req.entity().acronym().empty() ? req.entity().display_name()
                                                : req.entity().acronym(),
                 "", 48, "entity");
    if (id.size() < 3) id = absl::StrCat("entity-", id);
  }
  v1::Entity e = req.entity();
  e.clear_etag();
  const auto now =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  *e.mutable_create_time() = now;
  *e.mutable_update_time() = now;
  for (int attempt = 1; attempt <= 50; ++attempt) {
    const std::string candidate =
        attempt == 1 ? id : WithNumberSuffix(id, attempt);
    e.set_name(absl::StrCat("entities/", candidate));
    auto created = store_->CreateEntity(
        e, AuditOf(scope, "CreateEntity", req.request_id()), req.request_id(),
        request_bytes);
    if (created.status().code() == absl::StatusCode::kAlreadyExists &&
        generated) {
      continue;
    }
    if (!created.ok()) return created.status();
    registry_.Upsert(*created);
    return WithEtag(*created);
  }
  return absl::AlreadyExistsError(
      absl::StrCat("no free id near '", id, "'; pass an entity_id"));
}

absl::StatusOr<v1::Entity> ParticipantManager::UpdateEntity(
    const CallScope& scope, const v1::UpdateEntityRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  if (!req.has_entity()) return InvalidField("entity", "is required");
  auto id = ParseEntityName(req.entity().name(), "entity.name");
  if (!id.ok()) return id.status();
  int64_t expected = 0;
  if (!req.entity().etag().empty()) {
    auto revision = RevisionFromEtag(req.entity().etag(), "entity.etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  google::protobuf::FieldMask mask;
  FieldViolations v;
  for (int i = 0; i < req.update_mask().paths_size(); ++i) {
    const std::string& path = req.update_mask().paths(i);
    if (path == "*") {
      for (const auto& p : WritableEntityPaths()) mask.add_paths(p);
    } else if (WritableEntityPaths().contains(path)) {
      mask.add_paths(path);
    } else if (path != "name" && path != "etag" && path != "create_time" &&
               path != "update_time") {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("'", path.substr(0, 100),
                         "' is not a field of Entity that can be updated"));
    }
  }
  if (!req.has_update_mask()) {
    v.Add("update_mask", "is required");
  }
  if (auto s = v.ToStatus("invalid update"); !s.ok()) return s;
  auto snapshot = registry_.snapshot();
  const StoredEntity* current = snapshot->Find(*id);
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrCat(req.entity().name(), " not found"));
  }
  if (expected != 0 && expected != current->revision) {
    return absl::AbortedError(absl::StrCat(
        req.entity().name(),
        " was changed by someone else; read it again and retry with its new "
        "etag"));
  }
  v1::Entity merged = current->entity;
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(req.entity(), mask, options, &merged);
  merged.set_name(current->entity.name());
  merged.clear_etag();
  if (merged.parent_entity() == merged.name()) {
    v.Add("entity.parent_entity", "cannot be the entity itself");
  }
  ValidateEntity(merged, *snapshot, "entity", v);
  if (auto s = v.ToStatus("invalid entity"); !s.ok()) return s;
  *merged.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  auto updated = store_->UpdateEntity(merged, current->revision,
                                      AuditOf(scope, "UpdateEntity"));
  if (!updated.ok()) return updated.status();
  registry_.Upsert(*updated);
  return WithEtag(*updated);
}

absl::Status ParticipantManager::DeleteEntity(
    const CallScope& scope, const v1::DeleteEntityRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  auto id = ParseEntityName(req.name(), "name");
  if (!id.ok()) return id.status();
  int64_t expected = 0;
  if (!req.etag().empty()) {
    auto revision = RevisionFromEtag(req.etag(), "etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  for (const auto& e : registry_.snapshot()->entities()) {
    if (e.entity.parent_entity() == req.name()) {
      return absl::FailedPreconditionError(absl::StrCat(
          req.name(), " is the parent_entity of ", e.entity.name()));
    }
  }
  if (auto s =
          store_->DeleteEntity(*id, expected, AuditOf(scope, "DeleteEntity"));
      !s.ok()) {
    return s;
  }
  registry_.Remove(*id);
  return absl::OkStatus();
}

absl::StatusOr<v1::BatchGetEntitiesResponse>
ParticipantManager::BatchGetEntities(const v1::BatchGetEntitiesRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  if (req.names_size() > kMaxBatch) {
    v.Add("names", absl::StrCat("has more than ", kMaxBatch, " entries"));
  }
  for (int i = 0; i < req.names_size() && i < kMaxBatch; ++i) {
    if (!ParseEntityName(req.names(i), "names").ok()) {
      v.Add(absl::StrCat("names[", i, "]"),
            "is not of the form entities/{entity_id}");
    }
  }
  if (auto s = v.ToStatus("invalid request"); !s.ok()) return s;
  auto snapshot = registry_.snapshot();
  v1::BatchGetEntitiesResponse out;
  std::vector<std::string> missing;
  for (const auto& name : req.names()) {
    const StoredEntity* e = snapshot->Find(EntityId(name));
    if (e == nullptr) {
      missing.push_back(name);
    } else {
      *out.add_entities() = WithEtag(*e);
    }
  }
  if (!missing.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no such entities: ", absl::StrJoin(missing, ", ")));
  }
  return out;
}

absl::StatusOr<v1::ResolveEntitiesResponse> ParticipantManager::ResolveEntities(
    const v1::ResolveEntitiesRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  if (req.names_size() == 0) v.Add("names", "is required");
  if (req.names_size() > kMaxBatch) {
    v.Add("names", absl::StrCat("has more than ", kMaxBatch, " entries"));
  } else {
    for (int i = 0; i < req.names_size(); ++i) {
      const std::string f = absl::StrCat("names[", i, "]");
      v.CheckText(req.names(i).printed_name(), kMaxPrinted, true,
                  f + ".printed_name");
      v.CheckText(req.names(i).printed_group(), kMaxName, false,
                  f + ".printed_group");
    }
  }
  if (req.has_as_of()) CheckOptionalDate(req.as_of(), "as_of", v);
  v.CheckText(req.printed_group(), kMaxName, false, "printed_group");
  if (auto s = v.ToStatus("invalid request"); !s.ok()) return s;
  auto snapshot = registry_.snapshot();
  v1::ResolveEntitiesResponse out;
  for (const auto& q : req.names()) {
    v1::Resolution r = snapshot->Resolve(
        q, req.printed_group(), req.has_as_of() ? &req.as_of() : nullptr);
    if (r.has_entity()) {
      const StoredEntity* e = snapshot->Find(EntityId(r.entity().name()));
      if (e != nullptr) *r.mutable_entity() = WithEtag(*e);
    }
    *out.add_resolutions() = std::move(r);
  }
  return out;
}

namespace {

// Adds to `v` what is wrong with one membership check; `prefix` is "" for
// CheckMemberships and "requests[i]." inside a batch.
void CheckMembershipRequest(const v1::CheckMembershipsRequest& req,
                            const std::string& prefix, FieldViolations& v) {
  v.CheckText(req.printed_group(), kMaxName, true,
              absl::StrCat(prefix, "printed_group"));
  if (!req.has_as_of()) {
    v.Add(absl::StrCat(prefix, "as_of"), "is required");
  } else if (!IsValidDate(req.as_of())) {
    v.Add(absl::StrCat(prefix, "as_of"), "is not a valid calendar date");
  }
  if (req.printed_names_size() > kMaxBatch) {
    v.Add(absl::StrCat(prefix, "printed_names"),
          absl::StrCat("has more than ", kMaxBatch, " entries"));
    return;
  }
  for (int i = 0; i < req.printed_names_size(); ++i) {
    v.CheckText(req.printed_names(i), kMaxPrinted, true,
                absl::StrCat(prefix, "printed_names[", i, "]"));
  }
}

// A batch of membership checks: few requests (a note prints a handful of
// groups), and no more names in all than one check may list.
constexpr int kMaxMembershipChecks = 100;

}  // namespace

absl::StatusOr<v1::CheckMembershipsResponse>
ParticipantManager::CheckMemberships(const v1::CheckMembershipsRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  CheckMembershipRequest(req, "", v);
  if (auto s = v.ToStatus("invalid request"); !s.ok()) return s;
  return registry_.snapshot()->CheckMemberships(req);
}

absl::StatusOr<v1::BatchCheckMembershipsResponse>
ParticipantManager::BatchCheckMemberships(
    const v1::BatchCheckMembershipsRequest& req) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  if (req.requests_size() == 0) {
    v.Add("requests", "is required");
  } else if (req.requests_size() > kMaxMembershipChecks) {
    v.Add("requests",
          absl::StrCat("has more than ", kMaxMembershipChecks, " entries"));
  } else {
    int names = 0;
    for (int i = 0; i < req.requests_size(); ++i) {
      names += req.requests(i).printed_names_size();
      CheckMembershipRequest(req.requests(i),
                             absl::StrCat("requests[", i, "]."), v);
    }
    if (names > kMaxBatch) {
      v.Add("requests", absl::StrCat("list more than ", kMaxBatch,
                                     " printed names in all"));
    }
  }
  if (auto s = v.ToStatus("invalid request"); !s.ok()) return s;
  // One snapshot for the whole batch: every check sees the same registry.
  auto snapshot = registry_.snapshot();
  v1::BatchCheckMembershipsResponse out;
  for (const auto& one : req.requests()) {
    *out.add_responses() = snapshot->CheckMemberships(one);
  }
  return out;
}

absl::StatusOr<v1::Participation> ParticipantManager::GetParticipation(
    const v1::GetParticipationRequest& req) {
  std::string event_id, id;
  if (!SplitParticipationName(req.name(), &event_id, &id)) {
    return InvalidField(
        "name",
        "is not of the form events/{event}/participations/{participation}");
  }
  auto stored = store_->GetParticipation(event_id, id);
  if (!stored.ok()) return stored.status();
  stored->participation.set_etag(EtagForRevision(stored->revision));
  return std::move(stored->participation);
}

absl::StatusOr<v1::Participation> ParticipantManager::CreateParticipation(
    const CallScope& scope, const v1::CreateParticipationRequest& req) {
  v1::CreateParticipationRequest fingerprint = req;
  fingerprint.clear_request_id();
  auto result =
      CreateMany(scope, "CreateParticipation", req.parent(), {&req}, {""},
                 req.request_id(), DeterministicBytes(fingerprint));
  if (!result.ok()) return result.status();
  return std::move(*result->mutable_participations(0));
}

absl::StatusOr<v1::BatchCreateParticipationsResponse>
ParticipantManager::BatchCreateParticipations(
    const CallScope& scope, const v1::BatchCreateParticipationsRequest& req) {
  if (req.requests_size() == 0) return InvalidField("requests", "is required");
  if (req.requests_size() > kMaxBatch) {
    return InvalidField("requests",
                        absl::StrCat("has more than ", kMaxBatch, " entries"));
  }
  std::vector<const v1::CreateParticipationRequest*> requests;
  std::vector<std::string> prefixes;
  for (int i = 0; i < req.requests_size(); ++i) {
    requests.push_back(&req.requests(i));
    prefixes.push_back(absl::StrCat("requests[", i, "]."));
  }
  v1::BatchCreateParticipationsRequest fingerprint = req;
  fingerprint.clear_request_id();
  return CreateMany(scope, "BatchCreateParticipations", req.parent(), requests,
                    prefixes, req.request_id(),
                    DeterministicBytes(fingerprint));
}

absl::StatusOr<v1::BatchCreateParticipationsResponse>
ParticipantManager::CreateMany(
    const CallScope& scope, absl::string_view method, const std::string& parent,
    const std::vector<const v1::CreateParticipationRequest*>& requests,
    const std::vector<std::string>& prefixes, const std::string& request_id,
    const std::string& request_bytes) {
  if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
  FieldViolations v;
  if (!request_id.empty() && !IsUuid(request_id)) {
    v.Add("request_id", "must be a UUID");
  }
  // A batch names its parent once; single creates name it in the request.
  const bool batch = prefixes.size() != 1 || !prefixes[0].empty();
  std::string event_id;
  {
    auto id = ParseEventParent(batch ? parent : requests[0]->parent(), "parent",
                               /*allow_wildcard=*/false);
    if (!id.ok()) {
      v.Add("parent", "is not of the form events/{event_id}");
    } else {
      event_id = *id;
    }
  }
  auto snapshot = registry_.snapshot();
  std::vector<v1::Participation> rows;
  std::vector<bool> generated;
  const auto now =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = *requests[i];
    const std::string& p = prefixes[i];
    if (batch && !r.parent().empty() && r.parent() != parent) {
      v.Add(p + "parent", "differs from the batch's parent");
    }
    const v1::Participation& in = r.participation();
    v.CheckText(in.printed_name(), kMaxPrinted, true,
                p + "participation.printed_name");
    v.CheckText(in.printed_group(), kMaxName, false,
                p + "participation.printed_group");
    v.CheckText(in.notes(), kMaxNotes, false, p + "participation.notes");
    if (in.position() < 0)
      v.Add(p + "participation.position", "must not be negative");
    if (!v1::ParticipationRole_IsValid(in.role())) {
      v.Add(p + "participation.role", "has no meaning");
    }
    if (!in.entity().empty() &&
        (!absl::StartsWith(in.entity(), "entities/") ||
         snapshot->Find(EntityId(in.entity())) == nullptr)) {
      v.Add(p + "participation.entity", "is not an entity in the registry");
    }
    if (!r.participation_id().empty() && !IsValidId(r.participation_id())) {
      v.Add(p + "participation_id",
            "must be 1-63 characters of a-z, 0-9 and '-', starting with a "
            "letter");
    }
    v1::Participation row = in;
    row.clear_etag();
    *row.mutable_create_time() = now;
    const std::string id = r.participation_id().empty()
                               ? Slugify(in.printed_name(), "", 48, "party")
                               : r.participation_id();
    row.set_name(absl::StrCat("events/", event_id, "/participations/", id));
    rows.push_back(std::move(row));
    generated.push_back(r.participation_id().empty());
  }
  if (auto s = v.ToStatus("invalid participation"); !s.ok()) return s;
  // The event must exist: asked once for the whole batch.
  if (auto s = events_->CheckExists(scope, absl::StrCat("events/", event_id));
      !s.ok()) {
    return s;
  }
  auto created = store_->CreateParticipations(
      std::move(rows), generated, AuditOf(scope, method, request_id),
      request_id, request_bytes);
  if (!created.ok()) return created.status();
  v1::BatchCreateParticipationsResponse out;
  for (auto& c : *created) {
    c.participation.set_etag(EtagForRevision(c.revision));
    *out.add_participations() = std::move(c.participation);
  }
  return out;
}

absl::StatusOr<v1::SummarizeParticipationsResponse>
ParticipantManager::SummarizeParticipations(
    const v1::SummarizeParticipationsRequest&) {
  auto counts = store_->Counts();
  if (!counts.ok()) return counts.status();
  v1::SummarizeParticipationsResponse out;
  std::vector<const StoredCount*> entities;
  for (const StoredCount& c : *counts) {
    if (c.dimension != "entity") continue;
    out.set_participation_count(out.participation_count() + c.n);
    if (!c.key.empty()) entities.push_back(&c);
  }
  std::sort(entities.begin(), entities.end(),
            [](const StoredCount* a, const StoredCount* b) {
              return a->n != b->n ? a->n > b->n : a->key < b->key;
            });
  for (const StoredCount* c : entities) {
    auto* e = out.add_by_entity();
    e->set_entity(c->key);
    e->set_count(c->n);
  }
  return out;
}

namespace {

// One prepared check per run of consecutive participations on `page` under
// the same non-empty label, in page order (participants.proto,
// ListParticipationsResponse.membership_checks).
void AddMembershipChecks(const RegistrySnapshot& registry,
                         v1::ListParticipationsResponse& page) {
  const auto& parts = page.participations();
  std::vector<const std::string*> names;
  for (int i = 0; i < parts.size();) {
    const std::string& label = parts[i].printed_group();
    names.clear();
    int end = i;
    for (; end < parts.size() && parts[end].printed_group() == label; ++end) {
      names.push_back(&parts[end].printed_name());
    }
    if (!label.empty()) {
      *page.add_membership_checks() = registry.PrepareCheck(label, names);
    }
    i = end;
  }
}

}  // namespace

absl::StatusOr<v1::ListParticipationsResponse>
ParticipantManager::ListParticipations(
    const v1::ListParticipationsRequest& req) {
  auto event =
      ParseEventParent(req.parent(), "parent", /*allow_wildcard=*/true);
  if (!event.ok()) return event.status();
  if (req.page_size() < 0)
    return InvalidField("page_size", "must not be negative");
  ParticipationQuery q;
  q.event_id = *event == "-" ? "" : *event;
  q.page_size = req.page_size() == 0 ? kDefaultPageSize
                                     : std::min(req.page_size(), kMaxPageSize);
  auto terms = ParseTerms(req.filter(), {"entity", "role"});
  if (!terms.ok()) return terms.status();
  for (const auto& [field, value] : *terms) {
    if (field == "entity") {
      if (!ParseEntityName(value, "filter").ok()) {
        return InvalidField("filter", "entity must be entities/{entity_id}");
      }
      q.entity = value;
    } else if (!ParseEnumName<v1::ParticipationRole>(
                   "PARTICIPATION_ROLE_", value, &v1::ParticipationRole_Parse,
                   &q.role)) {
      return InvalidField(
          "filter", absl::StrCat("'", value.substr(0, 100), "' is not a role"));
    }
  }
  const uint64_t fp = Fingerprint({req.parent(), req.filter()});
  if (!req.page_token().empty()) {
    auto parts = DecodePageToken(req.page_token(), fp, 3);
    if (!parts.ok()) return parts.status();
    ParticipationCursor cursor{(*parts)[0], 0, (*parts)[2]};
    if (!absl::SimpleAtoi((*parts)[1], &cursor.position)) {
      return InvalidField("page_token", "is not a token this service issued");
    }
    q.after = std::move(cursor);
  }
  auto page = store_->ListParticipations(q);
  if (!page.ok()) return page.status();
  v1::ListParticipationsResponse out;
  for (auto& p : page->participations) {
    p.participation.set_etag(EtagForRevision(p.revision));
    *out.add_participations() = std::move(p.participation);
  }
  if (page->more && out.participations_size() > 0) {
    const auto& last = out.participations(out.participations_size() - 1);
    std::string event_id, id;
    SplitParticipationName(last.name(), &event_id, &id);
    out.set_next_page_token(
        EncodePageToken(fp, {event_id, absl::StrCat(last.position()), id}));
  }
  if (req.include_membership_checks()) {
    if (auto fresh = RefreshRegistry(); !fresh.ok()) return fresh;
    AddMembershipChecks(*registry_.snapshot(), out);
  }
  return out;
}

absl::Status ParticipantManager::DeleteParticipation(
    const CallScope& scope, const v1::DeleteParticipationRequest& req) {
  std::string event_id, id;
  if (!SplitParticipationName(req.name(), &event_id, &id)) {
    return InvalidField(
        "name",
        "is not of the form events/{event}/participations/{participation}");
  }
  return store_->DeleteParticipation(event_id, id,
                                     AuditOf(scope, "DeleteParticipation"));
}

absl::StatusOr<v1::ListAuditRecordsResponse>
ParticipantManager::ListAuditRecords(const v1::ListAuditRecordsRequest& req) {
  return outreach::ListAuditRecords<v1::ListAuditRecordsResponse>(
      req, [this](const AuditQuery& q) { return store_->ListAudit(q); });
}

}  // namespace outreach::participants
