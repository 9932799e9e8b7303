#include "services/participants/reference_data.h"

#include <fstream>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace outreach::participants {
namespace {

using outreach::type::v1::Date;

// Rows of a tab-separated file, skipping "#" comments and the header row.
absl::StatusOr<std::vector<std::vector<std::string>>> ReadTsv(
    const std::string& path, size_t columns) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> row = absl::StrSplit(line, '\t');
    if (row.size() < columns) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": expected ", columns,
                       " columns, got ", row.size()));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

bool ParseDate(absl::string_view text, Date* date) {
  if (text.empty()) return true;
  int y, m, d;
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return false;
  }
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
  return true;
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view s : absl::StrSplit(text, ';')) {
    s = absl::StripAsciiWhitespace(s);
    if (!s.empty()) out.emplace_back(s);
  }
  return out;
}

void AddAlias(v1::Entity& e, const std::string& alias) {
  if (alias.empty() || alias == e.display_name() ||
      alias == e.official_name()) {
    return;
  }
  for (const auto& a : e.aliases()) {
    if (a == alias) return;
  }
  e.add_aliases(alias);
}

absl::StatusOr<v1::OrganizationKind> OrgKind(const std::string& kind) {
  static const auto* const kKinds =
      new absl::flat_hash_map<std::string, v1::OrganizationKind>{
          {"un_body", v1::ORGANIZATION_KIND_UN_BODY},
          {"intergovernmental", v1::ORGANIZATION_KIND_INTERGOVERNMENTAL},
          {"regional", v1::ORGANIZATION_KIND_REGIONAL},
          {"treaty_body", v1::ORGANIZATION_KIND_TREATY_BODY},
          {"expert_group", v1::ORGANIZATION_KIND_EXPERT_GROUP},
          {"ngo_or_academia", v1::ORGANIZATION_KIND_NGO_OR_ACADEMIA},
          {"industry", v1::ORGANIZATION_KIND_INDUSTRY}};
  auto it = kKinds->find(kind);
  if (it == kKinds->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown organization kind '", kind, "'"));
  }
  return it->second;
}

