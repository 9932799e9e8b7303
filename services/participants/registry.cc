#include "services/participants/registry.h"

#include "common/membership/undated_check.h"
#include "common/resource/resource_ids.h"
#include "common/time/calendar_date.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/participants/name_normalizer.h"

namespace outreach::participants {
namespace {

using outreach::type::v1::Date;

// Which kind of party a group label is about, to break ties.
v1::EntityKind KindForLabel(absl::string_view label) {
  const std::string n = NormalizeName(label);
  for (const char* w :
       {"organization", "organisation", "industry", "ngo", "academ",
        "civil society", "private sector", "agenc", "bodies", "entities"}) {
    if (absl::StrContains(n, w)) return v1::ENTITY_KIND_ORGANIZATION;
  }
  if (absl::StrContains(n, "state") || absl::StrContains(n, "countr") ||
      absl::StrContains(n, "member")) {
    return v1::ENTITY_KIND_STATE;
  }
  return v1::ENTITY_KIND_UNSPECIFIED;
}

constexpr int kMaxCandidates = 5;
// Near misses below this score are not worth showing.
constexpr double kMinCandidateScore = 0.5;

}  // namespace

std::string EntityId(absl::string_view name) {
  return IdFromName(name, "entities/");
}

std::vector<v1::MembershipGroup> GroupsOn(const v1::Entity& entity,
                                          const Date& date) {
  return membership::GroupsOn(entity.memberships(), date);
}

std::vector<v1::MembershipGroup> GroupsForLabel(absl::string_view label) {
  const std::string n = NormalizeName(label);
  const auto has = [&n](absl::string_view w) {
    return absl::StrContains(absl::StrCat(" ", n, " "),
                             absl::StrCat(" ", w, " "));
  };
  if (has("osce") || absl::StrContains(n, "organization for security and co")) {
    if (absl::StrContains(n, "partner")) {
      return {v1::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN,
              v1::MEMBERSHIP_GROUP_OSCE_PARTNER_MEDITERRANEAN};
    }
    return {v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE};
  }
  if ((has("eu") || absl::StrContains(n, "european union")) &&
      absl::StrContains(n, "member")) {
    return {v1::MEMBERSHIP_GROUP_EU_MEMBER};
  }
  if ((has("un") || absl::StrContains(n, "united nations")) &&
      absl::StrContains(n, "member")) {
    return {v1::MEMBERSHIP_GROUP_UN_MEMBER};
  }
  return {};
}

RegistrySnapshot::RegistrySnapshot(
    std::vector<StoredEntity> entities,
    std::shared_ptr<const std::vector<AmbiguousName>> ambiguous)
    : entities_(std::move(entities)), ambiguous_names_(std::move(ambiguous)) {
  if (ambiguous_names_ != nullptr) {
    for (const AmbiguousName& a : *ambiguous_names_) {
      ambiguous_[NormalizeName(a.printed)].push_back(&a);
    }
  }
  std::sort(entities_.begin(), entities_.end(),
            [](const StoredEntity& a, const StoredEntity& b) {
              return a.entity.name() < b.entity.name();
            });
  for (size_t i = 0; i < entities_.size(); ++i) {
    const v1::Entity& e = entities_[i].entity;
    by_id_[EntityId(e.name())] = i;
    IndexName(i, e.display_name());
    IndexName(i, e.official_name());
    IndexName(i, e.acronym());
    for (const auto& a : e.aliases()) IndexName(i, a);
    for (const auto& h : e.historic_names()) IndexName(i, h.name());
  }
}

void RegistrySnapshot::IndexName(size_t entity, const std::string& name) {
  if (name.empty()) return;
  auto add = [&](const std::string& key) {
    if (key.empty()) return;
    auto& list = by_name_[key];
    for (const auto& e : list) {
      if (e.entity == entity) return;
    }
    list.push_back({entity, name});
  };
  add(NormalizeName(name));
  // "Korea, Republic of" is printed "Republic of Korea".
  std::vector<absl::string_view> parts = absl::StrSplit(name, ", ");
  if (parts.size() == 2)
    add(NormalizeName(absl::StrCat(parts[1], " ", parts[0])));
  // "Holy See (Vatican City State)" is printed "Holy See"; a qualifier
  // ("Korea (Rep.)") stays in the key (ParseName).
  const ParsedName parsed = ParseName(name);
  add(parsed.key);
}

const StoredEntity* RegistrySnapshot::Find(absl::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &entities_[it->second];
}

RegistrySnapshot::Match RegistrySnapshot::MatchName(
    const ParsedName& parsed, absl::string_view group,
    const outreach::type::v1::Date* as_of) const {
  Match match;
  // A short name that stands for several entities is never guessed.
  if (auto it = ambiguous_.find(parsed.key); it != ambiguous_.end()) {
    const std::string date =
        as_of != nullptr && as_of->year() != 0 ? outreach::DateKey(*as_of) : std::string();
    for (const AmbiguousName* a : it->second) {
      const bool dated = a->from.year() != 0 || a->to.year() != 0;
      if (dated && (date.empty() ||
                    (a->from.year() != 0 && date < outreach::DateKey(a->from)) ||
                    (a->to.year() != 0 && date > outreach::DateKey(a->to)))) {
        continue;
      }
      match.ambiguous = a;
      return match;
    }
  }
  // Exact matches of the name, then of acronyms in parentheses.
  std::vector<const IndexEntry*>& exact = match.exact;
  auto collect = [&](const std::string& key) {
    auto it = by_name_.find(key);
    if (it == by_name_.end()) return;
    for (const auto& e : it->second) {
      if (std::none_of(exact.begin(), exact.end(), [&](const IndexEntry* x) {
            return x->entity == e.entity;
          })) {
        exact.push_back(&e);
      }
    }
  };
  collect(parsed.key);
  if (exact.empty()) {
    for (const auto& a : parsed.acronyms) collect(a);
  }
  // Several entities share the name: let the printed group decide.
  if (exact.size() > 1) {
    const v1::EntityKind kind = KindForLabel(group);
    if (kind != v1::ENTITY_KIND_UNSPECIFIED) {
      std::vector<const IndexEntry*> same_kind;
      for (const auto* e : exact) {
        if (entities_[e->entity].entity.kind() == kind) same_kind.push_back(e);
      }
      if (!same_kind.empty()) exact = same_kind;
    }
  }
  return match;
}

v1::Resolution RegistrySnapshot::Resolve(
    const v1::NameQuery& query, absl::string_view default_group,
    const outreach::type::v1::Date* as_of) const {
  v1::Resolution out;
  out.set_printed_name(query.printed_name());
  const ParsedName parsed = ParseName(query.printed_name());
  out.set_printed_note(parsed.note);
  const absl::string_view group =
      query.printed_group().empty() ? default_group : query.printed_group();
  const Match match = MatchName(parsed, group, as_of);
  if (const AmbiguousName* a = match.ambiguous; a != nullptr) {
    out.set_state(v1::RESOLUTION_STATE_AMBIGUOUS);
    double score = 1.0;
    for (const std::string& name : a->candidates) {
      const StoredEntity* e = Find(EntityId(name));
      if (e == nullptr) continue;
      auto* c = out.add_candidates();
      c->set_entity(e->entity.name());
      c->set_display_name(e->entity.display_name());
      c->set_matched_name(a->why);
      c->set_score(score);
      score -= 0.01;  // ranked, most likely first
    }
    return out;
  }
  const std::vector<const IndexEntry*>& exact = match.exact;
  if (exact.size() == 1) {
    out.set_state(v1::RESOLUTION_STATE_RESOLVED);
    *out.mutable_entity() = entities_[exact[0]->entity].entity;
    out.set_matched_name(exact[0]->shown);
    auto* c = out.add_candidates();
    c->set_entity(out.entity().name());
    c->set_display_name(out.entity().display_name());
    c->set_matched_name(exact[0]->shown);
    c->set_score(1.0);
    return out;
  }
  if (exact.size() > 1) {
    out.set_state(v1::RESOLUTION_STATE_AMBIGUOUS);
    for (const auto* e : exact) {
      if (out.candidates_size() >= kMaxCandidates) break;
      auto* c = out.add_candidates();
      c->set_entity(entities_[e->entity].entity.name());
      c->set_display_name(entities_[e->entity].entity.display_name());
      c->set_matched_name(e->shown);
      c->set_score(1.0);
    }
    return out;
  }

  // No exact match: rank near misses, best name per entity.
  out.set_state(v1::RESOLUTION_STATE_UNRESOLVED);
  if (parsed.key.empty()) return out;
  absl::flat_hash_map<size_t, std::pair<double, const IndexEntry*>> best;
  const NameMatcher matcher(parsed.key);
  for (const auto& [key, list] : by_name_) {
    const double score = matcher.Score(key, kMinCandidateScore);
    if (score < kMinCandidateScore) continue;
    for (const auto& e : list) {
      auto& b = best[e.entity];
      if (score > b.first) b = {score, &e};
    }
  }
  std::vector<std::pair<double, const IndexEntry*>> ranked;
  for (const auto& [entity, b] : best) ranked.push_back(b);
  std::sort(ranked.begin(), ranked.end(), [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return entities_[a.second->entity].entity.name() <
           entities_[b.second->entity].entity.name();
  });
  for (const auto& [score, e] : ranked) {
    if (out.candidates_size() >= kMaxCandidates) break;
    auto* c = out.add_candidates();
    c->set_entity(entities_[e->entity].entity.name());
    c->set_display_name(entities_[e->entity].entity.display_name());
    c->set_matched_name(e->shown);
    c->set_score(score);
  }
  return out;
}

v1::UndatedMembershipCheck RegistrySnapshot::PrepareCheck(
    absl::string_view printed_group,
    absl::Span<const std::string* const> printed_names) const {
  v1::UndatedMembershipCheck out;
  out.set_printed_group(std::string(printed_group));
  const auto groups = GroupsForLabel(printed_group);
  if (groups.empty()) return out;
  for (auto g : groups) out.add_groups(g);
  for (const std::string* printed : printed_names) {
    // Resolved as Resolve resolves (the same MatchName, no date: which is
    // what lets a check be prepared before its date is known), without
    // building Resolve's answer: a State is resolved when exactly one
    // entity matches.
    const Match match = MatchName(ParseName(*printed), printed_group, nullptr);
    const v1::Entity* entity =
        match.ambiguous == nullptr && match.exact.size() == 1
            ? &entities_[match.exact[0]->entity].entity
            : nullptr;
    if (entity == nullptr || entity->kind() != v1::ENTITY_KIND_STATE) {
      out.add_unchecked_names(*printed);
      continue;
    }
    v1::ListedState* listed = out.add_listed_states();
    listed->set_printed_name(*printed);
    listed->set_entity(entity->name());
    listed->set_display_name(entity->display_name());
    *listed->mutable_memberships() = entity->memberships();
  }
  return out;
}

v1::CheckMembershipsResponse RegistrySnapshot::CheckMemberships(
    const v1::CheckMembershipsRequest& request) const {
  std::vector<const std::string*> names;
  names.reserve(request.printed_names_size());
  for (const auto& n : request.printed_names()) names.push_back(&n);
  return membership::Judge(PrepareCheck(request.printed_group(), names),
                           request.as_of());
}

std::shared_ptr<const RegistrySnapshot> Registry::snapshot() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

void Registry::SetAmbiguousNames(std::vector<AmbiguousName> names) {
  auto shared =
      std::make_shared<const std::vector<AmbiguousName>>(std::move(names));
  absl::MutexLock lock(&mu_);
  ambiguous_ = shared;
  snapshot_ = std::make_shared<RegistrySnapshot>(snapshot_->entities(),
                                                 ambiguous_);
}

void Registry::Reset(std::vector<StoredEntity> entities) {
  absl::MutexLock lock(&mu_);
  snapshot_ =
      std::make_shared<RegistrySnapshot>(std::move(entities), ambiguous_);
}

void Registry::Upsert(StoredEntity entity) {
  // Writers are serialized so that no update is lost between copy and swap.
  absl::MutexLock lock(&mu_);
  std::vector<StoredEntity> all = snapshot_->entities();
  bool replaced = false;
  for (auto& e : all) {
    if (e.entity.name() == entity.entity.name()) {
      e = entity;
      replaced = true;
    }
  }
  if (!replaced) all.push_back(std::move(entity));
  snapshot_ = std::make_shared<RegistrySnapshot>(std::move(all), ambiguous_);
}

void Registry::Remove(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  std::vector<StoredEntity> all;
  for (const auto& e : snapshot_->entities()) {
    if (EntityId(e.entity.name()) != id) all.push_back(e);
  }
  snapshot_ = std::make_shared<RegistrySnapshot>(std::move(all), ambiguous_);
}

}  // namespace outreach::participants
