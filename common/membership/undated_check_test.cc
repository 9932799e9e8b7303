#include "common/membership/undated_check.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::membership {
namespace {

using ::outreach::type::v1::Date;
using ::testing::ElementsAre;

Date D(int y, int m, int d) {
  Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

pv::Membership Member(pv::MembershipGroup g, Date from, Date to) {
  pv::Membership m;
  m.set_group(g);
  *m.mutable_valid_from() = from;
  *m.mutable_valid_to() = to;
  return m;
}

TEST(InRangeTest, BoundsAreInclusiveAndUnsetBoundsAreOpen) {
  const Date none;
  EXPECT_TRUE(InRange(D(2013, 11, 5), D(2013, 11, 5), D(2013, 11, 5)));
  EXPECT_FALSE(InRange(D(2013, 11, 4), D(2013, 11, 5), none));
  EXPECT_FALSE(InRange(D(2013, 11, 6), none, D(2013, 11, 5)));
  EXPECT_TRUE(InRange(D(1900, 1, 1), none, none));
}

// Partners: either partner group makes a State a member of the label.
TEST(JudgeTest, MismatchesAreTheListedStatesInNoGroupOfTheLabelOnTheDate) {
  pv::UndatedMembershipCheck check;
  check.set_printed_group("OSCE Partners for Co-operation");
  check.add_groups(pv::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN);
  check.add_groups(pv::MEMBERSHIP_GROUP_OSCE_PARTNER_MEDITERRANEAN);
  auto* japan = check.add_listed_states();
  japan->set_printed_name("Japan");
  japan->set_entity("entities/jp");
  *japan->add_memberships() =
      Member(pv::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN, D(1992, 1, 1), {});
  auto* joiner = check.add_listed_states();
  joiner->set_printed_name("Joiner");
  joiner->set_entity("entities/jo");
  joiner->set_display_name("The Joiner");
  *joiner->add_memberships() =
      Member(pv::MEMBERSHIP_GROUP_UN_MEMBER, D(1950, 1, 1), {});
  *joiner->add_memberships() = Member(
      pv::MEMBERSHIP_GROUP_OSCE_PARTNER_MEDITERRANEAN, D(2012, 11, 21), {});
  check.add_unchecked_names("Atlantis");

  const auto before = Judge(check, D(2012, 11, 20));
  EXPECT_EQ(before.group(), pv::MEMBERSHIP_GROUP_OSCE_PARTNER_ASIAN);
  ASSERT_EQ(before.mismatches_size(), 1);
  EXPECT_EQ(before.mismatches(0).printed_name(), "Joiner");
  EXPECT_EQ(before.mismatches(0).entity(), "entities/jo");
  EXPECT_EQ(before.mismatches(0).display_name(), "The Joiner");
  EXPECT_THAT(before.mismatches(0).groups_on_date(),
              ElementsAre(pv::MEMBERSHIP_GROUP_UN_MEMBER));
  EXPECT_THAT(before.unchecked_names(), ElementsAre("Atlantis"));

  const auto after = Judge(check, D(2012, 11, 21));
  EXPECT_EQ(after.mismatches_size(), 0);
  EXPECT_THAT(after.unchecked_names(), ElementsAre("Atlantis"));
}

TEST(JudgeTest, ALabelNamingNoGroupChecksNothing) {
  pv::UndatedMembershipCheck check;
  check.set_printed_group("Other");
  check.add_listed_states()->set_printed_name("Japan");
  const auto judged = Judge(check, D(2013, 11, 5));
  EXPECT_EQ(judged.group(), pv::MEMBERSHIP_GROUP_UNSPECIFIED);
  EXPECT_EQ(judged.mismatches_size(), 0);
}

}  // namespace
}  // namespace outreach::membership