absl::StatusOr<v1::MembershipGroup> Group(const std::string& group) {
  if (group == "un_member") return v1::MEMBERSHIP_GROUP_UN_MEMBER;
  if (group == "un_observer") return v1::MEMBERSHIP_GROUP_UN_OBSERVER_STATE;
  if (group == "eu_member") return v1::MEMBERSHIP_GROUP_EU_MEMBER;
  if (group == "osce_participating_state" || group == "participating_state") {
    return v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE;
  }
  if (group == "osce_partner_asian" || group == "partner_asian") {
    return v1::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN;
  }
  if (group == "osce_partner_mediterranean" ||
      group == "partner_mediterranean") {
    return v1::MEMBERSHIP_GROUP_OSCE_PARTNER_MEDITERRANEAN;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown group '", group, "'"));
}

absl::Status AddMembership(v1::Entity& e, v1::MembershipGroup group,
                           const std::string& from, const std::string& to,
                           const std::string& where) {
  v1::Membership* m = e.add_memberships();
  m->set_group(group);
  if (!ParseDate(from, m->mutable_valid_from()) ||
      !ParseDate(to, m->mutable_valid_to())) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": bad date"));
  }
  if (from.empty()) m->clear_valid_from();
  if (to.empty()) m->clear_valid_to();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Entity>> LoadReferenceEntities(
    const std::string& dir, const CountryRegistry& countries) {
  // States: one per ISO 3166-1 entry, id = lower-case alpha-2.
  std::map<std::string, v1::Entity> states;  // by alpha-2
  for (const Country& c : countries.countries()) {
    v1::Entity e;
    e.set_name(absl::StrCat("entities/", absl::AsciiStrToLower(c.alpha_2)));
    e.set_kind(v1::ENTITY_KIND_STATE);
    e.set_display_name(c.common_name.empty() ? c.name : c.common_name);
    e.set_official_name(c.official_name);
    e.set_iso_alpha2(c.alpha_2);
    e.set_iso_alpha3(c.alpha_3);
    e.set_iso_numeric(c.numeric);
    AddAlias(e, c.name);
    states[c.alpha_2] = std::move(e);
  }
  auto state = [&](const std::string& alpha2,
                   const std::string& where) -> absl::StatusOr<v1::Entity*> {
    auto it = states.find(alpha2);
    if (it == states.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", alpha2, "' is not in ISO 3166-1"));
    }
    return &it->second;
  };

  // OSCE status in 2012-2013, display names and aliases.
  auto osce = ReadTsv(dir + "/osce_2013.tsv", 8);
  if (!osce.ok()) return osce.status();
  for (const auto& row : *osce) {
    auto e = state(row[1], "osce_2013.tsv");
    if (!e.ok()) return e.status();
    auto group = Group(row[0]);
    if (!group.ok()) return group.status();
    // The OSCE's own short name reads better than ISO's "Moldova, Republic of".
    // ("Czech Republic / Czechia" lists two names: both become aliases.)
    if (!row[6].empty() && row[6].find(" / ") == std::string::npos) {
      AddAlias(**e, (*e)->display_name());
      (*e)->set_display_name(row[6]);
    }
    for (const auto& alias : SplitList(row[7])) AddAlias(**e, alias);
    const std::string since = row.size() > 8 ? row[8] : "";
    if (auto s = AddMembership(**e, *group, since, "", "osce_2013.tsv");
        !s.ok()) {
      return s;
    }
  }

  // UN membership: everyone but the listed exceptions, then the rest.
  auto rows = ReadTsv(dir + "/memberships.tsv", 4);
  if (!rows.ok()) return rows.status();
  absl::flat_hash_set<std::string> not_un;
  absl::flat_hash_set<std::string> un_dated;
  for (const auto& row : *rows) {
    if (row[1] == "un_member_except") not_un.insert(row[0]);
    if (row[1] == "un_member") un_dated.insert(row[0]);
  }
  for (auto& [alpha2, e] : states) {
    if (!not_un.contains(alpha2) && !un_dated.contains(alpha2)) {
      e.add_memberships()->set_group(v1::MEMBERSHIP_GROUP_UN_MEMBER);
    }
  }
  for (const auto& row : *rows) {
    if (row[1] == "un_member_except") continue;
    auto e = state(row[0], "memberships.tsv");
    if (!e.ok()) return e.status();
    auto group = Group(row[1]);
    if (!group.ok()) return group.status();
    if (auto s = AddMembership(**e, *group, row[2], row[3], "memberships.tsv");
        !s.ok()) {
      return s;
    }
  }

  // Further names; dated ones are former names.
  auto aliases = ReadTsv(dir + "/state_aliases.tsv", 2);
  if (!aliases.ok()) return aliases.status();
  for (const auto& row : *aliases) {
    auto e = state(row[0], "state_aliases.tsv");
    if (!e.ok()) return e.status();
    const std::string from = row.size() > 2 ? row[2] : "";
    const std::string to = row.size() > 3 ? row[3] : "";
    if (from.empty() && to.empty()) {
      AddAlias(**e, row[1]);
      continue;
    }
    v1::HistoricName* h = (*e)->add_historic_names();
    h->set_name(row[1]);
    if (!ParseDate(from, h->mutable_valid_from()) ||
        !ParseDate(to, h->mutable_valid_to())) {
      return absl::InvalidArgumentError("state_aliases.tsv: bad date");
    }
    if (from.empty()) h->clear_valid_from();
    if (to.empty()) h->clear_valid_to();
  }

  std::vector<v1::Entity> out;
  for (auto& [alpha2, e] : states) out.push_back(std::move(e));

  auto orgs = ReadTsv(dir + "/organizations.tsv", 4);
  if (!orgs.ok()) return orgs.status();
  for (const auto& row : *orgs) {
    v1::Entity e;
    e.set_name(absl::StrCat("entities/", row[0]));
    e.set_kind(v1::ENTITY_KIND_ORGANIZATION);
    auto kind = OrgKind(row[1]);
    if (!kind.ok()) return kind.status();
    e.set_organization_kind(*kind);
    e.set_acronym(row[2]);
    e.set_display_name(row[3]);
    e.set_official_name(row.size() > 4 ? row[4] : "");
    if (row.size() > 5) {
      for (const auto& alias : SplitList(row[5])) AddAlias(e, alias);
    }
    if (row.size() > 6 && !row[6].empty()) {
      e.set_parent_entity(absl::StrCat("entities/", row[6]));
    }
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<std::vector<AmbiguousName>> LoadAmbiguousNames(
    const std::string& data_dir, const CountryRegistry& countries) {
  const std::string path = data_dir + "/ambiguous_names.tsv";
  auto rows = ReadTsv(path, 2);
  if (!rows.ok()) return rows.status();
  std::vector<AmbiguousName> out;
  for (const auto& row : *rows) {
    AmbiguousName a;
    a.printed = row[0];
    for (const std::string& code : SplitList(row[1])) {
      if (countries.FindByAlpha2(code) == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": \"", row[0], "\": ", code, " is not an ISO 3166-1 code"));
      }
      a.candidates.push_back(
          absl::StrCat("entities/", absl::AsciiStrToLower(code)));
    }
    if ((row.size() > 2 && !ParseDate(row[2], &a.from)) ||
        (row.size() > 3 && !ParseDate(row[3], &a.to))) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": \"", row[0], "\": dates are YYYY-MM-DD"));
    }
    if (row.size() > 4) a.why = row[4];
    if (a.candidates.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": \"", row[0], "\" has no candidates"));
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace outreach::participants
