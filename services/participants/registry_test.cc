#include "services/participants/registry.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/participants/reference_data.h"

namespace outreach::participants {
namespace {

outreach::type::v1::Date D(int y, int m, int d) {
  outreach::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto countries = CountryRegistry::Load();
    ASSERT_TRUE(countries.ok());
    auto entities =
        LoadReferenceEntities(OUTREACH_PARTICIPANTS_DATA_DIR, **countries);
    ASSERT_TRUE(entities.ok()) << entities.status();
    std::vector<StoredEntity> stored;
    for (auto& e : *entities) stored.push_back({std::move(e), 1});
    auto ambiguous =
        LoadAmbiguousNames(OUTREACH_PARTICIPANTS_DATA_DIR, **countries);
    ASSERT_TRUE(ambiguous.ok()) << ambiguous.status();
    snapshot_ = new RegistrySnapshot(
        std::move(stored),
        std::make_shared<const std::vector<AmbiguousName>>(
            std::move(*ambiguous)));
  }
  static v1::Resolution Resolve(const std::string& name,
                                const std::string& group = "",
                                const outreach::type::v1::Date* as_of =
                                    nullptr) {
    v1::NameQuery q;
    q.set_printed_name(name);
    q.set_printed_group(group);
    return snapshot_->Resolve(q, "", as_of);
  }
  static RegistrySnapshot* snapshot_;
};
RegistrySnapshot* RegistryTest::snapshot_ = nullptr;

TEST_F(RegistryTest, ShipsEveryIsoCountryAndTheOrganizations) {
  int states = 0, orgs = 0;
  for (const auto& e : snapshot_->entities()) {
    (e.entity.kind() == v1::ENTITY_KIND_STATE ? states : orgs)++;
  }
  EXPECT_EQ(states, 249);
  EXPECT_GE(orgs, 25);
  const StoredEntity* ua = snapshot_->Find("ua");
  ASSERT_NE(ua, nullptr);
  EXPECT_EQ(ua->entity.iso_alpha3(), "UKR");
  EXPECT_EQ(ua->entity.iso_numeric(), "804");
}

// Every State printed in the seed note, and every alias DOMAIN.md names.
TEST_F(RegistryTest, ResolutionTable) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"Albania", "AL"},
      {"Algeria", "DZ"},
      {"Armenia", "AM"},
      {"Azerbaijan", "AZ"},
      {"Belarus", "BY"},
      {"Canada", "CA"},
      {"Denmark", "DK"},
      {"Egypt", "EG"},
      {"Finland", "FI"},
      {"Georgia", "GE"},
      {"Germany", "DE"},
      {"Holy See", "VA"},
      {"Hungary", "HU"},
      {"Italy", "IT"},
      {"Kazakhstan", "KZ"},
      {"Kyrgyzstan", "KG"},
      {"Lithuania", "LT"},
      {"Malta", "MT"},
      {"Moldova", "MD"},
      {"Morocco", "MA"},
      {"Montenegro", "ME"},
      {"Japan", "JP"},
      {"Poland", "PL"},
      {"Romania", "RO"},
      {"Russia", "RU"},
      {"Serbia", "RS"},
      {"Slovenia", "SI"},
      {"Switzerland", "CH"},
      {"Tajikistan", "TJ"},
      {"Ukraine", "UA"},
      {"United States", "US"},
      {"The former Yugoslav Republic of Macedonia", "MK"},
      {"FYROM", "MK"},
      {"Turkey", "TR"},
      {"Türkiye", "TR"},
      {"Czech Republic", "CZ"},
      {"USA", "US"},
      {"UK", "GB"},
      {"Kyrgyz Republic", "KG"},
      {"South Korea", "KR"},
      {"the Republic of Korea", "KR"},
      {"Russian Federation", "RU"},
      {"Republic of Moldova", "MD"},
      {"North Macedonia", "MK"},
      {"Czechia", "CZ"},
      {"Cote d'Ivoire", "CI"},
      {"Côte d'Ivoire", "CI"},
      {"Korea, Republic of", "KR"},
      {"UNITED KINGDOM", "GB"},
  };
  for (const auto& [name, alpha2] : table) {
    const v1::Resolution r = Resolve(name, "States");
    ASSERT_EQ(r.state(), v1::RESOLUTION_STATE_RESOLVED) << name;
    EXPECT_EQ(r.entity().iso_alpha2(), alpha2) << name;
  }
}

