#include "services/gateway/note/participants.h"

#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/note/test_lines.h"

namespace outreach::gateway::note {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;


// "group|name" for each participant.
std::vector<std::string> Read(const std::string& text) {
  Budget budget;
  auto r = ReadParticipants(LinesOf(text), "text", ParseLimits{}, budget);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const Participant& p : r->participants) {
    out.push_back(p.printed_group + "|" + p.printed_name);
  }
  return out;
}

TEST(ParticipantsTest, GroupingsAndListStyles) {
  struct Case {
    std::string name;
    std::string text;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"the seed: a label run on after the last name",
       "States-Members of the OSCE: Albania, Holy See, United States Other: "
       "European Union, UN ODA",
       {"States-Members of the OSCE|Albania",
        "States-Members of the OSCE|Holy See",
        "States-Members of the OSCE|United States", "Other|European Union",
        "Other|UN ODA"}},
      {"labels on lines of their own",
       "States:\nAlbania, Moldova\nInternational organizations:\nINTERPOL",
       {"States|Albania", "States|Moldova",
        "International organizations|INTERPOL"}},
      {"groups separated by semicolons",
       "States: Albania, Moldova; Other: OSCE",
       {"States|Albania", "States|Moldova", "Other|OSCE"}},
      {"groups separated by a full stop, list ending '... and X.'",
       "States: Moldova, Romania and Ukraine. International organizations: "
       "World Customs Organization (WCO)",
       {"States|Moldova", "States|Romania", "States|Ukraine",
        "International organizations|World Customs Organization (WCO)"}},
      {"one name per line, bulleted",
       "Other States:\n- Bosnia and Herzegovina\n\u2022 Japan\n* the Republic "
       "of Korea",
       {"Other States|Bosnia and Herzegovina", "Other States|Japan",
        "Other States|the Republic of Korea"}},
      {"one name per line, plain, no label",
       "Albania\nTrinidad and Tobago",
       {"|Albania", "|Trinidad and Tobago"}},
      {"in alphabetical order",
       "States (in alphabetical order): Albania, Malta",
       {"States|Albania", "States|Malta"}},
      {"names that contain 'and' are never split",
       "Other: Food and Agriculture Organization (FAO), Bosnia and "
       "Herzegovina and Saint Kitts and Nevis",
       {"Other|Food and Agriculture Organization (FAO)",
        "Other|Bosnia and Herzegovina", "Other|Saint Kitts and Nevis"}},
      {"acronyms and notes in parentheses keep their commas",
       "Other: 1540 Committee (two experts, one chair), UN ODA",
       {"Other|1540 Committee (two experts, one chair)", "Other|UN ODA"}},
      {"a label with commas of its own",
       "Civil society, private sector and other entities: VERTIC, SIPRI",
       {"Civil society, private sector and other entities|VERTIC",
        "Civil society, private sector and other entities|SIPRI"}},
      {"a name wrapped over two lines",
       "States: Albania, The former Yugoslav Republic of\nMacedonia, Malta",
       {"States|Albania", "States|The former Yugoslav Republic of Macedonia",
        "States|Malta"}},
      {"a regional body's member States",
       "Member States of the African Union: Kenya, Nigeria",
       {"Member States of the African Union|Kenya",
        "Member States of the African Union|Nigeria"}},
      {"a known label without a colon on its own line",
       "Industry\nSiemens\nBASF",
       {"Industry|Siemens", "Industry|BASF"}},
      {"short forms and a leading 'the' are kept as printed",
       "States: UK, USA, the Kyrgyz Republic",
       {"States|UK", "States|USA", "States|the Kyrgyz Republic"}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Read(c.text), ElementsAreArray(c.want)) << c.name;
  }
}

TEST(ParticipantsTest, NotesPositionsAndLines) {
  Budget budget;
  auto r = ReadParticipants(
      LinesOf("International organizations:\nINTERPOL,\n1540 Committee (two "
              "1540 Committee experts)"),
      "text", ParseLimits{}, budget);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->participants.size(), 2u);
  EXPECT_EQ(r->participants[1].note, "two 1540 Committee experts");
  EXPECT_EQ(r->participants[0].note, "");
  EXPECT_EQ(r->participants[1].position, 1);
  EXPECT_EQ(r->participants[1].line, 3);
  ASSERT_EQ(r->accounts.size(), 3u);
  EXPECT_EQ(r->accounts[0].use, LineUse::kParticipantGroup);
  EXPECT_EQ(r->accounts[2].target, "participants/International organizations");
}

TEST(ParticipantsTest, LimitsAreRefusedByName) {
  struct Case {
    std::string name;
    std::string text;
    std::string why;
  };
  ParseLimits limits;
  limits.max_groups = 3;
  limits.max_names_per_group = 3;
  limits.max_names = 5;
  limits.max_name_bytes = 20;
  std::string colons;
  for (int i = 0; i < 100000; ++i) colons += "a:";
  const std::vector<Case> cases = {
      {"groups", colons, "more than 3 groups (max_groups)"},
      {"names per group", "S: a, b, c, d", "(max_names_per_group)"},
      {"names", "S: a, b; T: c, d; U: e, f", "(max_names)"},
      {"name length", "S: " + std::string(30, 'x'), "(max_name_bytes)"},
  };
  for (const Case& c : cases) {
    Budget budget;
    auto r = ReadParticipants(LinesOf(c.text), "text", limits, budget);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = GetFieldViolations(r.status());
    ASSERT_EQ(v.size(), 1u);
    EXPECT_THAT(v[0].description, HasSubstr(c.why)) << c.name;
  }
}

TEST(ParticipantsTest, HostileListsEndQuickly) {
  // Commas, parentheses and "and" by the tens of thousands: each read once.
  for (const char* unit : {",", "(", ")", " and", ":", "; "}) {
    std::string text = "S: ";
    while (text.size() < 60000) text += unit;
    Budget budget;
    const absl::Time start = absl::Now();
    auto r = ReadParticipants(LinesOf(text), "text", ParseLimits{}, budget);
    EXPECT_LT(absl::Now() - start, absl::Milliseconds(500)) << unit;
  }
}

TEST(ParticipantsTest, SplitNames) {
  EXPECT_THAT(SplitNames("A, B (x, y) and C."),
              ElementsAreArray({"A", "B (x, y)", "C"}));
  EXPECT_THAT(SplitNames("Trinidad and Tobago"),
              ElementsAreArray({"Trinidad and Tobago"}));
  EXPECT_EQ(CleanName(" and U.S."), "U.S.");
  EXPECT_EQ(CleanName("Ukraine."), "Ukraine");
}

}  // namespace
}  // namespace outreach::gateway::note