TEST_F(RegistryTest, OrganizationsByNameAndAcronym) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"European Union", "entities/european-union"},
      {"UN ODA", "entities/unoda"},
      {"UNODA", "entities/unoda"},
      {"OSCE", "entities/osce"},
      {"1540 Committee expert", "entities/experts-1540"},
      {"International Criminal Police Organisation (INTERPOL)",
       "entities/interpol"},
      {"INTERPOL", "entities/interpol"},
      {"OPCW", "entities/opcw"},
      {"IAEA", "entities/iaea"},
      {"World Customs Organization (WCO)", "entities/wco"},
      {"BWC ISU", "entities/bwc-isu"},
      {"UNICRI", "entities/unicri"},
      {"Conflict Prevention Center", "entities/osce-cpc"},
  };
  for (const auto& [name, entity] : table) {
    const v1::Resolution r = Resolve(name, "Other");
    ASSERT_EQ(r.state(), v1::RESOLUTION_STATE_RESOLVED) << name;
    EXPECT_EQ(r.entity().name(), entity) << name;
  }
  const v1::Resolution noted =
      Resolve("1540 Committee (two 1540 Committee experts)");
  EXPECT_EQ(noted.entity().name(), "entities/committee-1540");
  EXPECT_EQ(noted.printed_note(), "two 1540 Committee experts");
}

TEST_F(RegistryTest, MissesAreUnresolvedWithCandidatesNeverGuessed) {
  v1::Resolution r = Resolve("Ukrain");
  EXPECT_EQ(r.state(), v1::RESOLUTION_STATE_UNRESOLVED);
  EXPECT_FALSE(r.has_entity());
  ASSERT_GT(r.candidates_size(), 0);
  EXPECT_EQ(r.candidates(0).entity(), "entities/ua");
  EXPECT_LT(r.candidates(0).score(), 1.0);
  r = Resolve("Atlantis");
  EXPECT_EQ(r.state(), v1::RESOLUTION_STATE_UNRESOLVED);
  EXPECT_FALSE(r.has_entity());
}

TEST_F(RegistryTest, MembershipOnADate) {
  const StoredEntity* mn = snapshot_->Find("mn");
  ASSERT_NE(mn, nullptr);
  auto before = GroupsOn(mn->entity, D(2012, 11, 20));
  auto after = GroupsOn(mn->entity, D(2012, 11, 21));
  EXPECT_THAT(before,
              ::testing::Contains(v1::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN));
  EXPECT_THAT(before, ::testing::Not(::testing::Contains(
                          v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE)));
  EXPECT_THAT(after, ::testing::Contains(
                         v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE));
  const StoredEntity* va = snapshot_->Find("va");
  auto holy_see = GroupsOn(va->entity, D(2013, 11, 5));
  EXPECT_THAT(holy_see, ::testing::Contains(
                            v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE));
  EXPECT_THAT(holy_see,
              ::testing::Contains(v1::MEMBERSHIP_GROUP_UN_OBSERVER_STATE));
  EXPECT_THAT(
      holy_see,
      ::testing::Not(::testing::Contains(v1::MEMBERSHIP_GROUP_UN_MEMBER)));
  auto hr = GroupsOn(snapshot_->Find("hr")->entity, D(2013, 6, 30));
  EXPECT_THAT(
      hr, ::testing::Not(::testing::Contains(v1::MEMBERSHIP_GROUP_EU_MEMBER)));
}

TEST_F(RegistryTest, SeedNoteListsPartnersAsOsceMembers) {
  v1::CheckMembershipsRequest req;
  req.set_printed_group("States-Members of the OSCE");
  *req.mutable_as_of() = D(2013, 11, 5);
  for (const char* n : {"Albania", "Algeria", "Armenia", "Egypt", "Holy See",
                        "Japan", "Morocco", "Mongolia", "Russia",
                        "The former Yugoslav Republic of Macedonia", "Ukraine",
                        "United States"}) {
    req.add_printed_names(n);
  }
  auto resp = snapshot_->CheckMemberships(req);
  EXPECT_EQ(resp.group(), v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE);
  std::vector<std::string> flagged;
  for (const auto& m : resp.mismatches()) flagged.push_back(m.printed_name());
  EXPECT_THAT(flagged, ::testing::UnorderedElementsAre("Algeria", "Egypt",
                                                       "Japan", "Morocco"));
  EXPECT_EQ(resp.unchecked_names_size(), 0);
  // Mongolia, listed before it joined, is flagged.
  *req.mutable_as_of() = D(2012, 1, 10);
  resp = snapshot_->CheckMemberships(req);
  flagged.clear();
  for (const auto& m : resp.mismatches()) flagged.push_back(m.printed_name());
  EXPECT_THAT(flagged, ::testing::Contains("Mongolia"));
}

TEST_F(RegistryTest, GroupLabels) {
  EXPECT_THAT(
      GroupsForLabel("States-Members of the OSCE"),
      ::testing::ElementsAre(v1::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE));
  EXPECT_EQ(GroupsForLabel("OSCE Partners for Co-operation").size(), 2u);
  EXPECT_THAT(GroupsForLabel("EU Member States"),
              ::testing::ElementsAre(v1::MEMBERSHIP_GROUP_EU_MEMBER));
  EXPECT_TRUE(GroupsForLabel("Other").empty());
  EXPECT_TRUE(GroupsForLabel("International organizations").empty());
}

}  // namespace
}  // namespace outreach::participants

namespace outreach::participants {
namespace {

// An acronym in parentheses names the whole only at the end of the name:
// matching "(OAS)" in "… (OAS) and INTERPOL" would be a silent guess.
TEST_F(RegistryTest, AnAcronymNamesTheWholeOnlyAtTheEnd) {
  EXPECT_EQ(Resolve("Organization of American States (OAS) and INTERPOL")
                .state(),
            v1::RESOLUTION_STATE_UNRESOLVED);
  const auto r = Resolve("International Criminal Police Organisation (INTERPOL)");
  EXPECT_EQ(r.state(), v1::RESOLUTION_STATE_RESOLVED);
  EXPECT_EQ(r.entity().name(), "entities/interpol");
}

// A long name is not compared character by character with every key.
TEST_F(RegistryTest, LongNamesResolveQuickly) {
  std::string name;
  while (name.size() < 480) name += "wxyz zyxw xw ";
  const absl::Time start = absl::Now();
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(Resolve(name + std::to_string(i)).state(),
              v1::RESOLUTION_STATE_UNRESOLVED);
  }
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

}  // namespace
}  // namespace outreach::participants

namespace outreach::participants {
namespace {

// Never a silent guess: a short name that stands for several entities is
// AMBIGUOUS, with the candidates ranked, most likely first.
TEST_F(RegistryTest, AmbiguousShortNamesGetRankedCandidates) {
  struct Case {
    std::string name;
    std::string as_of;  // YYYY-MM-DD or empty
    std::vector<std::string> candidates;
  };
  const std::vector<Case> cases = {
      {"Korea", "", {"entities/kr", "entities/kp"}},
      {"KOREA", "2013-11-05", {"entities/kr", "entities/kp"}},
      {"Congo", "", {"entities/cg", "entities/cd"}},
      {"Guinea", "", {"entities/gn", "entities/gw", "entities/gq",
                      "entities/pg"}},
      {"Macedonia", "", {"entities/mk"}},
      {"Sudan", "2011-11-01", {"entities/sd", "entities/ss"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + " " + c.as_of);
    outreach::type::v1::Date date;
    if (!c.as_of.empty()) {
      date.set_year(std::stoi(c.as_of.substr(0, 4)));
      date.set_month(std::stoi(c.as_of.substr(5, 2)));
      date.set_day(std::stoi(c.as_of.substr(8, 2)));
    }
    const auto r = Resolve(c.name, "", c.as_of.empty() ? nullptr : &date);
    EXPECT_EQ(r.state(), v1::RESOLUTION_STATE_AMBIGUOUS);
    std::vector<std::string> got;
    for (int i = 0; i < r.candidates_size(); ++i) {
      got.push_back(r.candidates(i).entity());
      if (i > 0) {
        EXPECT_LT(r.candidates(i).score(), r.candidates(i - 1).score());
      }
    }
    EXPECT_EQ(got, c.candidates);
  }
  // Away from the split, "Sudan" is the Sudan.
  outreach::type::v1::Date y2005;
  y2005.set_year(2005);
  y2005.set_month(3);
  y2005.set_day(1);
  EXPECT_EQ(Resolve("Sudan", "", &y2005).entity().name(), "entities/sd");
}

// Normalization never drops a qualifier that tells two entities apart.
TEST_F(RegistryTest, QualifiersAreKept) {
  for (const char* name : {"Korea (Rep.)", "Korea, Republic of",
                           "the Republic of Korea", "South Korea",
                           "Korea (Republic of)"}) {
    EXPECT_EQ(Resolve(name).entity().name(), "entities/kr") << name;
  }
  for (const char* name : {"North Korea", "Democratic People's Republic of Korea",
                           "Korea (Democratic People's Republic of)"}) {
    EXPECT_EQ(Resolve(name).entity().name(), "entities/kp") << name;
  }
  EXPECT_EQ(Resolve("Iran (Islamic Republic of)").entity().name(),
            "entities/ir");
}

// The shipped names: every alias and former name of every State resolves
// to that State alone, so no alias makes a guess.
TEST_F(RegistryTest, EveryShippedAliasResolvesToItsEntityAlone) {
  for (const StoredEntity& e : snapshot_->entities()) {
    for (const auto& alias : e.entity.aliases()) {
      const auto r = Resolve(alias);
      EXPECT_EQ(r.state(), v1::RESOLUTION_STATE_RESOLVED)
          << alias << " of " << e.entity.name();
      EXPECT_EQ(r.entity().name(), e.entity.name()) << alias;
    }
  }
}

}  // namespace
}  // namespace outreach::participants
